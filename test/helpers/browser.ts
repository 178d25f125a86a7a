/** Debian's Chromium through playwright-core, with the flags this closed network needs. */
import fs from 'node:fs';
import { type Browser, chromium } from 'playwright-core';

export const CHROMIUM_PATH = process.env['TACET_CHROMIUM'] ?? '/usr/bin/chromium';

/** Whether a browser is installed (CI installs it; `npm test` does too). */
export function hasChromium(): boolean {
  return fs.existsSync(CHROMIUM_PATH);
}

/** Launch headless Chromium. */
export function launchChromium(): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM_PATH,
    headless: true,
    args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run', '--disable-quic'],
  });
}
