/**
 * The administrator's set-up on both databases, through the API as the UI
 * calls it: a staff member disabled and re-enabled (sessions stay ended, the
 * old password works again, both acts audited); roles in several clinics
 * added and removed one at a time, and what they open; consent forms created
 * and versioned (only the current version can be signed, every version kept);
 * a locked account says which factor is locked and who may unlock it; the
 * staff directory names staff for any signed-in colleague and no more.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { DIALECTS } from '../helpers/databases.js';
import { generateEnquiries } from '../helpers/enquiries.js';
import { ADMIN, createHarness, type Harness, passwordStep, post, RECEPTION, signIn, stepUp, submitEnquiries } from '../helpers/harness.js';
import { createStaffViaApi } from '../helpers/staff.js';

const NURSE = { email: 'nurse.multi@clinic.test', password: 'amber kettle orchard 58 swift', name: 'Nia Multi' };

interface Member {
  id: string;
  name: string;
  disabledAt: string | null;
  clinicRoles: { clinicId: string; role: string }[];
  lockedFactors: string[];
  unlockRoles: string[];
}

for (const dialect of DIALECTS) {
  describe(`staff administration (${dialect})`, () => {
    let harness: Harness;
    let admin: string;
    let nurseId: string;
    const clinic = (slug: string) => harness.clinicIds[slug] as string;
    const inject = (method: 'GET' | 'PUT' | 'DELETE' | 'POST', url: string, cookie: string, payload?: unknown) =>
      harness.core.app.inject({ method, url, headers: { cookie, ...(payload === undefined ? {} : { 'content-type': 'application/json' }) }, ...(payload === undefined ? {} : { payload: JSON.stringify(payload) }) });
    const member = async (id: string): Promise<Member> => ((await inject('GET', '/api/v1/staff', admin)).json() as { staff: Member[] }).staff.find((s) => s.id === id) as Member;
    const audited = async (action: string) => (await harness.core.db.selectFrom('audit_events').select(['record_refs', 'outcome']).where('action', '=', action).execute()).filter((e) => String(e.record_refs).includes(nurseId));

    before(async () => {
      harness = await createHarness(dialect);
      await submitEnquiries(harness, generateEnquiries(0, 1));
      [nurseId] = (await createStaffViaApi(harness.core.app, [{ ...NURSE, orgRole: null, clinicRoles: [{ clinicId: clinic('clinic-a'), role: 'nurse' }] }])) as [string];
      admin = await signIn(harness.core.app, ADMIN);
      await stepUp(harness.core.app, admin, ADMIN.email);
    });
    after(async () => harness?.close());

    it('re-enables a disabled staff member: refused while disabled, signs in again after, audited both ways', async () => {
      const nurse = await signIn(harness.core.app, NURSE);
      assert.equal((await post(harness.core.app, `/api/v1/staff/${nurseId}/disable`, admin)).statusCode, 200);
      assert.equal((await inject('GET', '/api/v1/auth/state', nurse)).json<{ stage: string }>().stage, 'signed-out', 'the old session ended');
      const refused = await harness.core.app.inject({ method: 'POST', url: '/api/v1/auth/login', payload: { email: NURSE.email, password: NURSE.password } });
      assert.equal(refused.statusCode, 401);
      assert.ok((await member(nurseId)).disabledAt);

      const enabled = await post(harness.core.app, `/api/v1/staff/${nurseId}/enable`, admin);
      assert.equal(enabled.statusCode, 200, enabled.body);
      assert.equal(enabled.json<{ status: string }>().status, 'enabled');
      assert.equal((await member(nurseId)).disabledAt, null);
      assert.deepEqual((await member(nurseId)).clinicRoles, [{ clinicId: clinic('clinic-a'), role: 'nurse' }], 'roles were kept while disabled');
      assert.equal((await passwordStep(harness.core.app, NURSE)).stage, 'second-factor');
      // Enabling someone who is not disabled is a conflict, not a silent success.
      assert.equal((await post(harness.core.app, `/api/v1/staff/${nurseId}/enable`, admin)).statusCode, 409);
      assert.equal((await audited('staff.disable')).length, 1);
      assert.deepEqual((await audited('staff.enable')).map((e) => e.outcome), ['success']);
    });

    it('refuses re-enabling to anyone without staff.manage, and without a step-up', async () => {
      assert.equal((await post(harness.core.app, `/api/v1/staff/${nurseId}/disable`, admin)).statusCode, 200);
      const reception = await signIn(harness.core.app, RECEPTION);
      await stepUp(harness.core.app, reception, RECEPTION.email);
      assert.equal((await post(harness.core.app, `/api/v1/staff/${nurseId}/enable`, reception)).statusCode, 404);
      // An administrator's session whose confirmation has gone stale is asked to confirm again.
      const adminId = (await harness.core.db.selectFrom('staff').select('id').where('email', '=', ADMIN.email).executeTakeFirstOrThrow()).id;
      await harness.core.db.updateTable('sessions').set({ stepped_up_at: null }).where('staff_id', '=', adminId).execute();
      const stale = await post(harness.core.app, `/api/v1/staff/${nurseId}/enable`, admin);
      assert.equal(stale.statusCode, 403, stale.body);
      assert.equal(stale.json<{ error: { code: string } }>().error.code, 'STEP_UP_REQUIRED');
      await stepUp(harness.core.app, admin, ADMIN.email);
      assert.ok((await member(nurseId)).disabledAt, 'still disabled');
      assert.equal((await post(harness.core.app, `/api/v1/staff/${nurseId}/enable`, admin)).statusCode, 200);
    });

    it('gives one person roles in several clinics, one at a time, and each opens only its clinic', async () => {
      const put = await inject('PUT', `/api/v1/staff/${nurseId}/clinic-roles/${clinic('clinic-b')}`, admin, { role: 'practitioner' });
      assert.equal(put.statusCode, 200, put.body);
      const roles = (await member(nurseId)).clinicRoles.sort((a, b) => a.clinicId.localeCompare(b.clinicId));
      assert.deepEqual(roles, [{ clinicId: clinic('clinic-a'), role: 'nurse' }, { clinicId: clinic('clinic-b'), role: 'practitioner' }].sort((a, b) => a.clinicId.localeCompare(b.clinicId)));
      // Changing the role at a clinic replaces it (one role per clinic).
      assert.equal((await inject('PUT', `/api/v1/staff/${nurseId}/clinic-roles/${clinic('clinic-b')}`, admin, { role: 'clinic_manager' })).statusCode, 200);
      assert.equal((await member(nurseId)).clinicRoles.find((r) => r.clinicId === clinic('clinic-b'))?.role, 'clinic_manager');
      const nurse = await signIn(harness.core.app, NURSE);
      const state = (await inject('GET', '/api/v1/auth/state', nurse)).json<{ staff: { permissions: string[] } }>();
      assert.ok(state.staff.permissions.includes('financial.read'), 'the manager role at clinic B adds its permissions');
      assert.ok(state.staff.permissions.includes('clinical.read'), 'the nurse role at clinic A stays');

      // Remove clinic A: gone, clinic B stays; removing it again is NOT_FOUND.
      assert.equal((await inject('DELETE', `/api/v1/staff/${nurseId}/clinic-roles/${clinic('clinic-a')}`, admin)).statusCode, 200);
      assert.deepEqual((await member(nurseId)).clinicRoles, [{ clinicId: clinic('clinic-b'), role: 'clinic_manager' }]);
      assert.equal((await inject('DELETE', `/api/v1/staff/${nurseId}/clinic-roles/${clinic('clinic-a')}`, admin)).statusCode, 404);
      const after_ = (await inject('GET', '/api/v1/auth/state', nurse)).json<{ staff: { permissions: string[] } }>();
      assert.ok(!after_.staff.permissions.includes('clinical.read'), 'the removed role takes effect on the live session');
      // A clinic of no organisation of ours is refused.
      assert.equal((await inject('PUT', `/api/v1/staff/${nurseId}/clinic-roles/00000000-0000-4000-8000-000000000000`, admin, { role: 'nurse' })).statusCode, 400);
      assert.equal((await audited('staff.roles.change')).length, 3);
    });

    it('versions consent forms: the list shows the current one, every version is kept, only the current one can be signed', async () => {
      const body = (v: number) => `I agree to clinical photographs being taken and kept in my record (version ${v}).`;
      const first = await post(harness.core.app, '/api/v1/consent-forms', admin, { kind: 'photo', procedureKey: 'photos', title: 'Clinical photography', body: body(1) });
      assert.equal(first.statusCode, 201, first.body);
      const second = await post(harness.core.app, '/api/v1/consent-forms', admin, { kind: 'photo', procedureKey: 'photos', title: 'Clinical photography', body: body(2) });
      assert.equal(second.json<{ version: number }>().version, 2);
      await post(harness.core.app, '/api/v1/consent-forms', admin, { kind: 'procedure', procedureKey: 'rhinoplasty', title: 'Rhinoplasty', body: 'I understand the risks of rhinoplasty as explained.' });
      const current = (await inject('GET', '/api/v1/consent-forms', admin)).json<{ forms: { procedureKey: string; version: number }[] }>().forms;
      assert.deepEqual(current.map((f) => [f.procedureKey, f.version]), [['photos', 2], ['rhinoplasty', 1]]);
      const versions = (await inject('GET', '/api/v1/consent-forms/versions', admin)).json<{ forms: { procedureKey: string; version: number; body: string }[] }>().forms;
      assert.deepEqual(versions.map((f) => [f.procedureKey, f.version]), [['photos', 2], ['photos', 1], ['rhinoplasty', 1]]);
      assert.equal(versions[1]?.body, body(1));
      // A receptionist signs consents but does not write the forms, nor read their history.
      const reception = await signIn(harness.core.app, RECEPTION);
      assert.equal((await inject('GET', '/api/v1/consent-forms/versions', reception)).statusCode, 404);
      assert.equal((await post(harness.core.app, '/api/v1/consent-forms', reception, { kind: 'photo', procedureKey: 'photos', title: 'Forged', body: body(3) })).statusCode, 404);
      // The superseded version cannot be used for a signing link.
      const enquiry = await harness.core.db.selectFrom('enquiries').select('id').executeTakeFirstOrThrow();
      const patientId = (await post(harness.core.app, `/api/v1/enquiries/${enquiry.id}/convert`, admin)).json<{ patientId: string }>().patientId;
      assert.equal((await post(harness.core.app, `/api/v1/patients/${patientId}/consent-links`, admin, { formId: first.json<{ id: string }>().id })).statusCode, 409);
      assert.equal((await post(harness.core.app, `/api/v1/patients/${patientId}/consent-links`, admin, { formId: second.json<{ id: string }>().id })).statusCode, 201);
      const created = await harness.core.db.selectFrom('audit_events').select('purpose').where('action', '=', 'consent-form.create').execute();
      assert.deepEqual(created.map((e) => e.purpose).sort(), ['photos:v1', 'photos:v2', 'rhinoplasty:v1']);
    });

    it('shows a locked account: which factor, and which roles may unlock it; unlocking clears it', async () => {
      for (let i = 0; i < 10; i++) await harness.core.app.inject({ method: 'POST', url: '/api/v1/auth/login', payload: { email: NURSE.email, password: 'not the password at all' } });
      const locked = await member(nurseId);
      assert.deepEqual(locked.lockedFactors, ['password']);
      assert.deepEqual(locked.unlockRoles, ['administrator']);
      assert.equal((await post(harness.core.app, `/api/v1/staff/${nurseId}/unlock`, admin)).statusCode, 200);
      assert.deepEqual((await member(nurseId)).lockedFactors, []);
    });

    it('lists the staff directory (ids and names only) for any signed-in colleague', async () => {
      const reception = await signIn(harness.core.app, RECEPTION);
      const directory = await inject('GET', '/api/v1/staff/directory', reception);
      assert.equal(directory.statusCode, 200);
      const entries = directory.json<{ staff: Record<string, unknown>[] }>().staff;
      assert.ok(entries.some((e) => e['name'] === NURSE.name && e['id'] === nurseId));
      assert.deepEqual(Object.keys(entries[0] as object).sort(), ['id', 'isDisabled', 'name']);
      assert.doesNotMatch(directory.body, /@clinic\.test/);
      assert.equal((await harness.core.app.inject({ url: '/api/v1/staff/directory' })).statusCode, 401);
    });
  });
}
