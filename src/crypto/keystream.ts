/**
 * A keyed deterministic byte stream: AES-256-CTR over zeros under a subkey
 * HKDF-Expanded from `key` for `context`. The same key and context always
 * give the same bytes; without the key they are indistinguishable from
 * random. Used where a secret pseudo-random layout must be rebuilt later
 * (the invisible photo watermark's chips, cell order and dither).
 */
import { createCipheriv } from 'node:crypto';
import { hkdfExpand } from './hkdf.js';

export function keystream(key: Uint8Array, context: string, length: number): Buffer {
  const subkey = hkdfExpand(key, Buffer.from(`tacet keystream|${context}`), 32);
  const cipher = createCipheriv('aes-256-ctr', subkey, Buffer.alloc(16));
  return Buffer.concat([cipher.update(Buffer.alloc(length)), cipher.final()]);
}
