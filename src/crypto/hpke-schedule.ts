/**
 * RFC 9180 building blocks for DHKEM(X25519, HKDF-SHA256) + HKDF-SHA256 in
 * base mode, on Node's native primitives (X25519 via OpenSSL, HMAC-SHA256,
 * AES-GCM). `@hpke/core` is the browser's implementation; it makes several
 * async WebCrypto calls per message and opens ~250 messages/s in Node, so the
 * server uses this synchronous path. Both are checked against RFC 9180
 * Appendix A vectors and against each other (see hpke.test.ts).
 *
 * Nothing here touches a private key except `dh`, which callers give one.
 */
import { createCipheriv, createDecipheriv, createPrivateKey, createPublicKey, diffieHellman, type KeyObject } from 'node:crypto';
import { concatBytes, i2osp, toBase64Url, utf8 } from './bytes.js';
import { HASH_LENGTH, hkdfExpand, hkdfExtract } from './hkdf.js';

export const KEM_X25519_HKDF_SHA256 = 0x0020;
export const KDF_HKDF_SHA256 = 0x0001;
/** AEAD ids from RFC 9180 §7.3. */
export const AEAD = {
  aes128gcm: { id: 0x0001, keyLength: 16, cipher: 'aes-128-gcm' },
  aes256gcm: { id: 0x0002, keyLength: 32, cipher: 'aes-256-gcm' },
} as const;
export type AeadSuite = (typeof AEAD)[keyof typeof AEAD];

const NONCE_LENGTH = 12;
const TAG_LENGTH = 16;
const X25519_KEY_LENGTH = 32;
const VERSION_LABEL = utf8('HPKE-v1');
const MODE_BASE = 0x00;
const KEM_SUITE_ID = concatBytes(utf8('KEM'), i2osp(KEM_X25519_HKDF_SHA256, 2));

// DER prefix that wraps a raw 32-byte X25519 private key as PKCS#8 (RFC 8410).
const PKCS8_PREFIX = Buffer.from('302e020100300506032b656e04220420', 'hex');

// "HPKE-v1" || suite_id || label, built once per (suite, label): the KEM and key schedule use a handful.
// Suite ids are long-lived constants (module-level or in ScheduleParams), so they key a WeakMap.
const labelPrefixes = new WeakMap<Uint8Array, Map<string, Uint8Array>>();

function labelPrefix(suiteId: Uint8Array, label: string): Uint8Array {
  let bySuite = labelPrefixes.get(suiteId);
  if (!bySuite) {
    bySuite = new Map();
    labelPrefixes.set(suiteId, bySuite);
  }
  let prefix = bySuite.get(label);
  if (!prefix) {
    prefix = concatBytes(VERSION_LABEL, suiteId, utf8(label));
    bySuite.set(label, prefix);
  }
  return prefix;
}

function labeledExtract(suiteId: Uint8Array, salt: Uint8Array, label: string, ikm: Uint8Array): Buffer {
  return hkdfExtract(salt, concatBytes(labelPrefix(suiteId, label), ikm));
}

function labeledExpand(suiteId: Uint8Array, prk: Uint8Array, label: string, info: Uint8Array, length: number): Buffer {
  return hkdfExpand(prk, concatBytes(i2osp(length, 2), labelPrefix(suiteId, label), info), length);
}

/** Import a raw X25519 public key. Throws on a wrong length. */
export function x25519PublicKey(raw: Uint8Array): KeyObject {
  if (raw.length !== X25519_KEY_LENGTH) throw new RangeError('X25519 public key must be 32 bytes');
  // JWK import is ~10x faster than DER in Node (it skips the ASN.1 decoder); this runs once per message.
  return createPublicKey({ key: { kty: 'OKP', crv: 'X25519', x: toBase64Url(raw) }, format: 'jwk' });
}

/** Import a raw X25519 private key. Throws on a wrong length. */
export function x25519PrivateKey(raw: Uint8Array): KeyObject {
  if (raw.length !== X25519_KEY_LENGTH) throw new RangeError('X25519 private key must be 32 bytes');
  return createPrivateKey({ key: Buffer.concat([PKCS8_PREFIX, raw]), format: 'der', type: 'pkcs8' });
}

/** Raw 32-byte encoding of an X25519 public key (SerializePublicKey). */
export function serializePublicKey(key: KeyObject): Uint8Array {
  const der = key.export({ format: 'der', type: 'spki' });
  return new Uint8Array(der.subarray(der.length - X25519_KEY_LENGTH));
}

/** Raw 32-byte encoding of an X25519 private key. */
export function serializePrivateKey(key: KeyObject): Uint8Array {
  const der = key.export({ format: 'der', type: 'pkcs8' });
  return new Uint8Array(der.subarray(der.length - X25519_KEY_LENGTH));
}

/** X25519 DH; rejects the all-zero output of small-order points (RFC 9180 §7.1.4). */
export function dh(privateKey: KeyObject, publicKey: KeyObject): Buffer {
  const secret = diffieHellman({ privateKey, publicKey });
  if (secret.every((byte) => byte === 0)) throw new Error('X25519 produced an all-zero shared secret');
  return secret;
}

/** DHKEM ExtractAndExpand: the KEM shared secret from a DH output and kem_context = enc || pkRm. */
export function kemSharedSecret(dhOutput: Uint8Array, enc: Uint8Array, pkRm: Uint8Array): Buffer {
  const eaePrk = labeledExtract(KEM_SUITE_ID, new Uint8Array(0), 'eae_prk', dhOutput);
  return labeledExpand(KEM_SUITE_ID, eaePrk, 'shared_secret', concatBytes(enc, pkRm), HASH_LENGTH);
}

/** Result of the RFC 9180 §5.1 key schedule (the exporter secret on demand: single-shot use never needs it). */
export interface HpkeContext {
  readonly aead: AeadSuite;
  readonly key: Buffer;
  readonly baseNonce: Buffer;
  readonly exporterSecret: () => Buffer;
}

/**
 * Precomputed part of the key schedule that depends only on suite and `info`.
 * Caching it saves four HMACs per message.
 */
export interface ScheduleParams {
  readonly aead: AeadSuite;
  readonly suiteId: Uint8Array;
  readonly keyScheduleContext: Uint8Array;
}

/** Prepare the `info`-dependent half of the base-mode key schedule. */
export function scheduleParams(aead: AeadSuite, info: Uint8Array): ScheduleParams {
  const suiteId = concatBytes(utf8('HPKE'), i2osp(KEM_X25519_HKDF_SHA256, 2), i2osp(KDF_HKDF_SHA256, 2), i2osp(aead.id, 2));
  const empty = new Uint8Array(0);
  const pskIdHash = labeledExtract(suiteId, empty, 'psk_id_hash', empty);
  const infoHash = labeledExtract(suiteId, empty, 'info_hash', info);
  return { aead, suiteId, keyScheduleContext: concatBytes(Uint8Array.of(MODE_BASE), pskIdHash, infoHash) };
}

/** RFC 9180 KeySchedule in mode_base (no PSK). */
export function keySchedule(params: ScheduleParams, sharedSecret: Uint8Array): HpkeContext {
  const { suiteId, keyScheduleContext: ksc, aead } = params;
  const secret = labeledExtract(suiteId, sharedSecret, 'secret', new Uint8Array(0));
  return {
    aead,
    key: labeledExpand(suiteId, secret, 'key', ksc, aead.keyLength),
    baseNonce: labeledExpand(suiteId, secret, 'base_nonce', ksc, NONCE_LENGTH),
    exporterSecret: () => labeledExpand(suiteId, secret, 'exp', ksc, HASH_LENGTH),
  };
}

function nonceFor(context: HpkeContext, sequence: number): Buffer {
  const nonce = Buffer.from(context.baseNonce);
  const seq = i2osp(sequence, NONCE_LENGTH);
  for (let i = 0; i < NONCE_LENGTH; i++) nonce[i] = (nonce[i] as number) ^ (seq[i] as number);
  return nonce;
}

/** ContextS.Seal for message `sequence`; returns ciphertext || tag. */
export function contextSeal(context: HpkeContext, sequence: number, aad: Uint8Array, plaintext: Uint8Array): Buffer {
  const cipher = createCipheriv(context.aead.cipher, context.key, nonceFor(context, sequence), { authTagLength: TAG_LENGTH });
  cipher.setAAD(aad);
  return Buffer.concat([cipher.update(plaintext), cipher.final(), cipher.getAuthTag()]);
}

/** ContextR.Open for message `sequence`; throws if authentication fails. */
export function contextOpen(context: HpkeContext, sequence: number, aad: Uint8Array, ciphertext: Uint8Array): Buffer {
  if (ciphertext.length < TAG_LENGTH) throw new Error('HPKE ciphertext shorter than its tag');
  const body = ciphertext.subarray(0, ciphertext.length - TAG_LENGTH);
  const tag = ciphertext.subarray(ciphertext.length - TAG_LENGTH);
  const decipher = createDecipheriv(context.aead.cipher, context.key, nonceFor(context, sequence), { authTagLength: TAG_LENGTH });
  decipher.setAAD(aad);
  decipher.setAuthTag(tag);
  return Buffer.concat([decipher.update(body), decipher.final()]);
}
