/**
 * The administrator's set-up in a real browser, with no dead end: disabling
 * asks first (the dialog names the person, Cancel has the focus, Escape
 * keeps them) and re-enabling brings them back; a second clinic role is
 * added and the first removed; a locked account says what is locked and who
 * may unlock it, and the unlock works; consent forms are created and
 * versioned; the policy short name's pattern is one the browser compiles
 * (it refuses a bad name); and an incident's staff indicator is picked by
 * name, not typed as an id.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { addVirtualAuthenticator, BROWSER_SKIP, createBrowserHarness, launchChromium, signInWithPassword } from '../helpers/browser.js';
import { ADMIN, type Harness, RECEPTION } from '../helpers/harness.js';

describe('administrator set-up in the browser', { skip: BROWSER_SKIP }, () => {
  let harness: Harness;
  let browser: Browser;
  let context: BrowserContext;
  let page: Page;
  let coreUrl: string;
  let receptionId: string;

  before(async () => {
    let listen: () => Promise<void>;
    ({ harness, coreUrl, listen } = await createBrowserHarness());
    receptionId = (await harness.core.db.selectFrom('staff').select('id').where('email', '=', RECEPTION.email).executeTakeFirstOrThrow()).id;
    await listen();
    browser = await launchChromium();
    context = await browser.newContext({ viewport: { width: 1280, height: 1000 } });
    page = await context.newPage();
    await addVirtualAuthenticator(context, page);
    await page.goto(`${coreUrl}/`);
    await signInWithPassword(page, ADMIN);
    await page.getByRole('button', { name: 'Create a passkey' }).click();
    await page.getByRole('button', { name: 'I have saved them' }).click();
    await page.getByRole('link', { name: 'Staff' }).waitFor();
  });

  after(async () => {
    await context?.close();
    await browser?.close();
    await harness?.close();
  });

  const receptionRow = () => page.getByRole('row').filter({ hasText: RECEPTION.email });
  const openStaff = async () => {
    await page.getByRole('link', { name: 'Staff', exact: true }).click();
    await page.getByRole('heading', { name: 'Staff', exact: true }).waitFor();
    await receptionRow().waitFor();
  };

  it('asks before disabling, keeps the person on Cancel or Escape, and re-enables', async () => {
    await openStaff();
    const disable = receptionRow().getByRole('button', { name: 'Disable Reception' });
    await disable.click();
    const dialog = page.getByRole('dialog', { name: 'Disable Reception?' });
    await dialog.waitFor();
    await dialog.getByText('signed out everywhere at once').waitFor();
    assert.equal(await page.evaluate(() => document.activeElement?.textContent), 'Cancel', 'Cancel has the focus');
    await page.keyboard.press('Escape');
    await dialog.waitFor({ state: 'detached' });
    assert.equal(await page.evaluate(() => document.activeElement?.textContent), 'Disable Reception', 'focus is back on the button that asked');
    assert.equal((await harness.core.db.selectFrom('staff').select('disabled_at').where('id', '=', receptionId).executeTakeFirstOrThrow()).disabled_at, null, 'Escape disabled no one');

    await disable.click();
    await dialog.getByRole('button', { name: 'Disable Reception' }).click();
    await page.getByText('Reception disabled; sessions revoked.').waitFor();
    assert.ok((await harness.core.db.selectFrom('staff').select('disabled_at').where('id', '=', receptionId).executeTakeFirstOrThrow()).disabled_at);
    await receptionRow().getByRole('button', { name: 'Re-enable Reception' }).click();
    await page.getByText('Reception re-enabled').waitFor();
    assert.equal((await harness.core.db.selectFrom('staff').select('disabled_at').where('id', '=', receptionId).executeTakeFirstOrThrow()).disabled_at, null);
  });

  it('gives a second clinic role and removes the first, asking before the removal', async () => {
    await openStaff();
    await receptionRow().getByText('Roles and clinics').click();
    await receptionRow().getByLabel('Clinic', { exact: true }).selectOption({ label: 'Clinic B' });
    await receptionRow().getByLabel('Role in that clinic').selectOption('nurse');
    await receptionRow().getByRole('button', { name: 'Add clinic role' }).click();
    await receptionRow().getByRole('cell', { name: 'nurse at Clinic B, receptionist at Clinic A' }).or(receptionRow().getByRole('cell', { name: 'receptionist at Clinic A, nurse at Clinic B' })).waitFor();
    await receptionRow().getByRole('button', { name: 'Remove from Clinic A' }).click();
    await page.getByRole('dialog', { name: 'Remove Reception from Clinic A?' }).getByRole('button', { name: 'Remove from Clinic A' }).click();
    await receptionRow().getByRole('cell', { name: 'nurse at Clinic B', exact: true }).waitFor();
    const roles = await harness.core.db.selectFrom('staff_clinic_roles').select(['clinic_id', 'role']).where('staff_id', '=', receptionId).execute();
    assert.deepEqual(roles, [{ clinic_id: harness.clinicIds['clinic-b'], role: 'nurse' }]);
  });

  it('shows a locked account with what is locked and who may unlock it, and unlocks it', async () => {
    for (let i = 0; i < 10; i++) await harness.core.app.inject({ method: 'POST', url: '/api/v1/auth/login', payload: { email: RECEPTION.email, password: 'not the right password' } });
    await page.reload();
    await receptionRow().getByText('Locked after repeated failures: password sign-in.').waitFor();
    await receptionRow().getByText('Who can unlock: administrator').waitFor();
    await receptionRow().getByRole('button', { name: 'Unlock Reception' }).click();
    await page.getByText('Reception unlocked.').waitFor();
    assert.equal(await receptionRow().getByText('Locked after repeated failures').count(), 0);
    assert.equal((await harness.core.app.inject({ method: 'POST', url: '/api/v1/auth/login', payload: { email: RECEPTION.email, password: RECEPTION.password } })).statusCode, 200);
  });

  it('creates a photo consent form and publishes its second version in the UI', async () => {
    await page.getByRole('link', { name: 'Consent forms' }).click();
    await page.getByText('No photo consent form yet.').waitFor();
    await page.getByLabel(/^Short name/).fill('photos');
    await page.getByRole('button', { name: 'Create form' }).click();
    await page.getByText('Clinical photography: version 1 published.').waitFor();
    assert.equal(await page.getByText('No photo consent form yet.').count(), 0);
    await page.getByText('New version of “Clinical photography”').click();
    await page.getByLabel('Text the patient reads and signs').first().fill('I agree to clinical photographs of the treated area being taken and kept (revised).');
    await page.getByRole('button', { name: 'Publish version 2' }).click();
    await page.getByText('Clinical photography: version 2 published.').waitFor();
    await page.getByText('Earlier versions (1)').waitFor();
    const rows = await harness.core.db.selectFrom('consent_forms').select(['version', 'kind']).where('procedure_key', '=', 'photos').orderBy('version').execute();
    assert.deepEqual(rows, [{ version: 1, kind: 'photo' }, { version: 2, kind: 'photo' }]);
  });

  it('validates the policy short name with a pattern the browser compiles', async () => {
    await page.getByRole('link', { name: 'Compliance' }).click();
    const slug = page.getByLabel(/^Short name/);
    await slug.waitFor();
    const pattern = (await slug.getAttribute('pattern')) as string;
    // HTML patterns are compiled with the v flag: one that does not compile is silently ignored.
    assert.equal(await page.evaluate((p) => { try { new RegExp(`^(?:${p})$`, 'v'); return true; } catch { return false; } }, pattern), true);
    for (const [value, isValid] of [['Information Security', false], ['-leading-hyphen', false], ['x', false], ['information-security', true], ['gdpr2', true]] as const) {
      await slug.fill(value);
      assert.equal(await slug.evaluate((input) => (input as HTMLInputElement).validity.valid), isValid, value);
    }
  });

  it('picks the staff indicator of an incident by name and records their id', async () => {
    const created = await page.evaluate(async () => {
      const response = await fetch('/api/v1/incidents', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ title: 'Suspicious reads by a colleague', regime: 'uk-gdpr', awareAt: new Date().toISOString(), details: { whatHappened: 'Unusual reads.', howDiscovered: 'An alert.', likelyConsequences: '', measuresBefore: '', measuresAfter: '', staffInvolved: true, staffTraining: '', contactPoint: '' } }) });
      return (await response.json()) as { id: string };
    });
    await page.goto(`${coreUrl}/incidents/${created.id}`);
    await page.getByLabel('Kind').selectOption('staff');
    const picker = page.getByRole('combobox', { name: 'Staff member (by name)' });
    await picker.fill('recep');
    await page.getByRole('option', { name: 'Reception' }).waitFor();
    assert.equal(await picker.getAttribute('aria-expanded'), 'true');
    await picker.press('ArrowDown');
    await picker.press('Enter');
    assert.equal(await picker.inputValue(), 'Reception');
    await page.getByRole('button', { name: 'Add indicator' }).click();
    await page.getByRole('listitem').filter({ hasText: 'staff: Reception' }).waitFor();
    const indicators = await harness.core.db.selectFrom('incident_indicators').select(['kind', 'value']).where('incident_id', '=', created.id).execute();
    assert.deepEqual(indicators, [{ kind: 'staff', value: receptionId }], 'the id of the person picked is what was recorded');
    // A name not picked from the list is refused by the form, not sent.
    await picker.fill('Nobody by this name');
    assert.equal(await picker.evaluate((input) => (input as HTMLInputElement).validity.valid), false);
  });
});
