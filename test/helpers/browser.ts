/** Debian's Chromium through playwright-core, with the flags this closed network needs. */
import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { type Browser, type BrowserContext, chromium, type Page } from 'playwright-core';
import { createHarness, type Harness, type HarnessOptions } from './harness.js';

export const CHROMIUM_PATH = process.env['TACET_CHROMIUM'] ?? '/usr/bin/chromium';

/** Whether a browser is installed (CI installs it; `npm test` does too). */
export function hasChromium(): boolean {
  return fs.existsSync(CHROMIUM_PATH);
}

/**
 * The `skip` option of a browser suite: `npm test` installs Chromium and sets
 * TACET_REQUIRE_BROWSER=1, so there a missing browser fails instead of skipping.
 */
export const BROWSER_SKIP: false | string = hasChromium() || process.env['TACET_REQUIRE_BROWSER'] === '1' ? false : 'chromium is not installed (npm test installs it)';

/** Where browser tests keep their screenshots. */
export const ARTIFACTS = path.resolve(import.meta.dirname, '../../test-results');

/**
 * A test installation for a browser: the core's origin is fixed before it
 * starts (WebAuthn binds passkeys to it; Chromium treats http://localhost as
 * a secure context, so the real __Host- cookie is exercised). Seed it, then
 * `listen()`.
 */
export async function createBrowserHarness(env: Record<string, string> = {}, options: Pick<HarnessOptions, 'formSecret'> = {}): Promise<{ harness: Harness; coreUrl: string; listen: () => Promise<void> }> {
  const port = await freePort();
  const coreUrl = `http://localhost:${port}`;
  const harness = await createHarness('sqlite', { ...options, env: { TACET_COOKIE_SECURE: 'true', TACET_CORE_ORIGIN: coreUrl, TACET_AUTH_RATE_MAX: '1000', ...env } });
  return { harness, coreUrl, listen: async () => void (await harness.core.app.listen({ host: '127.0.0.1', port })) };
}

/** Launch headless Chromium. */
export function launchChromium(): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM_PATH,
    headless: true,
    args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run', '--disable-quic'],
  });
}

/** A free loopback port, known before the core starts (WebAuthn binds passkeys to the configured origin). */
export async function freePort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as net.AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

/** A Chrome DevTools virtual authenticator (platform passkey with user verification). */
export async function addVirtualAuthenticator(context: BrowserContext, page: Page): Promise<void> {
  const cdp = await context.newCDPSession(page);
  await cdp.send('WebAuthn.enable');
  await cdp.send('WebAuthn.addVirtualAuthenticator', {
    options: { protocol: 'ctap2', transport: 'internal', hasResidentKey: true, hasUserVerification: true, isUserVerified: true, automaticPresenceSimulation: true },
  });
}

export async function signInWithPassword(page: Page, who: { email: string; password: string }): Promise<void> {
  await page.getByLabel('Email').fill(who.email);
  await page.getByLabel('Password').fill(who.password);
  await page.getByRole('button', { name: 'Sign in' }).click();
}
