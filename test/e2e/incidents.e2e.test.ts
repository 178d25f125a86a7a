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
import { addVirtualAuthenticator, ARTIFACTS, BROWSER_SKIP, createBrowserHarness, launchChromium, signInWithPassword } from '../helpers/browser.js';
import { generateEnquiries } from '../helpers/enquiries.js';
import { ADMIN, type Harness, submitEnquiries } from '../helpers/harness.js';

describe('breach response in the browser', { skip: BROWSER_SKIP }, () => {
  let harness: Harness;
  let browser: Browser;
  let coreUrl: string;

  before(async () => {
    let listen: () => Promise<void>;
    ({ harness, coreUrl, listen } = await createBrowserHarness());
    await submitEnquiries(harness, generateEnquiries(900, 5));
    await listen();
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
