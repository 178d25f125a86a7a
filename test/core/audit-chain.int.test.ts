/**
 * Attacker test T5: someone with write access to the database edits,
 * deletes, inserts or truncates audit events; verification finds the first
 * broken link every time. Both databases.
 */
import assert from 'node:assert/strict';
import { after, beforeEach, describe, it } from 'node:test';
import { createAuditLog, verifyAuditChain } from '../../src/audit/audit-log.js';
import { openDatabase, type Db } from '../../src/db/database.js';
import { migrateToLatest } from '../../src/db/migrations.js';
import { systemClock } from '../../src/platform/clock.js';
import { DIALECTS, freshDatabase, type TestDatabase } from '../helpers/databases.js';

for (const dialect of DIALECTS) {
  describe(`audit hash chain (${dialect})`, () => {
    const opened: { database: TestDatabase; db: Db }[] = [];
    let db: Db;

    beforeEach(async () => {
      const database = await freshDatabase(dialect);
      const handle = await openDatabase(database.config, { createSchema: true });
      db = handle.db;
      opened.push({ database, db });
      await migrateToLatest(db, database.config.kind === 'postgres' ? database.config.schema : undefined);
      const audit = createAuditLog({ dialect: handle.dialect, clock: systemClock });
      for (let i = 0; i < 10; i++) {
        await db.transaction().execute((trx) => audit.append(trx, [{ actor: `staff:${i}`, action: 'enquiry.read', personIds: [`p${i}`], recordRefs: [`enquiry:${i}`], outcome: 'success' }]));
      }
    });

    after(async () => {
      for (const { database, db: handle } of opened) {
        await handle.destroy();
        await database.cleanup();
      }
    });

    it('verifies an untouched chain', async () => {
      const verdict = await verifyAuditChain(db);
      assert.equal(verdict.ok, true);
      assert.equal(verdict.ok && verdict.events, 10);
    });

    it('detects an edited event', async () => {
      await db.updateTable('audit_events').set({ actor: 'staff:someone-else' }).where('seq', '=', 4).execute();
      assert.deepEqual(await verifyAuditChain(db), { ok: false, brokenAtSeq: 4, reason: 'event content altered' });
    });

    it('detects an edited event whose hash was recomputed (the next link breaks)', async () => {
      const row = await db.selectFrom('audit_events').selectAll().where('seq', '=', 4).executeTakeFirstOrThrow();
      await db.updateTable('audit_events').set({ outcome: 'denied', hash: 'f'.repeat(64) }).where('seq', '=', row.seq).execute();
      const verdict = await verifyAuditChain(db);
      assert.equal(verdict.ok, false);
      assert.ok(!verdict.ok && verdict.brokenAtSeq === 4);
    });

    it('detects a deleted event', async () => {
      await db.deleteFrom('audit_events').where('seq', '=', 6).execute();
      assert.deepEqual(await verifyAuditChain(db), { ok: false, brokenAtSeq: 6, reason: 'missing event (gap in sequence)' });
    });

    it('detects an inserted event', async () => {
      await db.updateTable('audit_events').set({ seq: 100 }).where('seq', '=', 10).execute();
      const nine = await db.selectFrom('audit_events').selectAll().where('seq', '=', 9).executeTakeFirstOrThrow();
      await db.insertInto('audit_events').values({ ...nine, seq: 10, actor: 'forged', prev_hash: nine.hash }).execute();
      const verdict = await verifyAuditChain(db);
      assert.equal(verdict.ok, false);
    });

    it('detects truncation against an exported head', async () => {
      const head = await db.selectFrom('audit_events').select(['seq', 'hash']).where('seq', '=', 10).executeTakeFirstOrThrow();
      await db.deleteFrom('audit_events').where('seq', '>', 7).execute();
      assert.equal((await verifyAuditChain(db)).ok, true, 'without a head, a clean cut is undetectable');
      assert.deepEqual(await verifyAuditChain(db, head), { ok: false, brokenAtSeq: 8, reason: 'log truncated before the expected head' });
    });
  });
}
