/**
 * A backup and a restore in a process of their own (test/ops/backup-streaming.int.test.ts
 * runs it with a small V8 heap): back up the installation `source` into
 * `file`, restore it into the empty installation `target`, print the restore
 * report's counts and the process's peak RSS as one JSON line. Imports only
 * what a backup and restore need, so the heap limit measures them.
 *
 * Usage: node --max-old-space-size=N --import tsx test/helpers/backup-child.ts '<json>'
 * with { source, target: DatabaseConfig, sourceBlobs, targetBlobs, file } and
 * the passphrase in TACET_TEST_PASSPHRASE.
 */
import { keyringFrom, restoreBackup, writeBackup } from '../../src/core/backup/backup.service.js';
import { openDatabase } from '../../src/db/database.js';
import { migrateToLatest } from '../../src/db/migrations.js';
import type { DatabaseConfig } from '../../src/platform/config.js';
import { createLocalBlobStore } from '../../src/storage/blob-store.js';

const job = JSON.parse(process.argv[2] ?? '{}') as { source: DatabaseConfig; target: DatabaseConfig; sourceBlobs: string; targetBlobs: string; file: string };
const material = { passphrase: process.env['TACET_TEST_PASSPHRASE'] ?? '' };

const source = await openDatabase(job.source, { createSchema: false });
try {
  const keyring = await keyringFrom(source.db, material);
  await writeBackup({ db: source.db, dialect: source.dialect, blobs: createLocalBlobStore(job.sourceBlobs), keyring, now: new Date() }, job.file);
} finally {
  await source.db.destroy();
}
const target = await openDatabase(job.target, { createSchema: true });
try {
  await migrateToLatest(target.db, job.target.kind === 'postgres' ? job.target.schema : undefined);
  const report = await restoreBackup({ db: target.db, blobs: createLocalBlobStore(job.targetBlobs) }, job.file, material);
  process.stdout.write(`${JSON.stringify({ persons: report.persons, rows: report.rows, maxRssMb: process.resourceUsage().maxRSS / 1024 })}\n`);
} finally {
  await target.db.destroy();
}
