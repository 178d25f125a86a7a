/**
 * Key material as stored: the data domains, the rows of wrapped keys, the
 * vault record, and the making of new rows (each private or secret part
 * wrapped by the vault key under its own context). No database access here.
 */
import { randomSecret } from './random.js';
import { generateIntakeKeyPair } from './open.js';
import { generateSigningKeyPair } from './signing.js';
import { sealEnvelope, type SymmetricKey } from './envelope.js';
import type { Argon2Params } from './passphrase.js';

/** Data domains; a leak of one domain key opens no other domain. */
export const DOMAINS = ['contact', 'enquiry', 'clinical', 'photo', 'financial'] as const;
export type Domain = (typeof DOMAINS)[number];

/** A row of wrapped key material as stored. */
export interface KeyMaterialRecord {
  readonly id: string;
  readonly kind: 'domain' | 'intake-hpke' | 'blind-index' | 'audit-signing' | 'derivation-root';
  readonly domain: Domain | null;
  readonly version: number;
  readonly wrapped: string;
  readonly publicKey: string | null;
  readonly status: 'active' | 'retired';
}

/** How the vault key is protected, as stored. */
export interface VaultRecord {
  readonly check: string;
  /** MAC over the key-material manifest under a vault-derived key (see key-manifest.ts); absent only on vaults made before it existed. */
  readonly manifest?: string;
  readonly passphrase: { readonly salt: string; readonly params: Argon2Params; readonly wrapped: string } | null;
  readonly shamir: { readonly threshold: number; readonly shares: number } | null;
}

/** Raised when unseal material is wrong. The message never contains the material. */
export class UnsealError extends Error {
  constructor(reason: string) {
    super(reason);
    this.name = 'UnsealError';
  }
}


/** The envelope context a key-material row is wrapped under. */
export function wrapContext(id: string): string {
  return `tacet/key-material/${id}`;
}

/** A new audit checkpoint signing key pair (Ed25519; private part wrapped by the vault key). */
export function newAuditSigningKey(vaultKey: SymmetricKey, version: number): KeyMaterialRecord {
  const id = `audit-signing.v${version}`;
  const pair = generateSigningKeyPair();
  return { id, kind: 'audit-signing', domain: null, version, wrapped: sealEnvelope(vaultKey, pair.privateKeyPkcs8, wrapContext(id)), publicKey: pair.publicKeyB64, status: 'active' };
}

/** A new intake HPKE key pair (private part wrapped by the vault key). */
export function newIntakeKey(vaultKey: SymmetricKey, version: number): KeyMaterialRecord {
  const id = `intake.v${version}`;
  const pair = generateIntakeKeyPair();
  return { id, kind: 'intake-hpke', domain: null, version, wrapped: sealEnvelope(vaultKey, pair.privateKeyRaw, wrapContext(id)), publicKey: pair.publicKeyB64, status: 'active' };
}
/**
 * A new version of a domain key, wrapped by the vault key (key rotation).
 * The previous versions stay in the keyring until every person key they
 * wrap has been re-wrapped (see `rewrapPersonKey`).
 */
export function newDomainKey(vaultKey: SymmetricKey, domain: Domain, version: number): KeyMaterialRecord {
  const id = `${domain}.v${version}`;
  return { id, kind: 'domain', domain, version, wrapped: sealEnvelope(vaultKey, randomSecret(), wrapContext(id)), publicKey: null, status: 'active' };
}

