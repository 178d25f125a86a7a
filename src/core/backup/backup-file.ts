/**
 * The backup file's frame: a magic line, a JSON header line (what is needed
 * to open the body, and an Ed25519 signature over the header and the body's
 * SHA-256), then the encrypted body.
 */
import fs from 'node:fs';
import { Transform } from 'node:stream';
import { sha256Hasher } from '../../crypto/digest.js';
import type { VaultRecord } from '../../crypto/key-material.js';
import type { BlobArchive } from './backup-blobs.js';
import { BackupError } from './backup-error.js';

/** The first line of every backup file. */
export const MAGIC = 'TACET-BACKUP/1\n';

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

/** The text the header's signature covers (every field but the signature, in a fixed order). */
export function signedText(header: Omit<BackupHeader, 'signature'>): string {
  return JSON.stringify({ format: header.format, version: header.version, id: header.id, createdAt: header.createdAt, vault: header.vault, counts: header.counts, blobCount: header.blobCount, blobArchive: header.blobArchive, bodySha256: header.bodySha256 });
}

/** A pass-through stream that hashes what flows through it (the ciphertext body, for the signature). */
export function hashedPassThrough(): { hasher: ReturnType<typeof sha256Hasher>; stream: Transform } {
  const hasher = sha256Hasher();
  const stream = new Transform({
    transform(chunk: Buffer, _encoding, done) {
      hasher.update(chunk);
      done(null, chunk);
    },
  });
  return { hasher, stream };
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
