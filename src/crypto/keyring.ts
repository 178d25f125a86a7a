/**
 * The keyring: vault key → domain keys, intake HPKE key pairs and the
 * blind-index root → per-person data keys (DEKs).
 *
 * The vault key is never stored in the clear. It is wrapped by a passphrase
 * KEK (Argon2id) or split into Shamir shares; a "check" envelope proves a
 * reconstructed vault key is the right one. Everything else is stored wrapped
 * by the vault key in `key_material` rows, which this module produces and
 * consumes as plain data (no database access here).
 */
import { combine, split } from 'shamir-secret-sharing';
import { fromBase64Url, fromUtf8, toBase64Url, utf8 } from './bytes.js';
import { type BlindIndexKeys, deriveBlindIndexKeys } from './blind-index.js';
import { hkdfExpand, hkdfExtract } from './hkdf.js';
import { EnvelopeError, generateSymmetricKey, openEnvelope, sealEnvelope, type SymmetricKey } from './envelope.js';
import { generateIntakeKeyPair, importOpeningKey, type OpeningKey } from './open.js';
import { type Argon2Params, deriveKek, newSalt, VAULT_KDF_PARAMS } from './passphrase.js';
import { randomSecret } from './random.js';
import { generateSigningKeyPair, importSigningKey } from './signing.js';
import { ed25519PublicFromPrivate, KeyMaterialTamperedError, manifestKeyFor, signManifest, verifyManifest, x25519PublicFromPrivate } from './key-manifest.js';
import type { KeyObject } from 'node:crypto';

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

const VAULT_KEY_ID = 'vault';
const VAULT_CHECK_CONTEXT = 'tacet/vault-check/v1';
/** Check plaintext of vaults whose key-material manifest is required (a database writer cannot downgrade it: the check is sealed). */
const CHECK_WITH_MANIFEST = 'tacet+manifest';
const CHECK_LEGACY = 'tacet';
const KEK_CONTEXT = 'tacet/vault-wrap/passphrase/v1';

function wrapContext(id: string): string {
  return `tacet/key-material/${id}`;
}

/** Result of initialising a vault: what to store, plus Shamir shares to hand out once. */
export interface VaultInit {
  readonly vault: VaultRecord;
  readonly keys: KeyMaterialRecord[];
  readonly shares: string[];
}

/** Options for `initVault`. */
export interface VaultInitOptions {
  readonly passphrase?: string;
  readonly shamir?: { readonly threshold: number; readonly shares: number };
  readonly kdfParams?: Argon2Params;
}

/**
 * Create a new vault key and all first-generation keys. At least one unseal
 * method must be given. Returns Shamir shares (base64url) only here, once.
 */
export async function initVault(options: VaultInitOptions): Promise<VaultInit> {
  if (!options.passphrase && !options.shamir) throw new UnsealError('an unseal method is required');
  const vaultKey = generateSymmetricKey(VAULT_KEY_ID);
  const { vault, shares } = await protectVaultKey(vaultKey, options);
  const keys: KeyMaterialRecord[] = [];
  for (const domain of DOMAINS) {
    const id = `${domain}.v1`;
    keys.push({ id, kind: 'domain', domain, version: 1, wrapped: sealEnvelope(vaultKey, randomSecret(), wrapContext(id)), publicKey: null, status: 'active' });
  }
  keys.push(newIntakeKey(vaultKey, 1));
  keys.push(newAuditSigningKey(vaultKey, 1));
  keys.push({ id: 'blind-index.v1', kind: 'blind-index', domain: null, version: 1, wrapped: sealEnvelope(vaultKey, randomSecret(), wrapContext('blind-index.v1')), publicKey: null, status: 'active' });
  return { vault: { ...vault, manifest: manifestMacFor(vaultKey, keys) }, keys, shares };
}

/** Protect a vault key with the unseal methods: the record to store, and Shamir shares to hand out once. */
async function protectVaultKey(vaultKey: SymmetricKey, options: VaultInitOptions): Promise<{ vault: VaultRecord; shares: string[] }> {
  if (!options.passphrase && !options.shamir) throw new UnsealError('an unseal method is required');
  const check = sealEnvelope(vaultKey, utf8(CHECK_WITH_MANIFEST), VAULT_CHECK_CONTEXT);
  let passphrase: VaultRecord['passphrase'] = null;
  if (options.passphrase) {
    const params = options.kdfParams ?? VAULT_KDF_PARAMS;
    assertKdfFloor(params);
    const salt = newSalt();
    const kek: SymmetricKey = { id: 'kek-passphrase', bytes: await deriveKek(options.passphrase, salt, params) };
    passphrase = { salt: toBase64Url(salt), params, wrapped: sealEnvelope(kek, vaultKey.bytes, KEK_CONTEXT) };
  }
  let shares: string[] = [];
  if (options.shamir) {
    const { threshold, shares: count } = options.shamir;
    if (!(threshold >= 2 && count >= threshold && count <= 255)) throw new UnsealError('Shamir needs 2 <= k <= n <= 255');
    shares = (await split(new Uint8Array(vaultKey.bytes), count, threshold)).map((share) => toBase64Url(share));
  }
  return { vault: { check, passphrase, shamir: options.shamir ?? null }, shares };
}

/**
 * Rotate the vault key: a new one, protected by the new unseal methods (a
 * passphrase and/or fresh Shamir shares — the old ones stop working), and
 * every key-material record re-wrapped under it. The keys derived for staff
 * secrets, canary and watermark markers and queued letters come from a
 * derivation root; an installation that derived them from the vault key
 * itself keeps those bytes as its root (wrapped like any key), so TOTP seeds,
 * markers and watermarks already made stay valid. Backups follow the vault
 * key: older ones open with the unseal material they were made under.
 */
export async function rotateVaultKey(oldKey: SymmetricKey, records: readonly KeyMaterialRecord[], options: VaultInitOptions): Promise<{ vault: VaultRecord; shares: string[]; records: KeyMaterialRecord[]; vaultKey: SymmetricKey }> {
  const newKey = generateSymmetricKey(VAULT_KEY_ID);
  const { vault, shares } = await protectVaultKey(newKey, options);
  const unwrap = (record: KeyMaterialRecord): Buffer => {
    try {
      return openEnvelope((id) => (id === oldKey.id ? oldKey : undefined), record.wrapped, wrapContext(record.id));
    } catch {
      throw new UnsealError(`key material ${record.id} does not open`);
    }
  };
  const rewrapped = records.map((record) => ({ ...record, wrapped: sealEnvelope(newKey, unwrap(record), wrapContext(record.id)) }));
  if (!records.some((r) => r.kind === 'derivation-root')) {
    rewrapped.push({ id: 'derivation-root.v1', kind: 'derivation-root', domain: null, version: 1, wrapped: sealEnvelope(newKey, oldKey.bytes, wrapContext('derivation-root.v1')), publicKey: null, status: 'active' });
  }
  return { vault: { ...vault, manifest: manifestMacFor(newKey, rewrapped) }, shares, records: rewrapped, vaultKey: newKey };
}

/** The manifest MAC of `records` under `vaultKey` (init, rotation, and the first unseal of an older vault). */
export function manifestMacFor(vaultKey: SymmetricKey, records: readonly KeyMaterialRecord[]): string {
  const key = manifestKeyFor(vaultKey.bytes);
  try {
    return signManifest(key, records);
  } finally {
    key.fill(0);
  }
}

/**
 * A vault made before the manifest existed: its record upgraded to require
 * one from now on (new check, manifest over today's rows). The caller stores
 * it; undefined when the vault already requires a manifest.
 */
export function upgradeLegacyVault(vault: VaultRecord, vaultKey: SymmetricKey, records: readonly KeyMaterialRecord[]): VaultRecord | undefined {
  if (requiresManifest(vault, vaultKey)) return undefined;
  return { ...vault, check: sealEnvelope(vaultKey, utf8(CHECK_WITH_MANIFEST), VAULT_CHECK_CONTEXT), manifest: manifestMacFor(vaultKey, records) };
}

function requiresManifest(vault: VaultRecord, vaultKey: SymmetricKey): boolean {
  const plaintext = fromUtf8(openEnvelope(() => vaultKey, vault.check, VAULT_CHECK_CONTEXT));
  if (plaintext !== CHECK_WITH_MANIFEST && plaintext !== CHECK_LEGACY) throw new UnsealError('unseal material does not match this vault');
  return plaintext === CHECK_WITH_MANIFEST;
}

function newAuditSigningKey(vaultKey: SymmetricKey, version: number): KeyMaterialRecord {
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
 * The lowest vault KDF cost accepted (OWASP's Argon2id minimum: 19 MiB, 2
 * passes). SECURITY: the passphrase KEK is the vault's last line against an
 * offline guess from a stolen database, so weaker parameters are refused,
 * at init and rotation and when a stored record asks for them.
 */
export const VAULT_KDF_FLOOR: Argon2Params = { memoryCost: 19_456, timeCost: 2, parallelism: 1 };

function assertKdfFloor(params: Argon2Params): void {
  const isInteger = [params.memoryCost, params.timeCost, params.parallelism].every((n) => Number.isSafeInteger(n));
  if (!isInteger || params.memoryCost < VAULT_KDF_FLOOR.memoryCost || params.timeCost < VAULT_KDF_FLOOR.timeCost || params.parallelism < VAULT_KDF_FLOOR.parallelism) {
    throw new UnsealError(`vault KDF parameters are below the floor (m >= ${VAULT_KDF_FLOOR.memoryCost} KiB, t >= ${VAULT_KDF_FLOOR.timeCost}, p >= ${VAULT_KDF_FLOOR.parallelism})`);
  }
}

/** Recover the vault key from a passphrase. Throws `UnsealError` if wrong. */
export async function vaultKeyFromPassphrase(vault: VaultRecord, passphrase: string): Promise<SymmetricKey> {
  if (!vault.passphrase) throw new UnsealError('this vault has no passphrase unseal method');
  assertKdfFloor(vault.passphrase.params);
  const kek: SymmetricKey = { id: 'kek-passphrase', bytes: await deriveKek(passphrase, fromBase64Url(vault.passphrase.salt), vault.passphrase.params) };
  try {
    const bytes = openEnvelope(() => kek, vault.passphrase.wrapped, KEK_CONTEXT);
    return checkVaultKey(vault, { id: VAULT_KEY_ID, bytes });
  } catch (error) {
    if (error instanceof EnvelopeError) throw new UnsealError('wrong passphrase');
    throw error;
  }
}

/** Recover the vault key from k Shamir shares. Throws `UnsealError` if they do not combine to it. */
export async function vaultKeyFromShares(vault: VaultRecord, shares: readonly string[]): Promise<SymmetricKey> {
  if (!vault.shamir) throw new UnsealError('this vault has no Shamir unseal method');
  if (shares.length < vault.shamir.threshold) throw new UnsealError('not enough shares');
  let bytes: Uint8Array;
  try {
    bytes = await combine(shares.map((share) => fromBase64Url(share)));
  } catch {
    throw new UnsealError('shares are malformed');
  }
  return checkVaultKey(vault, { id: VAULT_KEY_ID, bytes: Buffer.from(bytes) });
}

function checkVaultKey(vault: VaultRecord, key: SymmetricKey): SymmetricKey {
  try {
    requiresManifest(vault, key);
  } catch {
    throw new UnsealError('unseal material does not match this vault');
  }
  return key;
}

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

/**
 * A new version of a domain key, wrapped by the vault key (key rotation).
 * The previous versions stay in the keyring until every person key they
 * wrap has been re-wrapped (see `rewrapPersonKey`).
 */
export function newDomainKey(vaultKey: SymmetricKey, domain: Domain, version: number): KeyMaterialRecord {
  const id = `${domain}.v${version}`;
  return { id, kind: 'domain', domain, version, wrapped: sealEnvelope(vaultKey, randomSecret(), wrapContext(id)), publicKey: null, status: 'active' };
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
