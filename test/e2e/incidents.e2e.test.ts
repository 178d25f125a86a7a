/**
 * The DPO's breach screen in a real browser: an administrator (passkey)
 * declares an incident, sees the 72-hour clock, adds "database copied",
 * computes the scope and the assessment; the screenshot is kept in
 * test-results/.
 */
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { Browser } from 'playwright-core';
import { addVirtualAuthenticator, freePort, hasChromium, launchChromium, signInWithPassword } from '../helpers/browser.js';
import { fastSealedBody, generateEnquiry } from '../helpers/enquiries.js';
import { ADMIN, createHarness, type Harness } from '../helpers/harness.js';

const ARTIFACTS = path.resolve(import.meta.dirname, '../../test-results');
const skip = hasChromium() || process.env['TACET_REQUIRE_BROWSER'] === '1' ? false : 'chromium is not installed (npm test installs it)';

describe('breach response in the browser', { skip }, () => {
  let harness: Harness;
  let browser: Browser;
  let coreUrl: string;

  before(async () => {
    const port = await freePort();
    coreUrl = `http://localhost:${port}`;
    harness = await createHarness('sqlite', { env: { TACET_COOKIE_SECURE: 'true', TACET_CORE_ORIGIN: coreUrl, TACET_AUTH_RATE_MAX: '1000' } });
    const token = (await harness.intake.app.inject({ url: '/v1/publication' })).json<{ formToken: string }>().formToken;
    for (let i = 0; i < 5; i++) await harness.intake.app.inject({ method: 'POST', url: '/v1/enquiries', payload: fastSealedBody(harness.publication, 'clinic-a', generateEnquiry(900 + i), token) });
    await harness.core.ingest.drain();
    await harness.core.app.listen({ host: '127.0.0.1', port });
    browser = await launchChromium();
  });

  after(async () => {
    await browser?.close();
    await harness?.close();
  });

  it('declares an incident, shows the clock, scopes a database copy and assesses it', async () => {
    const context = await browser.newContext({ viewport: { width: 1280, height: 1600 } });
    const page = await context.newPage();
    await addVirtualAuthenticator(context, page);
    await page.goto(`${coreUrl}/`);
    await signInWithPassword(page, ADMIN);
    await page.getByRole('button', { name: 'Create a passkey' }).click();
    await page.getByRole('button', { name: 'I have saved them' }).click();
    await page.getByRole('link', { name: 'Incidents' }).click();
    await page.getByRole('heading', { name: 'Incidents' }).waitFor();
    await page.getByText('Declare an incident').click();
    await page.getByLabel('Title').fill('Database copy found on a file-sharing site');
    const now = new Date(Date.now() - 2 * 3_600_000);
    const local = new Date(now.getTime() - now.getTimezoneOffset() * 60_000).toISOString().slice(0, 16);
    await page.getByLabel('We became aware at').fill(local);
    await page.getByLabel('What happened').fill('A copy of the database was offered for sale.');
    await page.getByRole('button', { name: 'Declare' }).click();
    const timer = page.getByRole('timer');
    await timer.waitFor();
    assert.match((await timer.textContent()) ?? '', /^(69|70) h \d+ min left/);
    await page.getByLabel('Kind').selectOption('component');
    await page.getByLabel(/^Value/).fill('database-copy');
    await page.getByRole('button', { name: 'Add indicator' }).click();
    await page.getByText('component: database-copy').waitFor();
    await page.getByRole('button', { name: 'Compute scope' }).click();
    await page.getByText('Unintelligible (encrypted, keys not exposed)').waitFor();
    assert.equal(await page.locator('dl.detail dd').first().textContent(), '5');
    await page.getByRole('button', { name: /^Assess/ }).click();
    await page.getByText(/Notices to individuals not required/).waitFor();
    fs.mkdirSync(ARTIFACTS, { recursive: true });
    await page.screenshot({ path: path.join(ARTIFACTS, 'incident.png'), fullPage: true });
    await context.close();
  });
});
