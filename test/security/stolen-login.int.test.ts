/**
 * A stolen receptionist login, scripted to read people as fast as it can.
 * It must be stopped at the configured threshold (never seeing more people
 * than that), the DPO must get the alert e-mail on a real SMTP server, and
 * the audit log must list exactly the people it saw.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { DIALECTS } from '../helpers/databases.js';
import { generateEnquiries } from '../helpers/enquiries.js';
import { createHarness, type Harness, RECEPTION, signIn, submitEnquiries } from '../helpers/harness.js';
import { startSmtp, type TestSmtp } from '../helpers/smtp.js';
import { createStaffViaApi } from '../helpers/staff.js';

const THRESHOLD = 12;
const DPO = { email: 'dpo@clinic.test', password: 'granite willow beacon 93', name: 'Dee Protection' };

for (const dialect of DIALECTS) {
  describe(`stolen login (${dialect})`, () => {
    let harness: Harness;
    let smtp: TestSmtp;

    before(async () => {
      smtp = await startSmtp();
      harness = await createHarness(dialect, {
        env: { TACET_SMTP_URL: smtp.url, TACET_DETECT_READ_LIMITS: JSON.stringify({ receptionist: { persons: THRESHOLD, minutes: 10 } }), TACET_AUTH_RATE_MAX: '1000', TACET_INTAKE_RATE_MAX: '1000' },
      });
      await submitEnquiries(harness, generateEnquiries(200, 40));
      await createStaffViaApi(harness.core.app, [{ ...DPO, orgRole: 'dpo', clinicRoles: [] }]);
      await harness.core.outbox.deliverDue();
      smtp.received.length = 0;
    });
    after(async () => {
      await harness?.close();
      await smtp?.stop();
    });

    it('is locked out at the threshold, the DPO is e-mailed, and the audit log names exactly the people it saw', async () => {
      const app = harness.core.app;
      const cookie = await signIn(app, RECEPTION);
      const list = (await app.inject({ url: '/api/v1/enquiries?limit=200', headers: { cookie } })).json() as { enquiries: { id: string }[] };
      assert.equal(list.enquiries.length, 40);
      const seen = new Set<string>();
      let stoppedAt: number | undefined;
      const started = Date.now();
      for (const [i, row] of list.enquiries.entries()) {
        const response = await app.inject({ url: `/api/v1/enquiries/${row.id}`, headers: { cookie } });
        if (response.statusCode === 200) seen.add((response.json() as { personId: string }).personId);
        else {
          stoppedAt ??= i;
          assert.ok([423, 401].includes(response.statusCode), `refused with ${response.statusCode}`);
        }
      }
      const containedWithinMs = Date.now() - started;
      console.log(`stolen login saw ${seen.size} people (threshold ${THRESHOLD}); refused from request #${(stoppedAt ?? -1) + 1}; whole run ${containedWithinMs} ms`);
      assert.ok(seen.size <= THRESHOLD, `saw ${seen.size} > ${THRESHOLD}`);
      assert.equal(seen.size, THRESHOLD);
      assert.equal(stoppedAt, THRESHOLD);

      // Locked: the session is gone and the password no longer signs in.
      assert.equal((await app.inject({ url: '/api/v1/enquiries', headers: { cookie } })).statusCode, 401);
      const again = await app.inject({ method: 'POST', url: '/api/v1/auth/login', payload: { email: RECEPTION.email, password: RECEPTION.password } });
      assert.equal((again.json() as { error: { code: string } }).error.code, 'ACCOUNT_LOCKED');
      const staff = await harness.core.db.selectFrom('staff').select(['locked_at', 'exports_frozen_at', 'lock_reason']).where('email', '=', RECEPTION.email).executeTakeFirstOrThrow();
      assert.ok(staff.locked_at && staff.exports_frozen_at);
      assert.equal(staff.lock_reason, 'read-velocity');

      // The DPO (and the administrator) receive the alert e-mail — with no patient data in it.
      await harness.core.outbox.deliverDue();
      await smtp.waitFor(2);
      const toDpo = smtp.received.find((mail) => mail.to.includes(DPO.email) && /CRITICAL\] read-velocity/.test(mail.raw));
      assert.ok(toDpo, 'the DPO received the critical alert e-mail');
      assert.doesNotMatch(toDpo.raw, /@mailbox-example\.org|Rhinoplasty|07700/);

      // The audit log lists exactly the people the stolen login saw.
      const receptionId = (await harness.core.db.selectFrom('staff').select('id').where('email', '=', RECEPTION.email).executeTakeFirstOrThrow()).id;
      const events = await harness.core.db.selectFrom('audit_events').select(['person_ids']).where('actor', '=', `staff:${receptionId}`).where('action', '=', 'enquiry.read').where('outcome', '=', 'success').execute();
      const audited = new Set(events.flatMap((e) => JSON.parse(e.person_ids) as string[]));
      assert.deepEqual([...audited].sort(), [...seen].sort());
      const alert = await harness.core.db.selectFrom('alerts').selectAll().where('rule', '=', 'read-velocity').executeTakeFirstOrThrow();
      assert.equal(alert.severity, 'critical');
      assert.equal(alert.staff_id, receptionId);
    });
  });
}
