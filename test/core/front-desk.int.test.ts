/**
 * The front desk on both databases: a receptionist's shift of 80 new
 * enquiries (routed to her, read from her queue and opened one by one, a call
 * logged and the stage moved for each) never meets a lockout; a stolen login
 * that tries to fill its own queue (claiming, a manager's reassigning to
 * itself) is refused at the claim limits, and its reads outside its queue
 * still lock the account at the read limit. Plus repeat enquiries in one
 * timeline, notes sealed at rest, the SLA and escalation.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { fixedClock } from '../../src/platform/clock.js';
import { DIALECTS } from '../helpers/databases.js';
import { generateEnquiries, generateEnquiry } from '../helpers/enquiries.js';
import { ADMIN, createHarness, type Harness, post, RECEPTION, signIn, submitEnquiries } from '../helpers/harness.js';
import { startSmtp, type TestSmtp } from '../helpers/smtp.js';
import { createStaffViaApi } from '../helpers/staff.js';

const THIEF = { email: 'second.desk@clinic.test', password: 'amber quarry violin 93', name: 'Second Desk' };
const MANAGER = { email: 'desk.manager@clinic.test', password: 'granite meadow tulip 64', name: 'Desk Manager' };
const code = (response: { body: string }) => (JSON.parse(response.body) as { error?: { code: string } }).error?.code;
const get = (harness: Harness, url: string, cookie: string) => harness.core.app.inject({ url, headers: { cookie } });

interface QueuePage {
  items: { id: string; name: string; procedure: string; sla: { state: string } }[];
  total: number;
}

for (const dialect of DIALECTS) {
  describe(`front desk (${dialect})`, () => {
    let harness: Harness;
    // A Tuesday morning in London.
    const clock = fixedClock(new Date('2026-12-01T09:00:00Z'));
    let clinicA: string;
    let reception: string;
    let smtp: TestSmtp;

    before(async () => {
      smtp = await startSmtp();
      harness = await createHarness(dialect, { clock, env: { TACET_SMTP_URL: smtp.url, TACET_AUTH_RATE_MAX: '1000', TACET_INTAKE_RATE_MAX: '1000', TACET_BUSINESS_HOURS: '08:00-18:00', TACET_TIMEZONE: 'Europe/London' } });
      clinicA = harness.clinicIds['clinic-a'] as string;
      await createStaffViaApi(harness.core.app, [
        { ...THIEF, orgRole: null, clinicRoles: [{ clinicId: clinicA, role: 'receptionist' }] },
        { ...MANAGER, orgRole: null, clinicRoles: [{ clinicId: clinicA, role: 'clinic_manager' }] },
      ]);
      reception = await signIn(harness.core.app, RECEPTION);
    });
    after(async () => {
      await harness?.close();
      await smtp?.stop();
    });

    it("routes a shift's 80 new enquiries to the receptionist on shift, who works all of them without a lockout", async () => {
      assert.equal((await post(harness.core.app, '/api/v1/desk/shift', reception, { clinic: clinicA, onShift: true })).statusCode, 200);
      await submitEnquiries(harness, generateEnquiries(1601, 80), { clinic: 'clinic-a' });
      const queue = (await get(harness, '/api/v1/desk/queue?limit=100', reception)).json() as QueuePage;
      assert.equal(queue.total, 80);
      assert.equal(queue.items.length, 80);
      assert.ok(queue.items.every((item) => item.name.length > 0 && item.procedure.length > 0 && item.sla.state === 'due'));
      // Every row shown was an audited read with the purpose assigned-work.
      const rowReads = await harness.core.db.selectFrom('audit_events').select('action').where('action', '=', 'enquiry.read').where('purpose', '=', 'assigned-work').execute();
      assert.equal(rowReads.length, 80);
      // Twice the 10-minute read limit (40) in one sitting: open each, log the call, move it on.
      for (const item of queue.items) {
        const opened = await get(harness, `/api/v1/enquiries/${item.id}`, reception);
        assert.equal(opened.statusCode, 200, opened.body);
        assert.equal((await post(harness.core.app, `/api/v1/enquiries/${item.id}/notes`, reception, { kind: 'call', callOutcome: 'reached', text: 'Spoke to them; consultation to be booked.' })).statusCode, 201);
      }
      assert.equal((await post(harness.core.app, '/api/v1/desk/stage', reception, { enquiryIds: queue.items.map((i) => i.id).slice(0, 80), stage: 'contacted' })).statusCode, 200);
      const staff = await harness.core.db.selectFrom('staff').select(['locked_at']).where('email', '=', RECEPTION.email).executeTakeFirstOrThrow();
      assert.equal(staff.locked_at, null);
      const alerts = await harness.core.db.selectFrom('alerts').select('rule').execute();
      assert.deepEqual(alerts.filter((a) => a.rule.startsWith('read-') || a.rule.startsWith('assigned-')), []);
      const answered = await harness.core.db.selectFrom('enquiries').select(['first_response_at', 'status']).where('assigned_to', 'is not', null).execute();
      assert.ok(answered.every((row) => row.first_response_at !== null && row.status === 'contacted'));
      // The call notes are ciphertext at rest.
      const notes = await harness.core.db.selectFrom('enquiry_notes').select('body_envelope').execute();
      assert.equal(notes.length, 80);
      assert.ok(notes.every((note) => !note.body_envelope.includes('consultation')));
      // Reading the queue again opens nobody new.
      assert.equal((await get(harness, '/api/v1/desk/queue?limit=100', reception)).statusCode, 200);
    });

    it('lets the administrator rename the stages (audited), and nobody else', async () => {
      const admin = await signIn(harness.core.app, ADMIN);
      const put = (cookie: string, stages: unknown) => harness.core.app.inject({ method: 'PUT', url: '/api/v1/desk/stages', headers: { cookie, 'content-type': 'application/json' }, payload: JSON.stringify({ stages }) });
      assert.equal((await put(admin, [{ key: 'contacted', label: 'Called back' }])).statusCode, 200);
      const vocabulary = (await get(harness, '/api/v1/desk/vocabulary', reception)).json() as { stages: { key: string; label: string }[] };
      assert.equal(vocabulary.stages.find((s) => s.key === 'contacted')?.label, 'Called back');
      assert.equal((await put(admin, [{ key: 'invented', label: 'Nope' }])).statusCode, 400);
      assert.notEqual((await put(reception, [{ key: 'contacted', label: 'Mine now' }])).statusCode, 200);
      assert.ok((await harness.core.db.selectFrom('audit_events').select('action').where('action', '=', 'pipeline.stages').execute()).length === 1);
    });

    it('joins a repeat enquiry from the same person into one timeline', async () => {
      const first = generateEnquiry(1801);
      // The same person asks again a little later (a new form: a new submission id).
      await submitEnquiries(harness, [first, { ...first, sid: `${first.sid}x2`, procedure: 'Rhinoplasty follow-up question' }], { clinic: 'clinic-a' });
      const repeat = await harness.core.db.selectFrom('enquiries').select('person_id').groupBy('person_id').having((eb) => eb.fn.countAll(), '>', 1).execute();
      assert.equal(repeat.length, 1);
      const rows = await harness.core.db.selectFrom('enquiries').select('id').where('person_id', '=', repeat[0]?.person_id as string).execute();
      const detail = (await get(harness, `/api/v1/enquiries/${rows[0]?.id}`, reception)).json() as { timeline: { enquiries: { procedure: string }[] } };
      assert.equal(detail.timeline.enquiries.length, 2);
      assert.ok(detail.timeline.enquiries.some((e) => e.procedure === 'Rhinoplasty follow-up question'));
    });

    it('stops a stolen login that fills its own queue at the claim limit, and locks it at the read limit outside its queue', async () => {
      await post(harness.core.app, '/api/v1/desk/shift', reception, { clinic: clinicA, onShift: false });
      // Nobody on shift: 120 enquiries wait in the pool.
      await submitEnquiries(harness, generateEnquiries(2001, 120), { clinic: 'clinic-a' });
      const thief = await signIn(harness.core.app, THIEF);
      let claimed = 0;
      let refused: { statusCode: number; body: string } | undefined;
      for (let i = 0; i < 10 && !refused; i += 1) {
        const response = await post(harness.core.app, '/api/v1/desk/claim', thief, { clinic: clinicA, next: 25 });
        if (response.statusCode === 200) claimed += (response.json() as { claimed: string[] }).claimed.length;
        else refused = response;
      }
      // The default receptionist claim limit is 40 an hour: 25 + the next 25 is refused whole.
      assert.equal(claimed, 25);
      assert.equal(refused?.statusCode, 429);
      assert.equal(code(refused as { body: string }), 'ASSIGNMENT_LIMIT');
      assert.equal((await post(harness.core.app, '/api/v1/desk/claim', thief, { clinic: clinicA, next: 15 })).statusCode, 200);
      assert.equal((await post(harness.core.app, '/api/v1/desk/claim', thief, { clinic: clinicA, next: 1 })).statusCode, 429);
      assert.ok((await harness.core.db.selectFrom('alerts').select('rule').where('rule', '=', 'assignment-limit').execute()).length >= 1);
      // What was claimed may be read (40 people): that is the queue's whole worth to a thief.
      const queue = (await get(harness, '/api/v1/desk/queue?limit=100', thief)).json() as QueuePage;
      assert.equal(queue.items.length, 40);
      // Beyond it, the pool read one by one meets the 10-minute limit and the account is locked within the request.
      const pool = await harness.core.db.selectFrom('enquiries').select('id').where('assigned_to', 'is', null).where('clinic_id', '=', clinicA).execute();
      let opened = 0;
      let last = 0;
      for (const row of pool) {
        last = (await get(harness, `/api/v1/enquiries/${row.id}`, thief)).statusCode;
        if (last !== 200) break;
        opened += 1;
      }
      assert.equal(opened, 40);
      assert.equal(last, 423);
      assert.notEqual((await harness.core.db.selectFrom('staff').select('locked_at').where('email', '=', THIEF.email).executeTakeFirstOrThrow()).locked_at, null);
    });

    it("refuses a manager's login that reassigns the pool to itself past the claim limit", async () => {
      const manager = await signIn(harness.core.app, MANAGER);
      const me = (await harness.core.db.selectFrom('staff').select('id').where('email', '=', MANAGER.email).executeTakeFirstOrThrow()).id;
      const pool = (await harness.core.db.selectFrom('enquiries').select('id').where('assigned_to', 'is', null).where('clinic_id', '=', clinicA).limit(100).execute()).map((r) => r.id);
      assert.equal((await post(harness.core.app, '/api/v1/desk/reassign', manager, { enquiryIds: pool.slice(0, 50), assigneeId: me })).statusCode, 200);
      // A clinic manager may take 60 an hour: 50 + 50 is refused, and nothing of the second batch moved.
      const second = await post(harness.core.app, '/api/v1/desk/reassign', manager, { enquiryIds: pool.slice(50, 100), assigneeId: me });
      assert.equal(second.statusCode, 429);
      const mine = await harness.core.db.selectFrom('enquiries').select('id').where('assigned_to', '=', me).execute();
      assert.equal(mine.length, 50);
      // Handing work to a colleague is not claiming: it is allowed (and audited).
      const colleague = (await harness.core.db.selectFrom('staff').select('id').where('email', '=', RECEPTION.email).executeTakeFirstOrThrow()).id;
      assert.equal((await post(harness.core.app, '/api/v1/desk/reassign', manager, { enquiryIds: pool.slice(50, 60), assigneeId: colleague })).statusCode, 200);
      assert.ok((await harness.core.db.selectFrom('audit_events').select('action').where('action', '=', 'enquiry.reassign').execute()).length >= 2);
    });

    it('escalates first responses past their working-hour SLA once, and shows them to the manager', async () => {
      clock.advance(150 * 60_000);
      const manager = await signIn(harness.core.app, MANAGER);
      const overdue = await harness.core.desk.escalateOverdue();
      assert.ok(overdue > 0, 'unanswered enquiries from 09:00 are overdue at 11:30');
      assert.equal(await harness.core.desk.escalateOverdue(), 0);
      // The clinic's manager is told by e-mail: the clinic and a count, nothing about anyone.
      await harness.core.jobs.outbox();
      // Unfolded: quoted-printable soft breaks and folded headers joined.
      const text = (raw: string) => raw.replace(/=\r?\n/g, '').replace(/\r?\n[ \t]+/g, ' ');
      const mail = smtp.received.filter((m) => m.to.includes(MANAGER.email) && text(m.raw).includes('first-response time'));
      assert.equal(mail.length, 1);
      assert.match(text(mail[0]?.raw ?? ''), new RegExp(`${overdue} new enquiries have not been answered`));
      assert.doesNotMatch(text(mail[0]?.raw ?? ''), /ENQ-|@mailbox-example|Rhinoplasty/);
      const answer = await get(harness, '/api/v1/desk/today', manager);
      assert.equal(answer.statusCode, 200, answer.body);
      const today = answer.json() as { escalations: { sla: { state: string } }[] };
      assert.ok(today.escalations.length > 0 && today.escalations.every((row) => row.sla.state === 'overdue'));
    });
  });
}
