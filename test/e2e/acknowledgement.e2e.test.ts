/**
 * The clinic manager edits the acknowledgement e-mail in a real browser
 * (an unknown placeholder is refused on the page, the preview shows the
 * message), and the next enquirer who asks for an acknowledgement receives
 * that message on a real SMTP server. axe-core on the page (light and dark)
 * and screenshots at 390, 768 and 1280 px into docs/screenshots/.
 */
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { Browser } from 'playwright-core';
import { enquiryReference } from '../../src/core/ingest/ingest.service.js';
import { createStaff } from '../../src/core/org/org.repository.js';
import { hashPassword } from '../../src/crypto/passphrase.js';
import { axeViolations } from '../helpers/axe.js';
import { addVirtualAuthenticator, BROWSER_SKIP, createBrowserHarness, launchChromium, signInWithPassword } from '../helpers/browser.js';
import { generateEnquiry } from '../helpers/enquiries.js';
import { type Harness, submitEnquiries } from '../helpers/harness.js';
import { decodedMail } from '../helpers/mail.js';
import { startSmtp, type TestSmtp } from '../helpers/smtp.js';

const MANAGER = { email: 'manager-b@clinic.test', password: 'amber orchard whistle 58' };
const SCREENSHOTS = path.resolve(import.meta.dirname, '../../docs/screenshots');

describe('the clinic manager edits the acknowledgement e-mail', { skip: BROWSER_SKIP }, () => {
  let harness: Harness;
  let smtp: TestSmtp;
  let browser: Browser;
  let coreUrl: string;

  before(async () => {
    smtp = await startSmtp();
    let listen: () => Promise<void>;
    ({ harness, coreUrl, listen } = await createBrowserHarness({ TACET_SMTP_URL: smtp.url, TACET_ACK_FROM: 'hello@clinic-b.test' }));
    const org = (await harness.core.db.selectFrom('organisations').select('id').executeTakeFirstOrThrow()).id;
    await createStaff(harness.core.db, { organisationId: org, email: MANAGER.email, displayName: 'Manager B', passwordHash: await hashPassword(MANAGER.password), orgRole: null, roles: [{ clinicId: harness.clinicIds['clinic-b'] as string, role: 'clinic_manager' }] }, new Date().toISOString());
    await listen();
    browser = await launchChromium();
  });

  after(async () => {
    await browser?.close();
    await harness?.close();
    await smtp?.stop();
  });

  it('saves a template on the page, and the next acknowledgement uses it', async () => {
    const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
    const page = await context.newPage();
    await addVirtualAuthenticator(context, page);
    await page.goto(`${coreUrl}/`);
    await signInWithPassword(page, MANAGER);
    await page.getByRole('button', { name: 'Create a passkey' }).click();
    await page.getByRole('button', { name: 'I have saved them' }).click();
    await page.getByRole('link', { name: 'Acknowledgement e-mail' }).click();
    await page.getByRole('heading', { name: 'Acknowledgement e-mail' }).waitFor();
    await page.getByText('Clinic B uses the organisation’s default').waitFor();

    // What the person typed cannot be put in: refused, with the reason on the page.
    await page.getByLabel('Subject').fill('About your {procedure}');
    await page.getByRole('button', { name: 'Save' }).click();
    await page.getByRole('list', { name: 'Problems with the template' }).getByText('subject: unknown placeholder {procedure}').waitFor();

    await page.getByLabel('Subject').fill('Clinic B has your enquiry {reference}');
    await page.getByLabel('What happens next').fill('Our coordinator rings you back the same day.');
    await page.getByLabel(/Opening hours/).fill('Open 8 to 8, every day.');
    await page.getByRole('button', { name: 'Preview' }).click();
    await page.getByRole('heading', { name: 'Preview' }).waitFor();
    assert.match((await page.getByTestId('ack-preview-text').textContent()) ?? '', /Thank you for contacting Clinic B\.[\s\S]*ENQ-00000-00000[\s\S]*Our coordinator rings you back the same day\.[\s\S]*Open 8 to 8, every day\./);

    fs.mkdirSync(SCREENSHOTS, { recursive: true });
    for (const width of [390, 768, 1280]) {
      await page.setViewportSize({ width, height: 900 });
      const serious = (await axeViolations(page)).filter((v) => v.impact === 'serious' || v.impact === 'critical');
      assert.deepEqual(serious, [], `axe at ${width} px`);
      const overflow = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
      assert.ok(overflow <= 0, `the page is ${overflow} px wider than a ${width} px screen`);
      await page.screenshot({ path: path.join(SCREENSHOTS, `acknowledgement-${width}.png`), fullPage: true });
    }
    await page.emulateMedia({ colorScheme: 'dark' });
    assert.deepEqual((await axeViolations(page)).filter((v) => v.impact === 'serious' || v.impact === 'critical'), [], 'axe in dark mode');
    await page.emulateMedia({ colorScheme: 'light' });

    await page.getByRole('button', { name: 'Save' }).click();
    await page.getByText('Saved. The next acknowledgement uses it.').waitFor();
    await page.getByText('Clinic B has its own template.').waitFor();
    await context.close();

    const enquiry = { ...generateEnquiry(1), acknowledge: true };
    await submitEnquiries(harness, [enquiry], { clinic: 'clinic-b' });
    await harness.core.jobs.outbox();
    await smtp.waitFor(1, 60_000);
    const { subject, text } = decodedMail(smtp.received[0]?.raw ?? '');
    assert.equal(subject, `Clinic B has your enquiry ${enquiryReference(enquiry.sid)}`);
    assert.match(text, /Our coordinator rings you back the same day\.\n\nOpen 8 to 8, every day\./);
    for (const value of [enquiry.procedure, enquiry.message, enquiry.phone, enquiry.dob, enquiry.name]) assert.ok(!smtp.received[0]?.raw.includes(value));
  });
});
