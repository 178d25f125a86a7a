/**
 * Attacker test T5 on the chain itself: someone with write access to the
 * database edits, deletes, reorders, inserts or truncates audit events of a
 * log that started as a v1 per-event chain and went on in v2 blocks after
 * migration 0015 (ADR 0016); verification finds the first broken event (v1)
 * or block (v2) every time, and an incremental check reads nothing at or
 * before its trusted checkpoint. Both databases.
 */
import assert from 'node:assert/strict';
import { after, beforeEach, describe, it } from 'node:test';
import fc from 'fast-check';
import { sql } from 'kysely';
import { createAuditLog, type AuditLog, verifyAuditChain, verifyAuditChainSince } from '../../src/audit/audit-log.js';
import { blockBody, blockHash, toBlockEvent } from '../../src/audit/block-chain.js';
import { chainHash, GENESIS, type RawEvent } from '../../src/audit/chain.js';
import { openDatabase, type Db } from '../../src/db/database.js';
import { migrateToLatest, migrateUpTo } from '../../src/db/migrations.js';
import { systemClock } from '../../src/platform/clock.js';
import { DIALECTS, freshDatabase, type TestDatabase } from '../helpers/databases.js';

const V1_EVENTS = 6;
/** Blocks appended after the migration: seqs 7-10, 11-14, 15-18. */
const BLOCKS = [[7, 10], [11, 14], [15, 18]] as const;

/** Events as the pre-0015 writer stored them: each with its own link (written out here, as old code did). */
async function writeV1Events(db: Db, count: number): Promise<void> {
  let prev = GENESIS;
  for (let seq = 1; seq <= count; seq++) {
    const fields = [seq, '2026-11-01T08:00:00.000Z', `staff:${seq}`, 'enquiry.read', `["p${seq}"]`, `["enquiry:${seq}"]`, null, null, null, 'success'] as const;
    const hash = chainHash(prev, fields as unknown as RawEvent);
    const [, at, actor, action, person_ids, record_refs, purpose, ip, session_id, outcome] = fields;
    await db.insertInto('audit_events').values({ seq, at, actor, action, person_ids, record_refs, purpose, ip, session_id, outcome, prev_hash: prev, hash, domains: null }).execute();
    prev = hash;
  }
}

const event = (i: number) => ({ actor: `staff:${i % 3}`, action: 'patient.read', personIds: [`p${i}`], recordRefs: [`patient:${i}`], purpose: 'care', ip: '10.0.0.1', sessionId: 's1', outcome: 'success' as const, domains: ['contact'] });

for (const dialect of DIALECTS) {
  describe(`audit hash chain, v1 then v2 blocks (${dialect})`, () => {
    const opened: { database: TestDatabase; db: Db }[] = [];
    let db: Db;
    let audit: AuditLog;

    beforeEach(async () => {
      const database = await freshDatabase(dialect);
      const handle = await openDatabase(database.config, { createSchema: true });
      db = handle.db;
      opened.push({ database, db });
      const schema = database.config.kind === 'postgres' ? database.config.schema : undefined;
      await migrateUpTo(db, '0014_list_indexes', schema);
      await writeV1Events(db, V1_EVENTS);
      await migrateToLatest(db, schema);
      audit = createAuditLog({ dialect: handle.dialect, clock: systemClock, ...(dialect === 'sqlite' ? { db } : {}) });
      for (const [first, last] of BLOCKS) {
        await db.transaction().execute((trx) => audit.append(trx, Array.from({ length: last - first + 1 }, (_, i) => event(first + i))));
      }
    });

    after(async () => {
      for (const { database, db: handle } of opened) {
        await handle.destroy();
        await database.cleanup();
      }
    });

    const blockAt = (lastSeq: number) => db.selectFrom('audit_blocks').selectAll().where('last_seq', '=', lastSeq).executeTakeFirstOrThrow();

    it('verifies the migrated chain in full: the v1 events, then blocks linked to the v1 tail', async () => {
      const v1Tail = await db.selectFrom('audit_events').select('hash').where('seq', '=', V1_EVENTS).executeTakeFirstOrThrow();
      const first = await blockAt(10);
      assert.equal(first.prev_hash, v1Tail.hash);
      assert.equal(Number(first.first_seq), 7);
      const verdict = await verifyAuditChain(db);
      assert.deepEqual(verdict, { ok: true, events: 18, headHash: (await blockAt(18)).hash, fromSeq: 1, verifiedEvents: 18, blocks: 3 });
    });

    it('detects an edited field of a v2 event, at its block', async () => {
      await db.updateTable('audit_events').set({ purpose: 'curiosity' }).where('seq', '=', 12).execute();
      assert.deepEqual(await verifyAuditChain(db), { ok: false, brokenAtSeq: 11, reason: 'block content altered (events 11-14)' });
    });

    it('reports a value no text column should hold (a BLOB on SQLite) as tampering, not a crash', { skip: dialect !== 'sqlite' }, async () => {
      await sql`UPDATE audit_events SET actor = x'00ff' WHERE seq = 12`.execute(db);
      const verdict = await verifyAuditChain(db);
      assert.ok(!verdict.ok && verdict.brokenAtSeq <= 11 && /cannot be read/.test(verdict.reason), JSON.stringify(verdict));
    });

    it('detects a deleted v2 event', async () => {
      await db.deleteFrom('audit_events').where('seq', '=', 16).execute();
      assert.deepEqual(await verifyAuditChain(db), { ok: false, brokenAtSeq: 15, reason: 'missing event in block 15-18' });
    });

    it('detects reordered events inside a block', async () => {
      await db.updateTable('audit_events').set({ seq: 1000 }).where('seq', '=', 12).execute();
      await db.updateTable('audit_events').set({ seq: 12 }).where('seq', '=', 13).execute();
      await db.updateTable('audit_events').set({ seq: 13 }).where('seq', '=', 1000).execute();
      assert.deepEqual(await verifyAuditChain(db), { ok: false, brokenAtSeq: 11, reason: 'block content altered (events 11-14)' });
    });

    it('detects a forged block with recomputed hashes against the checkpointed head, though the chain alone is consistent', async () => {
      const head = { seq: 18, hash: (await blockAt(18)).hash, isBlock: true };
      // Drop the last block and its events, and write a forged one in its place, hashed correctly.
      await db.deleteFrom('audit_blocks').where('first_seq', '=', 15).execute();
      await db.deleteFrom('audit_events').where('seq', '>=', 15).execute();
      const rows = Array.from({ length: 4 }, (_, i) => ({ seq: 15 + i, at: '2026-11-02T08:00:00.000Z', actor: 'staff:nobody', action: 'patient.read', person_ids: '[]', record_refs: '[]', purpose: null, ip: null, session_id: null, outcome: 'success', domains: null, prev_hash: '', hash: '' }));
      await db.insertInto('audit_events').values(rows).execute();
      const prev = (await blockAt(14)).hash;
      await db.insertInto('audit_blocks').values({ first_seq: 15, last_seq: 18, prev_hash: prev, hash: blockHash(prev, blockBody(rows.map(toBlockEvent))) }).execute();
      assert.equal((await verifyAuditChain(db)).ok, true, 'without an anchor a recomputed block is indistinguishable');
      assert.deepEqual(await verifyAuditChain(db, head), { ok: false, brokenAtSeq: 18, reason: 'chain differs from the expected head' });
    });

    it('detects a v1 event edited after the migration, and a v1 tail rewritten with recomputed hashes (the first block no longer links)', async () => {
      await db.updateTable('audit_events').set({ actor: 'staff:someone-else' }).where('seq', '=', 3).execute();
      assert.deepEqual(await verifyAuditChain(db), { ok: false, brokenAtSeq: 3, reason: 'event content altered' });
      const six = await db.selectFrom('audit_events').selectAll().where('seq', '=', 6).executeTakeFirstOrThrow();
      await db.updateTable('audit_events').set({ actor: 'staff:3' }).where('seq', '=', 3).execute();
      const forged = chainHash(six.prev_hash, [6, six.at, 'staff:forged', six.action, six.person_ids, six.record_refs, six.purpose, six.ip, six.session_id, six.outcome] as RawEvent);
      await db.updateTable('audit_events').set({ actor: 'staff:forged', hash: forged }).where('seq', '=', 6).execute();
      assert.deepEqual(await verifyAuditChain(db), { ok: false, brokenAtSeq: 7, reason: 'previous-hash link broken' });
    });

    it('detects events left without their block, and a truncated tail against the expected head', async () => {
      const head = { seq: 18, hash: (await blockAt(18)).hash, isBlock: true };
      await db.deleteFrom('audit_blocks').where('first_seq', '=', 15).execute();
      assert.deepEqual(await verifyAuditChain(db), { ok: false, brokenAtSeq: 15, reason: 'events outside any block (or a block missing)' });
      await db.deleteFrom('audit_events').where('seq', '>=', 15).execute();
      assert.equal((await verifyAuditChain(db)).ok, true, 'without a head, a clean cut is undetectable');
      assert.deepEqual(await verifyAuditChain(db, head), { ok: false, brokenAtSeq: 15, reason: 'log truncated before the expected head' });
    });

    it('verifies incrementally after a trusted block: finds tampering after it, reads nothing at or before it', async () => {
      const start = { seq: 14, hash: (await blockAt(14)).hash, isBlock: true };
      assert.deepEqual(await verifyAuditChainSince(db, start), { ok: true, events: 18, headHash: (await blockAt(18)).hash, fromSeq: 15, verifiedEvents: 4, blocks: 1 });
      await db.updateTable('audit_events').set({ outcome: 'denied' }).where('seq', '=', 17).execute();
      assert.deepEqual(await verifyAuditChainSince(db, start), { ok: false, brokenAtSeq: 15, reason: 'block content altered (events 15-18)' });
      await db.updateTable('audit_events').set({ outcome: 'success' }).where('seq', '=', 17).execute();
      // Everything before the checkpoint wrecked: the full check sees it, the incremental one never reads it.
      await db.updateTable('audit_events').set({ actor: 'staff:x' }).where('seq', '<=', 14).execute();
      assert.equal((await verifyAuditChain(db)).ok, false);
      await db.deleteFrom('audit_events').where('seq', '<=', 14).execute();
      await db.deleteFrom('audit_blocks').where('last_seq', '<', 14).execute();
      assert.deepEqual(await verifyAuditChainSince(db, start), { ok: true, events: 18, headHash: (await blockAt(18)).hash, fromSeq: 15, verifiedEvents: 4, blocks: 1 });
    });

    it('verifies incrementally after a v1 checkpoint (taken before the migration): the rest of v1, then every block', async () => {
      const four = await db.selectFrom('audit_events').select('hash').where('seq', '=', 4).executeTakeFirstOrThrow();
      const start = { seq: 4, hash: four.hash, isBlock: false };
      const verdict = await verifyAuditChainSince(db, start);
      assert.ok(verdict.ok && verdict.fromSeq === 5 && verdict.verifiedEvents === 14 && verdict.blocks === 3, JSON.stringify(verdict));
      await db.updateTable('audit_events').set({ action: 'patient.export' }).where('seq', '=', 5).execute();
      assert.deepEqual(await verifyAuditChainSince(db, start), { ok: false, brokenAtSeq: 5, reason: 'event content altered' });
    });

    it('refuses to start from a point the chain does not hold', async () => {
      assert.deepEqual(await verifyAuditChainSince(db, { seq: 14, hash: 'a'.repeat(64), isBlock: true }), { ok: false, brokenAtSeq: 14, reason: 'chain differs from the trusted checkpoint' });
      assert.deepEqual(await verifyAuditChainSince(db, { seq: 12, hash: (await blockAt(14)).hash, isBlock: true }), { ok: false, brokenAtSeq: 12, reason: 'chain differs from the trusted checkpoint' });
    });

    it('serialises any text as the writer hashed it (JSON.stringify there; SQLite json_array or JS on read)', async () => {
      const text = fc.string({ unit: 'binary', maxLength: 40 });
      const samples = fc.sample(fc.record({ actor: text, action: text, purpose: fc.option(text), ip: fc.option(text), ids: fc.array(text, { maxLength: 3 }) }), { numRuns: 60, seed: 15 });
      // PostgreSQL text cannot hold NUL; that is the database's limit, not the chain's.
      const clean = (s: string) => (dialect === 'postgres' ? s.replaceAll('\u0000', '') : s);
      await db.transaction().execute((trx) =>
        audit.append(
          trx,
          samples.map((s) => ({ actor: clean(s.actor), action: clean(s.action), purpose: s.purpose === null ? null : clean(s.purpose), ip: s.ip === null ? null : clean(s.ip), personIds: s.ids.map(clean), outcome: 'success' as const })),
        ),
      );
      const verdict = await verifyAuditChain(db);
      assert.ok(verdict.ok && verdict.events === 18 + samples.length && verdict.blocks === 4, JSON.stringify(verdict));
    });
  });
}
