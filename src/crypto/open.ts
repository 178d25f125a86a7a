/**
 * Opening HPKE ciphertexts with a recipient private key. Core tier only.
 * SECURITY: never import this from src/intake.
 */
import { generateKeyPairSync, type KeyObject } from 'node:crypto';
import { fromBase64Url, toBase64Url, utf8 } from './bytes.js';
import { ENQUIRY_HPKE_INFO, enquiryAad } from './enquiry-suite.js';
import {
  AEAD,
  contextOpen,
  dh,
  kemSharedSecret,
  keySchedule,
  type ScheduleParams,
  scheduleParams,
  serializePrivateKey,
  serializePublicKey,
  x25519PrivateKey,
  x25519PublicKey,
} from './hpke-schedule.js';

/** A recipient key pair ready to open many messages. */
export interface OpeningKey {
  readonly kid: string;
  readonly privateKey: KeyObject;
  readonly publicKeyRaw: Uint8Array;
}

/** Make a fresh X25519 intake key pair; returns raw bytes for wrapping and publishing. */
export function generateIntakeKeyPair(): { privateKeyRaw: Uint8Array; publicKeyB64: string } {
  const { privateKey, publicKey } = generateKeyPairSync('x25519');
  return { privateKeyRaw: serializePrivateKey(privateKey), publicKeyB64: toBase64Url(serializePublicKey(publicKey)) };
}

/** Import a raw recipient key pair. */
export function importOpeningKey(kid: string, privateKeyRaw: Uint8Array, publicKeyRaw: Uint8Array): OpeningKey {
  const privateKey = x25519PrivateKey(privateKeyRaw);
  const derived = serializePublicKey(x25519PublicKey(publicKeyRaw));
  return { kid, privateKey, publicKeyRaw: derived };
}

/** HPKE OpenBase (RFC 9180 §6.1). Throws on any authentication failure. */
export function openBase(recipient: OpeningKey, params: ScheduleParams, enc: Uint8Array, aad: Uint8Array, ct: Uint8Array): Buffer {
  const sharedSecret = kemSharedSecret(dh(recipient.privateKey, x25519PublicKey(enc)), enc, recipient.publicKeyRaw);
  return contextOpen(keySchedule(params, sharedSecret), 0, aad, ct);
}

const enquiryParams: ScheduleParams = scheduleParams(AEAD.aes256gcm, utf8(ENQUIRY_HPKE_INFO));

/** Open an enquiry sealed by the browser or the no-JS intake path. */
export function openEnquiry(recipient: OpeningKey, clinic: string, enc: string, ct: string): Buffer {
  return openBase(recipient, enquiryParams, fromBase64Url(enc), utf8(enquiryAad(clinic, recipient.kid)), fromBase64Url(ct));
}
