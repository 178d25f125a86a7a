/**
 * BlobStore: where encrypted photos and exports live. Only ciphertext is ever
 * handed to a store (see `putEncrypted`). The local-directory driver is the
 * embedded default; an S3-compatible driver implements the same interface
 * (operations issue).
 *
 * Local driver: keys are validated (no path traversal), files are written to
 * a temporary name, fsynced and renamed, so a crash never leaves a partial
 * blob under a real key; files are 0600 in 0700 directories.
 */
import fs from 'node:fs';
import path from 'node:path';
import { type Readable, Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { createDecryptStream, createEncryptStream } from '../crypto/stream.js';
import { randomToken } from '../crypto/random.js';
import { appError } from '../platform/errors.js';

export interface BlobStore {
  /** Store a blob (streamed, never buffered whole). Replaces an existing one atomically. Returns bytes written. */
  readonly put: (key: string, body: Readable) => Promise<number>;
  /** Read a blob as a stream; NOT_FOUND if absent. */
  readonly get: (key: string) => Promise<Readable>;
  readonly delete: (key: string) => Promise<void>;
  readonly has: (key: string) => Promise<boolean>;
  /** Where the blobs live, for operators' messages (a directory, or `s3://bucket/prefix`); never a credential. */
  readonly location: string;
}

/** File I/O in 1 MiB reads (16 cipher segments), buffered writes: fewer syscalls and copies per segment. */
const IO_CHUNK = 1024 * 1024;

const KEY = /^[a-z0-9][a-z0-9-]{0,63}(\/[a-z0-9][a-z0-9-]{0,63}){0,3}$/;

/** Refuse anything but short lower-case path segments (no `..`, no absolute paths, no dots). */
export function assertBlobKey(key: string): void {
  if (!KEY.test(key)) throw appError('VALIDATION_FAILED', ['blobKey']);
}

export function createLocalBlobStore(root: string): BlobStore {
  const base = path.resolve(root);
  const fileOf = (key: string) => {
    assertBlobKey(key);
    return path.join(base, ...key.split('/'));
  };
  return {
    location: base,
    async put(key, body) {
      const file = fileOf(key);
      await fs.promises.mkdir(path.dirname(file), { recursive: true, mode: 0o700 });
      const temp = path.join(path.dirname(file), `.tmp-${randomToken(12)}`);
      let size = 0;
      const counter = new Transform({
        highWaterMark: IO_CHUNK * 2,
        transform(chunk: Buffer, _encoding, callback) {
          size += chunk.length;
          callback(null, chunk);
        },
      });
      try {
        await pipeline(body, counter, fs.createWriteStream(temp, { mode: 0o600, flags: 'wx', highWaterMark: IO_CHUNK * 2 }));
        const handle = await fs.promises.open(temp, 'r');
        await handle.sync();
        await handle.close();
        await fs.promises.rename(temp, file);
      } catch (error) {
        await fs.promises.rm(temp, { force: true });
        throw error;
      }
      return size;
    },
    async get(key) {
      const file = fileOf(key);
      try {
        await fs.promises.access(file);
      } catch {
        throw appError('NOT_FOUND');
      }
      return fs.createReadStream(file, { highWaterMark: IO_CHUNK });
    },
    async delete(key) {
      await fs.promises.rm(fileOf(key), { force: true });
    },
    async has(key) {
      try {
        await fs.promises.access(fileOf(key));
        return true;
      } catch {
        return false;
      }
    },
  };
}

/** Encrypt a plaintext stream into the store under `key` (the key is also the ciphertext's context). */
export async function putEncrypted(store: BlobStore, key: string, plaintext: Readable, fileKey: Uint8Array): Promise<number> {
  assertBlobKey(key);
  const encrypt = createEncryptStream(fileKey, `blob|${key}`);
  // Two pipelines share the cipher: a failure on either side destroys it, so the store discards its temporary file.
  const [stored, fed] = await Promise.allSettled([store.put(key, encrypt), pipeline(plaintext, encrypt)]);
  if (fed.status === 'rejected') throw fed.reason;
  if (stored.status === 'rejected') throw stored.reason;
  return stored.value;
}

/** Decrypt a stored blob as a stream; it errors (StreamAuthError) if the ciphertext was tampered with, truncated or moved. */
export async function getDecrypted(store: BlobStore, key: string, fileKey: Uint8Array): Promise<Readable> {
  const source = await store.get(key);
  const decrypt = createDecryptStream(fileKey, `blob|${key}`);
  // The caller consumes `decrypt`; a read error on the file reaches it as a stream error.
  pipeline(source, decrypt).catch(() => undefined);
  return decrypt;
}
