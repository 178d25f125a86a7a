/**
 * An intruder with write access to the whole database rewrites history: edits
 * an event, recomputes the hash chain after it, swaps the audit-signing
 * public key in key_material for their own, re-signs every stored checkpoint
 * and rewrites the export file. Everything is self-consistent, so only an
 * anchor kept off the box can tell: the key fingerprint printed at init and
 * pinned with `--trusted-key` or TACET_AUDIT_TRUSTED_KEY. Without a pin,
 * `tacet audit verify` must say loudly that it proves nothing against this.
 * Every exported checkpoint is checked, so an intruder who can only append to
 * the witness is caught even without a pin. Both databases, the real CLI.
 */
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, beforeEach, describe, it } from 'node:test';
import { type Checkpoint, checkpointMessage } from '../../src/audit/checkpoint.service.js';
import { generateSigningKeyPair, importSigningKey, signingKeyFingerprint, signMessage } from '../../src/crypto/signing.js';
import type { Db } from '../../src/db/database.js';
import { openDatabase } from '../../src/db/database.js';
import { rehashBlocks } from '../helpers/audit-forge.js';
import { runTacet } from '../helpers/cli.js';
import { type AuditSnapshot, restoreAuditLog, snapshotAuditLog } from '../helpers/audit-snapshot.js';
import { DIALECTS, freshDatabase } from '../helpers/databases.js';
import { ADMIN, createHarness, type Harness, signIn } from '../helpers/harness.js';

const FINGERPRINT = /[0-9a-f]{4}(?::[0-9a-f]{4}){15}/;

/**
 * What the intruder does: edit event 3, recompute every block hash (chain v2), swap in
 * their own audit public key, re-sign the stored checkpoints. Returns the
 * checkpoints they can now sign for the forged chain (for the export).
 */
async function forgeHistory(db: Db, exported: readonly Checkpoint[]): Promise<Checkpoint[]> {
  await db.updateTable('audit_events').set({ actor: 'staff:someone-else' }).where('seq', '=', 3).execute();
  const forgedHash = await rehashBlocks(db);
  const pair = generateSigningKeyPair();
  const key = importSigningKey(pair.privateKeyPkcs8);
  await db.updateTable('key_material').set({ public_key: pair.publicKeyB64 }).where('kind', '=', 'audit-signing').execute();
  for (const stored of await db.selectFrom('audit_checkpoints').selectAll().execute()) {
    const hash = forgedHash.get(Number(stored.seq)) as string;
    await db.updateTable('audit_checkpoints').set({ hash, signature: signMessage(key, checkpointMessage(Number(stored.seq), hash, stored.at, 2)) }).where('seq', '=', stored.seq).execute();
  }
  return exported.map((c) => {
    const hash = forgedHash.get(c.seq) as string;
    return { ...c, hash, publicKey: pair.publicKeyB64, signature: signMessage(key, checkpointMessage(c.seq, hash, c.at, 2)) };
  });
}

const jsonLines = (checkpoints: readonly Checkpoint[]) => checkpoints.map((c) => `${JSON.stringify(c)}\n`).join('');

for (const dialect of DIALECTS) {
  describe(`audit history forged with database write access (${dialect})`, () => {
    let harness: Harness;
    let witnessDir: string;
    let exportFile: string;
    let env: Record<string, string>;
    let pinned: string;
    let pristine: AuditSnapshot & { checkpoints: unknown[]; publicKey: string; exportText: string };

    before(async () => {
      // The export goes to other storage (here: another directory), as docs/operations.md asks.
      witnessDir = fs.mkdtempSync(path.join(os.tmpdir(), 'tacet-witness-'));
      exportFile = path.join(witnessDir, 'audit-checkpoints.jsonl');
      harness = await createHarness(dialect, { env: { TACET_AUTH_RATE_MAX: '1000', TACET_AUDIT_EXPORT_FILE: exportFile } });
      env = { ...harness.database.env, TACET_AUDIT_EXPORT_FILE: exportFile };
      for (let round = 0; round < 2; round++) {
        for (let i = 0; i < 3; i++) await signIn(harness.core.app, ADMIN);
        assert.ok(await harness.core.checkpoints.checkpoint());
      }
      // What the operator wrote down at init, off the box.
      pinned = signingKeyFingerprint(harness.core.vault.keyring().auditSigning?.publicKeyB64 as string);
      const db = harness.core.db;
      pristine = {
        ...(await snapshotAuditLog(db)),
        checkpoints: await db.selectFrom('audit_checkpoints').selectAll().execute(),
        publicKey: (await db.selectFrom('key_material').select('public_key').where('kind', '=', 'audit-signing').executeTakeFirstOrThrow()).public_key as string,
        exportText: fs.readFileSync(exportFile, 'utf8'),
      };
      assert.equal(pristine.exportText.trim().split('\n').length, 2);
    });
    after(async () => {
      await harness?.close();
      fs.rmSync(witnessDir, { recursive: true, force: true });
    });

    beforeEach(async () => {
      const db = harness.core.db;
      await restoreAuditLog(db, pristine);
      await db.deleteFrom('audit_checkpoints').execute();
      await db.insertInto('audit_checkpoints').values(pristine.checkpoints as never).execute();
      await db.updateTable('key_material').set({ public_key: pristine.publicKey }).where('kind', '=', 'audit-signing').execute();
      fs.writeFileSync(exportFile, pristine.exportText);
    });

    const exported = () => pristine.exportText.trim().split('\n').map((line) => JSON.parse(line) as Checkpoint);

    it('passes the untouched trail anchored to the pinned fingerprint, checking every exported checkpoint', async () => {
      const result = await runTacet(['audit', 'verify', '--trusted-key', pinned], env);
      assert.equal(result.code, 0, result.stdout + result.stderr);
      assert.match(result.stdout, /audit chain OK: \d+ events.*2 signed checkpoints valid; matches the exported head at seq \d+ \(2 exported checkpoints checked\); anchored to the pinned key/);
      assert.doesNotMatch(result.stderr, /WARNING/);
    });

    it('without a pin, the full forgery verifies — and verify says loudly that it proves nothing against it', async () => {
      fs.writeFileSync(exportFile, jsonLines(await forgeHistory(harness.core.db, exported())));
      const result = await runTacet(['audit', 'verify'], env);
      assert.equal(result.code, 0, result.stdout);
      assert.match(result.stderr, /WARNING: NO TRUST ANCHOR PINNED/);
      assert.match(result.stderr, /TACET_AUDIT_TRUSTED_KEY/);
      assert.match(result.stdout, /NOT ANCHORED/);
    });

    it('with the fingerprint pinned (--trusted-key), the full forgery is caught', async () => {
      fs.writeFileSync(exportFile, jsonLines(await forgeHistory(harness.core.db, exported())));
      const result = await runTacet(['audit', 'verify', '--trusted-key', pinned.replaceAll(':', ' ')], env);
      assert.equal(result.code, 1, result.stdout);
      assert.match(result.stdout, /audit chain BROKEN: .*audit-signing\.v1.* is not the pinned trusted key/);
    });

    it('with the key pinned by default (TACET_AUDIT_TRUSTED_KEY naming a file with the public key), the full forgery is caught', async () => {
      const keyFile = path.join(witnessDir, 'audit-key.pub');
      fs.writeFileSync(keyFile, `# Tacet audit signing key, written down at init\n${pristine.publicKey}\n`);
      fs.writeFileSync(exportFile, jsonLines(await forgeHistory(harness.core.db, exported())));
      const result = await runTacet(['audit', 'verify'], { ...env, TACET_AUDIT_TRUSTED_KEY: keyFile });
      assert.equal(result.code, 1, result.stdout);
      assert.match(result.stdout, /audit chain BROKEN: .* is not the pinned trusted key/);
      // A file holding the written-down fingerprint does the same.
      const fingerprintFile = path.join(witnessDir, 'fingerprint.txt');
      fs.writeFileSync(fingerprintFile, `${pinned}\n`);
      assert.match((await runTacet(['audit', 'verify', '--trusted-key', fingerprintFile], env)).stdout, /audit chain BROKEN: .* is not the pinned trusted key/);
    });

    it('checks every exported checkpoint: a forged head appended to the witness is caught even without a pin', async () => {
      // The intruder cannot rewrite the witness (another machine) but can append to it (e.g. a syslog datagram).
      const forged = await forgeHistory(harness.core.db, exported());
      fs.appendFileSync(exportFile, jsonLines(forged.slice(-1)));
      const result = await runTacet(['audit', 'verify'], env);
      assert.equal(result.code, 1, result.stdout);
      const first = exported()[0] as Checkpoint;
      assert.match(result.stdout, new RegExp(`audit chain BROKEN: the exported checkpoint at seq ${first.seq} `));
    });

    it('warns loudly when the export sits inside the data directory', async () => {
      const result = await runTacet(['audit', 'verify', '--trusted-key', pinned], { ...env, TACET_AUDIT_EXPORT_FILE: path.join(harness.database.dataDir, 'audit-checkpoints.jsonl') });
      assert.match(result.stderr, /WARNING: .*inside the data directory/s);
    });
  });

  describe(`tacet init prints the audit key fingerprint to keep off the box (${dialect})`, () => {
    it('prints the fingerprint of the key it created, which then anchors verify', async () => {
      const database = await freshDatabase(dialect);
      try {
        const secret = (name: string, value: string) => {
          const file = path.join(database.dataDir, name);
          fs.writeFileSync(file, value, { mode: 0o600 });
          return file;
        };
        const init = await runTacet(
          ['init', '--org', 'Forgery Test', '--clinic', 'a=A', '--admin-email', 'admin@clinic.test', '--admin-password-file', secret('pw', 'violet harbour lantern 71'), '--passphrase-file', secret('pp', 'a vault passphrase that is long enough')],
          database.env,
        );
        assert.equal(init.code, 0, init.stderr);
        const printed = /Audit key fingerprint: (\S+)/.exec(init.stderr)?.[1];
        assert.ok(printed && FINGERPRINT.test(printed), init.stderr);
        const { db } = await openDatabase(database.config);
        try {
          const row = await db.selectFrom('key_material').select('public_key').where('kind', '=', 'audit-signing').executeTakeFirstOrThrow();
          assert.equal(printed, signingKeyFingerprint(row.public_key as string));
        } finally {
          await db.destroy();
        }
        const verify = await runTacet(['audit', 'verify', '--trusted-key', printed], database.env);
        assert.equal(verify.code, 0, verify.stdout + verify.stderr);
        assert.match(verify.stdout, /anchored to the pinned key/);
      } finally {
        await database.cleanup();
      }
    });
  });
}
