/**
 * Patients, consents and photos end to end through the real HTTP API, on
 * SQLite and PostgreSQL: an enquiry becomes a patient; the care team, the
 * clinical and financial keys and permissions hold; consent scopes gate
 * photos at once; uploads lose every piece of metadata; every served copy
 * traces to its viewer; exports need step-up and a second person; a burst of
 * photo views locks the account.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import sharp from 'sharp';
import type { FastifyInstance } from 'fastify';
import { DIALECTS } from '../helpers/databases.js';
import { type GeneratedEnquiry, generateEnquiry } from '../helpers/enquiries.js';
import { ADMIN, createHarness, type Harness, post, RECEPTION, signIn, stepUp, submitEnquiries } from '../helpers/harness.js';
import { cameraJpeg, EXIF_SECRETS, multipartBody } from '../helpers/images.js';
import { createStaffViaApi } from '../helpers/staff.js';
import { readAll } from '../helpers/files.js';
import { getDecrypted } from '../../src/storage/blob-store.js';

const NURSE = { email: 'nurse@clinic.test', password: 'amber thistle rowing 58', name: 'Nina Nurse' };
const DOCTOR = { email: 'doctor@clinic.test', password: 'saffron glacier kettle 64', name: 'Dr Dee' };
const DOCTOR2 = { email: 'doctor2@clinic.test', password: 'indigo pebble meadow 19', name: 'Dr Two' };
const SIGNATURE = `data:image/png;base64,${Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, ...Buffer.from('signature strokes')]).toString('base64')}`;

async function get(app: FastifyInstance, url: string, cookie: string) {
  return app.inject({ method: 'GET', url, headers: { cookie } });
}

async function upload(app: FastifyInstance, cookie: string, patientId: string, data: Buffer, fields: Partial<Record<string, string>> = {}) {
  const { payload, headers } = multipartBody({ phase: 'before', angle: 'front', takenOn: '2026-11-01', bodyArea: 'nose', caption: 'pre-op front', ...fields } as Record<string, string>, { name: 'file', filename: 'IMG_0001.jpg', contentType: 'image/jpeg', data });
  return app.inject({ method: 'POST', url: `/api/v1/patients/${patientId}/photos`, headers: { cookie, ...headers }, payload });
}

for (const dialect of DIALECTS) {
  describe(`patients, consents and photos (${dialect})`, () => {
    let harness: Harness;
    let app: FastifyInstance;
    const cookies: Record<string, string> = {};
    const ids: Record<string, string> = {};
    let enquiry: GeneratedEnquiry;
    let patientId: string;
    let photoFormId: string;

    before(async () => {
      harness = await createHarness(dialect, { env: { TACET_DETECT_PHOTOS: '12', TACET_DETECT_PHOTO_MINUTES: '10' } });
      app = harness.core.app;
      enquiry = generateEnquiry(7);
      await submitEnquiries(harness, [enquiry, generateEnquiry(8)]);
      const clinicA = harness.clinicIds['clinic-a'] as string;
      const created = await createStaffViaApi(app, [
        { ...NURSE, orgRole: null, clinicRoles: [{ clinicId: clinicA, role: 'nurse' }] },
        { ...DOCTOR, orgRole: null, clinicRoles: [{ clinicId: clinicA, role: 'practitioner' }] },
        { ...DOCTOR2, orgRole: null, clinicRoles: [{ clinicId: clinicA, role: 'practitioner' }] },
      ]);
      for (const [i, who] of ['nurse', 'doctor', 'doctor2'].entries()) ids[who] = created[i] as string;
      cookies['admin'] = await signIn(app, ADMIN);
      cookies['reception'] = await signIn(app, RECEPTION);
      cookies['nurse'] = await signIn(app, NURSE);
      cookies['doctor'] = await signIn(app, DOCTOR);
      cookies['doctor2'] = await signIn(app, DOCTOR2);
    });

    after(async () => harness?.close());

    it('converts an enquiry into a patient, keeps the link, and finds them by name, DOB, email and phone', async () => {
      const enquiries = (await get(app, '/api/v1/enquiries', cookies['reception'] as string)).json<{ enquiries: { id: string }[] }>().enquiries;
      const mine = [];
      for (const row of enquiries) {
        const detail = (await get(app, `/api/v1/enquiries/${row.id}`, cookies['reception'] as string)).json<{ contact: { email: string } }>();
        if (detail.contact.email === enquiry.email) mine.push(row.id);
      }
      assert.equal(mine.length, 1);
      const converted = await post(app, `/api/v1/enquiries/${mine[0]}/convert`, cookies['reception'] as string);
      assert.equal(converted.statusCode, 201, converted.body);
      patientId = converted.json<{ patientId: string }>().patientId;
      const again = await post(app, `/api/v1/enquiries/${mine[0]}/convert`, cookies['reception'] as string);
      assert.deepEqual(again.json(), { patientId, created: false });
      const record = (await get(app, `/api/v1/patients/${patientId}`, cookies['reception'] as string)).json<{ enquiryId: string; contact: { name: string } }>();
      assert.equal(record.enquiryId, mine[0]);
      assert.equal(record.contact.name, enquiry.name);
      const surname = enquiry.name.split(' ').at(-1) as string;
      for (const query of [{ name: surname.slice(0, 4).toUpperCase() }, { name: enquiry.name, dob: enquiry.dob }, { email: enquiry.email.toUpperCase() }, { phone: enquiry.phone }]) {
        const found = (await post(app, '/api/v1/patients/search', cookies['reception'] as string, query)).json<{ results: { patientId: string; name: string }[] }>().results;
        assert.ok(found.some((r) => r.patientId === patientId && r.name === enquiry.name), `search ${Object.keys(query).join('+')}`);
      }
      // The list carries no personal data.
      const list = (await get(app, '/api/v1/patients', cookies['reception'] as string)).body;
      assert.ok(list.includes(patientId) && !list.includes(enquiry.name) && !list.includes(enquiry.email));
      // Search results are audited reads of the people shown.
      const audited = await harness.core.db.selectFrom('audit_events').select('person_ids').where('action', '=', 'patient.search-result').execute();
      assert.ok(audited.length >= 4);
    });

    it('keeps clinical records to the care team and money to finance, each under its own key', async () => {
      // Not yet in the care team: a practitioner cannot open the clinical record; a nurse can.
      assert.equal((await get(app, `/api/v1/patients/${patientId}/clinical`, cookies['doctor'] as string)).statusCode, 404);
      assert.equal((await get(app, `/api/v1/patients/${patientId}/clinical`, cookies['nurse'] as string)).statusCode, 200);
      const booked = await post(app, `/api/v1/patients/${patientId}/appointments`, cookies['reception'] as string, { kind: 'consultation', startsAt: '2026-12-01T10:00:00Z', endsAt: '2026-12-01T10:45:00Z', practitionerId: ids['doctor'] });
      assert.equal(booked.statusCode, 201, booked.body);
      const bad = await post(app, `/api/v1/patients/${patientId}/appointments`, cookies['reception'] as string, { kind: 'consultation', startsAt: '2026-12-01T10:00:00Z', endsAt: '2026-12-01T09:00:00Z' });
      assert.equal(bad.statusCode, 400);
      const note = await post(app, `/api/v1/patients/${patientId}/notes`, cookies['doctor'] as string, { text: 'Deviated septum; discussed rhinoplasty risks.', appointmentId: booked.json<{ id: string }>().id });
      assert.equal(note.statusCode, 201, note.body);
      assert.equal((await post(app, `/api/v1/patients/${patientId}/procedures`, cookies['doctor'] as string, { name: 'Rhinoplasty', details: 'Open approach', status: 'planned' })).statusCode, 201);
      const clinical = (await get(app, `/api/v1/patients/${patientId}/clinical`, cookies['doctor'] as string)).json<{ notes: { text: string }[]; procedures: { name: string }[] }>();
      assert.equal(clinical.notes[0]?.text, 'Deviated septum; discussed rhinoplasty risks.');
      assert.equal(clinical.procedures[0]?.name, 'Rhinoplasty');
      assert.equal((await get(app, `/api/v1/patients/${patientId}/clinical`, cookies['doctor2'] as string)).statusCode, 404, 'another practitioner, outside the care team');
      assert.equal((await get(app, `/api/v1/patients/${patientId}/clinical`, cookies['reception'] as string)).statusCode, 404);
      // Finance: the clinic manager invoices and takes payment; clinicians cannot see it.
      const invoice = await post(app, `/api/v1/patients/${patientId}/invoices`, cookies['admin'] as string, { currency: 'GBP', lines: [{ description: 'Consultation', amountMinor: 15000 }, { description: 'Deposit', amountMinor: 50000 }] });
      assert.equal(invoice.statusCode, 201, invoice.body);
      const invoiceId = invoice.json<{ id: string }>().id;
      assert.equal((await post(app, `/api/v1/invoices/${invoiceId}/payments`, cookies['admin'] as string, { amountMinor: 20000, method: 'card' })).json<{ status: string }>().status, 'part-paid');
      assert.equal((await post(app, `/api/v1/invoices/${invoiceId}/payments`, cookies['admin'] as string, { amountMinor: 45000, method: 'bank-transfer' })).json<{ status: string }>().status, 'paid');
      const money = (await get(app, `/api/v1/patients/${patientId}/financial`, cookies['admin'] as string)).json<{ invoices: { totalMinor: number; paidMinor: number }[] }>();
      assert.deepEqual([money.invoices[0]?.totalMinor, money.invoices[0]?.paidMinor], [65000, 65000]);
      assert.equal((await get(app, `/api/v1/patients/${patientId}/financial`, cookies['doctor'] as string)).statusCode, 404);
      // Separate keys: the person now has distinct clinical and financial DEKs, and the envelopes name their domain key.
      const keys = await harness.core.db.selectFrom('person_keys').innerJoin('patients', 'patients.person_id', 'person_keys.person_id').select(['person_keys.domain', 'person_keys.wrapping_key_id']).where('patients.id', '=', patientId).execute();
      assert.deepEqual(keys.map((k) => k.domain).sort(), ['clinical', 'contact', 'enquiry', 'financial']);
      for (const key of keys) assert.ok(key.wrapping_key_id.startsWith(`${key.domain}.`));
    });

    it('signs photo consent on a tablet and by single-use link; scopes gate photos, withdrawal bites at once', async () => {
      const admin = cookies['admin'] as string;
      await stepUp(app, admin, ADMIN.email);
      const form = await post(app, '/api/v1/consent-forms', admin, { kind: 'photo', procedureKey: 'clinical-photography', title: 'Clinical photography consent', body: 'I agree that the clinic may take and keep photographs of me for the purposes I tick below.' });
      assert.equal(form.statusCode, 201, form.body);
      photoFormId = form.json<{ id: string }>().id;
      // No consent yet: no photos may be taken.
      const refused = await upload(app, cookies['doctor'] as string, patientId, await cameraJpeg());
      assert.equal(refused.statusCode, 403);
      assert.equal(refused.json<{ error: { code: string } }>().error.code, 'PHOTO_CONSENT_MISSING');
      const signed = await post(app, `/api/v1/patients/${patientId}/consents`, cookies['nurse'] as string, { formId: photoFormId, typedName: enquiry.name, drawnSignature: SIGNATURE, scopes: ['clinical', 'teaching'] });
      assert.equal(signed.statusCode, 201, signed.body);
      const record = (await get(app, `/api/v1/patients/${patientId}`, cookies['nurse'] as string)).json<{ photoScopes: string[]; consents: { documentHash: string; method: string }[] }>();
      assert.deepEqual([...record.photoScopes].sort(), ['clinical', 'teaching']);
      assert.equal(record.consents[0]?.documentHash, form.json<{ bodyHash: string }>().bodyHash);
      // A bad signature image is refused and records nothing.
      assert.equal((await post(app, `/api/v1/patients/${patientId}/consents`, cookies['nurse'] as string, { formId: photoFormId, typedName: 'X Y', drawnSignature: `data:image/png;base64,${Buffer.from('<svg onload=alert(1)>').toString('base64')}`, scopes: [] })).statusCode, 400);

      // A signing link: the token stays out of URLs; it works once.
      const link = await post(app, `/api/v1/patients/${patientId}/consent-links`, cookies['reception'] as string, { formId: photoFormId });
      assert.equal(link.statusCode, 201, link.body);
      const { token, path } = link.json<{ token: string; path: string }>();
      assert.ok(path.startsWith('/sign#'));
      const shown = await app.inject({ method: 'POST', url: '/api/v1/public/consent-links/form', payload: { token } });
      assert.equal(shown.json<{ title: string }>().title, 'Clinical photography consent');
      assert.ok(!shown.body.includes(enquiry.name), 'the link shows the document, not the patient');
      const byLink = await app.inject({ method: 'POST', url: '/api/v1/public/consent-links/sign', payload: { token, typedName: enquiry.name, drawnSignature: SIGNATURE, scopes: ['clinical', 'teaching', 'marketing'] } });
      assert.equal(byLink.statusCode, 201, byLink.body);
      const replay = await app.inject({ method: 'POST', url: '/api/v1/public/consent-links/sign', payload: { token, typedName: enquiry.name, drawnSignature: SIGNATURE, scopes: ['marketing'] } });
      assert.equal(replay.statusCode, 410);
      assert.equal((await app.inject({ method: 'POST', url: '/api/v1/public/consent-links/form', payload: { token: 'x'.repeat(43) } })).statusCode, 410);

      const uploaded = await upload(app, cookies['doctor'] as string, patientId, await cameraJpeg());
      assert.equal(uploaded.statusCode, 201, uploaded.body);
      const photoId = uploaded.json<{ id: string }>().id;
      ids['photo'] = photoId;
      for (const use of ['clinical', 'teaching', 'marketing']) assert.equal((await get(app, `/api/v1/photos/${photoId}/thumb?use=${use}`, cookies['doctor'] as string)).statusCode, 200, use);
      const withdrawn = await post(app, `/api/v1/patients/${patientId}/photo-consent/withdraw`, cookies['reception'] as string, { scope: 'marketing' });
      assert.equal(withdrawn.statusCode, 200);
      const blocked = await get(app, `/api/v1/photos/${photoId}/image?use=marketing`, cookies['doctor'] as string);
      assert.equal(blocked.statusCode, 403);
      assert.equal((await get(app, `/api/v1/patients/${patientId}/photos?use=marketing`, cookies['doctor'] as string)).statusCode, 403);
      assert.equal((await get(app, `/api/v1/photos/${photoId}/image?use=teaching`, cookies['doctor'] as string)).statusCode, 200);
      const denial = await harness.core.db.selectFrom('audit_events').select('purpose').where('action', '=', 'photo.read').where('outcome', '=', 'denied').execute();
      assert.ok(denial.some((d) => d.purpose === 'no-photo-consent:marketing'));
    });

    it('stores only metadata-free re-encoded pixels, refuses bad files clearly, and traces every served copy to its viewer', async () => {
      const photoId = ids['photo'] as string;
      const row = await harness.core.db.selectFrom('photos').selectAll().where('id', '=', photoId).executeTakeFirstOrThrow();
      assert.deepEqual([row.width, row.height], [1200, 900]);
      // What the blob store holds is ciphertext; decrypted with the right key it has no EXIF/GPS at all.
      const raw = Buffer.concat([await readAll(await harness.core.blobs.get(`${row.blob_key}/image`)), await readAll(await harness.core.blobs.get(`${row.blob_key}/thumb`))]);
      for (const secret of EXIF_SECRETS) assert.ok(!raw.includes(Buffer.from(secret)));
      const opened = await harness.core.patients.openPhoto(await actorFor(harness, ids['doctor'] as string), photoId, { use: 'clinical', kind: 'view', purpose: 'test' });
      for (const variant of ['image', 'thumb']) {
        const plain = await readAll(await getDecrypted(harness.core.blobs, `${row.blob_key}/${variant}`, opened.fileKey));
        const meta = await sharp(plain).metadata();
        assert.equal(meta.exif, undefined, `${variant} has no EXIF`);
        assert.equal(meta.xmp, undefined);
        for (const secret of EXIF_SECRETS) assert.ok(!plain.includes(Buffer.from(secret)), `${variant} free of ${secret}`);
      }
      // Clear refusals for a non-image and a polyglot; nothing stored.
      const before_ = (await harness.core.db.selectFrom('photos').select('id').execute()).length;
      const pdf = await upload(app, cookies['doctor'] as string, patientId, Buffer.from('%PDF-1.7\n1 0 obj << >> endobj\ntrailer\n%%EOF\n'));
      assert.equal(pdf.json<{ error: { code: string } }>().error.code, 'PHOTO_NOT_AN_IMAGE');
      const polyglot = await upload(app, cookies['doctor'] as string, patientId, Buffer.concat([await cameraJpeg(200, 150), Buffer.from('PK\u0003\u0004 hidden archive')]));
      assert.equal(polyglot.json<{ error: { code: string } }>().error.code, 'PHOTO_POLYGLOT');
      assert.equal((await upload(app, cookies['doctor'] as string, patientId, await cameraJpeg(), { angle: 'sideways' })).statusCode, 400);
      assert.equal((await harness.core.db.selectFrom('photos').select('id').execute()).length, before_);

      // Served copies: a leaked one, re-encoded at quality 70 and halved, still names the nurse who was served it.
      const served = await get(app, `/api/v1/photos/${photoId}/download`, cookies['nurse'] as string);
      assert.equal(served.statusCode, 200);
      assert.equal(served.headers['content-type'], 'image/jpeg');
      assert.match(String(served.headers['content-disposition']), /^attachment/);
      const leaked = await sharp(served.rawPayload).resize({ width: 600 }).jpeg({ quality: 70 }).toBuffer();
      const traced = await harness.core.photos.trace(leaked);
      assert.equal(traced?.staffId, ids['nurse']);
      assert.equal(traced?.photoId, photoId);
      assert.equal(traced?.kind, 'download');
      const otherCopy = await get(app, `/api/v1/photos/${photoId}/image`, cookies['doctor'] as string);
      assert.equal((await harness.core.photos.trace(otherCopy.rawPayload))?.staffId, ids['doctor']);
      const views = await harness.core.db.selectFrom('audit_events').select(['action', 'person_ids']).where('action', 'in', ['photo.view', 'photo.download', 'photo.thumb']).where('outcome', '=', 'success').execute();
      assert.ok(views.length >= 5);
    });

    it('exports: step-up always, a second person for more than one patient, single use, alerts the DPO', async () => {
      const doctor = cookies['doctor'] as string;
      const reason = 'Patient asked for a copy of her photos';
      // Signing in counts as a fresh authentication for five minutes; age it so the step-up rule shows.
      await harness.core.db.updateTable('sessions').set({ stepped_up_at: '2000-01-01T00:00:00.000Z' }).where('staff_id', '=', ids['doctor'] as string).execute();
      assert.equal((await post(app, '/api/v1/photo-exports', doctor, { patientIds: [patientId], reason })).json<{ error: { code: string } }>().error.code, 'STEP_UP_REQUIRED');
      await stepUp(app, doctor, DOCTOR.email);
      const single = await post(app, '/api/v1/photo-exports', doctor, { patientIds: [patientId], reason });
      assert.equal(single.json<{ status: string }>().status, 'approved');
      const zip = await get(app, `/api/v1/photo-exports/${single.json<{ id: string }>().id}/download`, doctor);
      assert.equal(zip.statusCode, 200, zip.body);
      assert.equal(zip.rawPayload.subarray(0, 4).toString('latin1'), 'PK\u0003\u0004');
      assert.equal((await get(app, `/api/v1/photo-exports/${single.json<{ id: string }>().id}/download`, doctor)).statusCode, 404, 'single use');
      // Two patients: pending until someone else approves.
      const other = (await post(app, `/api/v1/enquiries/${(await harness.core.db.selectFrom('enquiries').select('id').where('status', '=', 'new').executeTakeFirstOrThrow()).id}/convert`, cookies['reception'] as string)).json<{ patientId: string }>().patientId;
      const bulk = await post(app, '/api/v1/photo-exports', doctor, { patientIds: [patientId, other], reason: 'Teaching set for the surgical fellows' });
      assert.equal(bulk.json<{ status: string }>().status, 'pending');
      const bulkId = bulk.json<{ id: string }>().id;
      assert.equal((await get(app, `/api/v1/photo-exports/${bulkId}/download`, doctor)).json<{ error: { code: string } }>().error.code, 'EXPORT_NEEDS_APPROVAL');
      assert.equal((await post(app, `/api/v1/photo-exports/${bulkId}/approve`, doctor)).json<{ error: { code: string } }>().error.code, 'EXPORT_SELF_APPROVAL');
      const admin = cookies['admin'] as string;
      await stepUp(app, admin, ADMIN.email);
      assert.equal((await post(app, `/api/v1/photo-exports/${bulkId}/approve`, admin)).statusCode, 200);
      assert.equal((await get(app, `/api/v1/photo-exports/${bulkId}/download`, doctor)).statusCode, 200);
      const alerts = await harness.core.db.selectFrom('alerts').select(['rule', 'detail']).where('rule', '=', 'export-attempt').execute();
      assert.ok(alerts.length >= 3, 'each request and the approval raised an export alert');
    });

    it('locks an account that pulls full-size photos in a burst (the triggering request refused)', async () => {
      const nurse = cookies['nurse'] as string;
      const photoId = ids['photo'] as string;
      const statuses: number[] = [];
      for (let i = 0; i < 20; i++) {
        const response = await get(app, `/api/v1/photos/${photoId}/image`, nurse);
        statuses.push(response.statusCode);
        if (response.statusCode !== 200) break;
      }
      // The nurse downloaded one copy earlier; the limit is 12 full-size images per 10 minutes.
      assert.equal(statuses.filter((s) => s === 200).length, 11);
      assert.equal(statuses.at(-1), 423);
      const staff = await harness.core.db.selectFrom('staff').select(['locked_at', 'exports_frozen_at']).where('id', '=', ids['nurse'] as string).executeTakeFirstOrThrow();
      assert.ok(staff.locked_at && staff.exports_frozen_at);
      assert.ok(await harness.core.db.selectFrom('alerts').select('id').where('rule', '=', 'photo-download-burst').executeTakeFirst());
      assert.equal((await get(app, `/api/v1/photos/${photoId}/thumb`, nurse)).statusCode, 401, 'sessions revoked');
    });
  });
}

async function actorFor(harness: Harness, staffId: string) {
  const { staffActorFor } = await import('../../src/core/org/org.repository.js');
  const staff = await harness.core.db.selectFrom('staff').selectAll().where('id', '=', staffId).executeTakeFirstOrThrow();
  return staffActorFor(harness.core.db, staff, { public_id: 'test' } as never, '127.0.0.1', []);
}
