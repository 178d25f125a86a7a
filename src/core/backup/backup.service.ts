/**
 * Backups and restore.
 *
 * A backup is one file (backup-file.ts): a magic line, a JSON header line,
 * then the body — every carried table's rows (backup-tables.ts) as JSON lines
 * followed by the blobs: the ciphertext of each (by default; S3 installations
 * carry the manifest only) and its manifest line (key, size and SHA-256, see
 * backup-blobs.ts) — streamed through the photo AEAD (AES-256-GCM segments)
 * under a key derived from the vault key with a fresh salt. The header
 * carries what is needed to open it: the vault record (itself wrapped by the
 * unseal passphrase / Shamir shares, never a key in the clear), and an
 * Ed25519 signature by the audit signing key over the header and the body's
 * SHA-256. Everything personal inside was already ciphertext under
 * per-person keys; the backup adds an outer layer, so a stolen backup file is
 * two layers of ciphertext.
 *
 * Restore (restore.service.ts) goes into an empty installation, all or
 * nothing.
 */
import fs from 'node:fs';
import { pipeline } from 'node:stream/promises';
import { Readable } from 'node:stream';
import type { Keyring } from '../../crypto/keyring.js';
import type { VaultRecord } from '../../crypto/key-material.js';
import { newId } from '../../crypto/random.js';
import { signMessage } from '../../crypto/signing.js';
import { createEncryptStream, SEGMENT_SIZE } from '../../crypto/stream.js';
import type { Db, Dialect } from '../../db/database.js';
import type { BlobStore } from '../../storage/blob-store.js';
import { type BlobArchive, blobLines } from './backup-blobs.js';
import { type BackupHeader, hashedPassThrough, MAGIC, signedText } from './backup-file.js';
import { BACKUP_TABLES } from './backup-tables.js';
import { eachPhotoBlobKey, firstRowOf, primaryKeyOf, readVaultRow, rowsAfterKey, rowsByAllColumns, useReadSnapshot, useStreamingCache } from './backup.repository.js';

export { BackupError } from './backup-error.js';
export { type BackupHeader, readBackupHeader } from './backup-file.js';
export { keyringFrom, type UnsealMaterial } from './backup-keyring.js';
export { type RestoreReport, restoreBackup } from './restore.service.js';
export { exportShredLog, readShredLog } from './shred-log.js';

/** Rows a backup reads at a time from one table (a page of the widest rows, audit events, is a few MB). */
export const BACKUP_PAGE = 1000;
const PAGE = BACKUP_PAGE;

/** Write a backup to `file` (atomically: a temporary file renamed at the end), carrying the blob ciphertext unless `blobArchive` is `manifest-only`. */
export async function writeBackup(deps: { db: Db; dialect: Dialect; blobs: BlobStore; keyring: Keyring; now: Date; blobArchive?: BlobArchive }, file: string): Promise<BackupHeader> {
  const { keyring } = deps;
  const blobArchive = deps.blobArchive ?? 'included';
  const signing = keyring.auditSigning;
  if (!signing) throw new Error('no audit signing key: cannot sign the backup');
  const id = newId();
  const restoreCache = await useStreamingCache(deps.db, deps.dialect);
  try {
    return await snapshotToFile(deps, file, id, blobArchive, signing);
  } finally {
    await restoreCache();
  }
}

async function snapshotToFile(deps: { db: Db; dialect: Dialect; blobs: BlobStore; keyring: Keyring; now: Date }, file: string, id: string, blobArchive: BlobArchive, signing: NonNullable<Keyring['auditSigning']>): Promise<BackupHeader> {
  const { keyring } = deps;
  // One consistent snapshot of every table while Tacet keeps running.
  return deps.db.transaction().execute(async (db) => {
    await useReadSnapshot(db, deps.dialect);
    const vaultRow = await readVaultRow(db);
    const counts: Record<string, number> = {};
    let blobCount = 0;
    async function* lines(): AsyncGenerator<Buffer> {
      for (const table of BACKUP_TABLES) {
        counts[table] = 0;
        // Every row as it is stored (ciphertext stays ciphertext), in keyset pages by the table's primary key: each
        // page one index range read, so neither side holds or sorts a whole table. A table without a primary key
        // (none today) falls back to pages ordered by all its columns.
        const key = await primaryKeyOf(db, deps.dialect, table);
        const columnCount = key.length > 0 ? 0 : Object.keys((await firstRowOf(db, table)) ?? {}).length;
        if (key.length === 0 && columnCount === 0) continue;
        let after: unknown[] | undefined;
        for (let offset = 0; ; offset += PAGE) {
          const rows = key.length > 0 ? await rowsAfterKey(db, table, key, after, PAGE) : await rowsByAllColumns(db, table, columnCount, offset, PAGE);
          // Lines go out in chunks of about one encryption segment, so a page is never copied whole as text.
          let chunk = '';
          for (const row of rows) {
            chunk += `${JSON.stringify({ t: 'row', table, row })}\n`;
            if (chunk.length >= SEGMENT_SIZE) {
              yield Buffer.from(chunk);
              chunk = '';
            }
          }
          if (chunk.length > 0) yield Buffer.from(chunk);
          counts[table] += rows.length;
          const last = rows.at(-1);
          if (rows.length < PAGE || !last) break;
          after = key.map((column) => last[column]);
        }
      }
      for await (const blobKey of eachPhotoBlobKey(db)) {
        yield* blobLines(deps.blobs, blobKey, blobArchive);
        blobCount += 1;
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
