/**
 * The staff UI on a phone, a tablet and a desktop, in light and dark mode.
 * Each demo role (administrator, DPO, receptionist, nurse, practitioner,
 * clinic manager) signs in with a passkey and every page it can open (its
 * menu, plus an enquiry, a patient and an incident) is visited at 390 px:
 * none may scroll the page sideways. The main screens are checked with
 * axe-core in both colour schemes (0 serious or critical), and the folded
 * menu is a working disclosure. Screenshots of the main screens at 390, 768
 * and 1280 px go to test-results/ui/ (docs/screenshots/ holds the reviewed set).
 */
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { createStaff } from '../../src/core/org/org.repository.js';
import { hashPassword } from '../../src/crypto/passphrase.js';
import { type AxeViolation, axeViolations } from '../helpers/axe.js';
import { addVirtualAuthenticator, ARTIFACTS, BROWSER_SKIP, createBrowserHarness, launchChromium, signInWithPassword } from '../helpers/browser.js';
import { generateEnquiries } from '../helpers/enquiries.js';
import { ADMIN, type Harness, post, RECEPTION, signIn, stepUp, submitEnquiries } from '../helpers/harness.js';

const SEEDER = { email: 'seeder@clinic.test', password: 'copper lantern meadow 93 brisk' };
const role = (email: string, name: string, password: string) => ({ email, name, password });
const DPO = role('dpo@clinic.test', 'Dana Protection', 'marble falcon winter 27 quiet');
const NURSE = role('nurse@clinic.test', 'Nia Nurse', 'silver orchard candle 35 drift');
const PRACTITIONER = role('doctor@clinic.test', 'Dr Priya Practitioner', 'velvet canyon harbour 81 maple');
const MANAGER = role('manager@clinic.test', 'Milo Manager', 'cobalt meadow lantern 46 ember');
const SHOTS = path.join(ARTIFACTS, 'ui');

/** Serious or critical axe findings, readable in an assertion message. */
const serious = (violations: AxeViolation[]) => violations.filter((v) => v.impact === 'serious' || v.impact === 'critical').map((v) => `${v.id}: ${v.help} (${v.targets.slice(0, 3).join(', ')})`);

describe('the staff UI at 390, 768 and 1280 px, light and dark', { skip: BROWSER_SKIP }, () => {
  let harness: Harness;
  let browser: Browser;
  let coreUrl: string;
  const detail: Record<string, string> = {};

  before(async () => {
    let listen: () => Promise<void>;
    ({ harness, coreUrl, listen } = await createBrowserHarness());
    await submitEnquiries(harness, generateEnquiries(1200, 6));
    const db = harness.core.db;
    const organisationId = (await db.selectFrom('organisations').select('id').executeTakeFirstOrThrow()).id;
    const clinicA = harness.clinicIds['clinic-a'] as string;
    // A second administrator seeds through the API, so the browser's people enrol their own passkeys.
    await createStaff(db, { organisationId, email: SEEDER.email, displayName: 'Seeder', passwordHash: await hashPassword(SEEDER.password), orgRole: 'administrator', roles: [{ clinicId: clinicA, role: 'clinic_manager' }] }, new Date().toISOString());
    const app = harness.core.app;
    const seeder = await signIn(app, SEEDER, coreUrl);
    await stepUp(app, seeder, SEEDER.email, coreUrl);
    for (const [who, orgRole, clinicRole] of [
      [DPO, 'dpo', null],
      [NURSE, null, 'nurse'],
      [PRACTITIONER, null, 'practitioner'],
      [MANAGER, null, 'clinic_manager'],
    ] as const) {
      const created = await post(app, '/api/v1/staff', seeder, { ...who, orgRole, clinicRoles: clinicRole ? [{ clinicId: clinicA, role: clinicRole }] : [] });
      assert.equal(created.statusCode, 201, created.body);
    }
    const enquiries = await db.selectFrom('enquiries').select('id').where('clinic_id', '=', clinicA).execute();
    detail['enquiry'] = (enquiries[0] as { id: string }).id;
    const converted = await post(app, `/api/v1/enquiries/${(enquiries[1] as { id: string }).id}/convert`, seeder);
    assert.equal(converted.statusCode, 201, converted.body);
    detail['patient'] = converted.json<{ patientId: string }>().patientId;
    const form = await post(app, '/api/v1/consent-forms', seeder, { kind: 'photo', procedureKey: 'photos', title: 'Clinical photography', body: 'I agree to clinical photographs being taken and kept in my record.' });
    assert.equal(form.statusCode, 201, form.body);
    const incident = await post(app, '/api/v1/incidents', seeder, { title: 'Laptop left on a train', regime: 'uk-gdpr', awareAt: new Date().toISOString(), details: { whatHappened: 'A laptop was left on a train.', howDiscovered: 'Reported by the owner.', likelyConsequences: '', measuresBefore: 'Disk encryption.', measuresAfter: '', staffInvolved: true, staffTraining: '', contactPoint: 'dpo@clinic.test' } });
    assert.equal(incident.statusCode, 201, incident.body);
    detail['incident'] = incident.json<{ id: string }>().id;
    await listen();
    browser = await launchChromium();
    fs.mkdirSync(SHOTS, { recursive: true });
  });

  after(async () => {
    for (const { context } of sessions.values()) await context.close();
    await browser?.close();
    await harness?.close();
  });

  const sessions = new Map<string, { context: BrowserContext; page: Page }>();
  /** A signed-in browser for `who` (passkey enrolled at first sign-in; kept for the next test), at 390 px. */
  async function signedIn(who: { email: string; password: string }): Promise<{ context: BrowserContext; page: Page }> {
    const known = sessions.get(who.email);
    if (known) {
      await known.page.setViewportSize({ width: 390, height: 844 });
      await known.page.emulateMedia({ colorScheme: 'light' });
      return known;
    }
    const context = await browser.newContext({ viewport: { width: 390, height: 844 } });
    const page = await context.newPage();
    await addVirtualAuthenticator(context, page);
    await page.goto(`${coreUrl}/`);
    await signInWithPassword(page, who);
    await page.getByRole('button', { name: 'Create a passkey' }).click();
    await page.getByRole('button', { name: 'I have saved them' }).click();
    await page.getByRole('button', { name: 'Menu' }).waitFor();
    sessions.set(who.email, { context, page });
    return { context, page };
  }

  /** Open a path and wait until its page has rendered its heading. */
  async function open(page: Page, pathname: string): Promise<void> {
    await page.goto(`${coreUrl}${pathname}`);
    await page.locator('main h1').first().waitFor();
    await page.waitForLoadState('networkidle');
  }

  /** The innermost elements reaching past the viewport's right edge (for the failure message). */
  const tooWide = (page: Page) =>
    page.evaluate(() =>
      [...document.querySelectorAll('body *')]
        .filter((e) => e.getBoundingClientRect().right > document.documentElement.clientWidth + 0.5 && ![...e.children].some((c) => c.getBoundingClientRect().right > document.documentElement.clientWidth + 0.5))
        .slice(0, 5)
        .map((e) => `${e.tagName.toLowerCase()}${e.id ? `#${e.id}` : ''}${e.className && typeof e.className === 'string' ? `.${e.className.split(' ').join('.')}` : ''} (${Math.round(e.getBoundingClientRect().right)} px)`)
        .join(', '),
    );
  const scrollWidth = (page: Page) => page.evaluate(() => document.documentElement.scrollWidth);

  it('fits every page each demo role can open into 390 px, with no sideways page scroll', async () => {
    const checked: string[] = [];
    for (const who of [ADMIN, DPO, RECEPTION, NURSE, PRACTITIONER, MANAGER]) {
      const { page } = await signedIn(who);
      const menu = await page.locator('#main-menu nav a').evaluateAll((links) => links.map((a) => a.getAttribute('href') as string));
      assert.ok(menu.length >= 2, `${who.email} has a menu`);
      const extra = [`/enquiries/${detail['enquiry']}`, `/patients/${detail['patient']}`, `/incidents/${detail['incident']}`, '/incidents/template'].filter((p) => menu.some((m) => p.startsWith(m)));
      for (const pathname of [...menu, ...extra]) {
        await open(page, pathname);
        // Open every <details> too: folded forms must fit when unfolded.
        await page.locator('main details:not([open]) > summary').evaluateAll((summaries) => summaries.forEach((s) => (s as HTMLElement).click()));
        const width = await scrollWidth(page);
        assert.ok(width <= 390, `${who.email} ${pathname}: the page is ${width} px wide at 390; too wide: ${await tooWide(page)}`);
        checked.push(pathname);
      }
    }
    assert.ok(new Set(checked).size >= 15, `pages checked: ${[...new Set(checked)].join(' ')}`);
  });

  it('folds the menu behind an accessible Menu button on a phone, and shows it inline on a desktop', async () => {
    const { page } = await signedIn(ADMIN);
    const toggle = page.getByRole('button', { name: 'Menu' });
    assert.equal(await toggle.getAttribute('aria-expanded'), 'false');
    assert.equal(await toggle.getAttribute('aria-controls'), 'main-menu');
    assert.equal(await page.getByRole('link', { name: 'Staff' }).isVisible(), false, 'the menu is folded');
    await toggle.click();
    assert.equal(await toggle.getAttribute('aria-expanded'), 'true');
    await page.getByRole('link', { name: 'Staff' }).click();
    await page.getByRole('heading', { name: 'Staff', exact: true }).waitFor();
    assert.equal(await toggle.getAttribute('aria-expanded'), 'false', 'moving to a page folds the menu again');
    assert.ok((await scrollWidth(page)) <= 390);
    await page.setViewportSize({ width: 1280, height: 900 });
    assert.equal(await toggle.isVisible(), false);
    assert.equal(await page.getByRole('link', { name: 'Staff' }).getAttribute('aria-current'), 'page');
  });

  it('has no serious or critical axe violation on the main screens, in light and in dark mode; screenshots at three widths', async () => {
    const main: [string, string][] = [
      ['enquiries', '/enquiries'],
      ['enquiry', `/enquiries/${detail['enquiry']}`],
      ['patient', `/patients/${detail['patient']}`],
      ['staff', '/staff'],
      ['consent-forms', '/consent-forms'],
      ['incident', `/incidents/${detail['incident']}`],
      ['compliance', '/compliance'],
      ['security', '/security'],
    ];
    const { page } = await signedIn(ADMIN);
    const found: string[] = [];
    for (const scheme of ['light', 'dark'] as const) {
      await page.emulateMedia({ colorScheme: scheme });
      for (const [, pathname] of main) {
        for (const width of [390, 1280]) {
          await page.setViewportSize({ width, height: 900 });
          await open(page, pathname);
          found.push(...serious(await axeViolations(page)).map((v) => `${scheme} ${width} ${pathname}: ${v}`));
        }
      }
    }
    assert.deepEqual(found, []);
    await page.emulateMedia({ colorScheme: 'light' });
    for (const [name, pathname] of main) {
      for (const width of [390, 768, 1280]) {
        await page.setViewportSize({ width, height: 900 });
        await open(page, pathname);
        await page.screenshot({ path: path.join(SHOTS, `${name}-${width}.png`), fullPage: true });
      }
    }
    await page.emulateMedia({ colorScheme: 'dark' });
    await page.setViewportSize({ width: 1280, height: 900 });
    await open(page, '/staff');
    await page.screenshot({ path: path.join(SHOTS, 'staff-1280-dark.png'), fullPage: true });
    await page.setViewportSize({ width: 390, height: 844 });
    await open(page, '/enquiries');
    await page.screenshot({ path: path.join(SHOTS, 'enquiries-390-dark.png'), fullPage: true });
  });
});
