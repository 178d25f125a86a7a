/**
 * Rotating the vault key as a key ceremony (`tacet rotate-vault`), on SQLite
 * and PostgreSQL, while the core keeps serving: every key-material record is
 * re-wrapped; the old passphrase stops opening the installation and the new
 * one (or the new Shamir shares) opens it with every record readable;
 * canary markers made before still mark; a backup made before still restores
 * with the material it was made under.
 */
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import { after, before, describe, it } from 'node:test';
import { keyringFrom, restoreBackup, writeBackup } from '../../src/core/backup/backup.service.js';
import { isCanary, markCanaries } from '../../src/core/detection/canary.js';
import { openDatabase } from '../../src/db/database.js';
import { migrateToLatest } from '../../src/db/migrations.js';
import { DIALECTS, freshDatabase } from '../helpers/databases.js';
import { generateEnquiries } from '../helpers/enquiries.js';
import { createHarness, type Harness, PASSPHRASE, RECEPTION, signIn, submitEnquiries } from '../helpers/harness.js';

const run = promisify(execFile);
const root = path.resolve(import.meta.dirname, '../..');
const NEW_PASSPHRASE = 'a brand new vault passphrase, long enough';

for (const dialect of DIALECTS) {
  describe(`vault key rotation (${dialect})`, () => {
    let harness: Harness;
    let env: NodeJS.ProcessEnv;
    const tacet = (...args: string[]) => run(process.execPath, ['--import', 'tsx', path.join(root, 'src/cli/main.ts'), ...args], { cwd: root, env });
    const file = (name: string, content?: string) => {
      const full = path.join(harness.database.dataDir, name);
      if (content !== undefined) fs.writeFileSync(full, content, { mode: 0o600 });
      return full;
    };

    before(async () => {
      harness = await createHarness(dialect, { env: { TACET_INTAKE_RATE_MAX: '1000', TACET_AUTH_RATE_MAX: '1000' } });
      env = { ...process.env, ...harness.database.env, TACET_BLOB_DIR: path.join(harness.database.dataDir, 'blobs'), TACET_LOG_LEVEL: 'silent' };
      await submitEnquiries(harness, generateEnquiries(90, 5));
    });
    after(async () => harness?.close());

    it('re-wraps every key under a new vault key; only the new unseal material opens it; markers and older backups keep working', async () => {
      const { core } = harness;
      const db = core.db;
      // Four enquiries are read below; the fifth person is marked as a canary (and never opened).
      const enquiries = await db.selectFrom('enquiries').select(['id', 'person_id']).orderBy('id').execute();
      const reads = enquiries.slice(0, 4).map((e) => e.id);
      const canary = (enquiries[4] as { person_id: string }).person_id;
      await markCanaries(db, core.vault.keyring(), [canary], new Date().toISOString());
      const backup = file('before.backup');
      await writeBackup({ db, dialect: core.dialect, blobs: core.blobs, keyring: await keyringFrom(db, { passphrase: PASSPHRASE }), now: new Date() }, backup);
      const wrappedBefore = new Map((await db.selectFrom('key_material').select(['id', 'wrapped']).execute()).map((k) => [k.id, k.wrapped]));

      await assert.rejects(tacet('rotate-vault', '--passphrase-file', file('wrong.txt', 'not the passphrase at all'), '--new-passphrase-file', file('new.txt', NEW_PASSPHRASE)), /current unseal material was not accepted; nothing changed/);
      assert.deepEqual(new Map((await db.selectFrom('key_material').select(['id', 'wrapped']).execute()).map((k) => [k.id, k.wrapped])), wrappedBefore);
      const { stdout } = await tacet('rotate-vault', '--passphrase-file', file('old.txt', PASSPHRASE), '--new-passphrase-file', file('new.txt'));
      assert.match(stdout, /Vault key rotated; the new passphrase replaces the old one/);
      const after_ = await db.selectFrom('key_material').select(['id', 'wrapped']).execute();
      for (const key of after_) if (wrappedBefore.has(key.id)) assert.notEqual(key.wrapped, wrappedBefore.get(key.id), `${key.id} re-wrapped`);
      assert.ok(after_.some((k) => k.id === 'derivation-root.v1'));
      assert.equal((await db.selectFrom('audit_events').select('purpose').where('action', '=', 'key.rotate').where('purpose', '=', 'vault:passphrase').execute()).length, 1);

      // The running core kept serving throughout.
      const cookie = await signIn(core.app, RECEPTION);
      assert.equal((await core.app.inject({ url: `/api/v1/enquiries/${reads[0]}`, headers: { cookie } })).statusCode, 200);
      // After a restart (sealed): the old passphrase no longer opens it, the new one does, and everything reads.
      core.vault.seal();
      await assert.rejects(core.vault.unsealWithPassphrase(PASSPHRASE), { code: 'UNSEAL_FAILED' });
      await core.vault.unsealWithPassphrase(NEW_PASSPHRASE);
      for (const id of reads.slice(1)) assert.equal((await core.app.inject({ url: `/api/v1/enquiries/${id}`, headers: { cookie } })).statusCode, 200);
      assert.equal(await isCanary(db, core.vault.keyring(), canary), true, 'a canary marked before the rotation is still one');

      // New Shamir shares: any two of three open it.
      const shamir = await tacet('rotate-vault', '--passphrase-file', file('new.txt'), '--shamir', '2/3');
      const shares = [...`${shamir.stdout}${shamir.stderr}`.matchAll(/Share \d: (\S+)/g)].map((m) => m[1] as string);
      assert.equal(shares.length, 3);
      core.vault.seal();
      await core.vault.submitShare(shares[2] as string);
      await core.vault.submitShare(shares[0] as string);
      assert.equal(core.vault.isUnsealed(), true);
      assert.equal(await isCanary(db, core.vault.keyring(), canary), true);

      // A backup made before the rotation restores with the passphrase it was made under.
      const target = await freshDatabase(dialect);
      try {
        const { db: empty } = await openDatabase(target.config, { createSchema: true });
        try {
          await migrateToLatest(empty, target.config.kind === 'postgres' ? target.config.schema : undefined);
          const report = await restoreBackup({ db: empty, blobs: core.blobs }, backup, { passphrase: PASSPHRASE });
          assert.equal(report.persons, 5);
        } finally {
          await empty.destroy();
        }
      } finally {
        await target.cleanup();
      }
    });
  });
}
