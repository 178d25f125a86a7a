/**
 * Versioned symmetric envelope for everything Tacet stores encrypted.
 *
 * Layout (then base64url): magic 'T' | version | alg | keyId length | keyId | nonce(12) | ciphertext | tag(16).
 * The header is authenticated together with a caller-supplied context string
 * (table, column, record id), so a ciphertext copied to another row or field
 * does not open. `envelopeHeader` answers "encrypted? under which key?" for a
 * record without any key (GDPR Art. 34(3)(a) evidence).
 */
import { createCipheriv, createDecipheriv } from 'node:crypto';
import { concatBytes, fromBase64Url, toBase64Url, utf8 } from './bytes.js';
import { randomSecret } from './random.js';

const MAGIC = 0x54;
const VERSION = 1;
/** Algorithm ids inside an envelope header. */
export const ENVELOPE_ALG = { aes256gcm: 1 } as const;
const NONCE_LENGTH = 12;
const TAG_LENGTH = 16;
const KEY_LENGTH = 32;

/** A symmetric key held in memory, named by a stable id recorded in envelopes. */
export interface SymmetricKey {
  readonly id: string;
  readonly bytes: Buffer;
}

/** Plain facts about an envelope, readable without a key. */
export interface EnvelopeHeader {
  readonly v: number;
  readonly alg: 'AES-256-GCM';
  readonly keyId: string;
  readonly nonce: string;
}

/** Raised for any envelope that is malformed or fails authentication. */
export class EnvelopeError extends Error {
  constructor(reason: string) {
    super(`envelope rejected: ${reason}`);
    this.name = 'EnvelopeError';
  }
}

const headerPrefixes = new Map<string, Uint8Array>();

function header(keyId: string, nonce: Uint8Array): Uint8Array {
  let prefix = headerPrefixes.get(keyId);
  if (!prefix) {
    const id = utf8(keyId);
    if (id.length === 0 || id.length > 255) throw new RangeError('key id must be 1..255 bytes');
    prefix = concatBytes(Uint8Array.of(MAGIC, VERSION, ENVELOPE_ALG.aes256gcm, id.length), id);
    // Key ids are few (domain keys, 'dek.<domain>', 'vault'); the cache stays tiny.
    if (headerPrefixes.size < 1024) headerPrefixes.set(keyId, prefix);
  }
  return concatBytes(prefix, nonce);
}

/** Encrypt `plaintext` under `key`, bound to `context`. */
export function sealEnvelope(key: SymmetricKey, plaintext: Uint8Array, context: string): string {
  if (key.bytes.length !== KEY_LENGTH) throw new RangeError('envelope key must be 32 bytes');
  const nonce = randomSecret(NONCE_LENGTH);
  const head = header(key.id, nonce);
  const cipher = createCipheriv('aes-256-gcm', key.bytes, nonce, { authTagLength: TAG_LENGTH });
  cipher.setAAD(concatBytes(head, utf8(context)));
  return toBase64Url(concatBytes(head, cipher.update(plaintext), cipher.final(), cipher.getAuthTag()));
}

interface ParsedEnvelope {
  readonly head: Uint8Array;
  readonly keyId: string;
  readonly nonce: Uint8Array;
  readonly body: Uint8Array;
  readonly tag: Uint8Array;
}

function parse(envelope: string): ParsedEnvelope {
  let bytes: Uint8Array;
  try {
    bytes = fromBase64Url(envelope);
  } catch {
    throw new EnvelopeError('not base64url');
  }
  if (bytes.length < 4 || bytes[0] !== MAGIC) throw new EnvelopeError('bad magic');
  if (bytes[1] !== VERSION) throw new EnvelopeError('unsupported version');
  if (bytes[2] !== ENVELOPE_ALG.aes256gcm) throw new EnvelopeError('unsupported algorithm');
  const idLength = bytes[3] as number;
  const headLength = 4 + idLength + NONCE_LENGTH;
  if (bytes.length < headLength + TAG_LENGTH) throw new EnvelopeError('truncated');
  return {
    head: bytes.subarray(0, headLength),
    keyId: Buffer.from(bytes.subarray(4, 4 + idLength)).toString('utf8'),
    nonce: bytes.subarray(4 + idLength, headLength),
    body: bytes.subarray(headLength, bytes.length - TAG_LENGTH),
    tag: bytes.subarray(bytes.length - TAG_LENGTH),
  };
}

/** Read an envelope's header without decrypting. Throws `EnvelopeError` if malformed. */
export function envelopeHeader(envelope: string): EnvelopeHeader {
  const parsed = parse(envelope);
  return { v: VERSION, alg: 'AES-256-GCM', keyId: parsed.keyId, nonce: toBase64Url(parsed.nonce) };
}

/**
 * Decrypt an envelope. `resolveKey` maps the header's key id to a key (or
 * undefined). Throws `EnvelopeError` on unknown key, tampering, truncation or
 * a wrong context.
 */
export function openEnvelope(resolveKey: (keyId: string) => SymmetricKey | undefined, envelope: string, context: string): Buffer {
  const parsed = parse(envelope);
  const key = resolveKey(parsed.keyId);
  if (!key) throw new EnvelopeError('unknown key id');
  const decipher = createDecipheriv('aes-256-gcm', key.bytes, parsed.nonce, { authTagLength: TAG_LENGTH });
  decipher.setAAD(concatBytes(parsed.head, utf8(context)));
  decipher.setAuthTag(parsed.tag);
  try {
    return Buffer.concat([decipher.update(parsed.body), decipher.final()]);
  } catch {
    throw new EnvelopeError('authentication failed');
  }
}

/** A fresh random 256-bit key. */
export function generateSymmetricKey(id: string): SymmetricKey {
  return { id, bytes: randomSecret(KEY_LENGTH) };
}
