/**
 * The public contract between a browser (or the no-JS intake path) that seals
 * an enquiry and the core tier that opens it. Browser-safe: constants only.
 *
 * Suite: RFC 9180 base mode, DHKEM(X25519, HKDF-SHA256) / HKDF-SHA256 / AES-256-GCM.
 */

/** Identifies the HPKE suite in an enquiry envelope. */
export const ENQUIRY_SUITE = 'X25519-HKDF-SHA256-AES-256-GCM' as const;

/** HPKE `info` for enquiries: binds ciphertexts to this protocol and version. */
export const ENQUIRY_HPKE_INFO = 'tacet-enquiry/v1';

/**
 * HPKE additional data: binds the sealed body to the clinic and key id sent
 * in the clear, so moving an envelope to another clinic makes it unopenable.
 */
export function enquiryAad(clinic: string, kid: string): string {
  return `tacet-enquiry/v1|clinic=${clinic}|kid=${kid}`;
}

/** Upper bound of an enquiry's sealed ciphertext, in base64url characters. */
export const MAX_SEALED_CT_CHARS = 43_000;
