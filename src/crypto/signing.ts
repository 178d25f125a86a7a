/**
 * Ed25519 signatures for audit checkpoints: the core signs (seq, head hash,
 * time) so that a copy exported off the box proves what the log held.
 */
import { createPrivateKey, createPublicKey, generateKeyPairSync, type KeyObject, sign, verify } from 'node:crypto';
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

/** Verify a signature made by `signMessage`, with the public key as exported (base64url SPKI). False on any malformation. */
export function verifyMessage(publicKeyB64: string, message: string, signature: string): boolean {
  try {
    const key = createPublicKey({ key: Buffer.from(fromBase64Url(publicKeyB64)), format: 'der', type: 'spki' });
    return verify(null, Buffer.from(message, 'utf8'), key, Buffer.from(fromBase64Url(signature)));
  } catch {
    return false;
  }
}
