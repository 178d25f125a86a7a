/** Digests and MACs: SHA-256 (one-shot and incremental), HMAC-SHA256, constant-time comparison. */
import { createHash, createHmac, hash as oneShotHash, timingSafeEqual } from 'node:crypto';
import { toBase64Url } from './bytes.js';

/** SHA-256 as lowercase hex (one-shot `crypto.hash` where available: Node >= 20.12). */
export function sha256Hex(data: string | Uint8Array): string {
  return typeof oneShotHash === 'function' ? oneShotHash('sha256', data, 'hex') : createHash('sha256').update(data).digest('hex');
}

/** SHA-256 of the UTF-8 concatenation of `parts`, as lowercase hex, without building the joined string. */
export function sha256HexOfParts(...parts: readonly string[]): string {
  const hash = createHash('sha256');
  for (const part of parts) hash.update(part);
  return hash.digest('hex');
}

/** HMAC-SHA256 as base64url. */
export function hmacB64(key: Uint8Array, data: string): string {
  return toBase64Url(createHmac('sha256', key).update(data).digest());
}

/** HMAC-SHA256 as lowercase hex (webhook signatures, markers). */
export function hmacHex(key: Uint8Array, data: string): string {
  return createHmac('sha256', key).update(data).digest('hex');
}

/** Constant-time string comparison (false on length mismatch). */
export function safeEqual(a: string, b: string): boolean {
  const left = Buffer.from(a);
  const right = Buffer.from(b);
  return left.length === right.length && timingSafeEqual(left, right);
}


/** Incremental SHA-256 for streamed data (backups, blob manifests). */
export interface Hasher {
  readonly update: (chunk: Uint8Array) => void;
  readonly hex: () => string;
}

export function sha256Hasher(): Hasher {
  const hash = createHash('sha256');
  return { update: (chunk) => void hash.update(chunk), hex: () => hash.digest('hex') };
}
