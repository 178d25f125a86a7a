/** Seal and unseal through the core's API on both databases: Shamir k-of-n, wrong shares, audit of attempts. */
import assert from 'node:assert/strict';
import { after, describe, it } from 'node:test';
import { createCoreRuntime, type CoreRuntime } from '../../src/core/core-runtime.js';
import { systemClock } from '../../src/platform/clock.js';
import { loadCoreConfig } from '../../src/platform/config.js';
import { createLogger } from '../../src/platform/logger.js';
import { DIALECTS, freshDatabase, type TestDatabase } from '../helpers/databases.js';

for (const dialect of DIALECTS) {
  describe(`vault unseal (${dialect})`, () => {
    let database: TestDatabase;
    let core: CoreRuntime;
    after(async () => {
      await core?.close();
      await database?.cleanup();
    });

    it('starts uninitialised, refuses reads while sealed, unseals with any 3 of 5 custodians’ shares', async () => {
      database = await freshDatabase(dialect);
      core = await createCoreRuntime({ config: loadCoreConfig(database.env), logger: createLogger({ level: 'silent' }), clock: systemClock });
      const status = async () => (await core.app.inject({ url: '/api/v1/vault' })).json() as { state: string; sharesReceived?: number };
      assert.equal((await status()).state, 'uninitialised');
      const { shares } = await core.vault.initialise({ shamir: { threshold: 3, shares: 5 } });
      assert.equal(shares.length, 5);
      assert.equal((await status()).state, 'sealed');
      assert.throws(() => core.vault.keyring(), /sealed/);

      const submit = (share: string) => core.app.inject({ method: 'POST', url: '/api/v1/vault/unseal', payload: { share } });
      // Two honest custodians and one forged share: refused, nothing unsealed, and the pending shares are cleared.
      assert.equal((await submit(shares[0] as string)).statusCode, 200);
      assert.equal((await submit(shares[1] as string)).statusCode, 200);
      const forged = `${(shares[2] as string).slice(0, -4)}AAAA`;
      const refused = await submit(forged);
      assert.equal(refused.statusCode, 401);
      assert.equal((await status()).state, 'sealed');
      assert.equal((await status()).sharesReceived, 0);

      for (const share of [shares[4], shares[1]]) assert.equal((await submit(share as string)).statusCode, 200);
      assert.equal((await status()).state, 'sealed');
      const last = await submit(shares[3] as string);
      assert.equal((last.json() as { state: string }).state, 'unsealed');
      assert.ok(core.vault.keyring().intakeKey('intake.v1'));

      const attempts = await core.db.selectFrom('audit_events').select(['action', 'outcome']).where('action', 'like', 'vault.%').orderBy('seq').execute();
      assert.deepEqual(attempts.map((a) => `${a.action}:${a.outcome}`), ['vault.initialise:success', 'vault.unseal.shamir:failure', 'vault.unseal.shamir:success']);
    });
  });
}
