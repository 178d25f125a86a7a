/**
 * Backup and restore stream with bounded memory (SQLite and PostgreSQL).
 * 4,000 people whose sealed contact records carry about 8 KB of filler, so
 * the persons table alone (~46 MB of ciphertext) is larger than the child's
 * whole V8 heap: backing up and restoring it in a process started with
 * --max-old-space-size=64 only succeeds if no table is ever held whole (the
 * code before keyset paging and paged verification ran out of heap here).
 * Counts are exact multiples of the backup and verification page sizes
 * (persons, enquiries, person keys) and one table has a single row
 * (organisations): every row comes back once. A backup changed or truncated
 * at a segment boundary, mid-body — after many batches are already loaded —
 * is refused and leaves the target empty, so the same restore then succeeds.
 */
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import { after, before, describe, it } from 'node:test';
import { BACKUP_PAGE, BackupError, readBackupHeader, restoreBackup } from '../../src/core/backup/backup.service.js';
import { BACKUP_TABLES } from '../../src/core/backup/backup-tables.js';
import { VERIFY_PAGE } from '../../src/core/door/integrity.js';
import { SEGMENT_SIZE, STREAM_HEADER_SIZE } from '../../src/crypto/stream.js';
import { type Db, openDatabase } from '../../src/db/database.js';
import { migrateToLatest } from '../../src/db/migrations.js';
import { createLocalBlobStore } from '../../src/storage/blob-store.js';
import { generateSealedPeople } from '../helpers/bulk.js';
import { DIALECTS, freshDatabase, type TestDatabase } from '../helpers/databases.js';
import { createHarness, type Harness, PASSPHRASE } from '../helpers/harness.js';

const run = promisify(execFile);
const root = path.resolve(import.meta.dirname, '../..');
const PEOPLE = 4 * BACKUP_PAGE;
const HEAP_MB = 64;

async function tableCounts(db: Db): Promise<Record<string, number>> {
  const counts: Record<string, number> = {};
  for (const table of BACKUP_TABLES) counts[table] = Number((await db.selectFrom(table).select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow()).n);
  return counts;
}

async function withDb<T>(target: TestDatabase, work: (db: Db) => Promise<T>): Promise<T> {
  const { db } = await openDatabase(target.config, { createSchema: true });
  try {
    await migrateToLatest(db, target.config.kind === 'postgres' ? target.config.schema : undefined);
    return await work(db);
  } finally {
    await db.destroy();
  }
}

for (const dialect of DIALECTS) {
  describe(`streaming backup and restore (${dialect})`, () => {
    let harness: Harness;
    let source: Record<string, number>;
    let file: string;
    const targets: TestDatabase[] = [];

    before(async () => {
      assert.equal(PEOPLE % VERIFY_PAGE, 0);
      harness = await createHarness(dialect, { env: { TACET_LOG_LEVEL: 'warn' } });
      const db = harness.core.db;
      const organisationId = (await db.selectFrom('organisations').select('id').executeTakeFirstOrThrow()).id;
      await generateSealedPeople(db, harness.core.vault.keyring(), { prefix: 'a0000000', count: PEOPLE, organisationId, clinicId: harness.clinicIds['clinic-a'] as string, receivedAt: '2026-11-01T10:00:00.000Z', contactPadding: 8192 });
      source = await tableCounts(db);
      file = path.join(harness.database.dataDir, 'streamed.backup');
    });
    after(async () => {
      for (const target of targets) await target.cleanup();
      await harness?.close();
    });

    it(`backs up and restores ${PEOPLE} people (a persons table larger than the heap) in a process with a ${HEAP_MB} MB heap, every row once`, async () => {
      assert.equal(source['persons'], PEOPLE, 'an exact multiple of the page sizes');
      assert.equal(source['person_keys'], 2 * PEOPLE);
      assert.equal(source['organisations'], 1, 'a table of one row');
      const target = await freshDatabase(dialect);
      targets.push(target);
      const job = { source: harness.database.config, target: target.config, sourceBlobs: path.join(harness.database.dataDir, 'blobs'), targetBlobs: path.join(target.dataDir, 'blobs'), file };
      const { stdout } = await run(process.execPath, [`--max-old-space-size=${HEAP_MB}`, '--import', 'tsx', path.join(root, 'test/helpers/backup-child.ts'), JSON.stringify(job)], { cwd: root, env: { ...process.env, TACET_TEST_PASSPHRASE: PASSPHRASE } });
      const report = JSON.parse(stdout.trim().split('\n').at(-1) as string) as { persons: number; rows: Record<string, number> };
      assert.equal(report.persons, PEOPLE, 'every person verified');
      const { rows } = report;
      for (const table of BACKUP_TABLES) assert.equal(rows[table] ?? 0, source[table], `${table}: every row restored once`);
      // The restore verification appends its own audit events (in blocks of their own); everything else is exactly the source.
      const restored = await withDb(target, tableCounts);
      const audit = ['audit_events', 'audit_blocks'];
      for (const table of BACKUP_TABLES.filter((t) => !audit.includes(t))) assert.equal(restored[table], source[table], `${table} in the target`);
      for (const table of audit) assert.ok((restored[table] ?? 0) > (source[table] ?? 0), `the verification is recorded (${table})`);
    });

    it('refuses a backup changed or truncated mid-body and leaves nothing, then the intact file restores', async () => {
      const target = await freshDatabase(dialect);
      targets.push(target);
      const blobs = createLocalBlobStore(path.join(target.dataDir, 'blobs'));
      const original = fs.readFileSync(file);
      const { bodyOffset } = await readBackupHeader(file);
      const segments = Math.floor((original.length - bodyOffset - STREAM_HEADER_SIZE) / (SEGMENT_SIZE + 16));
      assert.ok(segments > 100, 'the body is many segments long');
      // Half way through the body: thousands of rows are loaded before the damage is reached.
      const boundary = bodyOffset + STREAM_HEADER_SIZE + Math.floor(segments / 2) * (SEGMENT_SIZE + 16);
      const changed = Buffer.from(original);
      changed[boundary + 1000] = (changed[boundary + 1000] as number) ^ 0x01;
      const broken = path.join(target.dataDir, 'broken.backup');
      for (const [damage, bytes] of [['changed', changed], ['truncated at a segment boundary', original.subarray(0, boundary)]] as const) {
        fs.writeFileSync(broken, bytes);
        await assert.rejects(
          withDb(target, (db) => restoreBackup({ db, blobs }, broken, { passphrase: PASSPHRASE })),
          (error: unknown) => error instanceof BackupError && /does not authenticate/.test(error.message),
          damage,
        );
        const left = await withDb(target, tableCounts);
        for (const table of ['key_material', 'persons', 'person_keys', 'enquiries', 'audit_events']) assert.equal(left[table], 0, `${damage}: nothing of ${table} left`);
        await withDb(target, async (db) => assert.equal((await db.selectFrom('vault').select('id').execute()).length, 0, `${damage}: no vault`));
      }
      const report = await withDb(target, (db) => restoreBackup({ db, blobs }, file, { passphrase: PASSPHRASE }));
      assert.equal(report.persons, PEOPLE);
    });
  });
}
