/**
 * Every quarantine reason, end to end, in a real browser. Each row is made
 * the way it happens (test/helpers/quarantine.ts: a browser-sealed body with
 * a future date of birth through the public API, an envelope for a clinic
 * the core does not know, one under a key id not in the keyring, a tampered
 * ciphertext, a sealed body that is not JSON) and ingested. Then a
 * receptionist sees them under "Needs attention", corrects and accepts what
 * can be opened, discards what cannot (after a confirmation), and a clinic
 * manager places the unattributed one in a clinic; the accepted enquiries
 * are in the enquiry list. Screenshots at 390, 768 and 1280 px go to
 * docs/screenshots/; axe-core finds nothing serious in light or dark mode.
 */
import assert from 'node:assert/strict';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import { axeViolations } from '../helpers/axe.js';
import { addVirtualAuthenticator, BROWSER_SKIP, createBrowserHarness, launchChromium, signInWithPassword } from '../helpers/browser.js';
import { ADMIN, type Harness, RECEPTION } from '../helpers/harness.js';
import { type Quarantined, quarantineEveryReason } from '../helpers/quarantine.js';

const SHOTS = path.resolve(import.meta.dirname, '../../docs/screenshots');
const WIDTHS = [390, 768, 1280] as const;

describe('every quarantine reason, end to end', { skip: BROWSER_SKIP }, () => {
  let harness: Harness;
  let browser: Browser;
  let coreUrl: string;
  let made: Quarantined;

  before(async () => {
    let listen: () => Promise<void>;
    ({ harness, coreUrl, listen } = await createBrowserHarness());
    await listen();
    made = await quarantineEveryReason(harness);
    browser = await launchChromium();
  });
  after(async () => {
    await browser?.close();
    await harness?.close();
  });

  async function signedIn(who: { email: string; password: string }): Promise<Page> {
    const context = await browser.newContext({ viewport: { width: 1280, height: 1000 } });
    const page = await context.newPage();
    await addVirtualAuthenticator(context, page);
    await page.goto(`${coreUrl}/needs-attention`);
    await signInWithPassword(page, who);
    await page.getByRole('button', { name: 'Create a passkey' }).click();
    await page.getByRole('button', { name: 'I have saved them' }).click();
    return page;
  }

  async function assertAccessible(page: Page, what: string): Promise<void> {
    for (const colorScheme of ['light', 'dark'] as const) {
      await page.emulateMedia({ colorScheme });
      const serious = (await axeViolations(page)).filter((v) => v.impact === 'serious' || v.impact === 'critical');
      assert.deepEqual(serious, [], `${what} (${colorScheme}): ${JSON.stringify(serious)}`);
    }
    await page.emulateMedia({ colorScheme: 'light' });
  }

  async function shoot(page: Page, name: string): Promise<void> {
    for (const width of WIDTHS) {
      await page.setViewportSize({ width, height: 900 });
      // Nothing runs off the side of a phone.
      assert.ok((await page.evaluate(() => document.documentElement.scrollWidth)) <= width, `${name} is wider than ${width} px`);
      await page.screenshot({ path: path.join(SHOTS, `${name}-${width}.png`), fullPage: true });
    }
    await page.setViewportSize({ width: 1280, height: 1000 });
  }

  const openRow = (page: Page, label: string) => page.getByRole('link', { name: label }).click();

  it('a receptionist corrects and accepts, or discards, every row of their clinic', async () => {
    const page = await signedIn(RECEPTION);
    await page.getByRole('heading', { name: 'Needs attention' }).waitFor();
    await page.getByRole('link', { name: /Needs attention\s*4 waiting/ }).waitFor();
    const rows = page.locator('tbody tr');
    assert.equal(await rows.count(), 4, 'the unattributed row is not a receptionist’s');
    await assertAccessible(page, 'list');
    await shoot(page, 'needs-attention-list');

    // invalid-fields: the date of birth is in the future.
    const fields = made['invalid-fields'].fields;
    assert.ok(fields);
    await openRow(page, 'Answers to correct');
    const dob = page.getByLabel(/Date of birth/);
    await dob.waitFor();
    assert.equal(await page.getByLabel('Full name', { exact: true }).inputValue(), fields.name);
    assert.equal(await dob.getAttribute('aria-invalid'), 'true');
    await assertAccessible(page, 'correct form');
    await shoot(page, 'needs-attention-correct');
    await dob.fill('1985-03-27');
    await page.getByRole('button', { name: 'Accept enquiry' }).click();
    await page.getByRole('heading', { name: 'Accepted' }).waitFor();
    const firstReference = ((await page.getByRole('link', { name: /^Open ENQ-/ }).textContent()) ?? '').replace('Open ', '');
    await page.getByRole('link', { name: /^Open ENQ-/ }).click();
    await page.getByText(fields.name).first().waitFor();
    await page.getByText('1985-03-27').waitFor();

    // invalid-json: read what was sent, fill in the form from it.
    await page.goto(`${coreUrl}/needs-attention`);
    await openRow(page, 'Not a form');
    await page.getByRole('heading', { name: 'What the form sent' }).waitFor();
    await page.getByText('name=Half a form&email=').waitFor();
    await page.getByLabel('Full name', { exact: true }).fill('Half Form');
    await page.getByLabel('E-mail', { exact: true }).fill('half.form@example.test');
    await page.getByLabel('Phone', { exact: true }).fill('020 7946 0999');
    await page.getByLabel('Procedure of interest').fill('Consultation');
    await page.getByRole('button', { name: 'Accept enquiry' }).click();
    // Consent was not given in what arrived: the form's rule still holds, and says so.
    await page.getByText(/This still does not pass|Tick the box|Invalid/).first().waitFor();
    await page.getByLabel(/agreed that the clinic may contact them/).check();
    await page.getByRole('button', { name: 'Accept enquiry' }).click();
    await page.getByRole('heading', { name: 'Accepted' }).waitFor();

    // unknown-key and open-failed cannot be opened: discard with a reason, after a confirmation.
    for (const label of ['Cannot be opened (key)', 'Damaged on the way']) {
      await page.goto(`${coreUrl}/needs-attention`);
      await openRow(page, label);
      await page.getByText('This envelope cannot be opened').waitFor();
      assert.equal(await page.getByRole('button', { name: 'Accept enquiry' }).count(), 0);
      await page.getByLabel('Why discard it?').selectOption('unreadable');
      await page.getByRole('button', { name: 'Discard…' }).click();
      await page.getByRole('alertdialog').waitFor();
      if (label === 'Damaged on the way') {
        await assertAccessible(page, 'discard confirmation');
        await shoot(page, 'needs-attention-discard');
      }
      await page.getByRole('button', { name: 'Yes, discard it' }).click();
      await page.getByRole('heading', { name: 'Needs attention' }).waitFor();
    }
    await page.getByText('Nothing needs attention').waitFor();

    await page.goto(`${coreUrl}/enquiries`);
    await page.getByRole('link', { name: firstReference }).waitFor();
    await page.context().close();
  });

  it('a clinic manager places the unattributed row in a clinic, and it reaches the enquiry list', async () => {
    const page = await signedIn(ADMIN);
    await openRow(page, 'Clinic not known');
    await page.getByText('Not known (the form said “clinic-gone”)').waitFor();
    const fields = made['unknown-clinic'].fields;
    assert.ok(fields);
    assert.equal(await page.getByLabel('Full name', { exact: true }).inputValue(), fields.name);
    await page.getByLabel('Clinic this enquiry is for').selectOption({ label: 'Clinic B' });
    await page.getByRole('button', { name: 'Accept enquiry' }).click();
    await page.getByRole('heading', { name: 'Accepted' }).waitFor();
    const reference = ((await page.getByRole('link', { name: /^Open ENQ-/ }).textContent()) ?? '').replace('Open ', '');
    await page.goto(`${coreUrl}/enquiries`);
    await page.getByRole('row', { name: new RegExp(`${reference}.*Clinic B`) }).waitFor();
    assert.equal(Number((await harness.core.db.selectFrom('inbox_quarantine').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow()).n), 0);
    await page.context().close();
  });
});
