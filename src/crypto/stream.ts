/**
 * Streaming AEAD for photos and other large blobs: the STREAM construction
 * (Hoang, Reyhanitabar, Rogaway, Vizár 2015) over AES-256-GCM, laid out as in
 * Tink's AES-GCM-HKDF streaming AEAD:
 *
 *   header  = version (1) ‖ salt (32) ‖ nonce prefix (7)
 *   fileKey = HKDF-SHA256(ikm = key, salt, info = "tacet-stream/v1|" ‖ context)
 *   segment i = AES-256-GCM(fileKey, nonce = prefix ‖ i (4, big-endian) ‖ last (1), plaintext ≤ 64 KiB) ‖ tag (16)
 *
 * A fresh salt gives every file its own key, and the context (e.g. the blob
 * id) is bound into it, so a segment moved from another file fails; the
 * counter in the nonce catches reordering and dropped segments; the last-flag
 * catches truncation at a segment boundary. Neither side ever holds more than
 * two segments in memory.
 *
 * SECURITY: the decrypting stream emits each segment once it is
 * authenticated; on an error the consumer must discard what it received
 * (the error is always raised before the stream ends normally).
 */
import { createCipheriv, createDecipheriv } from 'node:crypto';
import { Transform, type TransformCallback } from 'node:stream';
import { utf8 } from './bytes.js';
import { hkdfExpand, hkdfExtract } from './hkdf.js';
import { randomSecret } from './random.js';

export const STREAM_VERSION = 1;
export const SEGMENT_SIZE = 64 * 1024;
const TAG = 16;
const SALT = 32;
const PREFIX = 7;
export const STREAM_HEADER_SIZE = 1 + SALT + PREFIX;
const MAX_SEGMENTS = 2 ** 32 - 1;
const EMPTY = Buffer.alloc(0);

/** Raised when a stream does not authenticate (tampered, truncated, reordered, wrong key or context). */
export class StreamAuthError extends Error {
  constructor(reason: string) {
    super(`encrypted stream rejected: ${reason}`);
    this.name = 'StreamAuthError';
  }
}

function fileKey(key: Uint8Array, salt: Uint8Array, context: string): Buffer {
  if (key.length !== 32) throw new RangeError('stream key must be 32 bytes');
  return hkdfExpand(hkdfExtract(salt, key), utf8(`tacet-stream/v${STREAM_VERSION}|${context}`), 32);
}

function nonce(prefix: Uint8Array, counter: number, isLast: boolean): Buffer {
  const out = Buffer.alloc(12);
  out.set(prefix, 0);
  out.writeUInt32BE(counter, PREFIX);
  out[11] = isLast ? 1 : 0;
  return out;
}

/** Size of the ciphertext for a plaintext of `size` bytes. */
export function encryptedSize(size: number): number {
  const segments = Math.max(1, Math.ceil(size / SEGMENT_SIZE));
  return STREAM_HEADER_SIZE + size + segments * TAG;
}

/** A Transform that encrypts what is written to it. `context` binds the ciphertext to its owner (e.g. the blob id). */
export function createEncryptStream(key: Uint8Array, context: string): Transform {
  const salt = randomSecret(SALT);
  const prefix = randomSecret(PREFIX);
  const k = fileKey(key, salt, context);
  let pending: Buffer = EMPTY;
  let counter = 0;
  let headerSent = false;
  // Each segment is pushed as GCM's output and its tag, without concatenating (no extra copy).
  const seal = (stream: Transform, plaintext: Buffer, isLast: boolean): void => {
    if (counter >= MAX_SEGMENTS) throw new RangeError('stream too long');
    const cipher = createCipheriv('aes-256-gcm', k, nonce(prefix, counter, isLast));
    counter += 1;
    const body = cipher.update(plaintext);
    cipher.final();
    stream.push(body);
    stream.push(cipher.getAuthTag());
  };
  const header = () => {
    headerSent = true;
    return Buffer.concat([Uint8Array.of(STREAM_VERSION), salt, prefix]);
  };
  return new Transform({
    transform(chunk: Buffer, _encoding, callback: TransformCallback) {
      try {
        if (!headerSent) this.push(header());
        let offset = 0;
        // A held-back full segment is not the last once more bytes arrive.
        if (pending.length === SEGMENT_SIZE && chunk.length > 0) {
          seal(this, pending, false);
          pending = EMPTY;
        }
        // Top up a partial segment (copies at most one segment).
        if (pending.length > 0) {
          const take = Math.min(SEGMENT_SIZE - pending.length, chunk.length);
          pending = Buffer.concat([pending, chunk.subarray(0, take)]);
          offset = take;
          if (pending.length === SEGMENT_SIZE && offset < chunk.length) {
            seal(this, pending, false);
            pending = EMPTY;
          }
        }
        // Whole segments straight from the chunk; keep at least one byte back (the last segment is only known at the end).
        while (chunk.length - offset > SEGMENT_SIZE) {
          seal(this, chunk.subarray(offset, offset + SEGMENT_SIZE), false);
          offset += SEGMENT_SIZE;
        }
        if (offset < chunk.length) pending = pending.length === 0 ? chunk.subarray(offset) : Buffer.concat([pending, chunk.subarray(offset)]);
        callback();
      } catch (error) {
        callback(error as Error);
      }
    },
    flush(callback: TransformCallback) {
      try {
        if (!headerSent) this.push(header());
        seal(this, pending, true);
        pending = EMPTY;
        callback();
      } catch (error) {
        callback(error as Error);
      }
    },
  });
}

/** A Transform that decrypts and authenticates a stream made by `createEncryptStream` with the same key and context. */
export function createDecryptStream(key: Uint8Array, context: string): Transform {
  let header: Buffer | undefined;
  let k: Buffer | undefined;
  let prefix: Buffer | undefined;
  let pending: Buffer = Buffer.alloc(0);
  let counter = 0;
  const open = (segment: Buffer, isLast: boolean): Buffer => {
    if (segment.length < TAG) throw new StreamAuthError('truncated segment');
    const decipher = createDecipheriv('aes-256-gcm', k as Buffer, nonce(prefix as Buffer, counter, isLast));
    decipher.setAuthTag(segment.subarray(segment.length - TAG));
    try {
      const plaintext = decipher.update(segment.subarray(0, segment.length - TAG));
      decipher.final(); // throws unless the segment authenticates; only then is the plaintext released
      counter += 1;
      return plaintext;
    } catch {
      throw new StreamAuthError(isLast ? 'final segment does not authenticate (tampered or truncated)' : `segment ${counter} does not authenticate`);
    }
  };
  const FULL = SEGMENT_SIZE + TAG;
  return new Transform({
    transform(chunk: Buffer, _encoding, callback: TransformCallback) {
      try {
        let offset = 0;
        if (!header) {
          pending = pending.length === 0 ? chunk : Buffer.concat([pending, chunk]);
          if (pending.length < STREAM_HEADER_SIZE) return callback();
          header = Buffer.from(pending.subarray(0, STREAM_HEADER_SIZE));
          if (header[0] !== STREAM_VERSION) throw new StreamAuthError('unknown version');
          k = fileKey(key, header.subarray(1, 1 + SALT), context);
          prefix = Buffer.from(header.subarray(1 + SALT));
          chunk = pending.subarray(STREAM_HEADER_SIZE);
          pending = EMPTY;
        }
        // A held-back full segment is not the last once more bytes arrive.
        if (pending.length === FULL && chunk.length > 0) {
          this.push(open(pending, false));
          pending = EMPTY;
        }
        if (pending.length > 0) {
          const take = Math.min(FULL - pending.length, chunk.length);
          pending = Buffer.concat([pending, chunk.subarray(0, take)]);
          offset = take;
          if (pending.length === FULL && offset < chunk.length) {
            this.push(open(pending, false));
            pending = EMPTY;
          }
        }
        // Whole segments straight from the chunk; the last one is only known at the end.
        while (chunk.length - offset > FULL) {
          this.push(open(chunk.subarray(offset, offset + FULL), false));
          offset += FULL;
        }
        if (offset < chunk.length) pending = chunk.subarray(offset);
        callback();
      } catch (error) {
        callback(error as Error);
      }
    },
    flush(callback: TransformCallback) {
      try {
        if (!header) throw new StreamAuthError('missing header');
        this.push(open(pending, true));
        callback();
      } catch (error) {
        callback(error as Error);
      }
    },
  });
}
