/**
 * An intruder with write access to the database edits, deletes, reorders,
 * inserts and truncates audit rows directly, or forges a block with
 * recomputed hashes. `tacet audit verify` (the real CLI, in its own process)
 * catches each, naming the first broken block (ADR 0016); truncation and a
 * recomputed chain are caught against the signed checkpoint exported off the
 * box. `--since-checkpoint` verifies only what follows the newest signed
 * checkpoint. Both databases.
 */
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { after, before, beforeEach, describe, it } from 'node:test';
import { readLastCheckpoint } from '../../src/audit/checkpoint.service.js';
import type { Database } from '../../src/db/database.js';
import { rehashBlocks } from '../helpers/audit-forge.js';
import { runTacet } from '../helpers/cli.js';
import { DIALECTS } from '../helpers/databases.js';
import { ADMIN, createHarness, type Harness, signIn } from '../helpers/harness.js';

async function verify(harness: Harness, checkpointFile: string, ...flags: string[]): Promise<{ code: number; out: string }> {
  const result = await runTacet(['audit', 'verify', '--checkpoint-file', checkpointFile, ...flags], harness.database.env);
  return { code: result.code, out: result.stdout };
}

for (const dialect of DIALECTS) {
  describe(`audit tampering caught by tacet audit verify (${dialect})`, () => {
    let harness: Harness;
    let file: string;
    let pristine: { seq: number; hash: string; prev_hash: string; actor: string; action: string; person_ids: string; record_refs: string; purpose: string | null; ip: string | null; session_id: string | null; outcome: string; at: string }[];
    let pristineBlocks: Database['audit_blocks'][];

    before(async () => {
      harness = await createHarness(dialect, { env: { TACET_AUTH_RATE_MAX: '1000' } });
      file = path.join(harness.database.dataDir, 'exported-checkpoints.jsonl');
      for (let i = 0; i < 5; i++) await signIn(harness.core.app, ADMIN);
      const checkpoint = await harness.core.checkpoints.checkpoint();
      assert.ok(checkpoint);
      // The export is what an off-box copy would hold.
      fs.copyFileSync(path.join(harness.database.dataDir, 'audit-checkpoints.jsonl'), file);
      assert.equal(readLastCheckpoint(file).seq, checkpoint.seq);
      pristine = await harness.core.db.selectFrom('audit_events').selectAll().orderBy('seq').execute();
      assert.ok(pristine.length >= 10);
      pristineBlocks = await harness.core.db.selectFrom('audit_blocks').selectAll().orderBy('first_seq').execute();
      assert.ok(pristineBlocks.length >= 2);
    });
    after(async () => harness?.close());

    // Restore the pristine log before each attack.
    beforeEach(async () => {
      await harness.core.db.deleteFrom('audit_events').execute();
      for (const row of pristine) await harness.core.db.insertInto('audit_events').values(row).execute();
      await harness.core.db.deleteFrom('audit_blocks').execute();
      await harness.core.db.insertInto('audit_blocks').values(pristineBlocks).execute();
    });

    /** The first seq of the block holding `seq` (v2 tampering is localised per block). */
    const blockOf = (seq: number) => Number(pristineBlocks.find((b) => Number(b.first_seq) <= seq && seq <= Number(b.last_seq))?.first_seq);

    it('passes an untouched log, with the signed checkpoint', async () => {
      const result = await verify(harness, file);
      assert.equal(result.code, 0, result.out);
      assert.match(result.out, /audit chain OK: \d+ events.*1 signed checkpoints valid; matches the exported head/);
    });

    it('catches an edit', async () => {
      await harness.core.db.updateTable('audit_events').set({ actor: 'staff:someone-else' }).where('seq', '=', 5).execute();
      const result = await verify(harness, file);
      assert.equal(result.code, 1);
      assert.match(result.out, new RegExp(`BROKEN at seq ${blockOf(5)}: block content altered \\(events ${blockOf(5)}-`));
    });

    it('catches a deletion', async () => {
      await harness.core.db.deleteFrom('audit_events').where('seq', '=', 4).execute();
      const result = await verify(harness, file);
      assert.equal(result.code, 1);
      assert.match(result.out, new RegExp(`BROKEN at seq ${blockOf(4)}: missing event in block ${blockOf(4)}-`));
    });

    it('catches two events swapped', async () => {
      await harness.core.db.updateTable('audit_events').set({ seq: 1000 }).where('seq', '=', 4).execute();
      await harness.core.db.updateTable('audit_events').set({ seq: 4 }).where('seq', '=', 5).execute();
      await harness.core.db.updateTable('audit_events').set({ seq: 5 }).where('seq', '=', 1000).execute();
      const result = await verify(harness, file);
      assert.equal(result.code, 1);
      assert.match(result.out, new RegExp(`BROKEN at seq ${blockOf(4)}: block content altered`));
    });

    it('catches an edit hidden by recomputing every block hash, against the signed exported checkpoint', async () => {
      await harness.core.db.updateTable('audit_events').set({ outcome: 'denied' }).where('seq', '=', 5).execute();
      await rehashBlocks(harness.core.db);
      const result = await verify(harness, file);
      assert.equal(result.code, 1, result.out);
      assert.match(result.out, /BROKEN at seq \d+: chain differs from the expected head/);
    });

    it('catches an insertion', async () => {
      const row = pristine[2] as (typeof pristine)[number];
      // Shift the tail up by one and slip in a forged event at seq 3.
      await harness.core.db.deleteFrom('audit_events').where('seq', '>=', 3).execute();
      await harness.core.db.insertInto('audit_events').values({ ...row, actor: 'staff:forged', hash: 'f'.repeat(64) }).execute();
      for (const later of pristine.slice(2)) await harness.core.db.insertInto('audit_events').values({ ...later, seq: later.seq + 1 }).execute();
      const result = await verify(harness, file);
      assert.equal(result.code, 1);
      assert.match(result.out, new RegExp(`BROKEN at seq ${blockOf(3)}:`));
    });

    it('catches truncation of the tail, against the exported checkpoint', async () => {
      const last = (pristine.at(-1) as { seq: number }).seq;
      await harness.core.db.deleteFrom('audit_events').where('seq', '>', last - 3).execute();
      const result = await verify(harness, file);
      assert.equal(result.code, 1);
      assert.match(result.out, /BROKEN at seq \d+: log truncated before the expected head/);
    });

    it('refuses a forged exported checkpoint', async () => {
      const forged = { ...readLastCheckpoint(file), hash: 'a'.repeat(64) };
      const forgedFile = `${file}.forged`;
      fs.writeFileSync(forgedFile, `${JSON.stringify(forged)}\n`);
      const result = await verify(harness, forgedFile);
      assert.equal(result.code, 1);
      assert.match(result.out, /invalid signature/);
    });
  });
}
