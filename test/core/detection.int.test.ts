/**
 * Detection, containment and alert delivery on both databases: canaries,
 * repeated denials, off-hours and new-network alerts, lockdown with
 * second-person approval, and an outbox that survives a mail server outage
 * and signs its webhooks.
 */
import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import http from 'node:http';
import { after, before, describe, it } from 'node:test';
import { plantCanaries } from '../../src/core/detection/canary-planting.js';
import { setLockdown } from '../../src/core/detection/lockdown.js';
import { fixedClock } from '../../src/platform/clock.js';
import { DIALECTS } from '../helpers/databases.js';
import { generateEnquiries, generateEnquiry } from '../helpers/enquiries.js';
import { ADMIN, createHarness, type Harness, post, RECEPTION, signIn, stepUp, submitEnquiries } from '../helpers/harness.js';
import { startSmtp, type TestSmtp } from '../helpers/smtp.js';
import { createStaffViaApi } from '../helpers/staff.js';

const NURSE = { email: 'nurse@clinic.test', password: 'lilac orchard whistle 58', name: 'Nora Nurse' };
const MANAGER = { email: 'manager@clinic.test', password: 'copper lagoon ferry 27', name: 'Max Manager' };
const code = (response: { body: string }) => (JSON.parse(response.body) as { error?: { code: string } }).error?.code;

for (const dialect of DIALECTS) {
  describe(`detection and containment (${dialect})`, () => {
    let harness: Harness;
    let smtp: TestSmtp;
    let hook: http.Server;
    const hooks: { headers: http.IncomingHttpHeaders; body: string }[] = [];
    const clock = fixedClock(new Date('2026-11-23T10:00:00Z'));
    const secret = 'a webhook secret of some length';
    /** Clinic A enquiries of real (non-canary) people, found in the first test. */
    const realInA: string[] = [];

    before(async () => {
      smtp = await startSmtp();
      hook = http.createServer((req, res) => {
        let body = '';
        req.on('data', (chunk: Buffer) => (body += chunk.toString('utf8')));
        req.on('end', () => {
          hooks.push({ headers: req.headers, body });
          res.writeHead(204).end();
        });
      });
      await new Promise<void>((resolve) => hook.listen(0, '127.0.0.1', resolve));
      harness = await createHarness(dialect, {
        clock,
        env: {
          TACET_SMTP_URL: smtp.url,
          TACET_ALERT_WEBHOOK_URL: `http://127.0.0.1:${(hook.address() as { port: number }).port}/tacet`,
          TACET_ALERT_WEBHOOK_SECRET: secret,
          TACET_AUTH_RATE_MAX: '1000',
          TACET_INTAKE_RATE_MAX: '1000',
          TACET_DETECT_DENIALS: '5',
          TACET_BUSINESS_HOURS: '08:00-18:00',
          TACET_TIMEZONE: 'Europe/London',
        },
      });
      await submitEnquiries(harness, generateEnquiries(300, 6), { clinic: (i) => (i % 2 ? 'clinic-b' : 'clinic-a') });
      await createStaffViaApi(harness.core.app, [
        { ...NURSE, orgRole: null, clinicRoles: [{ clinicId: harness.clinicIds['clinic-a'] as string, role: 'nurse' }] },
        { ...MANAGER, orgRole: null, clinicRoles: [{ clinicId: harness.clinicIds['clinic-a'] as string, role: 'clinic_manager' }, { clinicId: harness.clinicIds['clinic-b'] as string, role: 'clinic_manager' }] },
      ]);
    });
    after(async () => {
      await harness?.close();
      await smtp?.stop();
      hook?.close();
    });

    it('plants canaries that look like everyone else, and one touch from any role contains the account', async () => {
      const { core } = harness;
      // With a photo-consent form in place, canary patients get photos too.
      const admin0 = await signIn(core.app, ADMIN);
      await stepUp(core.app, admin0, ADMIN.email);
      assert.equal((await post(core.app, '/api/v1/consent-forms', admin0, { kind: 'photo', procedureKey: 'photos', title: 'Clinical photography', body: 'I agree to clinical photographs being taken and kept.' })).statusCode, 201);
      const planted = await plantCanaries({ db: core.db, vault: core.vault, audit: core.audit, clock, ingest: core.ingest, blobs: core.blobs }, { count: 6, emailDomain: 'clinic-mail.example' });
      assert.deepEqual(planted, { people: 6, patients: 4 });
      assert.equal((await core.db.selectFrom('photos').select('id').execute()).length, 8);
      // The database shows HMAC markers only, and the audit log says how many, never which.
      const markers = await core.db.selectFrom('canary_markers').select('marker').execute();
      const personIds = (await core.db.selectFrom('persons').select('id').execute()).map((p) => p.id);
      assert.ok(markers.every((m) => !personIds.includes(m.marker)));
      const plantedEvent = await core.db.selectFrom('audit_events').select(['person_ids', 'record_refs']).where('action', '=', 'canary.add').executeTakeFirstOrThrow();
      assert.equal(plantedEvent.person_ids, '[]');

      const manager = await signIn(core.app, MANAGER);
      const list = (await core.app.inject({ url: '/api/v1/enquiries?limit=200', headers: { cookie: manager } })).json() as { enquiries: Record<string, unknown>[] };
      assert.equal(list.enquiries.length, 12);
      // Same shape for every row: nothing in the list or its keys marks a canary.
      assert.ok(list.enquiries.every((row) => JSON.stringify(Object.keys(row)) === JSON.stringify(Object.keys(list.enquiries[0] as object))));
      const canaryEnquiries = await core.db.selectFrom('enquiries').select(['id', 'clinic_id', 'person_id']).orderBy('received_at').execute();
      const isCanary = async (personId: string) => (await import('../../src/core/detection/canary.js')).isCanary(core.db, core.vault.keyring(), personId);
      const canaries: { id: string; clinic_id: string }[] = [];
      for (const row of canaryEnquiries) {
        if (await isCanary(row.person_id)) canaries.push(row);
        else if (row.clinic_id === harness.clinicIds['clinic-a']) realInA.push(row.id);
      }
      assert.equal(canaries.length, 6);
      const inA = canaries.filter((c) => c.clinic_id === harness.clinicIds['clinic-a']);
      assert.ok(inA.length >= 2 && canaries.length - inA.length >= 2, 'spread across clinics');

      for (const who of [RECEPTION, NURSE, MANAGER]) {
        const cookie = await signIn(core.app, who);
        const touched = await core.app.inject({ url: `/api/v1/enquiries/${inA[0]?.id}`, headers: { cookie } });
        assert.equal(touched.statusCode, 423, `${who.email} was not contained`);
        assert.equal(code(touched), 'ACCOUNT_LOCKED');
        assert.equal((await core.app.inject({ url: '/api/v1/enquiries', headers: { cookie } })).statusCode, 401, 'sessions revoked');
        const staff = await core.db.selectFrom('staff').select(['id', 'locked_at']).where('email', '=', who.email).executeTakeFirstOrThrow();
        assert.ok(staff.locked_at);
        const alert = await core.db.selectFrom('alerts').select(['severity']).where('rule', '=', 'canary-touched').where('staff_id', '=', staff.id).executeTakeFirstOrThrow();
        assert.equal(alert.severity, 'critical');
        // An administrator unlocks after review.
        const admin = await signIn(core.app, ADMIN);
        assert.equal((await core.app.inject({ method: 'POST', url: `/api/v1/staff/${staff.id}/unlock`, headers: { cookie: admin } })).statusCode, 200);
      }

      // Canary patients and their photos are tripwires too; the patient list (no personal data) is not a touch.
      const canaryPatient = await core.db.selectFrom('patients').innerJoin('photos', 'photos.patient_id', 'patients.id').select(['patients.id', 'photos.id as photo_id']).where('patients.clinic_id', '=', harness.clinicIds['clinic-a'] as string).executeTakeFirstOrThrow();
      const receptionist = await signIn(core.app, RECEPTION);
      assert.equal((await core.app.inject({ url: '/api/v1/patients', headers: { cookie: receptionist } })).statusCode, 200);
      const opened = await core.app.inject({ url: `/api/v1/patients/${canaryPatient.id}`, headers: { cookie: receptionist } });
      assert.equal(opened.statusCode, 423);
      const nurse = await signIn(core.app, NURSE);
      const photo = await core.app.inject({ url: `/api/v1/photos/${canaryPatient.photo_id}/thumb`, headers: { cookie: nurse } });
      assert.equal(photo.statusCode, 423, photo.body);
      const contained = await core.db.selectFrom('staff').select('locked_at').where('email', 'in', [RECEPTION.email, NURSE.email]).execute();
      assert.ok(contained.length === 2 && contained.every((s) => s.locked_at));
      const admin = await signIn(core.app, ADMIN);
      for (const email of [RECEPTION.email, NURSE.email]) {
        const id = (await core.db.selectFrom('staff').select('id').where('email', '=', email).executeTakeFirstOrThrow()).id;
        assert.equal((await core.app.inject({ method: 'POST', url: `/api/v1/staff/${id}/unlock`, headers: { cookie: admin } })).statusCode, 200);
      }
    });

    it('delivers alerts by e-mail through an outage (retry with back-off) and signs webhooks', async () => {
      const { core } = harness;
      await core.outbox.deliverDue();
      smtp.received.length = 0;
      hooks.length = 0;
      await smtp.stop();
      const manager = await signIn(core.app, MANAGER);
      // Trip a critical alert (repeated denials: probing for ids that are not there).
      for (let i = 0; i < 5; i++) await core.app.inject({ url: `/api/v1/enquiries/00000000-0000-4000-8000-00000000000${i}`, headers: { cookie: manager } });
      const alert = await core.db.selectFrom('alerts').select('id').where('rule', '=', 'repeated-denials').executeTakeFirstOrThrow();
      // Delivery was already attempted by the kick that follows every alert; this run is serialised after it.
      await core.outbox.deliverDue();
      const pending = await core.db.selectFrom('notification_outbox').selectAll().where('alert_id', '=', alert.id).where('channel', '=', 'email').execute();
      assert.ok(pending.length >= 1 && pending.every((row) => row.sent_at === null && Number(row.attempts) === 1 && row.last_error));
      // Nothing is due before the back-off has passed.
      assert.equal((await core.outbox.deliverDue()).failed, 0);
      await smtp.start();
      clock.advance(6_000);
      const second = await core.outbox.deliverDue();
      assert.ok(second.sent >= 1, `sent ${second.sent}`);
      await smtp.waitFor(1);
      assert.ok(smtp.received.some((mail) => /repeated-denials/.test(mail.raw)));
      // The webhook was delivered on the first run, signed over timestamp and body.
      const delivered = hooks.find((h) => h.body.includes(alert.id));
      assert.ok(delivered);
      const expected = crypto.createHmac('sha256', secret).update(`${delivered.headers['x-tacet-timestamp']}.${delivered.body}`).digest('hex');
      assert.equal(delivered.headers['x-tacet-signature'], `sha256=${expected}`);
      assert.doesNotMatch(delivered.body, /@mailbox-example\.org/);
      const managerId = (await core.db.selectFrom('staff').select('id').where('email', '=', MANAGER.email).executeTakeFirstOrThrow()).id;
      const admin = await signIn(core.app, ADMIN);
      await core.app.inject({ method: 'POST', url: `/api/v1/staff/${managerId}/unlock`, headers: { cookie: admin } });
    });

    it('raises non-blocking alerts for off-hours access and a new network, shown to the DPO and administrators', async () => {
      const { core } = harness;
      let nurse = await signIn(core.app, NURSE);
      const read = (id: string, remoteAddress: string) => core.app.inject({ url: `/api/v1/enquiries/${id}`, headers: { cookie: nurse }, remoteAddress });
      // 10:00 UTC = 10:00 London in November: business hours; the first network is the baseline.
      for (const id of realInA) {
        const response = await read(id, '10.1.2.3');
        assert.equal(response.statusCode, 200, response.body);
      }
      const before_ = await core.db.selectFrom('alerts').select('rule').execute();
      assert.ok(!before_.some((a) => a.rule === 'off-hours-access' || a.rule === 'new-network'));
      clock.advance(11 * 3_600_000); // 21:00 London (the idle session has expired meanwhile: sign in again)
      nurse = await signIn(core.app, NURSE);
      assert.equal((await read(realInA[0] as string, '192.0.2.44')).statusCode, 200, 'non-blocking');
      const rules = (await core.db.selectFrom('alerts').select(['rule', 'severity']).execute()).map((a) => `${a.rule}/${a.severity}`);
      assert.ok(rules.includes('off-hours-access/low'));
      assert.ok(rules.includes('new-network/medium'));
      const admin = await signIn(core.app, ADMIN);
      const shown = (await core.app.inject({ url: '/api/v1/alerts', headers: { cookie: admin } })).json() as { alerts: { id: string; rule: string }[] };
      const offHours = shown.alerts.find((a) => a.rule === 'off-hours-access');
      assert.ok(offHours);
      assert.equal((await core.app.inject({ url: '/api/v1/alerts', headers: { cookie: nurse } })).statusCode, 404);
      assert.equal((await core.app.inject({ method: 'POST', url: `/api/v1/alerts/${offHours.id}/acknowledge`, headers: { cookie: admin } })).statusCode, 200);
      assert.equal((await core.app.inject({ method: 'POST', url: `/api/v1/alerts/${offHours.id}/resolve`, headers: { cookie: admin } })).statusCode, 200);
      const resolved = (await core.app.inject({ url: '/api/v1/alerts?status=resolved', headers: { cookie: admin } })).json() as { alerts: { id: string }[] };
      assert.ok(resolved.alerts.some((a) => a.id === offHours.id));
      clock.advance(13 * 3_600_000); // back to business hours, next day
    });

    it('lockdown: sessions re-authenticate, intake keeps working, reads need a second person', async () => {
      const { core } = harness;
      const before_ = await signIn(core.app, NURSE);
      const revoked = await setLockdown({ db: core.db, audit: core.audit, clock }, true, 'system:test');
      assert.ok(revoked >= 1);
      assert.equal((await core.app.inject({ url: '/api/v1/enquiries', headers: { cookie: before_ } })).statusCode, 401);
      await submitEnquiries(harness, [generateEnquiry(399)], { ingest: false });
      const nurse = await signIn(core.app, NURSE);
      const manager = await signIn(core.app, MANAGER);
      const id = realInA[0] as string;
      assert.equal(code(await core.app.inject({ url: `/api/v1/enquiries/${id}`, headers: { cookie: nurse } })), 'APPROVAL_REQUIRED');
      const request = await core.app.inject({ method: 'POST', url: `/api/v1/enquiries/${id}/approval-requests`, headers: { cookie: nurse } });
      assert.equal(request.statusCode, 201);
      const approvalId = (request.json() as { id: string }).id;
      assert.equal((await core.app.inject({ method: 'POST', url: `/api/v1/approval-requests/${approvalId}/approve`, headers: { cookie: nurse } })).statusCode, 404, 'no self-approval');
      const queue = (await core.app.inject({ url: '/api/v1/approval-requests', headers: { cookie: manager } })).json() as { requests: { id: string }[] };
      assert.ok(queue.requests.some((r) => r.id === approvalId));
      assert.equal((await core.app.inject({ method: 'POST', url: `/api/v1/approval-requests/${approvalId}/approve`, headers: { cookie: manager } })).statusCode, 200);
      assert.equal((await core.app.inject({ url: `/api/v1/enquiries/${id}`, headers: { cookie: nurse } })).statusCode, 200);
      // Another person's approval covers only its requester.
      assert.equal(code(await core.app.inject({ url: `/api/v1/enquiries/${id}`, headers: { cookie: manager } })), 'APPROVAL_REQUIRED');
      await setLockdown({ db: core.db, audit: core.audit, clock }, false, 'system:test');
      const events = await core.db.selectFrom('audit_events').select('action').where('action', 'in', ['lockdown.on', 'lockdown.off', 'approval.approve']).execute();
      assert.deepEqual([...new Set(events.map((e) => e.action))].sort(), ['approval.approve', 'lockdown.off', 'lockdown.on']);
    });
  });
}
