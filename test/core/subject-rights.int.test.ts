/**
 * Data-subject rights through the real HTTP API, on SQLite and PostgreSQL.
 * A seeded person has an enquiry, a patient record, an appointment, a
 * clinical note, a procedure, a signed photo consent, an invoice with a
 * payment and two photos. The DPO's subject access export must hold every
 * one of those fields and both photos byte for byte, the Art. 15(1)(a)–(h)
 * information, and a FHIR bundle that validates against the HL7 R4 JSON
 * schema. The DPO opens nobody without an open request; deadlines follow the
 * calendar month; rectification re-indexes; erasure shreds, or keeps what an
 * Art. 17(3) exception covers.
 */
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import type { FastifyInstance } from 'fastify';
import sharp from 'sharp';
import { staffActorFor } from '../../src/core/org/org.repository.js';
import { getDecrypted } from '../../src/storage/blob-store.js';
import { DIALECTS } from '../helpers/databases.js';
import { type GeneratedEnquiry, generateEnquiry } from '../helpers/enquiries.js';
import { r4Validator } from '../helpers/fhir-schema.js';
import { readAll, unzip } from '../helpers/files.js';
import { ADMIN, createHarness, type Harness, post, RECEPTION, signIn, stepUp, submitEnquiries } from '../helpers/harness.js';
import { cameraJpeg, multipartBody } from '../helpers/images.js';
import { createStaffViaApi } from '../helpers/staff.js';

const DPO = { email: 'dpo@clinic.test', password: 'walnut harbour signal 27', name: 'Dana DPO' };
const DOCTOR = { email: 'doctor@clinic.test', password: 'saffron glacier kettle 64', name: 'Dr Dee' };
const NURSE = { email: 'nurse@clinic.test', password: 'amber thistle rowing 58', name: 'Nina Nurse' };
const SIGNATURE = `data:image/png;base64,${Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, ...Buffer.from('signature strokes')]).toString('base64')}`;
const validateBundle = r4Validator('Bundle');

const sha256 = (data: Buffer) => createHash('sha256').update(data).digest('hex');

for (const dialect of DIALECTS) {
  describe(`data-subject rights (${dialect})`, () => {
    let harness: Harness;
    let app: FastifyInstance;
    const cookies: Record<string, string> = {};
    let enquiry: GeneratedEnquiry;
    let other: GeneratedEnquiry;
    let patientId: string;
    let personId: string;
    let doctorId: string;
    const photoIds: string[] = [];

    const get = (url: string, cookie: string) => app.inject({ method: 'GET', url, headers: { cookie } });
    const dpoPost = (url: string, body?: unknown) => post(app, url, cookies['dpo'] as string, body);
    const newRequest = async (person: string, kind: string, receivedAt?: string) => {
      const response = await dpoPost('/api/v1/rights/requests', { personId: person, kind, ...(receivedAt ? { receivedAt } : {}) });
      assert.equal(response.statusCode, 201, response.body);
      return response.json<{ id: string; dueAt: string }>();
    };

    before(async () => {
      harness = await createHarness(dialect);
      app = harness.core.app;
      enquiry = generateEnquiry(31);
      other = generateEnquiry(32);
      await submitEnquiries(harness, [enquiry, other]);
      const clinicA = harness.clinicIds['clinic-a'] as string;
      const [dpoId, doctor] = await createStaffViaApi(app, [
        { ...DPO, orgRole: 'dpo', clinicRoles: [] },
        { ...DOCTOR, orgRole: null, clinicRoles: [{ clinicId: clinicA, role: 'practitioner' }] },
        { ...NURSE, orgRole: null, clinicRoles: [{ clinicId: clinicA, role: 'nurse' }] },
      ]);
      assert.ok(dpoId);
      doctorId = doctor as string;
      for (const [name, who] of Object.entries({ admin: ADMIN, reception: RECEPTION, dpo: DPO, doctor: DOCTOR, nurse: NURSE })) cookies[name] = await signIn(app, who);

      // Seed the person's whole record through the API, as the clinic would.
      const list = (await get('/api/v1/enquiries', cookies['reception'] as string)).json<{ enquiries: { id: string }[] }>().enquiries;
      let enquiryId = '';
      for (const row of list) if ((await get(`/api/v1/enquiries/${row.id}`, cookies['reception'] as string)).json<{ contact: { email: string } }>().contact.email === enquiry.email) enquiryId = row.id;
      patientId = (await post(app, `/api/v1/enquiries/${enquiryId}/convert`, cookies['reception'] as string)).json<{ patientId: string }>().patientId;
      personId = (await harness.core.db.selectFrom('patients').select('person_id').where('id', '=', patientId).executeTakeFirstOrThrow()).person_id;
      const booked = await post(app, `/api/v1/patients/${patientId}/appointments`, cookies['reception'] as string, { kind: 'consultation', startsAt: '2026-12-01T10:00:00Z', endsAt: '2026-12-01T10:45:00Z', practitionerId: doctorId });
      assert.equal(booked.statusCode, 201, booked.body);
      assert.equal((await post(app, `/api/v1/patients/${patientId}/notes`, cookies['doctor'] as string, { text: 'Asked about scarring; shown healed examples.' })).statusCode, 201);
      assert.equal((await post(app, `/api/v1/patients/${patientId}/procedures`, cookies['doctor'] as string, { name: 'Blepharoplasty', details: 'Upper lids', status: 'planned' })).statusCode, 201);
      const invoice = await post(app, `/api/v1/patients/${patientId}/invoices`, cookies['admin'] as string, { currency: 'GBP', lines: [{ description: 'Consultation', amountMinor: 12500 }] });
      assert.equal((await post(app, `/api/v1/invoices/${invoice.json<{ id: string }>().id}/payments`, cookies['admin'] as string, { amountMinor: 12500, method: 'card' })).statusCode, 201);
      await stepUp(app, cookies['admin'] as string, ADMIN.email);
      const form = await post(app, '/api/v1/consent-forms', cookies['admin'] as string, { kind: 'photo', procedureKey: 'clinical-photography', title: 'Clinical photography consent', body: 'I agree that the clinic may take and keep photographs of me for the purposes I tick below.' });
      assert.equal((await post(app, `/api/v1/patients/${patientId}/consents`, cookies['nurse'] as string, { formId: form.json<{ id: string }>().id, typedName: enquiry.name, drawnSignature: SIGNATURE, scopes: ['clinical'] })).statusCode, 201);
      for (const [i, angle] of ['front', 'profile-left'].entries()) {
        const { payload, headers } = multipartBody({ phase: 'before', angle, takenOn: '2026-11-0' + String(i + 1), bodyArea: 'eyelids', caption: `pre-op ${angle}` }, { name: 'file', filename: 'IMG.jpg', contentType: 'image/jpeg', data: await cameraJpeg(640, 480, 40 + i) });
        const uploaded = await app.inject({ method: 'POST', url: `/api/v1/patients/${patientId}/photos`, headers: { cookie: cookies['doctor'] as string, ...headers }, payload });
        assert.equal(uploaded.statusCode, 201, uploaded.body);
        photoIds.push(uploaded.json<{ id: string }>().id);
      }
    });

    after(async () => harness?.close());

    it('lets the DPO open nobody without an open request, and finds the requester by exact email only', async () => {
      const dpo = await harness.core.db.selectFrom('staff').selectAll().where('email', '=', DPO.email).executeTakeFirstOrThrow();
      const actor = await staffActorFor(harness.core.db, dpo, { public_id: 'dpo-test' } as never, '127.0.0.1', []);
      await assert.rejects(harness.core.rights.exportZip(actor, '11111111-2222-4333-8444-555555555555'), { code: 'NOT_FOUND' });
      // Straight to the door without a request: refused and audited.
      const before_ = (await harness.core.db.selectFrom('audit_events').select('seq').where('action', '=', 'rights.subject-access').where('outcome', '=', 'denied').execute()).length;
      await assert.rejects(harness.core.subjectAccess.collect(actor, '11111111-2222-4333-8444-555555555555', personId), { code: 'NOT_FOUND' });
      const found = (await dpoPost('/api/v1/rights/lookup', { email: enquiry.email.toUpperCase() })).json<{ personId: string; knownSince: string; enquiries: number; patientRecords: number }[]>();
      assert.deepEqual(found, [{ personId, knownSince: found[0]?.knownSince, enquiries: 1, patientRecords: 1 }]);
      assert.deepEqual((await dpoPost('/api/v1/rights/lookup', { email: `x${enquiry.email}` })).json(), []);
      // The DPO has no clinic role: the ordinary patient routes stay closed to them.
      assert.equal((await get(`/api/v1/patients/${patientId}`, cookies['dpo'] as string)).statusCode, 404);
      assert.ok((await harness.core.db.selectFrom('audit_events').select('seq').where('action', '=', 'rights.lookup').execute()).length >= 2);
      assert.equal((await harness.core.db.selectFrom('audit_events').select('seq').where('action', '=', 'rights.subject-access').where('outcome', '=', 'denied').execute()).length, before_ + 1, 'the refusal is audited');
    });

    it('exports every field and photo of the person, with the Art. 15 information and a valid FHIR R4 bundle', async () => {
      const request = await newRequest(personId, 'access');
      const url = `/api/v1/rights/requests/${request.id}/export`;
      // Sign-in counts as a fresh confirmation; make it ten minutes old, so the export must ask again.
      const dpoId = (await harness.core.db.selectFrom('staff').select('id').where('email', '=', DPO.email).executeTakeFirstOrThrow()).id;
      await harness.core.db.updateTable('sessions').set({ stepped_up_at: new Date(Date.now() - 10 * 60_000).toISOString() }).where('staff_id', '=', dpoId).execute();
      assert.equal((await get(url, cookies['dpo'] as string)).json<{ error: { code: string } }>().error.code, 'STEP_UP_REQUIRED');
      await stepUp(app, cookies['dpo'] as string, DPO.email);
      const response = await get(url, cookies['dpo'] as string);
      assert.equal(response.statusCode, 200, response.body.slice(0, 300));
      assert.equal(response.headers['content-type'], 'application/zip');
      const files = await unzip(response.rawPayload);
      const photoFiles = [...files.keys()].filter((name) => name.startsWith('photos/'));
      assert.deepEqual([...files.keys()].filter((n) => !n.startsWith('photos/')).sort(), ['README.txt', 'fhir-r4-bundle.json', 'subject-access.json']);
      assert.equal(photoFiles.length, 2);

      type Answer = { request: { dueAt: string }; information: Record<string, unknown>; data: { contact: Record<string, string>; enquiries: Record<string, unknown>[]; patients: { appointments: Record<string, unknown>[]; clinicalNotes: { text: string }[]; procedures: Record<string, unknown>[]; consents: Record<string, unknown>[]; photoConsents: Record<string, unknown>[]; invoices: { lines: unknown[]; totalMinor: number; payments: Record<string, unknown>[] }[] }[]; photos: Record<string, unknown>[] } };
      const answer = JSON.parse((files.get('subject-access.json') as Buffer).toString('utf8')) as Answer;
      const { data } = answer;
      // Contact and enquiry, exactly as submitted.
      assert.equal(data.contact['name'], enquiry.name);
      assert.equal(data.contact['email'], enquiry.email);
      assert.equal(data.contact['dob'], enquiry.dob);
      assert.equal(data.contact['address'], enquiry.address);
      assert.equal(data.contact['phone'], enquiry.phone);
      assert.equal(data.enquiries.length, 1);
      assert.equal(data.enquiries[0]?.['procedure'], enquiry.procedure);
      assert.equal(data.enquiries[0]?.['message'], enquiry.message);
      const [patient] = data.patients;
      assert.ok(patient);
      assert.deepEqual(patient.appointments.map((a) => [a['kind'], a['startsAt'], a['practitionerId']]), [['consultation', '2026-12-01T10:00:00.000Z', doctorId]]);
      assert.deepEqual(patient.clinicalNotes.map((n) => n.text), ['Asked about scarring; shown healed examples.']);
      assert.deepEqual(patient.procedures.map((p) => [p['name'], p['details'], p['status']]), [['Blepharoplasty', 'Upper lids', 'planned']]);
      assert.deepEqual(patient.consents.map((c) => [c['formTitle'], c['typedName'], c['drawnSignature'], c['scopes']]), [['Clinical photography consent', enquiry.name, SIGNATURE, ['clinical']]]);
      // Ticked: clinical only; the other uses are recorded as not given.
      assert.deepEqual(patient.photoConsents.map((p) => [p['scope'], p['withdrawnAt'] === null]), [['clinical', true], ['marketing', false], ['teaching', false]]);
      assert.deepEqual(patient.invoices.map((i) => [i.totalMinor, i.lines, i.payments.map((p) => [p['amountMinor'], p['method']])]), [[12500, [{ description: 'Consultation', amountMinor: 12500 }], [[12500, 'card']]]]);
      assert.deepEqual(data.photos.map((p) => [p['angle'], p['bodyArea'], p['caption'], p['width'], p['height']]), [['front', 'eyelids', 'pre-op front', 640, 480], ['profile-left', 'eyelids', 'pre-op profile-left', 640, 480]]);
      assert.ok(!JSON.stringify(data).includes('blobKey'), 'storage keys stay inside');
      // Art. 15(1)(a)–(h): purposes, categories, recipients, retention, rights, complaint, source, automated decisions (+ 15(2) transfers).
      for (const item of ['purposes', 'categories', 'recipients', 'retention', 'rights', 'complaint', 'source', 'automatedDecisionMaking', 'transfers']) assert.ok(answer.information[item], `information: ${item}`);
      assert.match(JSON.stringify(answer.information['retention']), /8 year\(s\) after the last treatment/);
      assert.match(answer.information['complaint'] as string, /Information Commissioner/);

      // The photos are the stored images, byte for byte, and real JPEGs of the right size.
      const doctor = await staffActorFor(harness.core.db, await harness.core.db.selectFrom('staff').selectAll().where('id', '=', doctorId).executeTakeFirstOrThrow(), { public_id: 'check' } as never, '127.0.0.1', []);
      for (const [i, photoId] of photoIds.entries()) {
        const opened = await harness.core.patients.openPhoto(doctor, photoId, { use: 'clinical', kind: 'thumb', purpose: 'test' });
        const stored = await readAll(await getDecrypted(harness.core.blobs, `${opened.blobKey}/image`, opened.fileKey));
        const inZip = files.get(data.photos[i]?.['file'] as string) as Buffer;
        assert.equal(sha256(inZip), sha256(stored));
        const meta = await sharp(inZip).metadata();
        assert.deepEqual([meta.format, meta.width, meta.height], ['jpeg', 640, 480]);
      }

      // Portability: a FHIR R4 collection that validates against the HL7 R4 JSON schema.
      const bundle = JSON.parse((files.get('fhir-r4-bundle.json') as Buffer).toString('utf8')) as { entry: { resource: Record<string, unknown> & { resourceType: string } }[] };
      assert.ok(validateBundle(bundle), JSON.stringify(validateBundle.errors?.slice(0, 5)));
      const byType = (type: string) => bundle.entry.map((e) => e.resource).filter((r) => r.resourceType === type);
      const [fhirPatient] = byType('Patient');
      assert.equal(fhirPatient?.['birthDate'], enquiry.dob);
      assert.deepEqual((fhirPatient?.['name'] as { text: string }[])[0]?.text, enquiry.name);
      assert.ok((fhirPatient?.['telecom'] as { system: string; value: string }[]).some((t) => t.system === 'email' && t.value === enquiry.email));
      assert.equal(byType('Consent').length, 1);
      assert.deepEqual(byType('Media').map((m) => (m['content'] as { url: string }).url).sort(), [...photoFiles].sort());
      // A bundle with a broken resource does not validate: the check can fail.
      assert.equal(validateBundle({ ...bundle, entry: [{ resource: { resourceType: 'Patient', birthDate: 'yesterday' } }] }), false);

      const audited = await harness.core.db.selectFrom('audit_events').select(['person_ids', 'outcome']).where('action', '=', 'rights.subject-access').orderBy('seq').execute();
      assert.deepEqual(audited.map((a) => [JSON.parse(a.person_ids) as string[], a.outcome]), [[[personId], 'denied'], [[personId], 'success']]);
      // Answered: the request closes, and with it the DPO's access to this person.
      assert.equal((await dpoPost(`/api/v1/rights/requests/${request.id}/close`, { status: 'completed' })).statusCode, 200);
      assert.equal((await get(url, cookies['dpo'] as string)).json<{ error: { code: string } }>().error.code, 'REQUEST_CLOSED');
    });

    it('tracks the one-month deadline by the calendar, and its two-month extension', async () => {
      const request = await newRequest(personId, 'rectification', '2026-01-31');
      assert.equal(request.dueAt, '2026-02-28T00:00:00.000Z');
      const listed = (await get('/api/v1/rights/requests', cookies['dpo'] as string)).json<{ id: string; isOverdue: boolean }[]>().find((r) => r.id === request.id);
      assert.equal(listed?.isOverdue, true);
      assert.deepEqual((await dpoPost(`/api/v1/rights/requests/${request.id}/extend`, { reason: 'complex' })).json(), { dueAt: '2026-04-30T00:00:00.000Z' });
      assert.equal((await dpoPost(`/api/v1/rights/requests/${request.id}/extend`, { reason: 'complex' })).statusCode, 409, 'only one extension');
      assert.equal((await dpoPost('/api/v1/rights/requests', { personId, kind: 'access', receivedAt: '2099-01-01' })).statusCode, 400, 'not received in the future');
      // Rectification: the corrected email is sealed and re-indexed; the old one no longer finds the person.
      const rectified = await dpoPost(`/api/v1/rights/requests/${request.id}/rectify`, { email: 'corrected.address@example.org' });
      assert.deepEqual(rectified.json(), { changed: ['email'] });
      assert.equal((await dpoPost('/api/v1/rights/lookup', { email: 'corrected.address@example.org' })).json<{ personId: string }[]>()[0]?.personId, personId);
      assert.deepEqual((await dpoPost('/api/v1/rights/lookup', { email: enquiry.email })).json(), []);
      assert.equal((await get(`/api/v1/patients/${patientId}`, cookies['reception'] as string)).json<{ contact: { email: string } }>().contact.email, 'corrected.address@example.org');
      const event = await harness.core.db.selectFrom('audit_events').select('purpose').where('action', '=', 'rights.completed').where('record_refs', 'like', `%${request.id}%`).executeTakeFirstOrThrow();
      assert.equal(event.purpose, 'rectified:email', 'field names only, never values');
    });

    it('erases with recorded Art. 17(3) exceptions, and crypto-shreds when none applies', async () => {
      await stepUp(app, cookies['dpo'] as string, DPO.email);
      const partial = await newRequest(personId, 'erasure');
      assert.deepEqual((await dpoPost(`/api/v1/rights/requests/${partial.id}/erase`, { exceptions: ['legal-obligation', 'public-health'] })).json(), { outcome: 'partially-erased' });
      assert.equal((await harness.core.db.selectFrom('enquiries').select('id').where('person_id', '=', personId).execute()).length, 0, 'the enquiry is gone');
      assert.equal((await get(`/api/v1/patients/${patientId}`, cookies['reception'] as string)).statusCode, 200, 'the clinical record is kept');
      const recorded = (await get('/api/v1/rights/requests', cookies['dpo'] as string)).json<{ id: string; exceptions: string[]; outcome: string }[]>().find((r) => r.id === partial.id);
      assert.deepEqual([recorded?.outcome, recorded?.exceptions], ['partially-erased', ['legal-obligation', 'public-health']]);

      // The other person only ever enquired: nothing justifies keeping them.
      const otherPerson = (await dpoPost('/api/v1/rights/lookup', { email: other.email })).json<{ personId: string }[]>()[0]?.personId as string;
      const saved = await harness.core.db.selectFrom('enquiries').select(['id', 'body_envelope']).where('person_id', '=', otherPerson).executeTakeFirstOrThrow();
      // A legal hold must be recorded as an exception; erasing in full is refused.
      await harness.core.db.insertInto('legal_holds').values({ person_id: otherPerson, reason: 'test hold', created_at: new Date().toISOString(), created_by: 'test' }).execute();
      const full = await newRequest(otherPerson, 'erasure');
      assert.equal((await dpoPost(`/api/v1/rights/requests/${full.id}/erase`, { exceptions: [] })).statusCode, 400);
      await harness.core.db.deleteFrom('legal_holds').where('person_id', '=', otherPerson).execute();
      assert.deepEqual((await dpoPost(`/api/v1/rights/requests/${full.id}/erase`, { exceptions: [] })).json(), { outcome: 'erased' });
      assert.equal((await harness.core.db.selectFrom('person_keys').select('domain').where('person_id', '=', otherPerson).execute()).length, 0, 'keys gone');
      assert.equal((await harness.core.db.selectFrom('persons').select('id').where('id', '=', otherPerson).execute()).length, 0);
      assert.equal((await dpoPost('/api/v1/rights/lookup', { email: other.email })).json<unknown[]>().length, 0);
      // A copy of their ciphertext taken before the erasure has no wrapped key left anywhere to open it (the retention test opens such a copy with every key the vault holds).
      assert.ok(saved.body_envelope.length > 0);
      const anyKey = await harness.core.db.selectFrom('person_keys').select('wrapped_dek').where('person_id', '=', otherPerson).executeTakeFirst();
      assert.equal(anyKey, undefined);
    });
  });
}
