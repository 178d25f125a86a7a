/** Randomness: ids, tokens, secrets, recovery codes (hashing and MACs are in digest.ts). */
import { randomBytes, randomFillSync, randomUUID } from 'node:crypto';
import { toBase64Url } from './bytes.js';

/** A random UUIDv4 for database ids. */
export function newId(): string {
  return randomUUID();
}

/** A random token of `bytes` bytes (default 32 = 256 bits), base64url. */
export function randomToken(bytes = 32): string {
  return toBase64Url(randomBytes(bytes));
}

const POOL_SIZE = 8192;
const pool = Buffer.alloc(POOL_SIZE);
let poolOffset = POOL_SIZE;

/**
 * Raw random bytes from the OS CSPRNG. Small requests are served from a
 * refilled pool (as Node does for randomUUID): one syscall per 8 KiB instead
 * of one per key or nonce. SECURITY: every byte is handed out once and copied
 * out, so no two callers share or alias key material.
 */
export function randomSecret(bytes = 32): Buffer {
  if (bytes > 256) return randomBytes(bytes);
  if (poolOffset + bytes > POOL_SIZE) {
    randomFillSync(pool);
    poolOffset = 0;
  }
  const out = Buffer.from(pool.subarray(poolOffset, poolOffset + bytes));
  pool.fill(0, poolOffset, poolOffset + bytes);
  poolOffset += bytes;
  return out;
}

const CODE_ALPHABET = 'abcdefghjkmnpqrstuvwxyz23456789'; // no 0/o, 1/i/l: easy to read back

/** A human-typable one-time code, e.g. `k7qm2-x9ftr-3hwae-p4nzu` (4 groups = ~99 bits). */
export function recoveryCode(groups = 4): string {
  const out: string[] = [];
  for (let g = 0; g < groups; g++) {
    let group = '';
    while (group.length < 5) {
      const byte = randomBytes(1)[0] as number;
      if (byte < 248) group += CODE_ALPHABET[byte % CODE_ALPHABET.length]; // 248 = 8 × 31: no modulo bias
    }
    out.push(group);
  }
  return out.join('-');
}

/** A uniformly random non-zero 32-bit unsigned integer (photo watermark ids). */
export function randomUint32(): number {
  for (;;) {
    const value = randomBytes(4).readUInt32BE(0);
    if (value !== 0) return value;
  }
}
