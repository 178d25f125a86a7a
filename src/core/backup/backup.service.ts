/**
 * Backups and restore.
 *
 * A backup is one file: a magic line, a JSON header line, then the body —
 * every table's rows as JSON lines followed by the blobs: the ciphertext of
 * each (by default; S3 installations carry the manifest only) and its
 * manifest line (key, size and SHA-256, see backup-blobs.ts) — streamed through the photo AEAD
 * (AES-256-GCM segments) under a key derived from the vault key with a fresh
 * salt. The header carries what is needed to open it: the vault record
 * (itself wrapped by the unseal passphrase / Shamir shares, never a key in
 * the clear), and an Ed25519 signature by the audit signing key over the
 * header and the body's SHA-256. Everything personal inside was already
 * ciphertext under per-person keys; the backup adds an outer layer, so a
 * stolen backup file is two layers of ciphertext.
 *
 * Restore goes into an empty installation, all or nothing (restore-target.ts):
 * check the signature, open the body (any change, truncation or wrong
 * passphrase fails authentication), load the rows and write the carried
 * blobs, replay the shred log (persons shredded since the backup are shredded
 * again), check every photo blob is present, then verify every person key,
 * every contact record, every photo blob and the audit chain — all before the
 * one transaction commits; on any failure nothing is left behind.
 */
import fs from 'node:fs';
import { pipeline } from 'node:stream/promises';
import { Readable, Transform } from 'node:stream';
import { verifyAuditChain } from '../../audit/audit-log.js';
import { sha256Hasher } from '../../crypto/digest.js';
import { backupKeyFor, type Keyring, openKeyring, vaultKeyFromPassphrase, vaultKeyFromShares, type VaultRecord } from '../../crypto/keyring.js';
import { newId } from '../../crypto/random.js';
import { signMessage, verifyMessage } from '../../crypto/signing.js';
import { createDecryptStream, createEncryptStream, StreamAuthError } from '../../crypto/stream.js';
import { sql } from 'kysely';
import { type Db, type Dialect, rawSqliteOf } from '../../db/database.js';
import type { Database } from '../../db/tables.js';
import type { BlobStore } from '../../storage/blob-store.js';
import { deletePhotoBlobs, shredPersons } from '../retention/shred.repository.js';
import { listKeyMaterial } from '../vault/vault.repository.js';
import { IntegrityError, verifyRestoredRecords } from '../door/integrity.js';
import { type BlobArchive, blobLines, bodyItems, type BodyItem, type ManifestEntry } from './backup-blobs.js';
import { BackupError } from './backup-error.js';
import { assertPhotoBlobsPresent, restoreAtomically } from './restore-target.js';

export { BackupError } from './backup-error.js';
export { exportShredLog, readShredLog } from './shred-log.js';

const MAGIC = 'TACET-BACKUP/1\n';
const PAGE = 2000;

/** Tables in dependency order. Not backed up: sessions (everyone signs in again), throttles and job leases (transient). */
export const BACKUP_TABLES = [
  'organisations', 'clinics', 'staff', 'staff_clinic_roles', 'staff_totp', 'staff_passkeys', 'staff_recovery_codes', 'key_material', 'persons', 'person_keys', 'restricted_access',
  'care_relationships', 'break_glass_grants', 'alerts', 'notification_outbox', 'audit_checkpoints', 'staff_networks', 'detection_daily_reads', 'canary_markers', 'org_settings', 'read_approvals', 'enquiry_inbox',
  'inbox_quarantine', 'enquiries', 'audit_events', 'patients', 'appointments', 'procedures', 'clinical_notes', 'invoices', 'payments', 'consent_forms', 'consents', 'photo_consents',
  'consent_links', 'photos', 'photo_marks', 'photo_exports', 'incidents', 'incident_indicators', 'incident_persons', 'incident_events', 'incident_reports', 'notice_templates',
  'incident_notices', 'evidence_exports', 'retention_rules', 'legal_holds', 'retention_runs', 'training_modules', 'training_completions', 'policies', 'policy_acks', 'access_reviews',
  'access_review_items', 'rights_requests', 'job_runs', 'shred_log',
] as const satisfies readonly (keyof Database)[];

/** A pass-through stream that hashes what flows through it (the ciphertext body, for the signature). */
function hashedPassThrough(): { hasher: ReturnType<typeof sha256Hasher>; stream: Transform } {
  const hasher = sha256Hasher();
  const stream = new Transform({
    transform(chunk: Buffer, _encoding, done) {
      hasher.update(chunk);
      done(null, chunk);
    },
  });
  return { hasher, stream };
}

export interface BackupHeader {
  readonly format: 'tacet-backup';
  readonly version: 1;
  readonly id: string;
  readonly createdAt: string;
  readonly vault: { readonly record: VaultRecord; readonly isDemo: boolean };
  readonly counts: Record<string, number>;
  readonly blobCount: number;
  /** Absent in backups made before blobs could be carried (manifest only). */
  readonly blobArchive?: BlobArchive;
  readonly bodySha256: string;
  readonly signature: { readonly keyId: string; readonly publicKey: string; readonly value: string };
}

export interface UnsealMaterial {
  readonly passphrase?: string | undefined;
  readonly shares?: readonly string[] | undefined;
}

/** Open the vault with the operator's material (the CLI holds no key of its own). */
export async function keyringFrom(db: Db, material: UnsealMaterial, vaultRecord?: VaultRecord): Promise<Keyring> {
  const record = vaultRecord ?? (JSON.parse((await db.selectFrom('vault').select('record').where('id', '=', 'vault').executeTakeFirstOrThrow()).record) as VaultRecord);
  const vaultKey = material.passphrase ? await vaultKeyFromPassphrase(record, material.passphrase) : await vaultKeyFromShares(record, material.shares ?? []);
  try {
    return openKeyring(vaultKey, await listKeyMaterial(db));
  } finally {
    vaultKey.bytes.fill(0);
  }
}

function signedText(header: Omit<BackupHeader, 'signature'>): string {
  return JSON.stringify({ format: header.format, version: header.version, id: header.id, createdAt: header.createdAt, vault: header.vault, counts: header.counts, blobCount: header.blobCount, blobArchive: header.blobArchive, bodySha256: header.bodySha256 });
}

/** Write a backup to `file` (atomically: a temporary file renamed at the end), carrying the blob ciphertext unless `blobArchive` is `manifest-only`. */
export async function writeBackup(deps: { db: Db; dialect: Dialect; blobs: BlobStore; keyring: Keyring; now: Date; blobArchive?: BlobArchive }, file: string): Promise<BackupHeader> {
  const { keyring } = deps;
  const blobArchive = deps.blobArchive ?? 'included';
  const signing = keyring.auditSigning;
  if (!signing) throw new Error('no audit signing key: cannot sign the backup');
  const id = newId();
  // One consistent snapshot of every table while Tacet keeps running (PostgreSQL: repeatable read; SQLite in WAL: a read transaction).
  return deps.db.transaction().execute(async (db) => {
    if (deps.dialect === 'postgres') await sql`SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY`.execute(db);
    const vaultRow = await db.selectFrom('vault').selectAll().where('id', '=', 'vault').executeTakeFirstOrThrow();
    const counts: Record<string, number> = {};
    let blobCount = 0;
    async function* lines(): AsyncGenerator<Buffer> {
      for (const table of BACKUP_TABLES) {
        counts[table] = 0;
        // Every row as it is stored (ciphertext stays ciphertext), paged in a total order: by its key where it has
        // a single one (id, seq), otherwise by all its columns.
        const first = (await sql<Record<string, unknown>>`SELECT * FROM ${sql.table(table)} LIMIT 1`.execute(db)).rows[0];
        if (!first) continue;
        const key = 'seq' in first ? 'seq' : 'id' in first ? 'id' : undefined;
        const all = sql.raw(Object.keys(first).map((_, i) => String(i + 1)).join(', '));
        let after: unknown;
        for (let offset = 0; ; offset += PAGE) {
          const page = key
            ? sql<Record<string, unknown>>`SELECT * FROM ${sql.table(table)} ${after === undefined ? sql`` : sql`WHERE ${sql.ref(key)} > ${after}`} ORDER BY ${sql.ref(key)} LIMIT ${PAGE}`
            : sql<Record<string, unknown>>`SELECT * FROM ${sql.table(table)} ORDER BY ${all} LIMIT ${PAGE} OFFSET ${offset}`;
          const rows = (await page.execute(db)).rows;
          if (rows.length === 0) break;
          yield Buffer.from(rows.map((row) => `${JSON.stringify({ t: 'row', table, row })}\n`).join(''));
          counts[table] += rows.length;
          if (key) after = rows.at(-1)?.[key];
          if (rows.length < PAGE) break;
        }
      }
      for (const photo of await db.selectFrom('photos').select('blob_key').orderBy('blob_key').execute()) {
        for (const variant of ['image', 'thumb']) {
          yield* blobLines(deps.blobs, `${photo.blob_key}/${variant}`, blobArchive);
          blobCount += 1;
        }
      }
      yield Buffer.from(`${JSON.stringify({ t: 'end', counts, blobCount })}\n`);
    }
    const bodyFile = `${file}.body-${id}.tmp`;
    const { hasher: bodyHash, stream: hashing } = hashedPassThrough();
    try {
      await pipeline(Readable.from(lines()), createEncryptStream(keyring.backupKey.bytes, `backup/${id}`), hashing, fs.createWriteStream(bodyFile, { mode: 0o600 }));
      const unsigned = { format: 'tacet-backup' as const, version: 1 as const, id, createdAt: deps.now.toISOString(), vault: { record: JSON.parse(vaultRow.record) as VaultRecord, isDemo: vaultRow.is_demo === 1 }, counts, blobCount, blobArchive, bodySha256: bodyHash.hex() };
      const header: BackupHeader = { ...unsigned, signature: { keyId: signing.id, publicKey: signing.publicKeyB64, value: signMessage(signing.privateKey, signedText(unsigned)) } };
      const partial = `${file}.${id}.tmp`;
      const out = fs.createWriteStream(partial, { mode: 0o600 });
      out.write(MAGIC);
      out.write(`${JSON.stringify(header)}\n`);
      await pipeline(fs.createReadStream(bodyFile), out);
      const handle = await fs.promises.open(partial, 'r');
      await handle.sync();
      await handle.close();
      await fs.promises.rename(partial, file);
      return header;
    } finally {
      await fs.promises.rm(bodyFile, { force: true });
    }
  });
}

/** Read a backup's header (no secrets needed) and where its body starts. */
export async function readBackupHeader(file: string): Promise<{ header: BackupHeader; bodyOffset: number }> {
  const handle = await fs.promises.open(file, 'r');
  try {
    const buffer = Buffer.alloc(256 * 1024);
    const { bytesRead } = await handle.read(buffer, 0, buffer.length, 0);
    const text = buffer.subarray(0, bytesRead).toString('latin1');
    if (!text.startsWith(MAGIC)) throw new BackupError('not a Tacet backup');
    const end = text.indexOf('\n', MAGIC.length);
    if (end < 0) throw new BackupError('backup header is damaged');
    const header = JSON.parse(buffer.subarray(MAGIC.length, end).toString('utf8')) as BackupHeader;
    if (header.format !== 'tacet-backup' || header.version !== 1) throw new BackupError('unsupported backup format');
    return { header, bodyOffset: end + 1 };
  } finally {
    await handle.close();
  }
}

export interface RestoreReport {
  readonly id: string;
  readonly createdAt: string;
  readonly rows: Record<string, number>;
  readonly shredReplayed: number;
  readonly persons: number;
  readonly photos: number;
  readonly auditEvents: number;
  /** Blobs carried by the backup and written into the store (those already there were kept and checked). */
  readonly blobsRestored: number;
  readonly blobArchive: BlobArchive;
  /** Where the blobs were written or looked for. */
  readonly blobLocation: string;
}

/**
 * Restore `file` into the empty installation behind `db` (migrated, no vault),
 * then replay `shredLog` (person ids shredded since) and verify everything.
 */
export async function restoreBackup(deps: { db: Db; blobs: BlobStore }, file: string, material: UnsealMaterial, shredLog: readonly { personId: string; reason: string; at: string }[] = []): Promise<RestoreReport> {
  const { db } = deps;
  if (await db.selectFrom('vault').select('id').executeTakeFirst()) throw new BackupError('restore needs an empty installation (this one already has a vault)');
  const { header, bodyOffset } = await readBackupHeader(file);
  const { signature, ...unsigned } = header;
  if (!verifyMessage(signature.publicKey, signedText(unsigned), signature.value)) throw new BackupError('the backup signature does not verify');
  let shreddedBlobs: string[] = [];
  let loading: string | undefined;
  let backupKey: { bytes: Buffer };
  try {
    const vaultKey = material.passphrase ? await vaultKeyFromPassphrase(header.vault.record, material.passphrase) : await vaultKeyFromShares(header.vault.record, material.shares ?? []);
    backupKey = backupKeyFor(vaultKey);
    vaultKey.bytes.fill(0);
  } catch {
    throw new BackupError('the unseal material does not open this backup');
  }
  const rows: Record<string, number> = {};
  const manifest: ManifestEntry[] = [];
  let blobsRestored = 0;
  const { hasher: bodyHash, stream: hashing } = hashedPassThrough();
  let verified: { persons: number; photos: number; auditEvents: number };
  try {
    // SECURITY: all or nothing — every read and write below goes through `trx`; a throw anywhere rolls it back and deletes the blobs written.
    verified = await restoreAtomically(deps, async (trx, restorer) => {
      await trx.insertInto('vault').values({ id: 'vault', record: JSON.stringify(header.vault.record), is_demo: header.vault.isDemo ? 1 : 0, created_at: header.createdAt }).execute();
      let batch: { table: (typeof BACKUP_TABLES)[number]; row: Record<string, unknown> }[] = [];
      const flush = async () => {
        const table = batch[0]?.table;
        if (!table) return;
        loading = table;
        await trx.insertInto(table).values(batch.map((b) => b.row) as never).execute();
        batch = [];
      };
      let ended = false;
      const handle = async (item: BodyItem) => {
        if (item.t === 'row') {
          if (!(BACKUP_TABLES as readonly string[]).includes(item.table)) throw new BackupError('the backup names an unknown table');
          if (batch.length > 0 && (batch[0]?.table !== item.table || batch.length >= 200)) await flush();
          batch.push({ table: item.table as (typeof BACKUP_TABLES)[number], row: item.row });
          rows[item.table] = (rows[item.table] ?? 0) + 1;
        } else if (item.t === 'blob-data') {
          await flush();
          await restorer.frame(item.key);
        } else if (item.t === 'bytes') {
          await restorer.write(item.data);
        } else if (item.t === 'blob') {
          await flush();
          if (await restorer.finish(item)) blobsRestored += 1;
          manifest.push({ key: item.key, size: item.size, sha256: item.sha256 });
        } else {
          await flush();
          ended = true;
          const matches = JSON.stringify(item.counts) === JSON.stringify(header.counts) && item.blobCount === header.blobCount && manifest.length === header.blobCount;
          if (!matches) throw new BackupError('the backup body does not match its header');
        }
      };
      // Any change, truncation or wrong key makes a stage of this pipeline fail, which rolls the transaction back.
      // A failure while loading surfaces as itself, not as the pipeline's abort.
      let loadError: unknown;
      await pipeline(fs.createReadStream(file, { start: bodyOffset }), hashing, createDecryptStream(backupKey.bytes, `backup/${header.id}`), async (source: AsyncIterable<Buffer>) => {
        try {
          for await (const item of bodyItems(source)) await handle(item);
        } catch (error) {
          loadError = error;
          throw error;
        }
      }).catch((error: unknown) => {
        throw loadError ?? error;
      });
      if (!ended || bodyHash.hex() !== header.bodySha256) throw new BackupError('the backup is incomplete or does not match its signature');
      // Persons shredded after the backup was taken are shredded again before anything can read them.
      const ids = [...new Set(shredLog.map((s) => s.personId))];
      const present: string[] = [];
      for (let i = 0; i < ids.length; i += 500) present.push(...(await trx.selectFrom('persons').select('id').where('id', 'in', ids.slice(i, i + 500)).execute()).map((p) => p.id));
      // The log keeps each entry's original reason and time; the replay itself is what shreds them here.
      for (const entry of shredLog) await trx.insertInto('shred_log').values({ person_id: entry.personId, shredded_at: entry.at, reason: entry.reason }).onConflict((oc) => oc.column('person_id').doNothing()).execute();
      const blobs = present.length === 0 ? [] : await shredPersons(trx, present, { reason: 'restore:shred-log-replay', at: new Date().toISOString() });
      rows['shred-replayed'] = present.length;
      shreddedBlobs = blobs;
      // Verify before the commit: every photo blob is there, every person key, contact record and photo opens, the audit chain holds.
      await assertPhotoBlobsPresent(trx, deps.blobs);
      const keyring = await keyringFrom(trx, material);
      const { persons, photos } = await verifyRestoredRecords({ db: trx, dialect: rawSqliteOf(db) ? 'sqlite' : 'postgres', blobs: deps.blobs, keyring }, manifest).catch((error: unknown) => {
        throw new BackupError(`verification failed: ${error instanceof IntegrityError ? error.message : 'a record or photo does not open'}; nothing was restored`);
      });
      // The signing key named in the header must be this installation's own (its key material opened under the vault key above).
      const signer = await trx.selectFrom('key_material').select('public_key').where('id', '=', header.signature.keyId).executeTakeFirst();
      if (signer?.public_key !== header.signature.publicKey || keyring.auditSigning?.publicKeyB64 !== header.signature.publicKey) throw new BackupError('the backup was signed by a key this installation does not hold');
      const chain = await verifyAuditChain(trx);
      if (!chain.ok) throw new BackupError(`the restored audit chain is broken at ${chain.brokenAtSeq}`);
      return { persons, photos, auditEvents: chain.events };
    });
  } catch (error) {
    if (error instanceof BackupError) throw error;
    if (error instanceof StreamAuthError) throw new BackupError('the backup does not authenticate: it was changed, truncated, or the unseal material is not the one it was made under');
    // SECURITY: a database error can quote row values; say which table and which error, not the values.
    const code = (error as { code?: unknown }).code;
    throw new BackupError(`loading table ${loading ?? 'unknown'} failed (${typeof code === 'string' ? code : (error as Error).name}); nothing was written`);
  } finally {
    backupKey.bytes.fill(0);
  }
  await deletePhotoBlobs(deps.blobs, shreddedBlobs);
  return { id: header.id, createdAt: header.createdAt, rows, shredReplayed: rows['shred-replayed'] ?? 0, ...verified, blobsRestored, blobArchive: header.blobArchive ?? 'manifest-only', blobLocation: deps.blobs.location };
}
