/**
 * Blind indexes: keyed HMAC-SHA256 of a normalised value, one key per field
 * (HKDF from the blind-index root key), truncated to 64 bits. They support
 * exact-match lookups without storing the value; truncation means a match is
 * a candidate that the caller confirms after decrypting.
 */
import { createHmac, hkdfSync } from 'node:crypto';

/** Fields with a blind index. */
export type BlindIndexField = 'email' | 'phone' | 'surname-dob';

const TRUNCATE_BYTES = 8;

/** Per-field keys derived from the root key. */
export type BlindIndexKeys = Readonly<Record<BlindIndexField, Buffer>>;

/** Derive every field's key from the root (HKDF-SHA256, info names the field). */
export function deriveBlindIndexKeys(root: Uint8Array): BlindIndexKeys {
  const derive = (field: BlindIndexField): Buffer =>
    Buffer.from(hkdfSync('sha256', root, new Uint8Array(0), `tacet/blind-index/${field}/v1`, 32));
  return { email: derive('email'), phone: derive('phone'), 'surname-dob': derive('surname-dob') };
}

/** The blind index (16 hex chars) of an already normalised value. */
export function blindIndex(keys: BlindIndexKeys, field: BlindIndexField, normalised: string): string {
  return createHmac('sha256', keys[field]).update(normalised, 'utf8').digest().subarray(0, TRUNCATE_BYTES).toString('hex');
}
