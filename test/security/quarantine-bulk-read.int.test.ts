/**
 * A stolen receptionist login that turns to the quarantine, where envelopes
 * have no person yet: each one opened is counted like a person read (the
 * row id is the counted subject), so bulk-opening the needs-attention list
 * meets the same read limit, the account is locked, and the login sees no
 * more envelopes than the limit.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { DIALECTS } from '../helpers/databases.js';
import { browserSealedBody, generateEnquiry } from '../helpers/enquiries.js';
import { createHarness, formToken, type Harness, passwordStep, RECEPTION, signIn } from '../helpers/harness.js';
import { futureDob } from '../helpers/quarantine.js';

const THRESHOLD = 6;
const ROWS = THRESHOLD + 4;

for (const dialect of DIALECTS) {
  describe(`quarantine bulk read (${dialect})`, () => {
    let harness: Harness;

    before(async () => {
      harness = await createHarness(dialect, { env: { TACET_DETECT_READ_LIMITS: JSON.stringify({ receptionist: { persons: THRESHOLD, minutes: 10 } }), TACET_AUTH_RATE_MAX: '1000', TACET_INTAKE_RATE_MAX: '1000' } });
      for (let i = 0; i < ROWS; i++) {
        const body = await browserSealedBody(harness.publication, 'clinic-a', { ...generateEnquiry(700 + i), dob: futureDob() }, await formToken(harness.intake));
        assert.equal((await harness.intake.app.inject({ method: 'POST', url: '/v1/enquiries', payload: body })).statusCode, 202);
      }
      assert.equal((await harness.core.ingest.drain()).quarantined, ROWS);
    });
    after(async () => harness?.close());

    it('is locked out at the read limit, having opened no more envelopes than it', async () => {
      const app = harness.core.app;
      const cookie = await signIn(app, RECEPTION);
      const list = (await app.inject({ url: '/api/v1/needs-attention?limit=50', headers: { cookie } })).json<{ items: { id: string }[] }>();
      assert.equal(list.items.length, ROWS);
      let opened = 0;
      let stoppedAt: number | undefined;
      for (const [i, item] of list.items.entries()) {
        const response = await app.inject({ url: `/api/v1/needs-attention/${item.id}`, headers: { cookie } });
        if (response.statusCode === 200) opened += 1;
        else {
          stoppedAt ??= i;
          assert.ok([423, 401].includes(response.statusCode), `refused with ${response.statusCode}`);
        }
      }
      assert.equal(opened, THRESHOLD);
      assert.equal(stoppedAt, THRESHOLD);
      // Contained: a critical alert names the rule, and the password no longer signs in.
      const alerts = await harness.core.db.selectFrom('alerts').select(['rule', 'severity', 'staff_id']).where('severity', '=', 'critical').execute();
      assert.ok(alerts.some((a) => a.rule === 'read-velocity'));
      await assert.rejects(passwordStep(app, RECEPTION));
      // The audit log holds exactly the envelopes it opened, and the refused one.
      const reads = await harness.core.db.selectFrom('audit_events').select(['outcome', 'purpose']).where('action', '=', 'enquiry.quarantine.read').execute();
      assert.equal(reads.filter((r) => r.outcome === 'success').length, THRESHOLD);
      assert.ok(reads.some((r) => r.outcome === 'denied' && r.purpose === 'detection:ACCOUNT_LOCKED'));
    });
  });
}
