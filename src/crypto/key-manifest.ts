/**
 * The key-material manifest: a MAC, under a key derived from the vault key,
 * over every `key_material` row's metadata (id, kind, domain, version,
 * status, public key) and a digest of its wrapped bytes.
 *
 * SECURITY: a database writer can change a row's status (bring a retired
 * domain key back), swap a public key or add a row; the wrap AAD binds only
 * the id to the wrapped bytes. The manifest binds everything else, so any
 * such edit is refused at unseal and before every publication. Only a
 * process holding the unsealed keyring can make a valid manifest.
 */
import { createPrivateKey, createPublicKey } from 'node:crypto';
import { toBase64Url, utf8 } from './bytes.js';
import { hkdfExpand, hkdfExtract } from './hkdf.js';
import { hmacB64, safeEqual, sha256Hex } from './digest.js';
import { serializePublicKey, x25519PrivateKey } from './hpke-schedule.js';

/** The fields of a key-material row that the manifest covers. */
export interface ManifestEntry {
  readonly id: string;
  readonly kind: string;
  readonly domain: string | null;
  readonly version: number;
  readonly wrapped: string;
  readonly publicKey: string | null;
  readonly status: string;
}

/** Raised when stored key material does not match what the vault key authenticates. Names ids only. */
export class KeyMaterialTamperedError extends Error {
  constructor(reason: string) {
    super(reason);
    this.name = 'KeyMaterialTamperedError';
  }
}

/** The manifest key: derived from the vault key, held in the unsealed keyring only. */
export function manifestKeyFor(vaultKeyBytes: Uint8Array): Buffer {
  return hkdfExpand(hkdfExtract(utf8('tacet/key-manifest'), vaultKeyBytes), utf8('v1'), 32);
}

function canonical(entries: readonly ManifestEntry[]): string {
  const rows = [...entries]
    .sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0))
    .map((e) => [e.id, e.kind, e.domain ?? '', e.version, e.status, e.publicKey ?? '', sha256Hex(e.wrapped)]);
  return JSON.stringify(['tacet/key-manifest/v1', rows]);
}

/** MAC the manifest of `entries` (order does not matter). */
export function signManifest(manifestKey: Uint8Array, entries: readonly ManifestEntry[]): string {
  return hmacB64(manifestKey, canonical(entries));
}

/** Throw `KeyMaterialTamperedError` unless `mac` authenticates exactly `entries`. */
export function verifyManifest(manifestKey: Uint8Array, entries: readonly ManifestEntry[], mac: string | null | undefined): void {
  if (!mac) throw new KeyMaterialTamperedError('the key-material manifest is missing');
  if (!safeEqual(signManifest(manifestKey, entries), mac)) throw new KeyMaterialTamperedError('the key-material rows do not match their manifest');
}

/** The X25519 public key (base64url raw) of a raw private key. */
export function x25519PublicFromPrivate(privateKeyRaw: Uint8Array): string {
  return toBase64Url(serializePublicKey(createPublicKey(x25519PrivateKey(privateKeyRaw))));
}

/** The Ed25519 public key (base64url SPKI DER) of a PKCS#8 private key. */
export function ed25519PublicFromPrivate(pkcs8: Uint8Array): string {
  const privateKey = createPrivateKey({ key: Buffer.from(pkcs8), format: 'der', type: 'pkcs8' });
  if (privateKey.asymmetricKeyType !== 'ed25519') throw new KeyMaterialTamperedError('the audit signing key is not Ed25519');
  return toBase64Url(createPublicKey(privateKey).export({ format: 'der', type: 'spki' }));
}
