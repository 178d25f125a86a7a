/**
 * Argon2id, used for staff passwords (PHC strings) and for deriving the
 * key-encryption key that wraps the vault key from an unseal passphrase.
 */
import { hash, hashRaw, verify } from '@node-rs/argon2';
import { randomBytes } from 'node:crypto';

/** Argon2id cost parameters (OWASP 2024 guidance: m >= 19 MiB, t >= 2). */
export interface Argon2Params {
  readonly memoryCost: number;
  readonly timeCost: number;
  readonly parallelism: number;
}

const ARGON2ID = 2;
/** Staff passwords: 19 MiB, 2 passes. */
export const PASSWORD_PARAMS: Argon2Params = { memoryCost: 19_456, timeCost: 2, parallelism: 1 };
/** Vault passphrase: rarer and more valuable, so 64 MiB, 3 passes. */
export const VAULT_KDF_PARAMS: Argon2Params = { memoryCost: 65_536, timeCost: 3, parallelism: 1 };

/** Hash a staff password to a PHC string. */
export function hashPassword(password: string, params: Argon2Params = PASSWORD_PARAMS): Promise<string> {
  return hash(password, { ...params, algorithm: ARGON2ID });
}

/** Verify a password against a PHC string; false on any mismatch or malformed hash. */
export async function verifyPassword(phc: string, password: string): Promise<boolean> {
  try {
    return await verify(phc, password);
  } catch {
    return false;
  }
}

/** Derive a 32-byte key-encryption key from a passphrase and salt. */
export async function deriveKek(passphrase: string, salt: Uint8Array, params: Argon2Params): Promise<Buffer> {
  return hashRaw(passphrase.normalize('NFC'), { ...params, algorithm: ARGON2ID, salt, outputLen: 32 });
}

/** A fresh 16-byte salt. */
export function newSalt(): Buffer {
  return randomBytes(16);
}
