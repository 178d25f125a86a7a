/**
 * Ed25519 signatures for audit checkpoints: the core signs (seq, head hash,
 * time) so that a copy exported off the box proves what the log held. The
 * key's fingerprint, kept off the box, is the trust anchor of
 * `tacet audit verify`.
 */
import { createHash, createPrivateKey, createPublicKey, generateKeyPairSync, type KeyObject, sign, verify } from 'node:crypto';
import { fromBase64Url, toBase64Url } from './bytes.js';

/** A fresh Ed25519 pair: raw private seed (to wrap) and raw public key (base64url). */
export function generateSigningKeyPair(): { privateKeyPkcs8: Buffer; publicKeyB64: string } {
  const { privateKey, publicKey } = generateKeyPairSync('ed25519');
  const spki = publicKey.export({ format: 'der', type: 'spki' });
  return { privateKeyPkcs8: privateKey.export({ format: 'der', type: 'pkcs8' }), publicKeyB64: toBase64Url(spki) };
}

export function importSigningKey(pkcs8: Uint8Array): KeyObject {
  return createPrivateKey({ key: Buffer.from(pkcs8), format: 'der', type: 'pkcs8' });
}

/** Sign a message; base64url signature. */
export function signMessage(privateKey: KeyObject, message: string): string {
  return toBase64Url(sign(null, Buffer.from(message, 'utf8'), privateKey));
}

/**
 * An Ed25519 public key from base64url SPKI DER (as stored and exported) or a PEM block.
 * Throws if it is not one — SECURITY: never accept another algorithm in its place
 * (an RSA or ECDSA key would verify signatures of its own kind).
 */
function ed25519PublicKey(text: string): KeyObject {
  const trimmed = text.trim();
  const key = trimmed.startsWith('-----BEGIN') ? createPublicKey({ key: trimmed, format: 'pem' }) : createPublicKey({ key: Buffer.from(fromBase64Url(trimmed)), format: 'der', type: 'spki' });
  if (key.asymmetricKeyType !== 'ed25519') throw new Error('not an Ed25519 public key');
  return key;
}

/** Verify a signature made by `signMessage`, with the public key as exported (base64url SPKI). False on any malformation or a key that is not Ed25519. */
export function verifyMessage(publicKeyB64: string, message: string, signature: string): boolean {
  try {
    return verify(null, Buffer.from(message, 'utf8'), ed25519PublicKey(publicKeyB64), Buffer.from(fromBase64Url(signature)));
  } catch {
    return false;
  }
}

/**
 * Fingerprint of an audit signing key: SHA-256 of the raw 32-byte Ed25519
 * public key, lower-case hex in sixteen groups of four joined by `:`.
 * Accepts base64url SPKI DER or PEM. Throws if the key is not Ed25519.
 */
export function signingKeyFingerprint(publicKey: string): string {
  let key: KeyObject;
  try {
    key = ed25519PublicKey(publicKey);
  } catch {
    throw new Error('not an Ed25519 public key');
  }
  const raw = Buffer.from(key.export({ format: 'jwk' }).x ?? '', 'base64url');
  return formatFingerprint(createHash('sha256').update(raw).digest('hex'));
}

function formatFingerprint(hex: string): string {
  return (hex.match(/.{4}/g) ?? []).join(':');
}

/** A fingerprint as typed by a person (any case; grouped by `:`, `-`, spaces or not at all), normalised; undefined if it is not one. */
export function parseFingerprint(text: string): string | undefined {
  const hex = text.trim().toLowerCase().replace(/[\s:-]/g, '');
  return /^[0-9a-f]{64}$/.test(hex) ? formatFingerprint(hex) : undefined;
}
