/**
 * Generated enquiries with distinctive values (so a leak is unmistakable),
 * and the two ways a browser sends them: sealed JSON and the no-JS form.
 */
import { Aes256Gcm, CipherSuite, DhkemX25519HkdfSha256, HkdfSha256 } from '@hpke/core';
import { fromBase64Url, toBase64Url, utf8 } from '../../src/crypto/bytes.js';
import { ENQUIRY_HPKE_INFO, ENQUIRY_SUITE, enquiryAad } from '../../src/crypto/enquiry-suite.js';
import { randomToken } from '../../src/crypto/random.js';
import { importSealingKey, sealEnquiry } from '../../src/crypto/seal.js';
import type { Publication } from '../../src/intake/publication.js';

/** One generated enquiry's fields. */
export interface GeneratedEnquiry {
  sid: string;
  name: string;
  email: string;
  phone: string;
  dob: string;
  address: string;
  procedure: string;
  message: string;
  consent: true;
}

const SYLLABLES = ['zel', 'quor', 'vand', 'mirt', 'oxa', 'prun', 'tesk', 'lib', 'yor', 'fenw', 'gral', 'hux'];

function word(seed: number, parts: number): string {
  let out = '';
  let n = seed;
  for (let i = 0; i < parts; i++) {
    out += SYLLABLES[n % SYLLABLES.length];
    n = Math.floor(n / SYLLABLES.length) + 7 * (i + 1);
  }
  return out;
}

/** A distinctive enquiry number `i` (values unique per run). */
export function generateEnquiry(i: number, run = randomToken(4).replace(/[^A-Za-z]/g, 'q')): GeneratedEnquiry {
  const first = word(i * 31 + 5, 3);
  const last = word(i * 17 + 11, 4);
  const cap = (s: string) => s.charAt(0).toUpperCase() + s.slice(1);
  const year = 1950 + (i % 50);
  const month = String(1 + (i % 12)).padStart(2, '0');
  const day = String(1 + (i % 28)).padStart(2, '0');
  return {
    sid: randomToken(12),
    name: `${cap(first)} ${cap(last)}${run}${i}`,
    email: `${first}.${last}.${run}${i}@mailbox-example.org`,
    phone: `07700 9${String(i).padStart(5, '0')}`,
    dob: `${year}-${month}-${day}`,
    address: `${100 + i} ${cap(word(i + 3, 3))} Crescent ${run}, Loamshire LS${i % 90} 4QX`,
    procedure: `Rhinoplasty consultation ${run}${i}`,
    message: `Please call after six ${run} regarding option ${i} for my procedure`,
    consent: true,
  };
}

/** `count` distinctive enquiries numbered from `first`. */
export function generateEnquiries(first: number, count: number): GeneratedEnquiry[] {
  return Array.from({ length: count }, (_, i) => generateEnquiry(first + i));
}

const suite = new CipherSuite({ kem: new DhkemX25519HkdfSha256(), kdf: new HkdfSha256(), aead: new Aes256Gcm() });

/** Seal as the browser does (with @hpke/core) and build the JSON body. */
export async function browserSealedBody(publication: Publication, clinic: string, fields: GeneratedEnquiry, formToken: string): Promise<Record<string, unknown>> {
  const key = publication.keys.find((k) => k.kid === publication.activeKid);
  if (!key) throw new Error('no active key');
  const recipientPublicKey = await suite.kem.importKey('raw', Uint8Array.from(fromBase64Url(key.publicKey)).buffer, true);
  const sealed = await suite.seal({ recipientPublicKey, info: utf8(ENQUIRY_HPKE_INFO) }, utf8(JSON.stringify(fields)), utf8(enquiryAad(clinic, key.kid)));
  return { v: 1, suite: ENQUIRY_SUITE, kid: key.kid, clinic, enc: toBase64Url(new Uint8Array(sealed.enc)), ct: toBase64Url(new Uint8Array(sealed.ct)), formToken };
}

/** Seal with the server-side implementation (fast; for bulk fixtures). */
export function fastSealedBody(publication: Publication, clinic: string, fields: unknown, formToken: string): Record<string, unknown> {
  const key = publication.keys.find((k) => k.kid === publication.activeKid);
  if (!key) throw new Error('no active key');
  const sealed = sealEnquiry(importSealingKey(key.kid, key.publicKey), clinic, utf8(JSON.stringify(fields)));
  return { v: 1, suite: ENQUIRY_SUITE, kid: key.kid, clinic, ...sealed, formToken };
}

/** URL-encoded no-JS form body. */
export function formBody(clinic: string, fields: GeneratedEnquiry, formToken: string): string {
  return new URLSearchParams({ clinic, formToken, website: '', sid: fields.sid, name: fields.name, email: fields.email, phone: fields.phone, dob: fields.dob, address: fields.address, procedure: fields.procedure, message: fields.message, consent: 'yes' }).toString();
}
