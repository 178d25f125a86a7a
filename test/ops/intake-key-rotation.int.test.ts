/**
 * Rotating the public intake tier's key pair without downtime, on SQLite and
 * PostgreSQL: the new public key is published (and served by a running
 * intake that follows the publication file); a form still sealed to the old
 * key is refused with "reload the form"; what already waits in the inbox
 * sealed to the old key is still opened; once the inbox is drained the old
 * private key is destroyed (audited), and the installation still unseals.
 */
import assert from 'node:assert/strict';
import fs from 'node:fs';
import { after, before, describe, it } from 'node:test';
import type { Publication } from '../../src/intake/publication.js';
import { DIALECTS } from '../helpers/databases.js';
import { fastSealedBody, generateEnquiry } from '../helpers/enquiries.js';
import { ADMIN, createHarness, formToken, type Harness, PASSPHRASE, post, signIn, stepUp } from '../helpers/harness.js';

for (const dialect of DIALECTS) {
  describe(`intake key rotation (${dialect})`, () => {
    let harness: Harness;

    before(async () => {
      harness = await createHarness(dialect, { env: { TACET_INTAKE_RATE_MAX: '1000', TACET_AUTH_RATE_MAX: '1000' } });
    });
    after(async () => harness?.close());

    it('publishes the new key, refuses forms sealed to the old one, opens what the inbox holds, then destroys the old key', async () => {
      const { core, intake } = harness;
      const old: Publication = (await intake.app.inject({ url: '/v1/publication' })).json();
      assert.equal(old.activeKid, 'intake.v1');
      for (let i = 0; i < 5; i++) assert.equal((await intake.app.inject({ method: 'POST', url: '/v1/enquiries', payload: fastSealedBody(old, 'clinic-a', generateEnquiry(40 + i), await formToken(intake)) })).statusCode, 202);

      const admin = await signIn(core.app, ADMIN);
      await stepUp(core.app, admin, ADMIN.email);
      assert.equal((await post(core.app, '/api/v1/keys/rotate', admin, { domains: ['intake'], passphrase: 'not the passphrase at all' })).statusCode, 401);
      const rotated = await post(core.app, '/api/v1/keys/rotate', admin, { domains: ['intake'], passphrase: PASSPHRASE });
      assert.deepEqual(rotated.json(), { rotated: ['intake.v2'] });
      // The core rewrote the publication file: only the new public key, nothing private.
      const file = JSON.parse(fs.readFileSync(`${harness.database.dataDir}/intake-publication.json`, 'utf8')) as Publication;
      assert.equal(file.activeKid, 'intake.v2');
      assert.deepEqual(file.keys.map((k) => k.kid), ['intake.v2']);
      intake.reloadPublication();
      const current: Publication & { formToken: string } = (await intake.app.inject({ url: '/v1/publication' })).json();
      assert.equal(current.activeKid, 'intake.v2');

      // A browser still holding the old page: refused clearly, nothing stored.
      const before_ = (await core.db.selectFrom('enquiry_inbox').select('id').execute()).length;
      const stale = await intake.app.inject({ method: 'POST', url: '/v1/enquiries', payload: fastSealedBody(old, 'clinic-a', generateEnquiry(50), current.formToken) });
      assert.equal(stale.statusCode, 422);
      assert.equal(stale.json<{ error: { code: string } }>().error.code, 'ENQUIRY_UNKNOWN_KEY');
      assert.equal((await core.db.selectFrom('enquiry_inbox').select('id').execute()).length, before_);
      assert.equal((await intake.app.inject({ method: 'POST', url: '/v1/enquiries', payload: fastSealedBody(current, 'clinic-a', generateEnquiry(51), current.formToken) })).statusCode, 202);

      // The old key is kept while the inbox still holds what was sealed to it...
      await core.jobs.rewrap();
      assert.equal((await core.db.selectFrom('key_material').select('id').where('id', '=', 'intake.v1').execute()).length, 1);
      const result = await core.ingest.drain();
      assert.deepEqual([result.ingested, result.quarantined], [6, 0], 'five sealed to the old key and one to the new, all opened');
      // ... and destroyed once drained.
      await core.jobs.rewrap();
      assert.equal((await core.db.selectFrom('key_material').select('id').where('id', '=', 'intake.v1').execute()).length, 0);
      assert.equal((await core.db.selectFrom('audit_events').select('purpose').where('action', '=', 'key.destroy').where('record_refs', 'like', '%intake.v1%').execute()).length, 1);
      // The installation still unseals and keeps taking enquiries.
      core.vault.seal();
      await core.vault.unsealWithPassphrase(PASSPHRASE);
      assert.equal((await intake.app.inject({ method: 'POST', url: '/v1/enquiries', payload: fastSealedBody(current, 'clinic-a', generateEnquiry(52), await formToken(intake)) })).statusCode, 202);
      assert.equal((await core.ingest.drain()).ingested, 1);
    });
  });
}
