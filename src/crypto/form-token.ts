/**
 * Anti-bot, single-use form tokens for the intake tier: an issue time and a
 * random nonce, signed with the intake's own random secret (not a data key).
 * A submission must arrive no sooner than a human could fill the form and
 * before the token expires, and each token is accepted once: the intake
 * records the hash of its id (`formTokenUse`) when it accepts a submission.
 */
import { randomToken } from './random.js';
import { hmacB64, safeEqual, sha256Hex } from './digest.js';

/** Why a form token was refused. */
export type FormTokenVerdict = 'ok' | 'malformed' | 'too-fast' | 'expired';

/** What the intake records of a token it accepted: a hash of its id, kept until the token expires anyway. */
export interface FormTokenUse {
  /** SHA-256 (hex) of the token id; the token itself is never stored. */
  readonly idHash: string;
  /** When the token expires (issue time + maximum age); the record can be purged after. */
  readonly expiresAt: Date;
}

const TOKEN = /^(\d{1,16})\.([A-Za-z0-9_-]{22})\.([A-Za-z0-9_-]{43})$/;

const mac = (secret: Uint8Array, id: string): string => hmacB64(secret, `form-token|${id}`);

/** Issue a fresh token stamped with `nowMs` (every call gives a different token, even within one millisecond). */
export function issueFormToken(secret: Uint8Array, nowMs: number): string {
  const id = `${Math.max(0, Math.floor(nowMs))}.${randomToken(16)}`;
  return `${id}.${mac(secret, id)}`;
}

/** Check a token's signature and age (not whether it was used: that is the intake's ledger). */
export function checkFormToken(secret: Uint8Array, token: string, nowMs: number, minAgeMs: number, maxAgeMs: number): FormTokenVerdict {
  const match = TOKEN.exec(token);
  if (!match) return 'malformed';
  const stamp = match[1] as string;
  if (!safeEqual(mac(secret, `${stamp}.${match[2] as string}`), match[3] as string)) return 'malformed';
  const age = nowMs - Number(stamp);
  if (age < minAgeMs) return 'too-fast';
  if (age > maxAgeMs) return 'expired';
  return 'ok';
}

/** The record of using a well-formed token (call after `checkFormToken` said 'ok'). Throws on a malformed token. */
export function formTokenUse(token: string, maxAgeMs: number): FormTokenUse {
  const match = TOKEN.exec(token);
  if (!match) throw new Error('malformed form token');
  const stamp = Number(match[1]);
  return { idHash: sha256Hex(`form-token-use|${match[1] as string}.${match[2] as string}`), expiresAt: new Date(stamp + maxAgeMs) };
}
