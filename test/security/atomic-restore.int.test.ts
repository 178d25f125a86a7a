/**
 * A restore is all or nothing, and a default backup is complete (SQLite and
 * PostgreSQL). A manifest-only backup restored where its photo blobs are
 * missing is refused with the missing blob keys and where it looked, and the
 * target is left empty, so the retry (once the blobs are there) succeeds. A
 * default backup of a local blob store carries the blob ciphertext: restored
 * on a fresh machine with no blob directory it verifies and the photos open
 * byte for byte. A backup with a changed byte inside its blobs is refused,
 * and neither rows nor blobs are left behind; a failed verification takes
 * back the blobs the restore wrote and never overwrites one already there.
 */
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { keyringFrom, restoreBackup, writeBackup } from '../../src/core/backup/backup.service.js';
import type { CoreRuntime } from '../../src/core/core-runtime.js';
import { openDatabase } from '../../src/db/database.js';
import { migrateToLatest } from '../../src/db/migrations.js';
import { createLocalBlobStore } from '../../src/storage/blob-store.js';
import { photoHashes, seedPatientWithPhotos, startRestored, tacet } from '../helpers/backups.js';
import { DIALECTS, freshDatabase, type TestDatabase } from '../helpers/databases.js';
import { allFiles } from '../helpers/files.js';
import { createHarness, type Harness, PASSPHRASE } from '../helpers/harness.js';

/** Restore `file` in-process (as `tacet restore` does, without a child process) into `target` with its blobs in `blobDir`. */
async function restoreHere(target: TestDatabase, blobDir: string, file: string) {
  const { db } = await openDatabase(target.config, { createSchema: true });
  try {
    await migrateToLatest(db, target.config.kind === 'postgres' ? target.config.schema : undefined);
    return await restoreBackup({ db, blobs: createLocalBlobStore(blobDir) }, file, { passphrase: PASSPHRASE });
  } finally {
    await db.destroy();
  }
}

/** Nothing of the backup is in `target`: no vault, keys, staff, people, photos or audit events. */
async function assertEmpty(target: TestDatabase): Promise<void> {
  const { db } = await openDatabase(target.config, { createSchema: false });
  try {
    for (const table of ['vault', 'key_material', 'staff', 'persons', 'photos', 'audit_events'] as const) {
      assert.equal(Number((await db.selectFrom(table).select(db.fn.countAll<number>().as('n')).executeTakeFirstOrThrow()).n), 0, `${table} is empty`);
    }
  } finally {
    await db.destroy();
  }
}

for (const dialect of DIALECTS) {
  describe(`atomic restore and complete backups (${dialect})`, () => {
    let harness: Harness;
    let env: NodeJS.ProcessEnv;
    let blobDir: string;
    let passphrase: string;
    let full: string;
    let backupOutput: string;
    let photoIds: string[];
    let hashes: Map<string, string>;
    const targets: TestDatabase[] = [];
    let restored: CoreRuntime | undefined;
    /** A fresh machine: an empty database and a blob directory that does not exist yet. */
    const freshMachine = async () => {
      const target = await freshDatabase(dialect);
      targets.push(target);
      const blobs = path.join(target.dataDir, 'blobs');
      return { target, blobs, env: { ...process.env, ...target.env, TACET_BLOB_DIR: blobs, TACET_LOG_LEVEL: 'silent' } };
    };
    const restore = (environment: NodeJS.ProcessEnv, file: string) => tacet(environment, 'restore', '--in', file, '--passphrase-file', passphrase);

    before(async () => {
      harness = await createHarness(dialect, { env: { TACET_INTAKE_RATE_MAX: '1000', TACET_AUTH_RATE_MAX: '1000' } });
      blobDir = path.join(harness.database.dataDir, 'blobs');
      env = { ...process.env, ...harness.database.env, TACET_BLOB_DIR: blobDir, TACET_LOG_LEVEL: 'silent' };
      passphrase = path.join(harness.database.dataDir, 'passphrase.txt');
      fs.writeFileSync(passphrase, PASSPHRASE, { mode: 0o600 });
      full = path.join(harness.database.dataDir, 'full.backup');
      ({ photoIds } = await seedPatientWithPhotos(harness, 700, 3));
      hashes = await photoHashes(harness.core, photoIds);
      backupOutput = (await tacet(env, 'backup', '--out', full, '--passphrase-file', passphrase)).stdout;
    });

    after(async () => {
      await restored?.close();
      for (const target of targets) await target.cleanup();
      await harness?.close();
    });

    it('refuses a restore whose blobs are missing, naming them and where it looked, and leaves the target empty for the retry', async () => {
      const manifestOnly = path.join(harness.database.dataDir, 'manifest.backup');
      const keyring = await keyringFrom(harness.core.db, { passphrase: PASSPHRASE });
      const { blobArchive } = await writeBackup({ db: harness.core.db, dialect, blobs: harness.core.blobs, keyring, now: new Date(), blobArchive: 'manifest-only' }, manifestOnly);
      assert.equal(blobArchive, 'manifest-only');
      const machine = await freshMachine();
      const missing = allFiles(blobDir).map((file) => path.relative(blobDir, file).split(path.sep).join('/'));
      assert.equal(missing.length, 4);
      const refused = await restore(machine.env, manifestOnly).then(
        () => assert.fail('the restore should be refused'),
        (error: { stderr: string }) => error.stderr,
      );
      assert.match(refused, /restore refused: 4 photo blobs are missing from the blob store/);
      assert.ok(refused.includes(machine.blobs), 'says where it looked');
      for (const key of missing) assert.ok(refused.includes(key), `names ${key}`);
      await assertEmpty(machine.target);
      // The operator brings the blob directory over and runs the same restore again.
      fs.cpSync(blobDir, machine.blobs, { recursive: true });
      const report = await restoreHere(machine.target, machine.blobs, manifestOnly);
      assert.deepEqual([report.persons, report.photos, report.blobsRestored], [3, 2, 0]);
    });

    it('restores a default backup on a fresh machine without the original blob directory, and the photos open', async () => {
      assert.match(backupOutput, /4 blobs, ciphertext included/);
      const machine = await freshMachine();
      assert.equal(fs.existsSync(machine.blobs), false);
      const { stdout } = await restore(machine.env, full);
      assert.match(stdout, /4 blobs restored from the backup/);
      assert.match(stdout, /Verified: 3 people .* 2 photos \(present, unchanged, decrypt\)/);
      restored = await startRestored(machine.target, machine.blobs);
      await restored.vault.unsealWithPassphrase(PASSPHRASE);
      assert.deepEqual(await photoHashes(restored, photoIds), hashes, 'the same photos, byte for byte');
    });

    it('refuses a backup with a changed byte inside its blobs, leaving no rows and no blobs', async () => {
      const bytes = fs.readFileSync(full);
      const blobBytes = allFiles(blobDir).reduce((n, file) => n + fs.statSync(file).size, 0);
      assert.ok(bytes.length > blobBytes, 'the blob ciphertext is inside the backup');
      // The blobs are the last part of the body, before a short closing line: flip a byte in their middle.
      const at = bytes.length - 2048 - Math.floor(blobBytes / 2);
      bytes[at] = (bytes[at] as number) ^ 0x01;
      const machine = await freshMachine();
      const tampered = path.join(machine.target.dataDir, 'tampered.backup');
      fs.writeFileSync(tampered, bytes);
      await assert.rejects(restoreHere(machine.target, machine.blobs, tampered), /the backup does not authenticate/);
      await assertEmpty(machine.target);
      assert.deepEqual(fs.existsSync(machine.blobs) ? allFiles(machine.blobs) : [], [], 'no blob left behind');
    });

    it('keeps a differing blob already in the target, refuses, and takes back every blob it wrote', async () => {
      const machine = await freshMachine();
      const [first] = allFiles(blobDir);
      const key = path.relative(blobDir, first as string);
      const planted = path.join(machine.blobs, key);
      fs.mkdirSync(path.dirname(planted), { recursive: true });
      fs.writeFileSync(planted, 'not the photo');
      await assert.rejects(restoreHere(machine.target, machine.blobs, full), /verification failed: a photo in the blob store differs from the backup manifest; nothing was restored/);
      await assertEmpty(machine.target);
      assert.deepEqual(allFiles(machine.blobs), [planted], 'only what was there before is left');
      assert.equal(fs.readFileSync(planted, 'utf8'), 'not the photo');
    });
  });
}
