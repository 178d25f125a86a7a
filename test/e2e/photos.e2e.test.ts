/**
 * Clinical photos in a real browser: a practitioner signs in, uploads a
 * before and an after photo from the patient's record, opens the slider
 * comparison and moves it; the screenshot is kept (test-results/) and the
 * images the browser received trace back to that practitioner.
 */
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { Secret, TOTP } from 'otpauth';
import type { Browser } from 'playwright-core';
import sharp from 'sharp';
import { ARTIFACTS, BROWSER_SKIP, createBrowserHarness, launchChromium } from '../helpers/browser.js';
import { generateEnquiry } from '../helpers/enquiries.js';
import { ADMIN, type Harness, post, signIn, stepUp, submitEnquiries } from '../helpers/harness.js';
import { cameraJpeg } from '../helpers/images.js';

const DOCTOR = { email: 'surgeon@clinic.test', password: 'marble orchard falcon 36', name: 'Dr Surgeon' };

describe('clinical photos in the browser', { skip: BROWSER_SKIP }, () => {
  let harness: Harness;
  let browser: Browser;
  let coreUrl: string;
  let patientId: string;
  let doctorId: string;

  before(async () => {
    let listen: () => Promise<void>;
    ({ harness, coreUrl, listen } = await createBrowserHarness());
    const app = harness.core.app;
    await submitEnquiries(harness, [generateEnquiry(3)]);
    const admin = await signIn(app, ADMIN, coreUrl);
    await stepUp(app, admin, ADMIN.email, coreUrl);
    const staffResponse = await post(app, '/api/v1/staff', admin, { ...DOCTOR, orgRole: null, clinicRoles: [{ clinicId: harness.clinicIds['clinic-a'], role: 'practitioner' }] });
    assert.equal(staffResponse.statusCode, 201, staffResponse.body);
    doctorId = staffResponse.json<{ id: string }>().id;
    const enquiryId = (await harness.core.db.selectFrom('enquiries').select('id').executeTakeFirstOrThrow()).id;
    patientId = (await post(app, `/api/v1/enquiries/${enquiryId}/convert`, admin)).json<{ patientId: string }>().patientId;
    const form = (await post(app, '/api/v1/consent-forms', admin, { kind: 'photo', procedureKey: 'photos', title: 'Clinical photography', body: 'I agree to clinical photographs being taken and kept in my record.' })).json<{ id: string }>();
    const signature = `data:image/png;base64,${(await sharp({ create: { width: 40, height: 10, channels: 3, background: '#fff' } }).png().toBuffer()).toString('base64')}`;
    assert.equal((await post(app, `/api/v1/patients/${patientId}/consents`, admin, { formId: form.id, typedName: 'Pat Patient', drawnSignature: signature, scopes: ['clinical', 'teaching'] })).statusCode, 201);
    assert.equal((await post(app, `/api/v1/patients/${patientId}/appointments`, admin, { kind: 'consultation', startsAt: '2026-12-02T09:00:00Z', endsAt: '2026-12-02T09:30:00Z', practitionerId: doctorId })).statusCode, 201);
    await listen();
    browser = await launchChromium();
  });

  after(async () => {
    await browser?.close();
    await harness?.close();
  });

  it('uploads before and after photos, compares them with the slider, and screenshots it', async () => {
    const context = await browser.newContext({ viewport: { width: 1280, height: 1400 } });
    const page = await context.newPage();
    await page.goto(`${coreUrl}/`);
    await page.getByLabel('Email').fill(DOCTOR.email);
    await page.getByLabel('Password').fill(DOCTOR.password);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('button', { name: 'Set up an authenticator app' }).click();
    const secret = (await page.locator('code.secret').textContent()) ?? '';
    await page.getByLabel('Code from the app').fill(new TOTP({ secret: Secret.fromBase32(secret), digits: 6, period: 30, algorithm: 'SHA1' }).generate());
    await page.getByRole('button', { name: 'Confirm' }).click();
    await page.getByRole('button', { name: 'I have saved them' }).click();
    await page.getByRole('link', { name: 'Patients' }).click();
    await page.getByRole('heading', { name: 'Patients' }).waitFor();
    await page.getByRole('link', { name: /^P-/ }).first().click();
    await page.getByRole('heading', { name: 'Photos' }).waitFor();

    for (const [phase, seed, day] of [
      ['before', 21, '2026-09-01'],
      ['after', 22, '2026-11-01'],
    ] as const) {
      if (!(await page.getByLabel('Stage').isVisible())) await page.getByText('Add a photo').click();
      await page.getByLabel('Stage').selectOption(phase);
      await page.getByLabel('Angle').selectOption('front');
      await page.getByLabel('Taken on').fill(day);
      await page.getByLabel('Body area').fill('face');
      await page.getByLabel(/^Photo \(JPEG/).setInputFiles({ name: `${phase}.jpg`, mimeType: 'image/jpeg', buffer: await cameraJpeg(1200, 900, seed) });
      await page.getByRole('button', { name: 'Upload' }).click();
      await page.getByRole('button', { name: `Open ${phase} Front` }).waitFor();
    }
    const compare = page.getByRole('region', { name: 'Before and after comparison' });
    await compare.waitFor();
    await page.getByLabel(/Comparison position/).fill('35');
    await page.waitForFunction(() => [...document.querySelectorAll<HTMLImageElement>('.slider-frame img')].every((img) => img.complete && img.naturalWidth > 0));
    const clip = await page.locator('.slider-after').evaluate((img) => (img as HTMLImageElement).style.clipPath);
    assert.equal(clip, 'inset(0px 0px 0px 35%)');
    fs.mkdirSync(ARTIFACTS, { recursive: true });
    const shot = await compare.screenshot({ path: path.join(ARTIFACTS, 'photo-compare-slider.png') });
    const meta = await sharp(shot).metadata();
    assert.ok((meta.width ?? 0) > 400 && (meta.height ?? 0) > 300, 'the comparison rendered');
    await page.getByRole('button', { name: 'Side by side' }).click();
    await page.getByRole('img', { name: /^After, Front/ }).waitFor();

    // What the browser got is watermarked for this practitioner.
    const src = await page.locator('.side-by-side img').first().getAttribute('src');
    const served = await page.request.get(`${coreUrl}${src}`);
    assert.equal(served.status(), 200);
    assert.equal((await harness.core.photos.trace(await served.body()))?.staffId, doctorId);
    await context.close();
  });
});
