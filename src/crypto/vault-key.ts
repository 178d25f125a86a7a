/**
 * The vault key: made at initialisation, wrapped by a passphrase KEK
 * (Argon2id) or split into Shamir shares, proven by a sealed "check", and
 * rotated. The key-material manifest MAC binds the rows to it (see
 * key-manifest.ts). No database access here.
 */
import { combine, split } from 'shamir-secret-sharing';
import { fromBase64Url, fromUtf8, toBase64Url, utf8 } from './bytes.js';
import { EnvelopeError, generateSymmetricKey, openEnvelope, sealEnvelope, type SymmetricKey } from './envelope.js';
import { type Argon2Params, deriveKek, newSalt, VAULT_KDF_PARAMS } from './passphrase.js';
import { randomSecret } from './random.js';
import { manifestKeyFor, signManifest } from './key-manifest.js';
import { DOMAINS, type KeyMaterialRecord, newAuditSigningKey, newIntakeKey, UnsealError, type VaultRecord, wrapContext } from './key-material.js';

const VAULT_KEY_ID = 'vault';
const VAULT_CHECK_CONTEXT = 'tacet/vault-check/v1';
/** Check plaintext of vaults whose key-material manifest is required (a database writer cannot downgrade it: the check is sealed). */
const CHECK_WITH_MANIFEST = 'tacet+manifest';
const CHECK_LEGACY = 'tacet';
const KEK_CONTEXT = 'tacet/vault-wrap/passphrase/v1';

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

/** Whether this vault requires the key-material manifest (its sealed check says so); throws UnsealError for a wrong key. */
export function requiresManifest(vault: VaultRecord, vaultKey: SymmetricKey): boolean {
  const plaintext = fromUtf8(openEnvelope(() => vaultKey, vault.check, VAULT_CHECK_CONTEXT));
  if (plaintext !== CHECK_WITH_MANIFEST && plaintext !== CHECK_LEGACY) throw new UnsealError('unseal material does not match this vault');
  return plaintext === CHECK_WITH_MANIFEST;
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

