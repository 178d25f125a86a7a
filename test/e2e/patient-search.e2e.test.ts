/**
 * Patient search at the front desk, in a real browser: a receptionist's
 * two-letter search that matches more than ten patients is answered "too
 * broad" (nobody shown, nothing opened), a full name finds the patient.
 * Screenshots at phone, tablet and desktop widths (test-results/), and
 * axe-core finds no WCAG A/AA violation on either screen.
 */
import assert from 'node:assert/strict';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { Secret, TOTP } from 'otpauth';
import type { Browser } from 'playwright-core';
import { axeViolations } from '../helpers/axe.js';
import { ARTIFACTS, BROWSER_SKIP, createBrowserHarness, launchChromium } from '../helpers/browser.js';
import { generateEnquiry } from '../helpers/enquiries.js';
import { ADMIN, type Harness, post, RECEPTION, signIn, submitEnquiries } from '../helpers/harness.js';

const NAMES = ['Thomas Hale', 'Thea Morgan', 'Theo Clarke', 'Thomas Wright', 'Martha Thompson', 'Thomasina Reid', 'Ethan Thorne', 'Thalia Brooks', 'Theodore Nash', 'Thora Quinn', 'Tahlia Thwaite', 'Thomas Okafor', 'Priya Thakur'];

describe('patient search at the front desk, in the browser', { skip: BROWSER_SKIP }, () => {
  let harness: Harness;
  let browser: Browser;
  let coreUrl: string;

  before(async () => {
    let listen: () => Promise<void>;
    ({ harness, coreUrl, listen } = await createBrowserHarness());
    await submitEnquiries(harness, NAMES.map((name, i) => ({ ...generateEnquiry(i), name, dob: `19${70 + i}-0${1 + (i % 9)}-1${i % 9}` })));
    const admin = await signIn(harness.core.app, ADMIN, coreUrl);
    for (const row of await harness.core.db.selectFrom('enquiries').select('id').execute()) {
      assert.equal((await post(harness.core.app, `/api/v1/enquiries/${row.id}/convert`, admin)).statusCode, 201);
    }
    await listen();
    browser = await launchChromium();
  });

  after(async () => {
    await browser?.close();
    await harness?.close();
  });

  it('answers a two-letter search as too broad, finds a full name, and passes axe at 390, 768 and 1280 px', async () => {
    const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
    const page = await context.newPage();
    await page.goto(`${coreUrl}/`);
    await page.getByLabel('Email').fill(RECEPTION.email);
    await page.getByLabel('Password').fill(RECEPTION.password);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('button', { name: 'Set up an authenticator app' }).click();
    const secret = (await page.locator('code.secret').textContent()) ?? '';
    await page.getByLabel('Code from the app').fill(new TOTP({ secret: Secret.fromBase32(secret), digits: 6, period: 30, algorithm: 'SHA1' }).generate());
    await page.getByRole('button', { name: 'Confirm' }).click();
    await page.getByRole('button', { name: 'I have saved them' }).click();
    await page.getByRole('link', { name: 'Patients' }).click();
    await page.getByRole('heading', { name: 'Patients' }).waitFor();

    await page.getByLabel('Name').fill('Th');
    await page.getByRole('button', { name: 'Search' }).click();
    await page.getByText('More than 10 patients match').waitFor();
    assert.equal(await page.getByRole('region', { name: 'Search results' }).getByRole('link').count(), 0, 'nobody shown');
    const opened = await harness.core.db.selectFrom('audit_events').select('seq').where('action', '=', 'patient.search-result').execute();
    assert.equal(opened.length, 0, 'nobody opened');
    for (const width of [390, 768, 1280]) {
      await page.setViewportSize({ width, height: 900 });
      await page.screenshot({ path: path.join(ARTIFACTS, `patient-search-too-broad-${width}.png`), fullPage: true });
      assert.deepEqual(await axeViolations(page), [], `axe at ${width} px`);
    }

    await page.getByLabel('Name').fill('Thomas Wright');
    await page.getByRole('button', { name: 'Search' }).click();
    await page.getByRole('link', { name: 'Thomas Wright' }).waitFor();
    for (const width of [390, 768, 1280]) {
      await page.setViewportSize({ width, height: 900 });
      await page.screenshot({ path: path.join(ARTIFACTS, `patient-search-found-${width}.png`), fullPage: true });
      assert.deepEqual(await axeViolations(page), [], `axe at ${width} px`);
    }
    await context.close();
  });
});
