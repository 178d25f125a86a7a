/**
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
import { verifyAuditChain } from '../../audit/audit-log.js';
import { backupKeyFor } from '../../crypto/keyring.js';
import { verifyMessage } from '../../crypto/signing.js';
import { createDecryptStream, StreamAuthError } from '../../crypto/stream.js';
import { type Db, rawSqliteOf } from '../../db/database.js';
import type { BlobStore } from '../../storage/blob-store.js';
import { IntegrityError, verifyRestoredRecords } from '../door/integrity.js';
import { deletePhotoBlobs, shredPersons } from '../retention/shred.repository.js';
import { type BlobArchive, bodyItems, type BodyItem } from './backup-blobs.js';
import { BackupError } from './backup-error.js';
import { hashedPassThrough, readBackupHeader, signedText } from './backup-file.js';
import { keyringFrom, type UnsealMaterial, vaultKeyOf } from './backup-keyring.js';
import { type BackedUpTable, isBackedUpTable } from './backup-tables.js';
import { createRestoreManifest, deleteDiscardedQuarantine, dropRestoreManifest, findPresentPersonIds, findPublicKey, findRestoreManifest, hasVault, insertRestoreManifest, insertShredLogEntries, insertStoredRows, insertVaultRow, type StoredRow, useStreamingCache } from './backup.repository.js';
import { assertPhotoBlobsPresent, restoreAtomically } from './restore-target.js';

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
  if (await hasVault(db)) throw new BackupError('restore needs an empty installation (this one already has a vault)');
  const { header, bodyOffset } = await readBackupHeader(file);
  const { signature, ...unsigned } = header;
  if (!verifyMessage(signature.publicKey, signedText(unsigned), signature.value)) throw new BackupError('the backup signature does not verify');
  let shreddedBlobs: string[] = [];
  let loading: string | undefined;
  let backupKey: { bytes: Buffer };
  try {
    const vaultKey = await vaultKeyOf(header.vault.record, material);
    backupKey = backupKeyFor(vaultKey);
    vaultKey.bytes.fill(0);
  } catch {
    throw new BackupError('the unseal material does not open this backup');
  }
  const rows: Record<string, number> = {};
  let manifestLines = 0;
  let blobsRestored = 0;
  const { hasher: bodyHash, stream: hashing } = hashedPassThrough();
  let verified: { persons: number; photos: number; auditEvents: number };
  const dialect = rawSqliteOf(db) ? 'sqlite' : 'postgres';
  const restoreCache = await useStreamingCache(db, dialect);
  try {
    // SECURITY: all or nothing — every read and write below goes through `trx`; a throw anywhere rolls it back and deletes the blobs written.
    verified = await restoreAtomically(deps, async (trx, restorer) => {
      await insertVaultRow(trx, { record: JSON.stringify(header.vault.record), isDemo: header.vault.isDemo, createdAt: header.createdAt });
      // The signed manifest goes into a temporary table of this transaction, not memory (verification looks it up a page at a time).
      await createRestoreManifest(trx);
      let manifest: { key: string; sha256: string }[] = [];
      const flushManifest = async () => {
        await insertRestoreManifest(trx, manifest);
        manifest = [];
      };
      let batch: { table: BackedUpTable; row: StoredRow }[] = [];
      const flush = async () => {
        const table = batch[0]?.table;
        if (!table) return;
        loading = table;
        await insertStoredRows(trx, table, batch.map((b) => b.row));
        batch = [];
      };
      let ended = false;
      const handle = async (item: BodyItem) => {
        if (item.t === 'row') {
          if (!isBackedUpTable(item.table)) throw new BackupError('the backup names an unknown table');
          if (batch.length > 0 && (batch[0]?.table !== item.table || batch.length >= 200)) await flush();
          batch.push({ table: item.table, row: item.row });
          rows[item.table] = (rows[item.table] ?? 0) + 1;
        } else if (item.t === 'blob-data') {
          await flush();
          await restorer.frame(item.key);
        } else if (item.t === 'bytes') {
          await restorer.write(item.data);
        } else if (item.t === 'blob') {
          await flush();
          if (await restorer.finish(item)) blobsRestored += 1;
          manifest.push({ key: item.key, sha256: item.sha256 });
          manifestLines += 1;
          if (manifest.length >= 500) await flushManifest();
        } else {
          await flush();
          await flushManifest();
          ended = true;
          const matches = JSON.stringify(item.counts) === JSON.stringify(header.counts) && item.blobCount === header.blobCount && manifestLines === header.blobCount;
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
      const present = await findPresentPersonIds(trx, [...new Set(shredLog.map((s) => s.personId))]);
      // The log keeps each entry's original reason and time; the replay itself is what shreds them here.
      await insertShredLogEntries(trx, shredLog);
      const blobs = present.length === 0 ? [] : await shredPersons(trx, present, { reason: 'restore:shred-log-replay', at: new Date().toISOString() });
      rows['shred-replayed'] = present.length;
      // Quarantined envelopes discarded since (ADR 0020) are deleted again.
      const rediscarded = await deleteDiscardedQuarantine(trx, shredLog.filter((s) => s.reason.startsWith('quarantine-discard:')).map((s) => s.personId));
      if (rediscarded > 0) rows['quarantine-discards-replayed'] = rediscarded;
      shreddedBlobs = blobs;
      // Verify before the commit: every photo blob is there, every person key, contact record and photo opens, the audit chain holds.
      await assertPhotoBlobsPresent(trx, deps.blobs);
      const keyring = await keyringFrom(trx, material);
      const { persons, photos } = await verifyRestoredRecords({ db: trx, dialect, blobs: deps.blobs, keyring }, (keys) => findRestoreManifest(trx, keys)).catch((error: unknown) => {
        throw new BackupError(`verification failed: ${error instanceof IntegrityError ? error.message : 'a record or photo does not open'}; nothing was restored`);
      });
      // The signing key named in the header must be this installation's own (its key material opened under the vault key above).
      const signerPublicKey = await findPublicKey(trx, header.signature.keyId);
      if (signerPublicKey !== header.signature.publicKey || keyring.auditSigning?.publicKeyB64 !== header.signature.publicKey) throw new BackupError('the backup was signed by a key this installation does not hold');
      const chain = await verifyAuditChain(trx);
      if (!chain.ok) throw new BackupError(`the restored audit chain is broken at ${chain.brokenAtSeq}`);
      await dropRestoreManifest(trx);
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
    await restoreCache();
  }
  await deletePhotoBlobs(deps.blobs, shreddedBlobs);
  return { id: header.id, createdAt: header.createdAt, rows, shredReplayed: rows['shred-replayed'] ?? 0, ...verified, blobsRestored, blobArchive: header.blobArchive ?? 'manifest-only', blobLocation: deps.blobs.location };
}
