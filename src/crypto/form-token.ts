/**
 * Anti-bot form tokens for the intake tier: an issue time signed with the
 * intake's own random secret (not a data key). A submission must arrive no
 * sooner than a human could fill the form and before the token expires.
 */
import { hmacB64, safeEqual } from './random.js';

/** Why a form token was refused. */
export type FormTokenVerdict = 'ok' | 'malformed' | 'too-fast' | 'expired';

/** Issue a token stamped with `nowMs`. */
export function issueFormToken(secret: Uint8Array, nowMs: number): string {
  const stamp = String(nowMs);
  return `${stamp}.${hmacB64(secret, `form-token|${stamp}`)}`;
}

/** Check a token's signature and age. */
export function checkFormToken(secret: Uint8Array, token: string, nowMs: number, minAgeMs: number, maxAgeMs: number): FormTokenVerdict {
  const match = /^(\d{1,16})\.([A-Za-z0-9_-]{43})$/.exec(token);
  if (!match) return 'malformed';
  const stamp = match[1] as string;
  if (!safeEqual(hmacB64(secret, `form-token|${stamp}`), match[2] as string)) return 'malformed';
  const age = nowMs - Number(stamp);
  if (age < minAgeMs) return 'too-fast';
  if (age > maxAgeMs) return 'expired';
  return 'ok';
}
