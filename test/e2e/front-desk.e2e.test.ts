/**
 * The front desk in a real browser. A receptionist's day: she starts her
 * shift, 80 new enquiries are routed to her, and she works every one from
 * Today (open it, log the call, move it on) with no lockout. Then a stolen
 * login tries to use the queue to bulk-read: taking work is refused at the
 * claim limit, and reading past its queue locks the account within the
 * request. The screens are checked with axe-core and photographed at phone,
 * tablet and desktop widths.
 */
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { axeViolations } from '../helpers/axe.js';
import { ARTIFACTS, BROWSER_SKIP, createBrowserHarness, launchChromium } from '../helpers/browser.js';
import { generateEnquiries } from '../helpers/enquiries.js';
import { type Harness, RECEPTION, signIn, submitEnquiries } from '../helpers/harness.js';
import { createStaff } from '../../src/core/org/org.repository.js';
import { hashPassword } from '../../src/crypto/passphrase.js';

const THIEF = { email: 'borrowed.login@clinic.test', password: 'cobalt harbour pepper 19', name: 'Borrowed Login' };
const SHOTS = path.resolve(import.meta.dirname, '../../docs/screenshots');

describe('the front desk in the browser', { skip: BROWSER_SKIP }, () => {
  let harness: Harness;
  let browser: Browser;
  let coreUrl: string;

  /** A browser context signed in as `who` (the session made through the API, its cookie handed to the browser). */
  async function signedIn(who: { email: string; password: string }): Promise<{ context: BrowserContext; page: Page }> {
    const cookie = await signIn(harness.core.app, who, coreUrl);
    const [name, value] = cookie.split('=') as [string, string];
    const context = await browser.newContext();
    await context.addCookies([{ name, value, domain: 'localhost', path: '/', secure: true, httpOnly: true, sameSite: 'Strict' }]);
    return { context, page: await context.newPage() };
  }

  async function shoot(page: Page, name: string): Promise<void> {
    for (const width of [390, 768, 1280]) {
      await page.setViewportSize({ width, height: 900 });
      await page.screenshot({ path: path.join(SHOTS, `${name}-${width}.png`), fullPage: true });
    }
    await page.setViewportSize({ width: 1280, height: 900 });
  }

  const serious = async (page: Page) => (await axeViolations(page)).filter((v) => v.impact === 'serious' || v.impact === 'critical');

  before(async () => {
    fs.mkdirSync(ARTIFACTS, { recursive: true });
    fs.mkdirSync(SHOTS, { recursive: true });
    const built = await createBrowserHarness({ TACET_INTAKE_RATE_MAX: '1000' });
    harness = built.harness;
    coreUrl = built.coreUrl;
    const organisationId = (await harness.core.db.selectFrom('organisations').select('id').executeTakeFirstOrThrow()).id;
    await createStaff(harness.core.db, { organisationId, email: THIEF.email, displayName: THIEF.name, passwordHash: await hashPassword(THIEF.password), orgRole: null, roles: [{ clinicId: harness.clinicIds['clinic-a'] as string, role: 'receptionist' }] }, new Date().toISOString());
    await built.listen();
    browser = await launchChromium();
  });
  after(async () => {
    await browser?.close();
    await harness?.close();
  });

  it("a receptionist's day: 80 new enquiries routed to her and worked from Today, none locked out", async () => {
    const { context, page } = await signedIn(RECEPTION);
    await page.goto(`${coreUrl}/`);
    await page.getByRole('heading', { name: 'Today', exact: true }).waitFor();
    await page.getByRole('button', { name: 'Start shift at Clinic A' }).click();
    await page.getByRole('button', { name: 'End shift at Clinic A' }).waitFor();
    await submitEnquiries(harness, generateEnquiries(3001, 80), { clinic: 'clinic-a' });
    await page.reload();
    await page.getByRole('heading', { name: 'My queue (80)' }).waitFor();
    const queue = page.getByRole('region', { name: 'My queue (80)' });
    assert.equal(await queue.getByRole('row').count(), 81);
    await shoot(page, 'front-desk-today');
    assert.deepEqual(await serious(page), []);

    for (let i = 0; i < 80; i += 1) {
      // The oldest waiting first; a worked enquiry says "Answered in time".
      await page.getByRole('region', { name: /^My queue/ }).getByRole('row').filter({ hasText: 'Due' }).first().getByRole('link').click();
      await page.getByRole('heading', { name: 'Work on this enquiry' }).waitFor();
      if (i === 0) {
        await shoot(page, 'front-desk-enquiry');
        assert.deepEqual(await serious(page), []);
      }
      await page.getByLabel('Call outcome').selectOption('reached');
      await page.getByRole('button', { name: 'Log call' }).click();
      await page.getByText(/Call: reached/).waitFor();
      await page.getByLabel('Stage', { exact: true }).selectOption('contacted');
      await page.getByRole('button', { name: 'Save stage' }).click();
      await page.getByText('Answered in time').first().waitFor();
      await page.getByRole('link', { name: 'Today' }).click();
      await page.getByRole('heading', { name: 'My queue (80)' }).waitFor();
    }
    assert.equal(await page.getByRole('region', { name: /^My queue/ }).getByRole('row').filter({ hasText: 'Due' }).count(), 0);
    const me = await harness.core.db.selectFrom('staff').select('locked_at').where('email', '=', RECEPTION.email).executeTakeFirstOrThrow();
    assert.equal(me.locked_at, null, 'the receptionist was locked out');
    const contacted = await harness.core.db.selectFrom('enquiries').select('id').where('status', '=', 'contacted').execute();
    assert.equal(contacted.length, 80);

    await page.getByRole('link', { name: 'Pipeline' }).click();
    await page.getByRole('heading', { name: 'Pipeline' }).waitFor();
    await page.getByRole('cell', { name: /^ENQ-/ }).first().waitFor();
    await shoot(page, 'front-desk-pipeline');
    assert.deepEqual(await serious(page), []);
    await page.getByRole('button', { name: 'End shift at Clinic A' }).count();
    await context.close();
  });

  it('a stolen login is refused more work at the claim limit, and locked when it reads past its queue', async () => {
    // Nobody on shift now: new enquiries wait in the pool.
    await harness.core.db.deleteFrom('staff_shifts').execute();
    await submitEnquiries(harness, generateEnquiries(3101, 100), { clinic: 'clinic-a' });
    const { context, page } = await signedIn(THIEF);
    await page.goto(`${coreUrl}/`);
    await page.getByRole('heading', { name: 'Today', exact: true }).waitFor();
    // Take the next 5, again and again: the 40-an-hour claim limit refuses the ninth.
    for (let i = 0; i < 8; i += 1) {
      await page.getByRole('button', { name: 'Take the next 5' }).click();
      await page.getByRole('heading', { name: `My queue (${(i + 1) * 5})` }).waitFor();
    }
    await page.getByRole('button', { name: 'Take the next 5' }).click();
    await page.getByText('You have taken on as many enquiries as one person may').waitFor();
    await page.getByRole('heading', { name: 'My queue (40)' }).waitFor();
    // Beyond its queue, each enquiry opened counts against the read limit (40 in 10 minutes).
    const pool = await harness.core.db.selectFrom('enquiries').select('id').where('assigned_to', 'is', null).execute();
    let opened = 0;
    for (const row of pool) {
      await page.goto(`${coreUrl}/enquiries/${row.id}`);
      const outcome = await Promise.race([
        page.getByRole('heading', { name: 'Work on this enquiry' }).waitFor().then(() => 'opened'),
        page.getByText(/locked to protect patients/).waitFor().then(() => 'locked'),
      ]);
      if (outcome === 'locked') break;
      opened += 1;
    }
    assert.equal(opened, 40);
    assert.notEqual((await harness.core.db.selectFrom('staff').select('locked_at').where('email', '=', THIEF.email).executeTakeFirstOrThrow()).locked_at, null);
    await context.close();
  });
});
