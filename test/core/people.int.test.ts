/**
 * The people side through the real API, on SQLite and PostgreSQL, with a
 * fixed clock and no grace period: training gates personal data at the route
 * and at the door, a pass lasts twelve months and then blocks again; quiz
 * answers are for authors only; the DPO chases by real email; quarterly
 * access reviews suspend what nobody re-certified, and re-certifying
 * restores it; nobody certifies themselves.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { FastifyInstance } from 'fastify';
import { staffActorFor } from '../../src/core/org/org.repository.js';
import { createComplianceService } from '../../src/core/people/compliance.service.js';
import { STARTER_QUIZ } from '../../src/core/people/starter-training.js';
import { fixedClock } from '../../src/platform/clock.js';
import { DIALECTS } from '../helpers/databases.js';
import { generateEnquiry } from '../helpers/enquiries.js';
import { ADMIN, createHarness, type Harness, post, signIn, submitEnquiries } from '../helpers/harness.js';
import { startSmtp, type TestSmtp } from '../helpers/smtp.js';
import { createStaffViaApi } from '../helpers/staff.js';

const NURSE = { email: 'nurse@clinic.test', password: 'amber thistle rowing 58', name: 'Nina Nurse' };
const DOCTOR = { email: 'doctor@clinic.test', password: 'saffron glacier kettle 64', name: 'Dr Dee' };
const DPO = { email: 'dpo@clinic.test', password: 'walnut harbour signal 27', name: 'Dana DPO' };
const DAY = 86_400_000;

for (const dialect of DIALECTS) {
  describe(`people: training, policies, chasing, access reviews (${dialect})`, () => {
    let harness: Harness;
    let app: FastifyInstance;
    let smtp: TestSmtp;
    const clock = fixedClock(new Date('2026-10-05T09:00:00Z'));
    const ids: Record<string, string> = {};
    let moduleId: string;

    const get = (url: string, cookie: string) => app.inject({ method: 'GET', url, headers: { cookie } });
    const errorOf = (response: { json: <T>() => T }) => response.json<{ error: { code: string; fields?: string[] } }>().error;
    const pass = (cookie: string) => post(app, `/api/v1/training/modules/${moduleId}/attempts`, cookie, { answers: STARTER_QUIZ.map((q) => q.answer) });

    before(async () => {
      smtp = await startSmtp();
      harness = await createHarness(dialect, { clock, env: { TACET_TRAINING_GRACE_DAYS: '0', TACET_SMTP_URL: smtp.url, TACET_AUTH_RATE_MAX: '1000' } });
      app = harness.core.app;
      await submitEnquiries(harness, [generateEnquiry(61)]);
      const clinicA = harness.clinicIds['clinic-a'] as string;
      const [nurse, doctor, dpo] = await createStaffViaApi(app, [
        { ...NURSE, orgRole: null, clinicRoles: [{ clinicId: clinicA, role: 'nurse' }] },
        { ...DOCTOR, orgRole: null, clinicRoles: [{ clinicId: clinicA, role: 'practitioner' }] },
        { ...DPO, orgRole: 'dpo', clinicRoles: [] },
      ]);
      Object.assign(ids, { nurse, doctor, dpo });
      ids['admin'] = (await harness.core.db.selectFrom('staff').select('id').where('email', '=', ADMIN.email).executeTakeFirstOrThrow()).id;
    });

    after(async () => {
      await harness?.close();
      await smtp?.stop();
    });

    it('blocks personal data until training is passed, at the route and at the door, and again when the pass expires', async () => {
      let nurse = await signIn(app, NURSE);
      const refused = await get('/api/v1/enquiries', nurse);
      assert.equal(refused.statusCode, 403);
      assert.equal(errorOf(refused).code, 'COMPLIANCE_REQUIRED');
      assert.deepEqual(errorOf(refused).fields, ['training']);
      // The door refuses too, for an actor built with the same blocks (a route that forgot would still open nothing).
      const row = await harness.core.db.selectFrom('staff').selectAll().where('id', '=', ids['nurse'] as string).executeTakeFirstOrThrow();
      const blocked = await staffActorFor(harness.core.db, row, { public_id: 'door-test' } as never, '127.0.0.1', await harness.core.compliance.blocksFor(row));
      const enquiryId = (await harness.core.db.selectFrom('enquiries').select('id').executeTakeFirstOrThrow()).id;
      await assert.rejects(harness.core.door.readEnquiry(blocked, enquiryId, { purpose: 'test' }), { code: 'COMPLIANCE_REQUIRED' });
      const audited = await harness.core.db.selectFrom('audit_events').select('action').where('actor', '=', `staff:${ids['nurse']}`).where('outcome', '=', 'denied').where('purpose', '=', 'compliance:training').execute();
      assert.deepEqual(audited.map((a) => a.action).sort(), ['enquiry.read', 'http.route']);

      // The quiz: the answers are not sent to those taking it; a fail opens nothing; a pass lasts twelve months.
      const modules = (await get('/api/v1/training/modules', nurse)).json<{ id: string; quiz: Record<string, unknown>[] }[]>();
      moduleId = modules[0]?.id as string;
      assert.ok(modules[0]?.quiz.every((q) => !('answer' in q)), 'no answers for the person taking the quiz');
      const failed = await post(app, `/api/v1/training/modules/${moduleId}/attempts`, nurse, { answers: STARTER_QUIZ.map((q) => (q.answer + 1) % q.options.length) });
      assert.deepEqual([failed.json<{ passed: boolean; score: number }>().passed, failed.json<{ score: number }>().score], [false, 0]);
      assert.equal((await post(app, `/api/v1/training/modules/${moduleId}/attempts`, nurse, { answers: [0] })).statusCode, 400, 'every question must be answered');
      assert.equal((await get('/api/v1/enquiries', nurse)).statusCode, 403);
      const passed = (await pass(nurse)).json<{ passed: boolean; score: number; expiresAt: string }>();
      assert.deepEqual([passed.passed, passed.score, passed.expiresAt], [true, 100, '2027-10-05T09:00:00.000Z']);
      assert.equal((await get('/api/v1/enquiries', nurse)).statusCode, 200);

      // A year and a day later the pass has expired: blocked again.
      clock.advance(366 * DAY);
      nurse = await signIn(app, NURSE);
      assert.deepEqual(errorOf(await get('/api/v1/enquiries', nurse)).fields, ['training']);
      const status = (await get('/api/v1/me/compliance', nurse)).json<{ training: { state: string; lastScore: number }[] }>();
      assert.deepEqual(status.training.map((t) => [t.state, t.lastScore]), [['expired', 100]]);
      await pass(nurse);
      assert.equal((await get('/api/v1/enquiries', nurse)).statusCode, 200);

      // A new starter's grace period, where an organisation allows one: due, not blocked, until it ends.
      const withGrace = createComplianceService({ db: harness.core.db, audit: harness.core.audit, clock, graceDays: 14 });
      const doctorRow = await harness.core.db.selectFrom('staff').selectAll().where('id', '=', ids['doctor'] as string).executeTakeFirstOrThrow();
      assert.deepEqual((await withGrace.statusOf(doctorRow)).training.map((t) => t.state), ['missing'], 'the doctor joined over a year ago');
      const fresh = { ...doctorRow, created_at: clock.now().toISOString() };
      assert.deepEqual(((await withGrace.statusOf(fresh)).training.map((t) => t.state)), ['due']);
      assert.ok(!(await withGrace.statusOf(fresh)).blocks.includes('training'));
    });

    it('lets the DPO edit training (a new version keeps earlier passes valid) and refuses a broken quiz', async () => {
      const dpo = await signIn(app, DPO);
      const modules = (await get('/api/v1/training/modules', dpo)).json<{ id: string; title: string; content: string; passMark: number; quiz: { question: string; options: string[]; answer: number }[] }[]>();
      const starter = modules[0];
      assert.ok(starter && starter.quiz.every((q) => typeof q.answer === 'number'), 'authors see the answers');
      const edited = await app.inject({ method: 'PUT', url: `/api/v1/training/modules/${starter.id}`, headers: { cookie: dpo, 'content-type': 'application/json' }, payload: JSON.stringify({ title: starter.title, content: `${starter.content}\n\n## 6. Clear desk\n- Lock your screen.`, passMark: 80, quiz: starter.quiz }) });
      assert.deepEqual(edited.json(), { id: starter.id, version: 2 });
      const nurse = await signIn(app, NURSE);
      assert.equal((await get('/api/v1/enquiries', nurse)).statusCode, 200, 'the pass of version 1 is still valid');
      const broken = await app.inject({ method: 'PUT', url: `/api/v1/training/modules/${starter.id}`, headers: { cookie: dpo, 'content-type': 'application/json' }, payload: JSON.stringify({ title: starter.title, content: starter.content, passMark: 80, quiz: [{ question: 'Which?', options: ['a', 'b'], answer: 4 }] }) });
      assert.equal(broken.statusCode, 400);
      assert.deepEqual(errorOf(broken).fields, ['quiz']);
    });

    it('chases everyone with outstanding tasks by email, with no patient data', async () => {
      const dpo = await signIn(app, DPO);
      const overview = (await get('/api/v1/compliance/staff', dpo)).json<{ staffId: string; blocks: string[] }[]>();
      const outstanding = overview.filter((s) => s.blocks.length > 0).map((s) => s.staffId).sort();
      assert.ok(outstanding.includes(ids['doctor'] as string) && !outstanding.includes(ids['nurse'] as string));
      const before_ = smtp.received.length;
      const chased = await post(app, '/api/v1/compliance/chase', dpo, {});
      assert.equal(chased.json<{ queued: number }>().queued, outstanding.length);
      await harness.core.outbox.deliverDue();
      await smtp.waitFor(before_ + outstanding.length);
      const toDoctor = smtp.received.slice(before_).find((m) => m.to.includes(DOCTOR.email));
      assert.ok(toDoctor, 'the doctor was chased');
      assert.match(toDoctor.raw.replace(/=\r?\n/g, ''), /Complete the training/);
      assert.ok(!smtp.received.slice(before_).some((m) => m.to.includes(NURSE.email)), 'the nurse is up to date');
      const dashboard = (await get('/api/v1/compliance/dashboard', dpo)).json<{ staff: { total: number; trained: number; mfa: number; blocked: number } }>();
      assert.equal(dashboard.staff.total, overview.length);
      assert.equal(dashboard.staff.blocked, outstanding.length);
      // Signed in (so with a passkey): administrator, nurse, DPO; the doctor and the receptionist never have. Trained: the nurse.
      assert.deepEqual([dashboard.staff.trained, dashboard.staff.mfa], [1, 3]);
    });

    it('suspends roles nobody re-certified in time, restores them when re-certified, and refuses self-certification', async () => {
      const doctorCookie = await signIn(app, DOCTOR);
      await pass(doctorCookie);
      assert.equal((await get('/api/v1/enquiries', doctorCookie)).statusCode, 200);
      const admin = await signIn(app, ADMIN);
      await pass(admin);
      assert.deepEqual((await post(app, '/api/v1/access-reviews/open', admin)).json(), { opened: 2, suspended: 0 });
      assert.deepEqual((await post(app, '/api/v1/access-reviews/open', admin)).json(), { opened: 0, suspended: 0 }, 'one review per clinic per quarter');
      const reviews = (await get('/api/v1/access-reviews', admin)).json<{ id: string; clinicId: string; period: string; dueAt: string; items: { staffId: string; role: string; decision: string }[] }[]>();
      const reviewA = reviews.find((r) => r.clinicId === harness.clinicIds['clinic-a']);
      assert.ok(reviewA);
      assert.equal(reviewA.period, '2027-Q4');
      assert.deepEqual(reviewA.items.map((i) => i.role).sort(), ['clinic_manager', 'nurse', 'practitioner', 'receptionist']);
      // Nobody certifies themselves.
      const self = await post(app, `/api/v1/access-reviews/${reviewA.id}/items/${ids['admin']}`, admin, { decision: 'kept' });
      assert.equal(errorOf(self).code, 'SELF_CERTIFICATION');
      // The manager keeps the nurse, removes the receptionist, and forgets the doctor; the DPO certifies the manager.
      assert.equal((await post(app, `/api/v1/access-reviews/${reviewA.id}/items/${ids['nurse']}`, admin, { decision: 'kept' })).statusCode, 200);
      const receptionist = (await harness.core.db.selectFrom('staff').select('id').where('email', '=', 'reception@clinic.test').executeTakeFirstOrThrow()).id;
      assert.equal((await post(app, `/api/v1/access-reviews/${reviewA.id}/items/${receptionist}`, admin, { decision: 'removed' })).statusCode, 200);
      const dpo = await signIn(app, DPO);
      assert.equal((await post(app, `/api/v1/access-reviews/${reviewA.id}/items/${ids['admin']}`, dpo, { decision: 'kept' })).statusCode, 200);
      assert.equal((await harness.core.db.selectFrom('staff_clinic_roles').select('role').where('staff_id', '=', receptionist).where('clinic_id', '=', reviewA.clinicId).execute()).length, 0, 'removed');

      // Past the due date: the doctor's role is suspended, and the DPO alerted.
      clock.advance(new Date(reviewA.dueAt).getTime() - clock.now().getTime() + 60_000);
      const adminAgain = await signIn(app, ADMIN);
      const enforced = (await post(app, '/api/v1/access-reviews/open', adminAgain)).json<{ suspended: number }>();
      assert.ok(enforced.suspended >= 1);
      const doctorNow = await signIn(app, DOCTOR);
      assert.equal((await get('/api/v1/enquiries', doctorNow)).statusCode, 404, 'a suspended role grants nothing');
      assert.ok((await harness.core.db.selectFrom('alerts').select('rule').where('rule', '=', 'access-review-overdue').execute()).length >= 1);
      // Re-certified late: restored.
      assert.equal((await post(app, `/api/v1/access-reviews/${reviewA.id}/items/${ids['doctor']}`, adminAgain, { decision: 'kept' })).statusCode, 200);
      assert.equal((await get('/api/v1/enquiries', await signIn(app, DOCTOR))).statusCode, 200);
      // Someone without the right gets "not found", and it is recorded.
      const nurse = await signIn(app, NURSE);
      assert.equal((await post(app, `/api/v1/access-reviews/${reviewA.id}/items/${ids['doctor']}`, nurse, { decision: 'removed' })).statusCode, 404);
      assert.equal((await harness.core.db.selectFrom('staff_clinic_roles').select('suspended_at').where('staff_id', '=', ids['doctor'] as string).executeTakeFirstOrThrow()).suspended_at, null);
    });
  });
}
