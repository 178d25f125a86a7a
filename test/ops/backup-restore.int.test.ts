/**
 * Backups as an operator runs them, on SQLite and PostgreSQL: `tacet backup`
 * of a live installation (enquiries, a patient with photos), an erasure
 * after the backup, `tacet shred-log`, then `tacet restore` into an empty
 * installation sharing the blob store: every person and photo is back and
 * verified, the audit chain holds, and the person erased since stays erased.
 * A changed byte, a wrong passphrase or a non-empty target are refused with
 * nothing written; the file holds no plaintext of what it backs up.
 */
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { FastifyInstance } from 'fastify';
import { verifyAuditChain } from '../../src/audit/audit-log.js';
import { openDatabase } from '../../src/db/database.js';
import type { CoreRuntime } from '../../src/core/core-runtime.js';
import { staffActorFor } from '../../src/core/org/org.repository.js';
import { createPatientWithPhotos, photoHashes, startRestored, tacet } from '../helpers/backups.js';
import { DIALECTS, freshDatabase, type TestDatabase } from '../helpers/databases.js';
import { type GeneratedEnquiry, generateEnquiries } from '../helpers/enquiries.js';
import { ADMIN, createHarness, type Harness, PASSPHRASE, RECEPTION, shareAuthenticators, signIn, submitEnquiries } from '../helpers/harness.js';
import { quarantinedId, quarantineEveryReason } from '../helpers/quarantine.js';

for (const dialect of DIALECTS) {
  describe(`backup and restore (${dialect})`, () => {
    let harness: Harness;
    let app: FastifyInstance;
    let target: TestDatabase;
    let restored: CoreRuntime | undefined;
    let env: NodeJS.ProcessEnv;
    let files: { passphrase: string; backup: string; shredLog: string };
    const people: GeneratedEnquiry[] = [];
    let photos: Map<string, string>; // photo id -> sha256 of the decrypted image
    let patientId: string;
    let erased: string;

    before(async () => {
      harness = await createHarness(dialect, { env: { TACET_INTAKE_RATE_MAX: '1000', TACET_AUTH_RATE_MAX: '1000' } });
      app = harness.core.app;
      const blobDir = path.join(harness.database.dataDir, 'blobs');
      env = { ...process.env, ...harness.database.env, TACET_BLOB_DIR: blobDir, TACET_LOG_LEVEL: 'silent' };
      files = { passphrase: path.join(harness.database.dataDir, 'passphrase.txt'), backup: path.join(harness.database.dataDir, 'tacet.backup'), shredLog: path.join(harness.database.dataDir, 'shred-log.jsonl') };
      fs.writeFileSync(files.passphrase, PASSPHRASE, { mode: 0o600 });
      people.push(...generateEnquiries(600, 12));
      await submitEnquiries(harness, people);
      // A patient with a consent and two photos.
      const patient = await createPatientWithPhotos(harness, ['front', 'back']);
      patientId = patient.patientId;
      photos = await photoHashes(harness.core, patient.photoIds);
      // Envelopes waiting under Needs attention are backed up too (one is discarded after the backup).
      await quarantineEveryReason(harness);
    });

    after(async () => {
      await restored?.close();
      await target?.cleanup();
      await harness?.close();
    });

    it('writes an encrypted, signed backup with the CLI, refusing a wrong passphrase', async () => {
      const wrong = path.join(harness.database.dataDir, 'wrong.txt');
      fs.writeFileSync(wrong, 'not the passphrase at all', { mode: 0o600 });
      await assert.rejects(tacet(env, 'backup', '--out', files.backup, '--passphrase-file', wrong), /unseal material was not accepted/);
      assert.equal(fs.existsSync(files.backup), false);
      const { stdout } = await tacet(env, 'backup', '--out', files.backup, '--passphrase-file', files.passphrase);
      assert.match(stdout, /Backup [0-9a-f-]{36} written .* 4 blobs, ciphertext included, signed by/);
      assert.equal(fs.statSync(files.backup).mode & 0o777, 0o600);
      // Nothing readable inside: no name, email or phone of anyone, no photo bytes.
      const bytes = fs.readFileSync(files.backup);
      for (const person of people) for (const value of [person.name, person.email, person.phone]) assert.ok(!bytes.includes(Buffer.from(value)), 'no personal data in the backup file');
      assert.ok(!bytes.includes(Buffer.from('"table":"persons"')), 'the row stream itself is encrypted');
    });

    it('restores into an empty installation, re-shreds who was erased since, and verifies every person, photo and the audit chain', async () => {
      // After the backup: one person (an enquirer) is erased.
      const admin = await harness.core.db.selectFrom('staff').selectAll().where('email', '=', ADMIN.email).executeTakeFirstOrThrow();
      const actor = await staffActorFor(harness.core.db, admin, { public_id: 'erasure' } as never, '127.0.0.1', []);
      const patientPerson = (await harness.core.db.selectFrom('patients').select('person_id').where('id', '=', patientId).executeTakeFirstOrThrow()).person_id;
      erased = (await harness.core.db.selectFrom('persons').select('id').where('id', '!=', patientPerson).executeTakeFirstOrThrow()).id;
      const request = await harness.core.rights.create(actor, { personId: erased, kind: 'erasure' });
      await harness.core.rights.erase(actor, request.id, []);
      // And a receptionist's colleague discards a damaged envelope from Needs attention.
      const discarded = await quarantinedId(harness, 'open-failed');
      await harness.core.quarantine.discard(actor, discarded, 'unreadable');
      assert.match((await tacet(env, 'shred-log', '--out', files.shredLog)).stdout, /^2 shredded people \(and discarded quarantined enquiries\) written/);

      target = await freshDatabase(dialect);
      const targetEnv = { ...process.env, ...target.env, TACET_BLOB_DIR: env['TACET_BLOB_DIR'] as string, TACET_LOG_LEVEL: 'silent' };
      const { stdout } = await tacet(targetEnv, 'restore', '--in', files.backup, '--passphrase-file', files.passphrase, '--shred-log', files.shredLog);
      assert.match(stdout, /1 people shredded again from the shred log/);
      assert.match(stdout, /0 blobs restored from the backup into .* \(any already there were kept and checked\)/);
      assert.match(stdout, /Verified: 11 people \(every key and contact record opens\), 2 photos \(present, unchanged, decrypt\), audit chain of \d+ events/);
      // Another restore into the same (now full) installation is refused.
      await assert.rejects(tacet(targetEnv, 'restore', '--in', files.backup, '--passphrase-file', files.passphrase), /restore refused: restore needs an empty installation/);

      // Start the restored installation and look: the same people and photos, the erased one gone for good.
      restored = await startRestored(target, env['TACET_BLOB_DIR'] as string);
      await restored.vault.unsealWithPassphrase(PASSPHRASE);
      const db = restored.db;
      assert.equal((await db.selectFrom('persons').select('id').where('id', '=', erased).execute()).length, 0);
      assert.equal((await db.selectFrom('person_keys').select('domain').where('person_id', '=', erased).execute()).length, 0);
      assert.equal((await db.selectFrom('shred_log').select('reason').where('person_id', '=', erased).executeTakeFirstOrThrow()).reason, `erasure:${request.id}`);
      assert.equal((await db.selectFrom('persons').select('id').execute()).length, 11);
      // The discarded envelope is deleted again; the four others still need attention.
      assert.deepEqual((await db.selectFrom('inbox_quarantine').select('reason').orderBy('reason').execute()).map((r) => r.reason), ['invalid-fields', 'invalid-json', 'unknown-clinic', 'unknown-key']);
      const verdict = await verifyAuditChain(db);
      assert.ok(verdict.ok);
      // Staff sign in again (sessions are not backed up) and read through the door as before.
      const restoredApp = restored.app;
      shareAuthenticators(app, restoredApp);
      const cookie = await signIn(restoredApp, RECEPTION);
      const list = (await restoredApp.inject({ url: '/api/v1/enquiries?limit=100', headers: { cookie } })).json<{ enquiries: { id: string }[] }>().enquiries;
      assert.equal(list.length, 11);
      const emails = new Set<string>();
      for (const row of list) emails.add((await restoredApp.inject({ url: `/api/v1/enquiries/${row.id}`, headers: { cookie } })).json<{ contact: { email: string } }>().contact.email);
      const erasedEmail = people.find((p) => !emails.has(p.email))?.email;
      assert.equal(emails.size, 11);
      assert.ok(erasedEmail, 'the erased person is the one missing');
      assert.deepEqual(await photoHashes(restored, [...photos.keys()]), photos, 'the same photos, byte for byte');
    });

    it('refuses a changed, truncated or wrongly unlocked backup and writes nothing', async () => {
      const other = await freshDatabase(dialect);
      try {
        const otherEnv = { ...process.env, ...other.env, TACET_BLOB_DIR: env['TACET_BLOB_DIR'] as string, TACET_LOG_LEVEL: 'silent' };
        const original = fs.readFileSync(files.backup);
        const tampered = Buffer.from(original);
        tampered[tampered.length - 100] = (tampered[tampered.length - 100] as number) ^ 0x01;
        const broken = path.join(other.dataDir, 'tampered.backup');
        fs.writeFileSync(broken, tampered);
        await assert.rejects(tacet(otherEnv, 'restore', '--in', broken, '--passphrase-file', files.passphrase), /restore refused: the backup (does not authenticate|is incomplete)/);
        fs.writeFileSync(broken, original.subarray(0, original.length - 70_000 > 2000 ? original.length - 70_000 : original.length - 50));
        await assert.rejects(tacet(otherEnv, 'restore', '--in', broken, '--passphrase-file', files.passphrase), /restore refused/);
        const wrong = path.join(other.dataDir, 'wrong.txt');
        fs.writeFileSync(wrong, 'not the passphrase at all', { mode: 0o600 });
        await assert.rejects(tacet(otherEnv, 'restore', '--in', files.backup, '--passphrase-file', wrong), /restore refused: the unseal material does not open this backup/);
        // A header edited to claim other counts no longer matches its signature.
        const text = original.toString('latin1');
        const edited = Buffer.from(text.replace(/"persons":12/, '"persons":13'), 'latin1');
        fs.writeFileSync(broken, edited);
        await assert.rejects(tacet(otherEnv, 'restore', '--in', broken, '--passphrase-file', files.passphrase), /restore refused: the backup signature does not verify/);
        const { db } = await openDatabase(other.config, { createSchema: false });
        try {
          assert.equal((await db.selectFrom('vault').select('id').execute()).length, 0, 'nothing was written');
          assert.equal((await db.selectFrom('persons').select('id').execute()).length, 0);
        } finally {
          await db.destroy();
        }
      } finally {
        await other.cleanup();
      }
    });
  });
}
