/**
 * End to end in a real browser: a prospective patient fills the hosted form
 * (sealed in the page with @hpke/core), the core ingests it, a staff member
 * signs in and reads it. Also the embeddable script on a "clinic website"
 * and the no-JS form, including a second send of a page whose token is spent.
 */
import assert from 'node:assert/strict';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { Secret, TOTP } from 'otpauth';
import type { Browser, Page } from 'playwright-core';
import { issueFormToken } from '../../src/crypto/form-token.js';
import { randomSecret } from '../../src/crypto/random.js';
import { clinicsBySlug, listInboxBatch } from '../../src/core/ingest/ingest.repository.js';
import { openBatch } from '../../src/core/ingest/inbox-opening.js';
import { FIELD_MESSAGES } from '../../src/intake/enquiry-fields.js';
import { generateEnquiry } from '../helpers/enquiries.js';
import { axeViolations } from '../helpers/axe.js';
import { addVirtualAuthenticator, ARTIFACTS, BROWSER_SKIP, createBrowserHarness, launchChromium, signInWithPassword } from '../helpers/browser.js';
import { ADMIN, type Harness, RECEPTION } from '../helpers/harness.js';

const WIDTHS = [390, 768, 1280] as const;

describe('enquiry from browser to staff screen', { skip: BROWSER_SKIP }, () => {
  let harness: Harness;
  let browser: Browser;
  let intakeUrl: string;
  let coreUrl: string;
  let clinicSite: http.Server;
  // The intake's form-token secret, known here so a test can hand the page a token a bot would hold (issued just now).
  const formSecret = randomSecret();

  before(async () => {
    let listen: () => Promise<void>;
    ({ harness, coreUrl, listen } = await createBrowserHarness({ TACET_INTAKE_MIN_FILL_MS: '300' }, { formSecret }));
    intakeUrl = await harness.intake.app.listen({ host: '127.0.0.1', port: 0 });
    await listen();
    browser = await launchChromium();
    // A clinic's own website on another origin, embedding the form script.
    clinicSite = http.createServer((_req, res) => {
      res.writeHead(200, { 'content-type': 'text/html' });
      res.end(`<!doctype html><html><body><h1>Clinic website</h1><script src="${intakeUrl}/form.js" data-tacet-clinic="clinic-b" async></script></body></html>`);
    });
    await new Promise<void>((resolve) => clinicSite.listen(0, '127.0.0.1', resolve));
  });

  after(async () => {
    await browser?.close();
    clinicSite?.close();
    await harness?.close();
  });

  async function fill(page: Page, fields: ReturnType<typeof generateEnquiry>): Promise<void> {
    await page.getByLabel('Full name').fill(fields.name);
    await page.getByLabel('Email').fill(fields.email);
    await page.getByLabel('Phone').fill(fields.phone);
    await page.getByLabel('Date of birth').fill(fields.dob);
    await page.getByLabel('Address').fill(fields.address);
    await page.getByLabel('Procedure of interest').fill(fields.procedure);
    await page.getByLabel('Message').fill(fields.message);
    await page.getByLabel('I agree').check();
  }

  it('seals in the hosted page, and staff read it after sign-in', async () => {
    const fields = generateEnquiry(1);
    const page = await browser.newPage();
    const requests: string[] = [];
    page.on('request', (request) => requests.push(`${request.method()} ${request.url()} ${request.postData() ?? ''}`));
    await page.goto(`${intakeUrl}/enquire?clinic=clinic-a`);
    await fill(page, fields);
    await page.waitForTimeout(350);
    await page.getByRole('button', { name: 'Send enquiry' }).click();
    await page.getByText('Your enquiry has been sent securely').waitFor();
    await page.screenshot({ path: path.join(os.tmpdir(), 'tacet-enquiry-sent.png') });
    // What left the browser was ciphertext: no field value in any request.
    const wire = requests.join('\n');
    for (const value of [fields.name, fields.email, fields.phone, fields.message, encodeURIComponent(fields.email)]) assert.ok(!wire.includes(value), 'plaintext left the browser');
    assert.ok(requests.some((r) => r.startsWith(`POST ${intakeUrl}/v1/enquiries`)));
    await page.close();

    await harness.core.ingestNow();

    // First sign-in of the administrator: password, then a passkey is required and created.
    const context = await browser.newContext();
    const staff = await context.newPage();
    await addVirtualAuthenticator(context, staff);
    await staff.goto(`${coreUrl}/enquiries`);
    await signInWithPassword(staff, ADMIN);
    await staff.getByRole('heading', { name: 'Set up your second factor' }).waitFor();
    assert.equal(await staff.getByRole('button', { name: 'Set up an authenticator app' }).count(), 0, 'administrators must use a passkey');
    await staff.getByRole('button', { name: 'Create a passkey' }).click();
    await staff.getByRole('heading', { name: 'Your recovery codes' }).waitFor();
    assert.equal(await staff.locator('.codes li').count(), 10);
    await staff.getByRole('button', { name: 'I have saved them' }).click();
    await staff.getByRole('heading', { name: 'Enquiries' }).waitFor();
    const cookies = await context.cookies();
    assert.ok(cookies.some((c) => c.name === '__Host-tacet_session' && c.httpOnly && c.secure && c.sameSite === 'Strict'));
    await staff.getByRole('link', { name: /^ENQ-/ }).first().click();
    await staff.getByText(fields.email).waitFor();
    assert.ok(await staff.getByText(fields.name).isVisible());
    assert.ok(await staff.getByText(fields.procedure, { exact: true }).isVisible());
    await staff.screenshot({ path: path.join(os.tmpdir(), 'tacet-staff-enquiry.png') });

    // Sign out, and back in with the passkey.
    await staff.getByRole('button', { name: 'Sign out' }).click();
    await staff.getByRole('heading', { name: 'Sign in to Tacet' }).waitFor();
    await signInWithPassword(staff, ADMIN);
    await staff.getByRole('button', { name: 'Use your passkey' }).click();
    await staff.getByRole('heading', { name: 'Today', exact: true }).waitFor();
    await staff.getByRole('link', { name: 'Security' }).click();
    await staff.getByRole('heading', { name: 'Where you are signed in' }).waitFor();
    await staff.getByText('This browser').waitFor();

    // Staff administration (the passkey sign-in counts as a fresh step-up): the policy's reason is shown.
    await staff.getByRole('link', { name: 'Staff' }).click();
    await staff.getByRole('heading', { name: 'Add a staff member' }).waitFor();
    await staff.getByLabel('Name').fill('Nia Nurse');
    await staff.getByLabel('Email').fill('nia@clinic.test');
    await staff.getByLabel(/Initial password/).fill('password123');
    await staff.locator('#new-clinic').selectOption({ label: 'Clinic A' });
    await staff.locator('#new-role').selectOption('nurse');
    await staff.getByRole('button', { name: 'Add staff member' }).click();
    await staff.getByText(/is too short.*common or breached/).waitFor();
    await staff.getByLabel(/Initial password/).fill('amber tractor sunrise 64');
    await staff.getByRole('button', { name: 'Add staff member' }).click();
    await staff.getByText('Staff member added').waitFor();
    await staff.getByRole('cell', { name: 'nia@clinic.test' }).waitFor();
    await context.close();
  });

  it('signs in with an authenticator app (TOTP) where a passkey is not required', async () => {
    const context = await browser.newContext();
    const page = await context.newPage();
    await page.goto(`${coreUrl}/`);
    await signInWithPassword(page, RECEPTION);
    await page.getByRole('button', { name: 'Set up an authenticator app' }).click();
    await page.getByRole('img', { name: /QR code/ }).waitFor();
    const secret = (await page.locator('code.secret').textContent()) ?? '';
    const totp = new TOTP({ secret: Secret.fromBase32(secret), digits: 6, period: 30, algorithm: 'SHA1' });
    await page.getByLabel('Code from the app').fill(totp.generate());
    await page.getByRole('button', { name: 'Confirm' }).click();
    await page.getByRole('button', { name: 'I have saved them' }).click();
    await page.getByRole('heading', { name: 'Today', exact: true }).waitFor();
    await page.getByRole('button', { name: 'Sign out' }).click();
    await signInWithPassword(page, RECEPTION);
    // A code is accepted once: use the next time step's code (within the allowed drift).
    await page.getByLabel('Authenticator code').fill(totp.generate({ timestamp: Date.now() + 30_000 }));
    await page.getByRole('button', { name: 'Verify' }).click();
    await page.getByRole('heading', { name: 'Today', exact: true }).waitFor();
    await context.close();
  });

  it('works embedded on a clinic’s own website (another origin)', async () => {
    const fields = generateEnquiry(2);
    const page = await browser.newPage();
    const address = clinicSite.address() as { port: number };
    await page.goto(`http://127.0.0.1:${address.port}/treatments/nose?utm_source=Clinic-Site&utm_medium=web&reader=42#book`);
    await page.getByLabel('Full name').waitFor();
    await fill(page, fields);
    await page.waitForTimeout(350);
    await page.getByRole('button', { name: 'Send enquiry' }).click();
    await page.getByText('Your enquiry has been sent securely').waitFor();
    const shown = await page.locator('.tacet-reference').textContent();
    await page.close();
    // Where it came from travelled sealed: the embedding page without its query or fragment, and its UTM parameters.
    const rows = await listInboxBatch(harness.core.db, 10);
    const opened = openBatch(harness.core.vault.keyring(), rows, await clinicsBySlug(harness.core.db)).flatMap((p) => (p.ok ? [p.value.fields] : []));
    assert.deepEqual(opened.map((f) => f.origin), [{ utmSource: 'Clinic-Site', utmMedium: 'web', page: `http://127.0.0.1:${address.port}/treatments/nose` }]);
    const before_ = await harness.core.db.selectFrom('enquiries').select('id').execute();
    await harness.core.ingestNow();
    const after_ = await harness.core.db.selectFrom('enquiries').innerJoin('clinics', 'clinics.id', 'enquiries.clinic_id').select(['clinics.slug', 'enquiries.reference', 'enquiries.channel']).execute();
    assert.equal(after_.length, before_.length + 1);
    assert.ok(after_.some((row) => row.slug === 'clinic-b' && row.reference === shown && row.channel === 'clinic-site'));
  });

  it('still works with JavaScript off (sealed by the intake on arrival), a bad field given back as typed with its error', async () => {
    const context = await browser.newContext({ javaScriptEnabled: false });
    const page = await context.newPage();
    await page.goto(`${intakeUrl}/enquire?clinic=clinic-a`);
    const fields = generateEnquiry(3);
    await fill(page, { ...fields, phone: 'ring 07700 9' });
    await page.waitForTimeout(350);
    await page.getByRole('button', { name: 'Send enquiry' }).click();
    await page.locator('#tacet-phone-error').getByText(FIELD_MESSAGES.phone).waitFor();
    await page.locator('.tacet-summary').getByRole('link', { name: FIELD_MESSAGES.phone }).waitFor();
    assert.equal(await page.getByLabel('Phone').inputValue(), 'ring 07700 9');
    assert.equal(await page.getByLabel('Full name').inputValue(), fields.name);
    await page.getByLabel('Phone').fill(fields.phone);
    await page.getByRole('button', { name: 'Send enquiry' }).click();
    await page.getByRole('heading', { name: 'Thank you' }).waitFor();
    await page.getByText(/Your reference is ENQ-/).waitFor();
    await context.close();
    const inbox = await harness.core.db.selectFrom('enquiry_inbox').select('source').execute();
    assert.deepEqual(inbox.map((row) => row.source), ['form']);
  });

  it('with JavaScript on, a second send of the same page is refused with a clear message and goes through when sent again', async () => {
    const fields = generateEnquiry(5);
    await harness.core.ingest.drain();
    const context = await browser.newContext();
    const page = await context.newPage();
    await page.goto(`${intakeUrl}/enquire?clinic=clinic-a`);
    const served = await page.content();
    await context.route('**/enquire?copy', (route) => route.fulfill({ status: 200, contentType: 'text/html; charset=utf-8', body: served }));
    await fill(page, fields);
    await page.waitForTimeout(350);
    await page.getByRole('button', { name: 'Send enquiry' }).click();
    await page.getByText('Your enquiry has been sent securely').waitFor();
    await page.goto(`${intakeUrl}/enquire?copy`);
    await fill(page, fields);
    await page.getByRole('button', { name: 'Send enquiry' }).click();
    await page.getByText('This form was already sent once').waitFor();
    assert.equal(await page.getByLabel('Full name').inputValue(), fields.name, 'the form keeps what was typed');
    // The script took the fresh token the intake handed back: Send again works.
    await page.getByRole('button', { name: 'Send enquiry' }).click();
    await page.getByText('Your enquiry has been sent securely').waitFor();
    await context.close();
    const result = await harness.core.ingest.drain();
    assert.deepEqual([result.ingested, result.duplicates], [1, 1]);
  });

  it('with JavaScript off, a second send of the same page (its token spent) gives the form back as typed, and sending that is one enquiry', async () => {
    const fields = generateEnquiry(4);
    await harness.core.ingest.drain(); // what earlier tests left in the inbox
    const context = await browser.newContext({ javaScriptEnabled: false });
    const page = await context.newPage();
    await page.goto(`${intakeUrl}/enquire?clinic=clinic-a`);
    // The same page as served (same form token and submission id), as a second tab or a resent POST would hold it.
    const served = await page.content();
    await context.route('**/enquire?copy', (route) => route.fulfill({ status: 200, contentType: 'text/html; charset=utf-8', body: served }));
    await fill(page, fields);
    await page.waitForTimeout(350);
    await page.getByRole('button', { name: 'Send enquiry' }).click();
    await page.getByRole('heading', { name: 'Thank you' }).waitFor();
    await page.goto(`${intakeUrl}/enquire?copy`);
    await fill(page, fields);
    await page.getByRole('button', { name: 'Send enquiry' }).click();
    await page.getByText('This form was already sent once').waitFor();
    // Nothing typed is lost.
    for (const [label, value] of [['Full name', fields.name], ['Email', fields.email], ['Phone', fields.phone], ['Procedure of interest', fields.procedure], ['Message', fields.message]] as const) {
      assert.equal(await page.getByLabel(label).inputValue(), value, label);
    }
    assert.ok(await page.getByLabel('I agree').isChecked());
    // Send again at once (no new wait): accepted, and at ingest it is the same enquiry.
    await page.getByRole('button', { name: 'Send enquiry' }).click();
    await page.getByRole('heading', { name: 'Thank you' }).waitFor();
    await context.close();
    const result = await harness.core.ingest.drain();
    assert.deepEqual([result.ingested, result.duplicates], [1, 1], 'one enquiry; the second send of the same submission absorbed');
  });
  it('checks every field in the browser with the server’s schema: errors beside each field, nothing sent; corrected, it sends and shows the stored reference', async () => {
    await harness.core.ingest.drain();
    const context = await browser.newContext();
    const page = await context.newPage();
    const posts: string[] = [];
    page.on('request', (request) => void (request.method() === 'POST' && posts.push(request.url())));
    await page.goto(`${intakeUrl}/enquire?clinic=clinic-a&utm_source=e2e-news`);
    const fields = generateEnquiry(6);
    await fill(page, { ...fields, name: '', email: 'not-an-email', phone: 'call me maybe', dob: '2999-01-01' });
    await page.getByLabel('I agree').uncheck();
    await page.waitForTimeout(350);
    await page.getByRole('button', { name: 'Send enquiry' }).click();
    const bad = { name: FIELD_MESSAGES.name, email: FIELD_MESSAGES.email, phone: FIELD_MESSAGES.phone, dob: FIELD_MESSAGES.dobFuture, consent: FIELD_MESSAGES.consent };
    for (const [name, message] of Object.entries(bad)) {
      const control = page.locator(`#tacet-${name}`);
      assert.equal(await control.getAttribute('aria-invalid'), 'true', name);
      assert.equal(await page.locator(`#${await control.getAttribute('aria-describedby')}`).textContent(), message, name);
      await page.locator('.tacet-summary').getByRole('link', { name: message }).waitFor();
    }
    assert.equal(await page.evaluate(() => document.activeElement?.id), 'tacet-name', 'the focus is on the first bad field');
    assert.equal(await page.locator('#tacet-procedure').getAttribute('aria-invalid'), null);
    const serious = (await axeViolations(page)).filter((v) => v.impact === 'serious' || v.impact === 'critical');
    assert.deepEqual(serious, [], 'axe: no serious or critical violation on the form with its errors');
    for (const width of WIDTHS) {
      await page.setViewportSize({ width, height: 900 });
      await page.screenshot({ path: path.join(ARTIFACTS, `form-errors-${width}.png`), fullPage: true });
    }
    // After the first send each field is checked again as the person leaves it, and the summary follows.
    await page.getByLabel('Full name').fill(fields.name);
    await page.getByLabel('Full name').blur();
    assert.equal(await page.locator('#tacet-name-error').count(), 0);
    assert.equal(await page.locator('.tacet-summary li').count(), 4);
    await page.getByLabel('Phone').fill('020 7946 0000 ext');
    await page.getByLabel('Phone').blur();
    assert.equal(await page.locator('#tacet-phone-error').textContent(), FIELD_MESSAGES.phone, 'letters in a phone number');
    assert.deepEqual(posts, [], 'nothing was sent while a field was invalid');
    assert.equal((await harness.core.db.selectFrom('enquiry_inbox').select('id').execute()).length, 0, 'the inbox stays empty');

    await fill(page, fields);
    await page.getByLabel('E-mail me a confirmation').check();
    await page.getByRole('button', { name: 'Send enquiry' }).click();
    await page.getByRole('heading', { name: 'Thank you' }).waitFor();
    await page.getByText('The clinic team will call you, usually within one working hour. Quote this reference.').waitFor();
    const shown = await page.locator('.tacet-reference').textContent();
    assert.match(shown ?? '', /^ENQ-[0-9A-Z]{5}-[0-9A-Z]{5}$/);
    assert.equal(page.url(), `${intakeUrl}/enquire?clinic=clinic-a&utm_source=e2e-news`, 'nothing added to the URL');
    assert.deepEqual((await axeViolations(page)).filter((v) => v.impact === 'serious' || v.impact === 'critical'), [], 'axe: the thank-you');
    for (const width of WIDTHS) {
      await page.setViewportSize({ width, height: 700 });
      await page.screenshot({ path: path.join(ARTIFACTS, `form-thanks-${width}.png`), fullPage: true });
    }
    await context.close();
    await harness.core.ingest.drain();
    const stored = await harness.core.db.selectFrom('enquiries').select(['reference', 'channel']).where('reference', '=', shown as string).execute();
    assert.deepEqual(stored, [{ reference: shown, channel: 'e2e-news' }], 'the reference shown is the one staff will see');
  });

  it('keeps what was typed when a send is too fast, and sends it when the person sends again', async () => {
    const context = await browser.newContext();
    const page = await context.newPage();
    await page.goto(`${intakeUrl}/enquire?clinic=clinic-a`);
    const fields = generateEnquiry(7);
    await fill(page, fields);
    // A token younger than any person could fill the form with (issued ahead of now, so too fast however slow this machine is).
    const fresh = issueFormToken(formSecret, Date.now() + 60_000);
    await page.locator('input[name="formToken"]').evaluate((input, token) => void ((input as HTMLInputElement).value = token), fresh);
    await page.getByRole('button', { name: 'Send enquiry' }).click();
    await page.getByText('Please check your details and send again.').waitFor();
    for (const [label, value] of [['Full name', fields.name], ['Email', fields.email], ['Phone', fields.phone], ['Procedure of interest', fields.procedure], ['Message', fields.message]] as const) {
      assert.equal(await page.getByLabel(label).inputValue(), value, label);
    }
    assert.notEqual(await page.locator('input[name="formToken"]').inputValue(), fresh, 'the page took the fresh token');
    await page.waitForTimeout(350);
    await page.getByRole('button', { name: 'Send enquiry' }).click();
    await page.getByRole('heading', { name: 'Thank you' }).waitFor();
    await context.close();
  });
});
