/**
 * Normalisation for blind-index lookups: the same person typed twice must
 * produce the same index. Pure functions; never log their inputs.
 */
import { parsePhoneNumberFromString } from 'libphonenumber-js';

/**
 * Trimmed, lower-cased, then NFC email. Idempotent (normalising twice is a
 * no-op, so a stored, rectified email finds itself again): NFC comes last
 * because lower-casing can leave text that NFC composes further (Greek
 * capitals with combining accents, e.g. U+03AA U+0301), and composing never
 * yields an upper-case letter or edge whitespace. A property test holds it.
 */
export function normaliseEmail(email: string): string {
  return email.trim().toLowerCase().normalize('NFC');
}

// The two shapes almost every UK enquiry uses: national 0XXXXXXXXXX, or +44 / 0044 with an optional (0).
const UK_NATIONAL = /^0([1-9]\d{9})$/;
const UK_INTERNATIONAL = /^(?:\+|00)44(?:\(0\))?([1-9]\d{9})$/;

/**
 * E.164 phone number (default region GB), or undefined when it cannot be
 * parsed. UK numbers in the two common shapes take a fast path (~1 µs instead
 * of libphonenumber's ~80 µs); a test checks it agrees with libphonenumber.
 */
export function normalisePhone(phone: string, defaultRegion: 'GB' = 'GB'): string | undefined {
  const compact = phone.replace(/[\s.-]/g, '');
  const uk = UK_NATIONAL.exec(compact) ?? UK_INTERNATIONAL.exec(compact);
  if (uk && defaultRegion === 'GB') return `+44${uk[1]}`;
  const parsed = parsePhoneNumberFromString(phone.trim(), defaultRegion);
  // A length check instead of isPossible(): half the cost, and the index only needs a stable form.
  return parsed && parsed.nationalNumber.length >= 7 ? parsed.number : undefined;
}

/** Surname (last word of the name, case- and accent-folded) joined with an ISO date of birth. */
export function normaliseSurnameDob(name: string, dob: string | undefined): string | undefined {
  if (!dob) return undefined;
  const words = name.normalize('NFKD').replace(/\p{M}/gu, '').trim().toLowerCase().split(/\s+/);
  const surname = words[words.length - 1];
  return surname ? `${surname}|${dob}` : undefined;
}
