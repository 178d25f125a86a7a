/**
 * Blobs in a backup body, and reading the body back.
 *
 * The body (inside the backup's AEAD stream, covered by its signature) is JSON
 * lines. Each photo blob ends with a manifest line — key, size and SHA-256 of
 * its stored ciphertext. When the blob ciphertext is included (the default
 * for a local blob store), the manifest line is preceded by the blob's bytes
 * in frames: a line `{"t":"blob-data","key":…,"size":n}` followed by exactly
 * n raw bytes. Blobs are already ciphertext under per-person file keys; the
 * backup adds its outer layer. Both sides stream: a frame is at most one read
 * of the store (1 MiB), never a whole blob.
 */
import { once } from 'node:events';
import { PassThrough } from 'node:stream';
import { sha256Hasher } from '../../crypto/digest.js';
import { assertBlobKey, type BlobStore } from '../../storage/blob-store.js';
import { BackupError } from './backup-error.js';

/** Whether a backup carries the blob ciphertext (`included`) or only its manifest (S3 installations, or asked for). */
export type BlobArchive = 'included' | 'manifest-only';

/** One blob as the backup knows it: its key and the size and SHA-256 of its ciphertext. */
export interface ManifestEntry {
  readonly key: string;
  readonly size: number;
  readonly sha256: string;
}

/** One item of a backup body as read back. `bytes` is a piece of the blob announced by the last `blob-data` frame. */
export type BodyItem =
  | { readonly t: 'row'; readonly table: string; readonly row: Record<string, unknown> }
  | { readonly t: 'blob-data'; readonly key: string; readonly size: number }
  | ({ readonly t: 'blob' } & ManifestEntry)
  | { readonly t: 'end'; readonly counts: Record<string, number>; readonly blobCount: number }
  | { readonly t: 'bytes'; readonly data: Buffer };

/** Larger than any read of a store (local: 1 MiB; S3 SDK: smaller), so a frame never needs buffering on the writer side. */
const MAX_FRAME = 16 * 1024 * 1024;
const NEWLINE = 0x0a;

/** The body lines for one blob: with `archive` `included`, its ciphertext in frames; then its manifest line (of what was read). */
export async function* blobLines(blobs: BlobStore, key: string, archive: BlobArchive): AsyncGenerator<Buffer> {
  const hasher = sha256Hasher();
  let size = 0;
  for await (const chunk of await blobs.get(key)) {
    const data = chunk as Buffer;
    hasher.update(data);
    size += data.length;
    if (archive === 'included' && data.length > 0) {
      yield Buffer.from(`${JSON.stringify({ t: 'blob-data', key, size: data.length })}\n`);
      yield data;
    }
  }
  yield Buffer.from(`${JSON.stringify({ t: 'blob', key, size, sha256: hasher.hex() })}\n`);
}

/** Parse a decrypted body into items (lines, and the raw bytes of blob frames). Throws BackupError on a malformed frame or a cut-off end. */
export async function* bodyItems(source: AsyncIterable<Buffer>): AsyncGenerator<BodyItem> {
  let pending: Buffer = Buffer.alloc(0);
  let frameLeft = 0;
  for await (const chunk of source) {
    pending = pending.length === 0 ? chunk : Buffer.concat([pending, chunk]);
    while (pending.length > 0) {
      if (frameLeft > 0) {
        const take = Math.min(frameLeft, pending.length);
        yield { t: 'bytes', data: pending.subarray(0, take) };
        pending = pending.subarray(take);
        frameLeft -= take;
        continue;
      }
      const newline = pending.indexOf(NEWLINE);
      if (newline < 0) break;
      const item = JSON.parse(pending.subarray(0, newline).toString('utf8')) as BodyItem;
      pending = pending.subarray(newline + 1);
      if (item.t === 'blob-data') {
        if (!Number.isSafeInteger(item.size) || item.size <= 0 || item.size > MAX_FRAME) throw new BackupError('the backup body has a malformed blob frame');
        frameLeft = item.size;
      }
      yield item;
    }
  }
  if (frameLeft > 0 || pending.toString('utf8').trim() !== '') throw new BackupError('the backup is incomplete or does not match its signature');
}

/** Writes the blobs carried by a backup into a store, and can take back every one it wrote. */
export interface BlobRestorer {
  /** A frame of `key` begins: open it (a blob already in the store is kept; its frames are only checked). */
  readonly frame: (key: string) => Promise<void>;
  /** Raw bytes of the open blob (backpressure: resolves when the store can take more). */
  readonly write: (data: Buffer) => Promise<void>;
  /** The manifest line: close the open blob and check it has exactly this size and SHA-256. Returns whether it was written into the store. */
  readonly finish: (entry: ManifestEntry) => Promise<boolean>;
  /** Delete every blob this restorer wrote (the restore failed: leave the store as it was). */
  readonly discard: () => Promise<void>;
}

/** A BlobRestorer for `blobs`. */
export function createBlobRestorer(blobs: BlobStore): BlobRestorer {
  const written: string[] = [];
  let open: { key: string; hasher: ReturnType<typeof sha256Hasher>; size: number; sink?: PassThrough; stored?: Promise<number> } | undefined;
  const close = async (error?: Error) => {
    const current = open;
    open = undefined;
    if (!current?.sink) return;
    if (error) current.sink.destroy(error);
    else current.sink.end();
    await current.stored;
  };
  return {
    async frame(key) {
      if (open?.key === key) return;
      if (open) throw new BackupError('the backup body has a malformed blob frame');
      assertBlobKey(key);
      open = { key, hasher: sha256Hasher(), size: 0 };
      if (await blobs.has(key)) return;
      const sink = new PassThrough({ highWaterMark: 1024 * 1024 });
      // The store may not be listening yet (a slow disk is still making the directory) when a failed restore
      // destroys the sink; its failure reaches us through `stored`, so the stream's own error event is not an uncaught one.
      sink.on('error', () => undefined);
      written.push(key);
      const stored = blobs.put(key, sink);
      // Awaited in `close`; until then a failed store surfaces through `write`.
      stored.catch(() => undefined);
      open = { ...open, sink, stored };
    },
    async write(data) {
      if (!open) throw new BackupError('the backup body has a malformed blob frame');
      open.hasher.update(data);
      open.size += data.length;
      const { sink, stored } = open;
      if (sink && stored && !sink.write(data)) await Promise.race([once(sink, 'drain'), stored]);
    },
    async finish(entry) {
      if (!open) return false;
      if (open.key !== entry.key) throw new BackupError('the backup body has a malformed blob frame');
      const isIntact = open.size === entry.size && open.hasher.hex() === entry.sha256;
      if (!isIntact) {
        await close(new BackupError('blob differs'));
        throw new BackupError(`blob ${entry.key} in the backup does not match its signed size and SHA-256`);
      }
      const wasWritten = Boolean(open.sink);
      await close();
      return wasWritten;
    },
    async discard() {
      await close(new BackupError('restore abandoned')).catch(() => undefined);
      for (const key of written) await blobs.delete(key);
      written.length = 0;
    },
  };
}
