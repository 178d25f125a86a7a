/**
 * Key rotation without downtime, on SQLite and PostgreSQL: an administrator
 * rotates the contact and enquiry keys with the unseal passphrase; reads keep
 * working while person keys are re-wrapped in the background; at the end no
 * person key refers to the old versions, which are retired; people added
 * after the rotation use the new keys; a wrong passphrase changes nothing.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { DIALECTS } from '../helpers/databases.js';
import { fastSealedBody, generateEnquiries, generateEnquiry } from '../helpers/enquiries.js';
import { ADMIN, createHarness, formToken, type Harness, PASSPHRASE, post, signIn, stepUp, submitEnquiries } from '../helpers/harness.js';

for (const dialect of DIALECTS) {
  describe(`key rotation (${dialect})`, () => {
    let harness: Harness;

    before(async () => {
      harness = await createHarness(dialect, { env: { TACET_AUTH_RATE_MAX: '1000', TACET_INTAKE_RATE_MAX: '1000' } });
      await submitEnquiries(harness, generateEnquiries(700, 30), { clinic: (i) => (i % 2 ? 'clinic-a' : 'clinic-b') });
    });
    after(async () => harness?.close());

    it('rotates domain keys, re-wraps every person key in the background while reads go on, and retires the old versions', async () => {
      const { app, db } = harness.core;
      const admin = await signIn(app, ADMIN);
      await stepUp(app, admin, ADMIN.email);
      const before_ = (await app.inject({ url: '/api/v1/keys', headers: { cookie: admin } })).json<{ domains: { domain: string; activeKeyId: string; toRewrap: number; personKeys: number }[] }>().domains;
      assert.deepEqual(
        before_.filter((d) => d.domain === 'contact' || d.domain === 'enquiry').map((d) => [d.activeKeyId, d.personKeys, d.toRewrap]),
        [
          ['contact.v1', 30, 0],
          ['enquiry.v1', 30, 0],
        ],
      );
      const wrong = await post(app, '/api/v1/keys/rotate', admin, { domains: ['contact'], passphrase: 'not the passphrase at all' });
      assert.equal(wrong.statusCode, 401);
      assert.equal((await db.selectFrom('key_material').select('id').where('id', '=', 'contact.v2').execute()).length, 0);

      const rotated = await post(app, '/api/v1/keys/rotate', admin, { domains: ['contact', 'enquiry'], passphrase: PASSPHRASE });
      assert.equal(rotated.statusCode, 200, rotated.body);
      assert.deepEqual(rotated.json(), { rotated: ['contact.v2', 'enquiry.v2'] });
      // Reads go on while the background job moves person keys (some old, some new).
      const ids = (await db.selectFrom('enquiries').select('id').execute()).map((r) => r.id);
      const reads = await Promise.all(ids.map((id) => app.inject({ url: `/api/v1/enquiries/${id}`, headers: { cookie: admin } })));
      assert.deepEqual([...new Set(reads.map((r) => r.statusCode))], [200]);
      await harness.core.rewrap.drain();
      const keys = await db.selectFrom('person_keys').select(['domain', 'wrapping_key_id']).where('domain', 'in', ['contact', 'enquiry']).execute();
      assert.ok(keys.length === 60 && keys.every((k) => k.wrapping_key_id === `${k.domain}.v2`), 'every person key re-wrapped');
      const material = await db.selectFrom('key_material').select(['id', 'status']).where('id', 'in', ['contact.v1', 'contact.v2', 'enquiry.v1', 'enquiry.v2']).orderBy('id').execute();
      assert.deepEqual(
        material.map((m) => [m.id, m.status]),
        [
          ['contact.v1', 'retired'],
          ['contact.v2', 'active'],
          ['enquiry.v1', 'retired'],
          ['enquiry.v2', 'active'],
        ],
      );
      // Still readable after the move, and after a re-seal and unseal (the keyring is rebuilt from storage).
      harness.core.vault.seal();
      await harness.core.vault.unsealWithPassphrase(PASSPHRASE);
      for (const id of ids.slice(0, 5)) assert.equal((await app.inject({ url: `/api/v1/enquiries/${id}`, headers: { cookie: await signIn(app, ADMIN) } })).statusCode, 200);
      // New people get keys under the new versions.
      await harness.intake.app.inject({ method: 'POST', url: '/v1/enquiries', payload: fastSealedBody(harness.publication, 'clinic-a', generateEnquiry(799), await formToken(harness.intake)) });
      await harness.core.ingest.drain();
      const fresh = await db.selectFrom('person_keys').select('wrapping_key_id').where('domain', '=', 'contact').execute();
      assert.ok(fresh.length === 31 && fresh.every((k) => k.wrapping_key_id === 'contact.v2'));
      const actions = (await db.selectFrom('audit_events').select(['action', 'outcome']).where('action', 'like', 'key.%').execute()).map((e) => `${e.action}:${e.outcome}`);
      for (const expected of ['key.rotate:failure', 'key.rotate:success', 'key.rewrap:success', 'key.retire:success']) assert.ok(actions.includes(expected), expected);
    });
  });
}
