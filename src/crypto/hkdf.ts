/**
 * HKDF-SHA256 (RFC 5869) as separate Extract and Expand steps on
 * node:crypto HMAC. HPKE's labelled KDF needs them separately, and deriving
 * a subkey from an already uniform key needs Expand only — one HMAC instead
 * of `hkdfSync`'s much slower call.
 */
import { createHmac } from 'node:crypto';
import { concatBytes } from './bytes.js';

export const HASH_LENGTH = 32;

function hmac(key: Uint8Array, data: Uint8Array): Buffer {
  return createHmac('sha256', key).update(data).digest();
}

/** HKDF-Extract (§2.2); an empty salt means HashLen zero bytes. */
export function hkdfExtract(salt: Uint8Array, ikm: Uint8Array): Buffer {
  return hmac(salt.length === 0 ? new Uint8Array(HASH_LENGTH) : salt, ikm);
}

/** HKDF-Expand (§2.3). `prk` must be a uniformly random key of at least HashLen bytes. */
export function hkdfExpand(prk: Uint8Array, info: Uint8Array, length: number): Buffer {
  if (length > 255 * HASH_LENGTH) throw new RangeError('HKDF-Expand length too large');
  const blocks: Buffer[] = [];
  let previous: Uint8Array = new Uint8Array(0);
  for (let counter = 1; blocks.length * HASH_LENGTH < length; counter++) {
    previous = hmac(prk, concatBytes(previous, info, Uint8Array.of(counter)));
    blocks.push(previous as Buffer);
  }
  return blocks.length === 1 && length === HASH_LENGTH ? (blocks[0] as Buffer) : Buffer.concat(blocks).subarray(0, length);
}
