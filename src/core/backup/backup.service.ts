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
import { createEncryptStream } from '../../crypto/stream.js';
import type { Db, Dialect } from '../../db/database.js';
import type { BlobStore } from '../../storage/blob-store.js';
import { type BlobArchive, blobLines } from './backup-blobs.js';
import { type BackupHeader, hashedPassThrough, MAGIC, signedText } from './backup-file.js';
import { BACKUP_TABLES } from './backup-tables.js';
import { firstRowOf, listPhotoBlobKeys, readVaultRow, rowsAfterKey, rowsByAllColumns, useReadSnapshot } from './backup.repository.js';

export { BackupError } from './backup-error.js';
export { type BackupHeader, readBackupHeader } from './backup-file.js';
export { keyringFrom, type UnsealMaterial } from './backup-keyring.js';
export { type RestoreReport, restoreBackup } from './restore.service.js';
export { exportShredLog, readShredLog } from './shred-log.js';

const PAGE = 2000;

/** Write a backup to `file` (atomically: a temporary file renamed at the end), carrying the blob ciphertext unless `blobArchive` is `manifest-only`. */
export async function writeBackup(deps: { db: Db; dialect: Dialect; blobs: BlobStore; keyring: Keyring; now: Date; blobArchive?: BlobArchive }, file: string): Promise<BackupHeader> {
  const { keyring } = deps;
  const blobArchive = deps.blobArchive ?? 'included';
  const signing = keyring.auditSigning;
  if (!signing) throw new Error('no audit signing key: cannot sign the backup');
  const id = newId();
  // One consistent snapshot of every table while Tacet keeps running.
  return deps.db.transaction().execute(async (db) => {
    await useReadSnapshot(db, deps.dialect);
    const vaultRow = await readVaultRow(db);
    const counts: Record<string, number> = {};
    let blobCount = 0;
    async function* lines(): AsyncGenerator<Buffer> {
      for (const table of BACKUP_TABLES) {
        counts[table] = 0;
        // Every row as it is stored (ciphertext stays ciphertext), paged in a total order: by its key where it has
        // a single one (id, seq), otherwise by all its columns.
        const first = await firstRowOf(db, table);
        if (!first) continue;
        const key = 'seq' in first ? 'seq' : 'id' in first ? 'id' : undefined;
        const columnCount = Object.keys(first).length;
        let after: unknown;
        for (let offset = 0; ; offset += PAGE) {
          const rows = key ? await rowsAfterKey(db, table, key, after, PAGE) : await rowsByAllColumns(db, table, columnCount, offset, PAGE);
          if (rows.length === 0) break;
          yield Buffer.from(rows.map((row) => `${JSON.stringify({ t: 'row', table, row })}\n`).join(''));
          counts[table] += rows.length;
          if (key) after = rows.at(-1)?.[key];
          if (rows.length < PAGE) break;
        }
      }
      for (const blobKey of await listPhotoBlobKeys(db)) {
        for (const variant of ['image', 'thumb']) {
          yield* blobLines(deps.blobs, `${blobKey}/${variant}`, blobArchive);
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
