/**
 * The audit trail's trust anchor: the fingerprint of the audit signing key,
 * printed at init and kept off the box. A key read from the database proves
 * nothing against an intruder who can write to it (they swap in their own
 * and re-sign); a fingerprint written down elsewhere does.
 */
import fs from 'node:fs';
import path from 'node:path';
import { parseFingerprint, signingKeyFingerprint } from '../crypto/signing.js';
import type { Db } from '../db/database.js';
import { listAuditSigningKeys } from './audit.repository.js';

/** An audit signing key the database holds, with its fingerprint (undefined if the stored key is not Ed25519). */
export interface AuditKey {
  readonly id: string;
  readonly publicKey: string;
  readonly status: string;
  readonly fingerprint: string | undefined;
}

/** Fingerprint of a stored or exported public key; undefined if it is not an Ed25519 key. */
export function fingerprintOrUndefined(publicKey: string): string | undefined {
  try {
    return signingKeyFingerprint(publicKey);
  } catch {
    return undefined;
  }
}

/** The audit signing keys in key_material, oldest first. */
export async function auditKeys(db: Db): Promise<AuditKey[]> {
  const rows = await listAuditSigningKeys(db);
  return rows.map((row) => ({ id: row.id, publicKey: row.public_key ?? '', status: row.status, fingerprint: fingerprintOrUndefined(row.public_key ?? '') }));
}

/** Fingerprint of the active audit signing key, to print at init (read right after it was made). */
export async function activeAuditKeyFingerprint(db: Db): Promise<string | undefined> {
  return (await auditKeys(db)).filter((key) => key.status === 'active').at(-1)?.fingerprint;
}

/**
 * The pinned fingerprints from `--trusted-key` / TACET_AUDIT_TRUSTED_KEY: a
 * fingerprint itself, or a file holding fingerprints or Ed25519 public keys
 * (base64url SPKI, one a line, `#` comments) or one PEM public key.
 * Throws with a clear message on anything else.
 */
export function resolveTrustedKeys(value: string): string[] {
  const fingerprint = parseFingerprint(value);
  if (fingerprint) return [fingerprint];
  let text: string;
  try {
    text = fs.readFileSync(value, 'utf8');
  } catch {
    throw new Error('the trusted audit key is neither a key fingerprint nor a readable file');
  }
  if (text.includes('-----BEGIN')) return [pinOf(text, value)];
  const pins = text
    .split('\n')
    .map((line, i) => ({ line: line.replace(/#.*/, '').trim(), where: `line ${i + 1} of ${value}` }))
    .filter(({ line }) => line !== '')
    .map(({ line, where }) => parseFingerprint(line) ?? pinOf(line, where));
  if (pins.length === 0) throw new Error(`no trusted audit key in ${value}`);
  return pins;
}

function pinOf(publicKey: string, where: string): string {
  try {
    return signingKeyFingerprint(publicKey);
  } catch {
    throw new Error(`${where} is neither a key fingerprint nor an Ed25519 public key`);
  }
}

/** Is `file` inside `dir` (after resolving symbolic links where they exist)? */
export function isInsideDirectory(file: string, dir: string): boolean {
  const real = (p: string): string => {
    try {
      return fs.realpathSync(p);
    } catch {
      return path.resolve(p);
    }
  };
  const target = fs.existsSync(file) ? real(file) : path.join(real(path.dirname(file)), path.basename(file));
  const relative = path.relative(real(dir), target);
  return relative === '' || (!relative.startsWith('..') && !path.isAbsolute(relative));
}
