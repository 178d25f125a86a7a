/**
 * The "needs attention" list on both databases: every quarantine reason made
 * the way it happens, listed per clinic (metadata only, keyset-paged),
 * opened through the quarantine door (audited before anything decrypts),
 * corrected and accepted as ingest would store it, or discarded with a
 * reason; and who may: another clinic's receptionist and a nurse get 404,
 * an unattributed row only the clinic managers.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { DIALECTS } from '../helpers/databases.js';
import { generateEnquiry } from '../helpers/enquiries.js';
import { ADMIN, createHarness, type Harness, post, RECEPTION, signIn, submitEnquiries } from '../helpers/harness.js';
import { futureDob, type Quarantined, quarantinedId, quarantineEveryReason } from '../helpers/quarantine.js';
import { startSmtp, type TestSmtp } from '../helpers/smtp.js';
import { createStaffViaApi } from '../helpers/staff.js';

const RECEPTION_B = { email: 'reception-b@clinic.test', password: 'amber crossing willow 58', name: 'Reception B' };
const NURSE = { email: 'nurse-a@clinic.test', password: 'copper lantern meadow 27', name: 'Nurse A' };

interface Item {
  id: string;
  reason: string;
  reasonText: string;
  clinic: { id: string; name: string } | null;
  clinicSlug: string;
  ageMinutes: number;
}
interface View extends Item {
  canOpen: boolean;
  fields: Record<string, string | boolean> | null;
  issues: { field: string; message: string }[];
  text: string | null;
  reference: string | null;
  clinicChoices: { id: string; name: string }[];
}

for (const dialect of DIALECTS) {
  describe(`needs attention (${dialect})`, () => {
    let harness: Harness;
    let made: Quarantined;
    let reception: string;
    let admin: string;
    let smtp: TestSmtp;
    const get = (url: string, cookie: string) => harness.core.app.inject({ url, headers: { cookie } });
    const auditOf = (action: string) => harness.core.db.selectFrom('audit_events').select(['action', 'record_refs', 'person_ids', 'purpose', 'outcome', 'seq']).where('action', '=', action).orderBy('seq').execute();

    before(async () => {
      smtp = await startSmtp();
      harness = await createHarness(dialect, { env: { TACET_AUTH_RATE_MAX: '1000', TACET_SMTP_URL: smtp.url } });
      await createStaffViaApi(harness.core.app, [
        { ...RECEPTION_B, orgRole: null, clinicRoles: [{ clinicId: harness.clinicIds['clinic-b'] as string, role: 'receptionist' }] },
        { ...NURSE, orgRole: null, clinicRoles: [{ clinicId: harness.clinicIds['clinic-a'] as string, role: 'nurse' }] },
      ]);
      made = await quarantineEveryReason(harness);
      reception = await signIn(harness.core.app, RECEPTION);
      admin = await signIn(harness.core.app, ADMIN);
    });
    after(async () => {
      await harness?.close();
      await smtp?.stop();
    });

    it('lists the clinic’s quarantined rows to its receptionist, metadata only, and the unattributed one to managers only', async () => {
      const list = (await get('/api/v1/needs-attention', reception)).json<{ items: Item[]; nextCursor: string | null }>();
      assert.deepEqual(list.items.map((i) => i.reason).sort(), ['invalid-fields', 'invalid-json', 'open-failed', 'unknown-key']);
      assert.ok(list.items.every((i) => i.clinic?.name === 'Clinic A' && i.reasonText.length > 20 && i.ageMinutes >= 0));
      // No value typed into the form appears in the list.
      const body = JSON.stringify(list);
      for (const value of [made['invalid-fields'].fields?.name, made['invalid-fields'].fields?.email]) assert.ok(value && !body.includes(value));
      assert.equal((await get('/api/v1/needs-attention/count', reception)).json<{ count: number }>().count, 4);
      const managers = (await get('/api/v1/needs-attention', admin)).json<{ items: Item[] }>();
      const unattributed = managers.items.find((i) => i.reason === 'unknown-clinic');
      assert.ok(unattributed && unattributed.clinic === null && unattributed.clinicSlug === 'clinic-gone');
    });

    it('pages by keyset: two pages of two, each row once', async () => {
      const first = (await get('/api/v1/needs-attention?limit=2', reception)).json<{ items: Item[]; nextCursor: string | null }>();
      assert.equal(first.items.length, 2);
      assert.ok(first.nextCursor);
      const second = (await get(`/api/v1/needs-attention?limit=2&cursor=${encodeURIComponent(first.nextCursor)}`, reception)).json<{ items: Item[]; nextCursor: string | null }>();
      assert.equal(second.items.length, 2);
      assert.equal(new Set([...first.items, ...second.items].map((i) => i.id)).size, 4);
    });

    it('refuses another clinic’s receptionist and a nurse with 404, audited as denied', async () => {
      const id = await quarantinedId(harness, 'invalid-fields');
      const other = await signIn(harness.core.app, RECEPTION_B);
      assert.equal((await get('/api/v1/needs-attention', other)).json<{ items: Item[] }>().items.length, 0);
      assert.equal((await get(`/api/v1/needs-attention/${id}`, other)).statusCode, 404);
      assert.equal((await post(harness.core.app, `/api/v1/needs-attention/${id}/accept`, other, { fields: { dob: '' } })).statusCode, 404);
      assert.equal((await post(harness.core.app, `/api/v1/needs-attention/${id}/discard`, other, { reason: 'spam' })).statusCode, 404);
      const denied = (await auditOf('enquiry.quarantine.read')).filter((e) => e.outcome === 'denied');
      assert.ok(denied.some((e) => e.record_refs.includes(id)));
      const nurse = await signIn(harness.core.app, NURSE);
      assert.equal((await get('/api/v1/needs-attention', nurse)).statusCode, 404);
      assert.equal((await get(`/api/v1/needs-attention/${id}`, nurse)).statusCode, 404);
      // The unattributed row is not a receptionist's.
      assert.equal((await get(`/api/v1/needs-attention/${await quarantinedId(harness, 'unknown-clinic')}`, reception)).statusCode, 404);
      // Still there for its own clinic.
      assert.equal((await get(`/api/v1/needs-attention/${id}`, reception)).statusCode, 200);
    });

    it('opens an invalid-fields row through the door: audited first, the fields as submitted and what is wrong', async () => {
      const id = await quarantinedId(harness, 'invalid-fields');
      const before = (await auditOf('enquiry.quarantine.read')).filter((e) => e.outcome === 'success' && e.record_refs.includes(id)).length;
      const view = (await get(`/api/v1/needs-attention/${id}`, reception)).json<View>();
      const fields = made['invalid-fields'].fields;
      assert.ok(fields && view.canOpen);
      assert.equal(view.fields?.name, fields.name);
      assert.equal(view.fields?.dob, fields.dob);
      assert.deepEqual(view.issues.map((i) => i.field), ['dob']);
      assert.match(view.reference ?? '', /^ENQ-/);
      const after = (await auditOf('enquiry.quarantine.read')).filter((e) => e.outcome === 'success' && e.record_refs.includes(id));
      assert.equal(after.length, before + 1);
      assert.equal(after.at(-1)?.purpose, 'needs-attention');
    });

    it('accepts a corrected row exactly as ingest stores it, removing the row in the same step; a still-invalid one is refused and kept', async () => {
      const id = await quarantinedId(harness, 'invalid-fields');
      const bad = await post(harness.core.app, `/api/v1/needs-attention/${id}/accept`, reception, { fields: { dob: futureDob() } });
      assert.equal(bad.statusCode, 400);
      assert.deepEqual(bad.json<{ error: { fields: string[] } }>().error.fields, ['dob']);
      assert.ok(await harness.core.db.selectFrom('inbox_quarantine').select('id').where('id', '=', id).executeTakeFirst());
      const view = (await get(`/api/v1/needs-attention/${id}`, reception)).json<View>();
      const accepted = await post(harness.core.app, `/api/v1/needs-attention/${id}/accept`, reception, { fields: { dob: '1985-03-27' } });
      assert.equal(accepted.statusCode, 201, accepted.body);
      const result = accepted.json<{ enquiryId: string; reference: string; isDuplicate: boolean }>();
      assert.equal(result.reference, view.reference, 'the reference the person was shown');
      assert.equal(await harness.core.db.selectFrom('inbox_quarantine').select('id').where('id', '=', id).executeTakeFirst(), undefined);
      const detail = (await get(`/api/v1/enquiries/${result.enquiryId}`, reception)).json<{ contact: { name: string; dateOfBirth: string | null }; reference: string; clinic: { slug: string } }>();
      assert.equal(detail.contact.name, made['invalid-fields'].fields?.name);
      assert.equal(detail.contact.dateOfBirth, '1985-03-27');
      assert.equal(detail.clinic.slug, 'clinic-a');
      const event = (await auditOf('enquiry.quarantine.accept')).at(-1);
      assert.ok(event && event.record_refs.includes(id) && event.person_ids.length > 0);
      assert.equal(event.purpose, 'invalid-fields:corrected:dob');
      // The person asked for an acknowledgement: queued with the accept, as ingest would have.
      const acks = await harness.core.db.selectFrom('notification_outbox').select('id').where('channel', '=', 'ack-email').execute();
      assert.equal(acks.length, 1);
      // The same person sending again later is matched to the same person (blind index), as ingest does.
      await submitEnquiries(harness, [{ ...generateEnquiry(5), email: made['invalid-fields'].fields?.email }]);
      const persons = await harness.core.db.selectFrom('enquiries').select('person_id').execute();
      assert.equal(new Set(persons.map((p) => p.person_id)).size, persons.length - 1);
    });

    it('lets a manager place an unattributed row in a clinic of theirs', async () => {
      const id = await quarantinedId(harness, 'unknown-clinic');
      const view = (await get(`/api/v1/needs-attention/${id}`, admin)).json<View>();
      assert.ok(view.canOpen && view.issues.length === 0);
      assert.deepEqual(view.clinicChoices.map((c) => c.name).sort(), ['Clinic A', 'Clinic B']);
      assert.equal((await post(harness.core.app, `/api/v1/needs-attention/${id}/accept`, admin, { fields: {} })).statusCode, 400, 'a clinic must be chosen');
      const accepted = await post(harness.core.app, `/api/v1/needs-attention/${id}/accept`, admin, { clinicId: harness.clinicIds['clinic-b'], fields: {} });
      assert.equal(accepted.statusCode, 201, accepted.body);
      const enquiry = await harness.core.db.selectFrom('enquiries').select('clinic_id').where('id', '=', accepted.json<{ enquiryId: string }>().enquiryId).executeTakeFirstOrThrow();
      assert.equal(enquiry.clinic_id, harness.clinicIds['clinic-b']);
    });

    it('shows what is known of unopenable rows, refuses to accept them, and discards with a reason (shred log, audit)', async () => {
      for (const reason of ['unknown-key', 'open-failed'] as const) {
        const id = await quarantinedId(harness, reason);
        const view = (await get(`/api/v1/needs-attention/${id}`, reception)).json<View>();
        assert.equal(view.canOpen, false);
        assert.equal(view.fields, null);
        assert.equal((await post(harness.core.app, `/api/v1/needs-attention/${id}/accept`, reception, { fields: {} })).statusCode, 409);
        assert.equal((await post(harness.core.app, `/api/v1/needs-attention/${id}/discard`, reception, {})).statusCode, 400, 'a reason is required');
        assert.equal((await post(harness.core.app, `/api/v1/needs-attention/${id}/discard`, reception, { reason: 'unreadable' })).statusCode, 200);
        assert.equal(await harness.core.db.selectFrom('inbox_quarantine').select('id').where('id', '=', id).executeTakeFirst(), undefined);
        const shred = await harness.core.db.selectFrom('shred_log').selectAll().where('person_id', '=', id).executeTakeFirstOrThrow();
        assert.equal(shred.reason, 'quarantine-discard:unreadable');
        const event = (await auditOf('enquiry.quarantine.discard')).at(-1);
        assert.ok(event && event.record_refs.includes(id));
        assert.equal(event.purpose, `${reason}:unreadable`);
        assert.equal((await post(harness.core.app, `/api/v1/needs-attention/${id}/discard`, reception, { reason: 'unreadable' })).statusCode, 404, 'gone');
      }
    });

    it('opens a non-JSON body as text for the receptionist to read', async () => {
      const id = await quarantinedId(harness, 'invalid-json');
      const view = (await get(`/api/v1/needs-attention/${id}`, reception)).json<View>();
      assert.ok(view.canOpen);
      assert.equal(view.text, 'name=Half a form&email=');
      assert.equal((await post(harness.core.app, `/api/v1/needs-attention/${id}/discard`, reception, { reason: 'other' })).statusCode, 200);
      assert.equal((await get('/api/v1/needs-attention/count', reception)).json<{ count: number }>().count, 0);
    });
  });
}
