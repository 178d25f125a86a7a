/**
 * Incident scope cannot miss a kind of read: for a stolen login (or a window
 * of system work), the people and categories the scope engine lists must be
 * exactly what that login was actually shown or what the system actually
 * opened, whatever the action was called.
 *
 * Ground truth is kept by the test from what it received: each response is
 * parsed, and a person's category counts as exposed when the response holds
 * that category's seeded content for them (their name, their message, the
 * note text, the invoice line, the photo). For system work it is what the
 * test made the system do: every person it ingested (the sealed form holds
 * contact and enquiry in clear) and every patient's contact (the name index).
 *
 *  (1) system work in a window: ingest (a new person and a returning one)
 *      and the name-index build;
 *  (2) a stolen DPO login exporting a person's data (subject access), which
 *      the action-name list did not count at all;
 *  (3) a stolen receptionist login: enquiries, a patient record, a search and
 *      a consent signed on the tablet: contact and enquiry only, never
 *      clinical notes or photos;
 * and an Art. 34 assessment with no indicators, or before the scope of the
 * current indicators, is refused rather than concluding "not required".
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { FastifyInstance } from 'fastify';
import { fixedClock } from '../../src/platform/clock.js';
import { DIALECTS } from '../helpers/databases.js';
import { type GeneratedEnquiry, generateEnquiries, generateEnquiry } from '../helpers/enquiries.js';
import { unzip } from '../helpers/files.js';
import { ADMIN, createHarness, type Harness, post, RECEPTION, signIn, stepUp, submitEnquiries } from '../helpers/harness.js';
import { cameraJpeg, multipartBody } from '../helpers/images.js';
import { createStaffViaApi } from '../helpers/staff.js';

const DPO = { email: 'dpo@clinic.test', password: 'lantern orchard pebble 18', name: 'Dora DPO' };
const DOCTOR = { email: 'doctor@clinic.test', password: 'copper meadow violin 35', name: 'Dr Doe' };
const SIGNATURE = `data:image/png;base64,${Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, ...Buffer.from('strokes')]).toString('base64')}`;
const NOTE = 'Discussed swelling after the procedure; reviewed in two weeks.';
const INVOICE_LINE = 'Follow-up consultation';
const CAPTION = 'left profile before';

/** person id → categories exposed in clear. */
type Exposure = Map<string, Set<string>>;

function add(truth: Exposure, personId: string, category: string): void {
  truth.set(personId, (truth.get(personId) ?? new Set<string>()).add(category));
}

function asPlain(exposure: Exposure): Record<string, string[]> {
  return Object.fromEntries([...exposure].map(([id, set]) => [id, [...set].sort()]).sort(([a], [b]) => (String(a) < String(b) ? -1 : 1)));
}

for (const dialect of DIALECTS) {
  describe(`incident scope equals ground truth (${dialect})`, () => {
    let harness: Harness;
    let app: FastifyInstance;
    const clock = fixedClock(new Date('2026-11-25T08:00:00Z'));
    const cookies: Record<string, string> = {};
    const people: GeneratedEnquiry[] = generateEnquiries(700, 4);
    const byEmail = new Map<string, string>();
    const patientOf = new Map<string, string>();

    const get = (url: string, cookie: string) => app.inject({ method: 'GET', url, headers: { cookie } });
    const staffId = async (email: string) => (await harness.core.db.selectFrom('staff').select('id').where('email', '=', email).executeTakeFirstOrThrow()).id;
    const personOf = (who: GeneratedEnquiry) => byEmail.get(who.email) as string;

    /** Declare an incident with one indicator, compute its scope and return who is listed with which categories. */
    async function scopeOf(indicator: { kind: string; value: string; from: string; to: string }): Promise<Exposure> {
      cookies['dpo'] = await signIn(app, DPO);
      const declared = await post(app, '/api/v1/incidents', cookies['dpo'] as string, { title: 'Scope check', regime: 'uk-gdpr', awareAt: clock.now().toISOString(), occurredFrom: indicator.from, occurredTo: indicator.to, details: { whatHappened: 'x', howDiscovered: 'x', likelyConsequences: 'x', measuresBefore: 'x', measuresAfter: 'x', staffInvolved: true, staffTraining: 'x', contactPoint: 'x' } });
      assert.equal(declared.statusCode, 201, declared.body);
      const { id } = declared.json<{ id: string }>();
      assert.equal((await post(app, `/api/v1/incidents/${id}/indicators`, cookies['dpo'] as string, indicator)).statusCode, 201);
      assert.equal((await post(app, `/api/v1/incidents/${id}/scope`, cookies['dpo'] as string)).statusCode, 200);
      const listed = (await get(`/api/v1/incidents/${id}/persons`, cookies['dpo'] as string)).json<{ persons: { personId: string; categories: string[]; unintelligible: boolean }[] }>().persons;
      assert.ok(listed.every((p) => !p.unintelligible), 'read in clear is intelligible');
      return new Map(listed.map((p) => [p.personId, new Set(p.categories)]));
    }

    before(async () => {
      harness = await createHarness(dialect, { clock, env: { TACET_AUTH_RATE_MAX: '1000' } });
      app = harness.core.app;
      await submitEnquiries(harness, people);
      const clinicA = harness.clinicIds['clinic-a'] as string;
      const [, doctorId] = await createStaffViaApi(app, [
        { ...DPO, orgRole: 'dpo', clinicRoles: [] },
        { ...DOCTOR, orgRole: null, clinicRoles: [{ clinicId: clinicA, role: 'practitioner' }] },
      ]);
      for (const [name, who] of Object.entries({ admin: ADMIN, reception: RECEPTION, dpo: DPO, doctor: DOCTOR })) cookies[name] = await signIn(app, who);
      // Seed through the API as a clinic would: people 0 and 1 become patients with a note; person 0 also an invoice and a photo.
      const list = (await get('/api/v1/enquiries', cookies['reception'] as string)).json<{ enquiries: { id: string }[] }>().enquiries;
      const enquiryOf = new Map<string, string>();
      for (const row of list) {
        const detail = (await get(`/api/v1/enquiries/${row.id}`, cookies['reception'] as string)).json<{ personId: string; contact: { email: string } }>();
        byEmail.set(detail.contact.email, detail.personId);
        enquiryOf.set(detail.contact.email, row.id);
      }
      for (const who of people.slice(0, 2)) {
        const patientId = (await post(app, `/api/v1/enquiries/${enquiryOf.get(who.email) as string}/convert`, cookies['reception'] as string)).json<{ patientId: string }>().patientId;
        patientOf.set(who.email, patientId);
        // Booking the doctor puts them in the care team.
        assert.equal((await post(app, `/api/v1/patients/${patientId}/appointments`, cookies['reception'] as string, { kind: 'consultation', startsAt: '2026-12-01T10:00:00Z', endsAt: '2026-12-01T10:45:00Z', practitionerId: doctorId })).statusCode, 201);
        assert.equal((await post(app, `/api/v1/patients/${patientId}/notes`, cookies['doctor'] as string, { text: NOTE })).statusCode, 201);
      }
      const first = patientOf.get((people[0] as GeneratedEnquiry).email) as string;
      assert.equal((await post(app, `/api/v1/patients/${first}/invoices`, cookies['admin'] as string, { currency: 'GBP', lines: [{ description: INVOICE_LINE, amountMinor: 9000 }] })).statusCode, 201);
      await stepUp(app, cookies['admin'] as string, ADMIN.email);
      const form = await post(app, '/api/v1/consent-forms', cookies['admin'] as string, { kind: 'photo', procedureKey: 'clinical-photography', title: 'Clinical photography consent', body: 'I agree that the clinic may take and keep photographs of me for the purposes I tick below.' });
      assert.equal(form.statusCode, 201, form.body);
      cookies['formId'] = form.json<{ id: string }>().id;
      assert.equal((await post(app, `/api/v1/patients/${first}/consents`, cookies['doctor'] as string, { formId: cookies['formId'], typedName: (people[0] as GeneratedEnquiry).name, drawnSignature: SIGNATURE, scopes: ['clinical'] })).statusCode, 201);
      const { payload, headers } = multipartBody({ phase: 'before', angle: 'profile-left', takenOn: '2026-11-01', bodyArea: 'face', caption: CAPTION }, { name: 'file', filename: 'IMG.jpg', contentType: 'image/jpeg', data: await cameraJpeg(320, 240, 7) });
      assert.equal((await app.inject({ method: 'POST', url: `/api/v1/patients/${first}/photos`, headers: { cookie: cookies['doctor'] as string, ...headers }, payload })).statusCode, 201);
      clock.advance(60 * 60_000);
    });

    after(async () => harness?.close());

    it('(1) system work in a window (ingest, name-index build): exactly the people and domains opened', async () => {
      const from = clock.now().toISOString();
      clock.advance(60_000);
      // A new person, and person 2 enquiring again (matched by email: their contact is opened to confirm it).
      const newcomer = generateEnquiry(799);
      const returning = { ...generateEnquiry(798), email: (people[2] as GeneratedEnquiry).email, name: (people[2] as GeneratedEnquiry).name };
      await submitEnquiries(harness, [newcomer, returning]);
      const reception = await signIn(app, RECEPTION);
      // The first name search builds the index: a system read of every patient's contact. The search itself finds nobody.
      assert.deepEqual((await post(app, '/api/v1/patients/search', reception, { name: 'Nobodyhasthisname' })).json<{ results: unknown[] }>().results, []);
      clock.advance(60_000);
      const to = clock.now().toISOString();
      clock.advance(60 * 60_000);

      const truth: Exposure = new Map();
      const ingested = await harness.core.db.selectFrom('enquiries').select('person_id').where('created_at', '>=', from).where('created_at', '<=', to).execute();
      assert.equal(ingested.length, 2);
      for (const row of ingested) for (const category of ['contact', 'enquiry']) add(truth, row.person_id, category);
      assert.ok(truth.has(personOf(people[2] as GeneratedEnquiry)), 'the returning person matched');
      for (const row of await harness.core.db.selectFrom('patients').select('person_id').execute()) add(truth, row.person_id, 'contact');

      const scope = await scopeOf({ kind: 'window', value: 'system work', from, to });
      assert.deepEqual(asPlain(scope), asPlain(truth));
    });

    it('(2) stolen DPO login exporting a person (subject access): everything it was given, counted as read in clear', async () => {
      const from = clock.now().toISOString();
      clock.advance(60_000);
      const subject = people[0] as GeneratedEnquiry;
      cookies['dpo'] = await signIn(app, DPO);
      const request = await post(app, '/api/v1/rights/requests', cookies['dpo'] as string, { personId: personOf(subject), kind: 'access' });
      assert.equal(request.statusCode, 201, request.body);
      await stepUp(app, cookies['dpo'] as string, DPO.email);
      const exported = await get(`/api/v1/rights/requests/${request.json<{ id: string }>().id}/export`, cookies['dpo'] as string);
      assert.equal(exported.statusCode, 200, exported.body.slice(0, 200));
      clock.advance(60_000);
      const to = clock.now().toISOString();
      clock.advance(60 * 60_000);

      const files = await unzip(exported.rawPayload);
      const { data } = JSON.parse((files.get('subject-access.json') as Buffer).toString('utf8')) as { data: { contact: { name: string }; enquiries: { message: string }[]; patients: { clinicalNotes: { text: string }[]; invoices: { lines: { description: string }[] }[] }[]; photos: { caption: string; file: string }[] } };
      const truth: Exposure = new Map();
      const id = personOf(subject);
      if (data.contact.name === subject.name) add(truth, id, 'contact');
      if (data.enquiries.some((e) => e.message === subject.message)) add(truth, id, 'enquiry');
      if (data.patients.some((p) => p.clinicalNotes.some((n) => n.text === NOTE))) add(truth, id, 'clinical');
      if (data.patients.some((p) => p.invoices.some((i) => i.lines.some((l) => l.description === INVOICE_LINE)))) add(truth, id, 'financial');
      if (data.photos.some((p) => p.caption === CAPTION && files.has(p.file))) add(truth, id, 'photo');
      assert.deepEqual([...(truth.get(id) ?? [])].sort(), ['clinical', 'contact', 'enquiry', 'financial', 'photo'], 'the export held all of it');

      const scope = await scopeOf({ kind: 'staff', value: await staffId(DPO.email), from, to });
      assert.deepEqual(asPlain(scope), asPlain(truth));
    });

    it('(3) stolen receptionist login: contact and enquiry of exactly whom it was shown, never clinical notes or photos', async () => {
      const from = clock.now().toISOString();
      clock.advance(60_000);
      const session = await signIn(app, RECEPTION);
      const truth: Exposure = new Map();
      const [patientPerson, otherPatient, enquirer] = [people[0], people[1], people[3]] as [GeneratedEnquiry, GeneratedEnquiry, GeneratedEnquiry];
      // An enquiry opened.
      const enquiryId = (await harness.core.db.selectFrom('enquiries').select('id').where('person_id', '=', personOf(enquirer)).executeTakeFirstOrThrow()).id;
      const enquiry = (await get(`/api/v1/enquiries/${enquiryId}`, session)).json<{ personId: string; contact: { name: string }; message: string }>();
      if (enquiry.contact.name === enquirer.name) add(truth, enquiry.personId, 'contact');
      if (enquiry.message === enquirer.message) add(truth, enquiry.personId, 'enquiry');
      // A patient record opened (it has clinical notes and a photo the receptionist cannot see).
      const record = await get(`/api/v1/patients/${patientOf.get(patientPerson.email) as string}`, session);
      assert.equal(record.statusCode, 200, record.body);
      const shown = record.json<{ personId: string; contact: { name: string } }>();
      if (shown.contact.name === patientPerson.name) add(truth, shown.personId, 'contact');
      assert.ok(!record.body.includes(NOTE) && !record.body.includes(CAPTION));
      // A search that finds the other patient by name.
      const results = (await post(app, '/api/v1/patients/search', session, { name: otherPatient.name })).json<{ results: { patientId: string; name: string }[] }>().results;
      assert.ok(results.length > 0);
      for (const result of results) {
        const person = (await harness.core.db.selectFrom('patients').select('person_id').where('id', '=', result.patientId).executeTakeFirstOrThrow()).person_id;
        if (result.name) add(truth, person, 'contact');
      }
      // A consent signed on the tablet: a write under the clinical key, which shows the receptionist nothing stored.
      assert.equal((await post(app, `/api/v1/patients/${patientOf.get(otherPatient.email) as string}/consents`, session, { formId: cookies['formId'], typedName: otherPatient.name, drawnSignature: SIGNATURE, scopes: ['clinical'] })).statusCode, 201);
      // Denied probes expose nothing.
      assert.equal((await get(`/api/v1/patients/${patientOf.get(patientPerson.email) as string}/clinical`, session)).statusCode, 404);
      clock.advance(60_000);
      const to = clock.now().toISOString();
      clock.advance(60 * 60_000);

      const scope = await scopeOf({ kind: 'staff', value: await staffId(RECEPTION.email), from, to });
      assert.deepEqual(asPlain(scope), asPlain(truth));
      for (const categories of scope.values()) assert.ok(!categories.has('clinical') && !categories.has('photo'));
    });

    it('refuses an Art. 34 assessment with no indicators, or before the current indicators are scoped', async () => {
      const dpo = await signIn(app, DPO);
      const { id } = (await post(app, '/api/v1/incidents', dpo, { title: 'Nothing known yet', regime: 'uk-gdpr', awareAt: clock.now().toISOString(), details: { whatHappened: 'x', howDiscovered: 'x', likelyConsequences: 'x', measuresBefore: 'x', measuresAfter: 'x', staffInvolved: false, staffTraining: 'x', contactPoint: 'x' } })).json<{ id: string }>();
      // Scope of nothing, then assess: refused, not "notices not required".
      assert.equal((await post(app, `/api/v1/incidents/${id}/scope`, dpo)).statusCode, 200);
      const empty = await post(app, `/api/v1/incidents/${id}/assessment`, dpo, {});
      assert.equal(empty.json<{ error: { code: string } }>().error.code, 'INCIDENT_INDICATORS_REQUIRED');
      // An indicator added but its scope not computed: refused too.
      clock.advance(60_000);
      assert.equal((await post(app, `/api/v1/incidents/${id}/indicators`, dpo, { kind: 'staff', value: await staffId(RECEPTION.email) })).statusCode, 201);
      const stale = await post(app, `/api/v1/incidents/${id}/assessment`, dpo, {});
      assert.equal(stale.json<{ error: { code: string } }>().error.code, 'INCIDENT_SCOPE_REQUIRED');
      clock.advance(60_000);
      assert.equal((await post(app, `/api/v1/incidents/${id}/scope`, dpo)).statusCode, 200);
      const assessed = await post(app, `/api/v1/incidents/${id}/assessment`, dpo, {});
      assert.equal(assessed.statusCode, 200, assessed.body);
      assert.equal(assessed.json<{ art34NoticeRequired: boolean }>().art34NoticeRequired, true, 'the receptionist login read people in clear');
      assert.equal((await harness.core.db.selectFrom('incidents').select('assessment').where('id', '=', id).executeTakeFirstOrThrow()).assessment?.includes('"art34NoticeRequired":true'), true);
    });
  });
}
