/**
 * The keyring: the unsealed vault key → domain keys, intake HPKE key pairs
 * and the blind-index root → per-person data keys (DEKs), and the records
 * and files sealed under them. The vault key itself is made, protected and
 * rotated in vault-key.ts; the stored rows are described in key-material.ts.
 */
import { fromBase64Url, fromUtf8, utf8 } from './bytes.js';
import { type BlindIndexKeys, deriveBlindIndexKeys } from './blind-index.js';
import { hkdfExpand, hkdfExtract } from './hkdf.js';
import { openEnvelope, sealEnvelope, type SymmetricKey } from './envelope.js';
import { importOpeningKey, type OpeningKey } from './open.js';
import { randomSecret } from './random.js';
import { importSigningKey } from './signing.js';
import { ed25519PublicFromPrivate, KeyMaterialTamperedError, manifestKeyFor, verifyManifest, x25519PublicFromPrivate } from './key-manifest.js';
import type { KeyObject } from 'node:crypto';
import { type Domain, DOMAINS, type KeyMaterialRecord, UnsealError, type VaultRecord, wrapContext } from './key-material.js';
import { requiresManifest } from './vault-key.js';

/** The unsealed keyring: in memory only, inside the core process. */
export interface Keyring {
  /** The active key of a domain (for wrapping new person keys). */
  readonly activeDomainKey: (domain: Domain) => SymmetricKey;
  /** Any domain key by id (for unwrapping older person keys). */
  readonly domainKeyById: (id: string) => SymmetricKey | undefined;
  /** Intake opening key by key id. */
  readonly intakeKey: (kid: string) => OpeningKey | undefined;
  /** An intake key's public key (base64url) as derived from its private key at unseal: the only source a publication may use. */
  readonly intakePublicKey: (kid: string) => string | undefined;
  /** Key that MACs the key-material manifest (see key-manifest.ts). */
  readonly manifestKey: Buffer;
  readonly blindIndexKeys: BlindIndexKeys;
  /** Audit checkpoint signing key (Ed25519), with its id and public key. */
  readonly auditSigning: { readonly id: string; readonly privateKey: KeyObject; readonly publicKeyB64: string } | undefined;
  /** HMAC key for unlinkable markers (canary records), derived from the vault key. */
  readonly markerKey: Buffer;
  /** Key for staff secrets at rest (TOTP seeds, break-glass justifications), derived from the vault key. */
  readonly staffSecretKey: SymmetricKey;
  /** Key for queued messages that carry personal data (breach notices), derived from the vault key. */
  readonly outboxKey: SymmetricKey;
  /** Key for backups (streamed under a per-file salt), derived from the vault key: a backup opens only with the vault. */
  readonly backupKey: SymmetricKey;
}

/**
 * Unwrap all key material with the vault key. Throws `UnsealError` if a
 * record does not open, and `KeyMaterialTamperedError` if the rows do not
 * match the manifest `vault` authenticates (required unless the vault
 * predates it) or a stored public key is not the one its private key gives.
 */
export function openKeyring(vaultKey: SymmetricKey, records: readonly KeyMaterialRecord[], vault?: VaultRecord): Keyring {
  const manifestKey = manifestKeyFor(vaultKey.bytes);
  if (vault && (requiresManifest(vault, vaultKey) || vault.manifest)) verifyManifest(manifestKey, records, vault.manifest);
  const unwrap = (record: KeyMaterialRecord): Buffer => {
    try {
      return openEnvelope((id) => (id === vaultKey.id ? vaultKey : undefined), record.wrapped, wrapContext(record.id));
    } catch {
      throw new UnsealError(`key material ${record.id} does not open`);
    }
  };
  const domainKeys = new Map<string, SymmetricKey>();
  const active = new Map<Domain, { key: SymmetricKey; version: number }>();
  const intake = new Map<string, OpeningKey>();
  const intakePublic = new Map<string, string>();
  let blindRoot: Buffer | undefined;
  // Derived keys come from the derivation root once the vault key has been rotated; before that, from the vault key itself.
  let derivationRoot: Buffer = vaultKey.bytes;
  let auditSigning: Keyring['auditSigning'];
  for (const record of records) {
    const bytes = unwrap(record);
    if (record.kind === 'domain' && record.domain) {
      const key = { id: record.id, bytes };
      domainKeys.set(record.id, key);
      const current = active.get(record.domain);
      if (record.status === 'active' && (!current || current.version < record.version)) active.set(record.domain, { key, version: record.version });
    } else if (record.kind === 'intake-hpke') {
      // SECURITY: the public key is derived from the private key; a stored one that differs was put there by someone else.
      const derived = x25519PublicFromPrivate(bytes);
      if (record.publicKey !== derived) throw new KeyMaterialTamperedError(`the public key stored for ${record.id} is not its own`);
      intake.set(record.id, importOpeningKey(record.id, bytes, fromBase64Url(derived)));
      intakePublic.set(record.id, derived);
    } else if (record.kind === 'audit-signing') {
      const derived = ed25519PublicFromPrivate(bytes);
      if (record.publicKey !== derived) throw new KeyMaterialTamperedError(`the public key stored for ${record.id} is not its own`);
      if (record.status === 'active') auditSigning = { id: record.id, privateKey: importSigningKey(bytes), publicKeyB64: derived };
    } else if (record.kind === 'blind-index' && record.status === 'active') {
      blindRoot = bytes;
    } else if (record.kind === 'derivation-root' && record.status === 'active') {
      derivationRoot = bytes;
    }
  }
  if (!blindRoot) throw new UnsealError('no active blind-index key');
  for (const domain of DOMAINS) if (!active.has(domain)) throw new UnsealError(`no active key for domain ${domain}`);
  return {
    activeDomainKey: (domain) => (active.get(domain) as { key: SymmetricKey }).key,
    domainKeyById: (id) => domainKeys.get(id),
    intakeKey: (kid) => intake.get(kid),
    intakePublicKey: (kid) => intakePublic.get(kid),
    manifestKey,
    blindIndexKeys: deriveBlindIndexKeys(blindRoot),
    auditSigning,
    markerKey: hkdfExpand(hkdfExtract(utf8('tacet/markers'), derivationRoot), utf8('v1'), 32),
    staffSecretKey: { id: `staff-secrets:${vaultKey.id}`, bytes: hkdfExpand(hkdfExtract(utf8('tacet/staff-secrets'), derivationRoot), utf8('v1'), 32) },
    outboxKey: { id: `outbox:${vaultKey.id}`, bytes: hkdfExpand(hkdfExtract(utf8('tacet/outbox'), derivationRoot), utf8('v1'), 32) },
    backupKey: backupKeyFor(vaultKey),
  };
}

/** The backup key, derived from the vault key (restore derives it before any key material is loaded). */
export function backupKeyFor(vaultKey: SymmetricKey): SymmetricKey {
  return { id: `backup:${vaultKey.id}`, bytes: hkdfExpand(hkdfExtract(utf8('tacet/backup'), vaultKey.bytes), utf8('v1'), 32) };
}

// SECURITY: the DEK of each PersonKey lives here, keyed by the object, and this map never leaves src/crypto.
const deks = new WeakMap<PersonKey, Buffer>();
const MINT = Symbol('tacet/person-key');

/**
 * A person's data key for one domain, in memory. Opaque: it names whose key
 * it is, and its DEK cannot be read outside src/crypto (no field holds it,
 * and only this module can make one). Use it with `sealPersonRecord`; opening
 * records or files with it is the door's business (`openPersonRecord`,
 * `personFileKey`, which test/security/single-door.test.ts keeps there).
 */
export class PersonKey {
  readonly personId: string;
  readonly domain: Domain;

  /** @throws Error outside src/crypto (the mint is not exported). */
  constructor(mint: symbol, personId: string, domain: Domain, dek: Buffer) {
    if (mint !== MINT) throw new Error('a person key is made by src/crypto only');
    this.personId = personId;
    this.domain = domain;
    deks.set(this, dek);
    Object.freeze(this);
  }
}

function dekOf(key: PersonKey): Buffer {
  const dek = deks.get(key);
  if (!dek) throw new Error('not a person key');
  return dek;
}

function personKeyContext(personId: string, domain: Domain): string {
  return `tacet/person-key/${domain}/${personId}`;
}

/** Create a person's DEK for a domain; returns it and its wrapped form (keyId = domain key id). */
export function createPersonKey(keyring: Keyring, personId: string, domain: Domain): { key: PersonKey; wrapped: string; wrappingKeyId: string } {
  const domainKey = keyring.activeDomainKey(domain);
  const dek = randomSecret();
  return { key: new PersonKey(MINT, personId, domain, dek), wrapped: sealEnvelope(domainKey, dek, personKeyContext(personId, domain)), wrappingKeyId: domainKey.id };
}

/**
 * Unwrap a person's DEK. Throws `EnvelopeError` if it does not open.
 * SECURITY: only the gate (src/core/door/admission.ts) may call this.
 */
export function openPersonKey(keyring: Keyring, personId: string, domain: Domain, wrapped: string): PersonKey {
  const dek = openEnvelope(keyring.domainKeyById, wrapped, personKeyContext(personId, domain));
  return new PersonKey(MINT, personId, domain, dek);
}

const recordInfo = new Map<string, Uint8Array>();

function recordKey(key: PersonKey, recordType: string): SymmetricKey {
  const label = `tacet/record/${key.domain}/${recordType}/v1`;
  let info = recordInfo.get(label);
  if (!info) {
    info = utf8(label);
    recordInfo.set(label, info);
  }
  // The DEK is uniformly random, so HKDF-Expand alone is a sound KDF here (RFC 5869 §3.3).
  const bytes = hkdfExpand(dekOf(key), info, 32);
  return { id: `dek.${key.domain}`, bytes };
}

/**
 * Encrypt a JSON-serialisable record under a key derived from the person's
 * DEK for `recordType`, bound to the record's id.
 */
export function sealPersonRecord(key: PersonKey, recordType: string, recordId: string, value: unknown): string {
  return sealEnvelope(recordKey(key, recordType), utf8(JSON.stringify(value)), `${recordType}/${recordId}/${key.personId}`);
}

/**
 * Decrypt a person record. SECURITY: only the gate (src/core/door/admission.ts)
 * may call this; test/security/single-door.test.ts enforces it.
 */
export function openPersonRecord(key: PersonKey, recordType: string, recordId: string, envelope: string): unknown {
  const derived = recordKey(key, recordType);
  const bytes = openEnvelope((id) => (id === derived.id ? derived : undefined), envelope, `${recordType}/${recordId}/${key.personId}`);
  return JSON.parse(bytes.toString('utf8')) as unknown;
}

/** Seal a staff secret (e.g. a TOTP seed) bound to its owner and purpose. */
export function sealStaffSecret(keyring: Keyring, purpose: string, ownerId: string, value: string): string {
  return sealEnvelope(keyring.staffSecretKey, utf8(value), `staff-secret|${purpose}|${ownerId}`);
}

/** Open a staff secret; throws `EnvelopeError` on tampering or a different owner/purpose. */
export function openStaffSecret(keyring: Keyring, purpose: string, ownerId: string, envelope: string): string {
  return fromUtf8(openEnvelope((id) => (id === keyring.staffSecretKey.id ? keyring.staffSecretKey : undefined), envelope, `staff-secret|${purpose}|${ownerId}`));
}

/**
 * Key for one of a person's files (a photo and its thumbnail) in the blob
 * store, derived from their DEK for the domain: shredding the DEK shreds
 * every file. The streaming AEAD derives a fresh per-file key from it again
 * with a random salt (stream.ts).
 */
export function personFileKey(key: PersonKey, fileId: string): Buffer {
  return hkdfExpand(dekOf(key), utf8(`tacet/file/${key.domain}/${fileId}/v1`), 32);
}

/** Seal a queued message (e.g. a breach notice with its address) bound to its outbox row. */
export function sealOutboxPayload(keyring: Keyring, outboxId: string, value: unknown): string {
  return sealEnvelope(keyring.outboxKey, utf8(JSON.stringify(value)), `outbox|${outboxId}`);
}

/** Open a sealed queued message; throws `EnvelopeError` if tampered with or moved to another row. */
export function openOutboxPayload(keyring: Keyring, outboxId: string, envelope: string): unknown {
  return JSON.parse(fromUtf8(openEnvelope((id) => (id === keyring.outboxKey.id ? keyring.outboxKey : undefined), envelope, `outbox|${outboxId}`))) as unknown;
}

/** Re-wrap a person's DEK under the domain's active key (the DEK itself, and so every record, is unchanged). */
export function rewrapPersonKey(keyring: Keyring, personId: string, domain: Domain, wrapped: string): { wrapped: string; wrappingKeyId: string } {
  const dek = openEnvelope(keyring.domainKeyById, wrapped, personKeyContext(personId, domain));
  const active = keyring.activeDomainKey(domain);
  try {
    return { wrapped: sealEnvelope(active, dek, personKeyContext(personId, domain)), wrappingKeyId: active.id };
  } finally {
    dek.fill(0);
  }
}
