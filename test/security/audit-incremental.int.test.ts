/**
 * `tacet audit verify --since-checkpoint` (the daily check, ADR 0016): it
 * starts after the newest checkpoint whose signature verifies under the
 * pinned key and reads nothing at or before it — tampering after it is
 * caught, tampering before it is left to the full check, and a chain
 * recomputed under the checkpoint cannot serve as a starting point. The real
 * CLI, both databases.
 */
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, beforeEach, describe, it } from 'node:test';
import { readCheckpoints } from '../../src/audit/checkpoint.service.js';
import { signingKeyFingerprint } from '../../src/crypto/signing.js';
import { rehashBlocks } from '../helpers/audit-forge.js';
import { runTacet } from '../helpers/cli.js';
import { type AuditSnapshot, restoreAuditLog, snapshotAuditLog } from '../helpers/audit-snapshot.js';
import { DIALECTS } from '../helpers/databases.js';
import { ADMIN, createHarness, type Harness, signIn } from '../helpers/harness.js';

for (const dialect of DIALECTS) {
  describe(`tacet audit verify --since-checkpoint (${dialect})`, () => {
    let harness: Harness;
    let witnessDir: string;
    let env: Record<string, string>;
    let pinned: string;
    let checkpointSeq: number;
    let pristine: AuditSnapshot;

    before(async () => {
      witnessDir = fs.mkdtempSync(path.join(os.tmpdir(), 'tacet-witness-'));
      const exportFile = path.join(witnessDir, 'audit-checkpoints.jsonl');
      harness = await createHarness(dialect, { env: { TACET_AUTH_RATE_MAX: '1000', TACET_AUDIT_EXPORT_FILE: exportFile } });
      pinned = signingKeyFingerprint(harness.core.vault.keyring().auditSigning?.publicKeyB64 as string);
      env = { ...harness.database.env, TACET_AUDIT_EXPORT_FILE: exportFile, TACET_AUDIT_TRUSTED_KEY: pinned };
      for (let i = 0; i < 3; i++) await signIn(harness.core.app, ADMIN);
      checkpointSeq = (await harness.core.checkpoints.checkpoint())?.seq as number;
      // A day's events after the checkpoint.
      for (let i = 0; i < 3; i++) await signIn(harness.core.app, ADMIN);
      assert.deepEqual(readCheckpoints(exportFile).map((c) => c.seq), [checkpointSeq]);
      const db = harness.core.db;
      pristine = await snapshotAuditLog(db);
      assert.ok(pristine.events.length > checkpointSeq + 2);
    });
    after(async () => {
      await harness?.close();
      fs.rmSync(witnessDir, { recursive: true, force: true });
    });
    beforeEach(async () => {
      await restoreAuditLog(harness.core.db, pristine);
    });

    const verify = (...flags: string[]) => runTacet(['audit', 'verify', ...flags], env);

    it('verifies only the events after the signed checkpoint, and not one before it', async () => {
      const after = pristine.events.length - checkpointSeq;
      const blocksAfter = pristine.blocks.filter((b) => Number(b.first_seq) > checkpointSeq).length;
      const result = await verify('--since-checkpoint');
      assert.equal(result.code, 0, result.stdout + result.stderr);
      assert.match(result.stdout, new RegExp(`audit chain OK \\(since the signed checkpoint at seq ${checkpointSeq}: ${after} events in ${blocksAfter} blocks verified, nothing before read\\)`));
      assert.match(result.stdout, /anchored to the pinned key/);
      // Every event before the checkpoint gone: the incremental check cannot have read them, the full one fails.
      await harness.core.db.deleteFrom('audit_events').where('seq', '<=', checkpointSeq - 1).execute();
      assert.equal((await verify('--since-checkpoint')).code, 0);
      const full = await verify();
      assert.equal(full.code, 1);
      assert.match(full.stdout, /BROKEN at seq 1: missing event/);
    });

    it('catches an edit after the checkpoint', async () => {
      const target = checkpointSeq + 2;
      await harness.core.db.updateTable('audit_events').set({ actor: 'staff:someone-else' }).where('seq', '=', target).execute();
      const result = await verify('--since-checkpoint');
      assert.equal(result.code, 1);
      assert.match(result.stdout, /BROKEN at seq \d+: block content altered/);
    });

    it('refuses to start from a checkpoint whose block was rewritten with recomputed hashes', async () => {
      await harness.core.db.updateTable('audit_events').set({ outcome: 'denied' }).where('seq', '=', 2).execute();
      await rehashBlocks(harness.core.db);
      const result = await verify('--since-checkpoint');
      assert.equal(result.code, 1);
      assert.match(result.stdout, new RegExp(`BROKEN at seq ${checkpointSeq}: chain differs from the trusted checkpoint`));
    });
  });
}
