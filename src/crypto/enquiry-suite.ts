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

/** Domain separation for an enquiry's reference: SHA-256 of this and the submission id. */
export const ENQUIRY_REFERENCE_CONTEXT = 'tacet-enquiry-reference/v1|';

const CROCKFORD = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';

/**
 * The reference a person is given for their enquiry (thank-you page,
 * acknowledgement e-mail) and staff find it by: 50 bits of
 * SHA-256(ENQUIRY_REFERENCE_CONTEXT + submission id), given as lowercase hex,
 * in Crockford base32 (no I, L, O, U), as `ENQ-XXXXX-XXXXX`. The browser, the
 * no-JS intake path and the core each compute it from the same submission id,
 * so the page a person sees before ingest shows what staff will see after.
 * Not secret and not personal: it opens nothing.
 */
export function formatEnquiryReference(sha256Hex: string): string {
  let bits = BigInt(`0x${sha256Hex.slice(0, 13)}`) >> 2n;
  let code = '';
  for (let i = 0; i < 10; i += 1) {
    code = CROCKFORD[Number(bits & 31n)] + code;
    bits >>= 5n;
  }
  return `ENQ-${code.slice(0, 5)}-${code.slice(5)}`;
}
