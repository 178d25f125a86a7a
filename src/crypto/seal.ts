/**
 * Sealing to a public key: the only crypto the intake tier may use. It cannot
 * open anything; opening lives in `open.ts`, which intake must never import
 * (enforced by eslint and test/security/intake-boundary.test.ts).
 */
import { generateKeyPairSync, type KeyObject } from 'node:crypto';
import { fromBase64Url, toBase64Url, utf8 } from './bytes.js';
import { ENQUIRY_HPKE_INFO, enquiryAad } from './enquiry-suite.js';
import {
  AEAD,
  type AeadSuite,
  contextSeal,
  dh,
  kemSharedSecret,
  keySchedule,
  type ScheduleParams,
  scheduleParams,
  serializePublicKey,
  x25519PublicKey,
} from './hpke-schedule.js';

/** An HPKE base-mode single-shot ciphertext. */
export interface Sealed {
  readonly enc: Uint8Array;
  readonly ct: Uint8Array;
}

/** A recipient public key prepared for repeated sealing. */
export interface SealingKey {
  readonly kid: string;
  readonly publicKey: KeyObject;
  readonly publicKeyRaw: Uint8Array;
}

/** Import a published recipient key (raw X25519, base64url). */
export function importSealingKey(kid: string, publicKeyB64: string): SealingKey {
  const raw = fromBase64Url(publicKeyB64);
  return { kid, publicKey: x25519PublicKey(raw), publicKeyRaw: raw };
}

/**
 * HPKE SealBase (RFC 9180 §6.1). `ephemeral` exists only for the
 * known-answer tests; production callers leave it out (a fresh key pair).
 */
export function sealBase(
  recipient: SealingKey,
  params: ScheduleParams,
  aad: Uint8Array,
  plaintext: Uint8Array,
  ephemeral: { privateKey: KeyObject; publicKey: KeyObject } = generateKeyPairSync('x25519'),
): Sealed {
  const enc = serializePublicKey(ephemeral.publicKey);
  const sharedSecret = kemSharedSecret(dh(ephemeral.privateKey, recipient.publicKey), enc, recipient.publicKeyRaw);
  const context = keySchedule(params, sharedSecret);
  return { enc, ct: contextSeal(context, 0, aad, plaintext) };
}

const enquiryParams: ScheduleParams = scheduleParams(AEAD.aes256gcm, utf8(ENQUIRY_HPKE_INFO));

/** Seal an enquiry body for `clinic` to the clinic group's intake key. */
export function sealEnquiry(recipient: SealingKey, clinic: string, body: Uint8Array): { enc: string; ct: string } {
  const sealed = sealBase(recipient, enquiryParams, utf8(enquiryAad(clinic, recipient.kid)), body);
  return { enc: toBase64Url(sealed.enc), ct: toBase64Url(sealed.ct) };
}

export type { AeadSuite };
