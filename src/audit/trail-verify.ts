/**
 * The whole check behind `tacet audit verify`: the hash chain, every
 * checkpoint stored in the database and every checkpoint exported off the
 * box, and — when a key is pinned — that every audit key involved is the
 * pinned one. Read-only.
 */
import { verifyAuditChain } from './audit-log.js';
import { type Checkpoint, isCheckpointSigned } from './checkpoint.service.js';
import { auditKeys, fingerprintOrUndefined } from './trust-anchor.js';
import type { Db } from '../db/database.js';
import { findEventHashes, listStoredCheckpoints } from './audit.repository.js';

/** What the trail check found. `atSeq` names the first broken event when there is one. */
export type TrailVerdict =
  | { readonly ok: true; readonly events: number; readonly headHash: string; readonly stored: number; readonly exported: number; readonly knownHead: { readonly seq: number; readonly hash: string } | undefined; readonly isAnchored: boolean }
  | { readonly ok: false; readonly atSeq?: number; readonly reason: string };

/** Inputs of `verifyAuditTrail`. */
export interface TrailCheck {
  /** Checkpoints exported off the box (file, syslog or webhook copy), in any order. */
  readonly exported: readonly Checkpoint[];
  /** A head known some other way (`--head-seq/--head-hash`), used when nothing was exported. */
  readonly knownHead?: { readonly seq: number; readonly hash: string };
  /** Pinned key fingerprints (normalised, see `resolveTrustedKeys`); none means unanchored. */
  readonly trusted: readonly string[];
}

/**
 * Verify the audit trail. SECURITY: with `trusted` empty this proves nothing
 * against an intruder who can write to the database (they can recompute the
 * chain, swap the key and re-sign); the caller must say so loudly.
 */
export async function verifyAuditTrail(db: Db, check: TrailCheck): Promise<TrailVerdict> {
  const isAnchored = check.trusted.length > 0;
  const isPinned = (publicKey: string) => check.trusted.includes(fingerprintOrUndefined(publicKey) ?? '');
  const keys = await auditKeys(db);
  if (isAnchored) {
    for (const key of keys) {
      if (!key.fingerprint || !check.trusted.includes(key.fingerprint)) return { ok: false, reason: `the audit-signing key ${key.id} in the database (fingerprint ${key.fingerprint ?? 'none: not Ed25519'}) is not the pinned trusted key` };
    }
  }
  const ours = new Map(keys.map((key) => [key.id, key.publicKey]));
  for (const exported of check.exported) {
    const name = `the exported checkpoint at seq ${exported.seq}`;
    if (!isCheckpointSigned(exported)) return { ok: false, reason: `${name} has an invalid signature` };
    if (isAnchored && !isPinned(exported.publicKey)) return { ok: false, reason: `${name} is signed by a key that is not the pinned trusted key` };
    if (ours.get(exported.keyId) !== exported.publicKey) return { ok: false, reason: `${name} is signed by a key this installation does not hold` };
  }
  // Every head known from outside must still be in the chain; the furthest one also catches truncation.
  const known = [...check.exported.map(({ seq, hash }) => ({ seq, hash })), ...(check.knownHead ? [check.knownHead] : [])];
  const head = known.reduce<{ seq: number; hash: string } | undefined>((best, point) => (!best || point.seq > best.seq ? point : best), undefined);
  const chain = await verifyAuditChain(db, head);
  if (!chain.ok) return { ok: false, atSeq: chain.brokenAtSeq, reason: chain.reason };
  const knownHashes = await findEventHashes(db, known.map((point) => point.seq));
  for (const point of known) {
    if (knownHashes.get(point.seq) !== point.hash) return { ok: false, atSeq: point.seq, reason: 'chain differs from an exported checkpoint' };
  }
  const stored = await listStoredCheckpoints(db);
  const storedHashes = await findEventHashes(db, stored.map((c) => Number(c.seq)));
  for (const checkpoint of stored) {
    const seq = Number(checkpoint.seq);
    const publicKey = ours.get(checkpoint.key_id);
    if (!publicKey || !isCheckpointSigned({ seq, hash: checkpoint.hash, at: checkpoint.at, keyId: checkpoint.key_id, publicKey, signature: checkpoint.signature })) return { ok: false, atSeq: seq, reason: 'stored checkpoint signature invalid' };
    if (storedHashes.get(seq) !== checkpoint.hash) return { ok: false, atSeq: seq, reason: 'chain differs from a signed checkpoint' };
  }
  return { ok: true, events: chain.events, headHash: chain.headHash, stored: stored.length, exported: check.exported.length, knownHead: head, isAnchored };
}
