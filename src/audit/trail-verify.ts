/**
 * The whole check behind `tacet audit verify`: the hash chain, every
 * checkpoint stored in the database and every checkpoint exported off the
 * box, and — when a key is pinned — that every audit key involved is the
 * pinned one. Read-only.
 */
import { type ChainPoint, chainHashAt, verifyAuditChain, verifyAuditChainSince } from './chain-verify.js';
import { type Checkpoint, checkpointVersion } from './checkpoint.service.js';
import { auditKeys, fingerprintOrUndefined } from './trust-anchor.js';
import type { Db } from '../db/database.js';
import { findBlockHashesEndingAt, findEventHashes, listStoredCheckpoints } from './audit.repository.js';

/** What the trail check found. `atSeq` names the first broken event (v2: the first event of the broken block) when there is one. */
export type TrailVerdict =
  | {
      readonly ok: true;
      readonly events: number;
      readonly headHash: string;
      readonly stored: number;
      readonly exported: number;
      readonly knownHead: { readonly seq: number; readonly hash: string } | undefined;
      readonly isAnchored: boolean;
      /** The signed checkpoint an incremental check started after (nothing at or before it was read). */
      readonly startedAfter: { readonly seq: number } | undefined;
      /** What this run read and checked: seqs fromSeq..events, in `blocks` v2 blocks. */
      readonly fromSeq: number;
      readonly verifiedEvents: number;
      readonly blocks: number;
    }
  | { readonly ok: false; readonly atSeq?: number; readonly reason: string };

/** Inputs of `verifyAuditTrail`. */
export interface TrailCheck {
  /** Checkpoints exported off the box (file, syslog or webhook copy), in any order. */
  readonly exported: readonly Checkpoint[];
  /** A head known some other way (`--head-seq/--head-hash`), used when nothing was exported. */
  readonly knownHead?: { readonly seq: number; readonly hash: string };
  /** Pinned key fingerprints (normalised, see `resolveTrustedKeys`); none means unanchored. */
  readonly trusted: readonly string[];
  /** Verify only after the newest checkpoint whose signature verifies (under the pinned key when anchored). */
  readonly isSinceCheckpoint?: boolean;
}

/** A checked checkpoint as a point of the chain, and where it came from. */
type SignedPoint = ChainPoint & { readonly isBlock: boolean; readonly source: 'exported' | 'stored' };

/**
 * Verify the audit trail. SECURITY: with `trusted` empty this proves nothing
 * against an intruder who can write to the database (they can recompute the
 * chain, swap the key and re-sign); the caller must say so loudly. With
 * `isSinceCheckpoint`, the part of the chain at or before the start
 * checkpoint is trusted on the strength of its signature and not read.
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
  const signed: SignedPoint[] = [];
  for (const exported of check.exported) {
    const name = `the exported checkpoint at seq ${exported.seq}`;
    const version = checkpointVersion(exported);
    if (version === undefined) return { ok: false, reason: `${name} has an invalid signature` };
    if (isAnchored && !isPinned(exported.publicKey)) return { ok: false, reason: `${name} is signed by a key that is not the pinned trusted key` };
    if (ours.get(exported.keyId) !== exported.publicKey) return { ok: false, reason: `${name} is signed by a key this installation does not hold` };
    signed.push({ seq: exported.seq, hash: exported.hash, isBlock: version === 2, source: 'exported' });
  }
  const stored = await listStoredCheckpoints(db);
  for (const checkpoint of stored) {
    const seq = Number(checkpoint.seq);
    const publicKey = ours.get(checkpoint.key_id);
    // With a pin, every key in `ours` was checked against it above.
    const version = publicKey ? checkpointVersion({ seq, hash: checkpoint.hash, at: checkpoint.at, keyId: checkpoint.key_id, publicKey, signature: checkpoint.signature }) : undefined;
    if (version === undefined) return { ok: false, atSeq: seq, reason: 'stored checkpoint signature invalid' };
    signed.push({ seq, hash: checkpoint.hash, isBlock: version === 2, source: 'stored' });
  }
  // Every head known from outside must still be in the chain; the furthest one also catches truncation.
  const known: ChainPoint[] = [...signed.filter((point) => point.source === 'exported'), ...(check.knownHead ? [check.knownHead] : [])];
  const head = known.reduce<ChainPoint | undefined>((best, point) => (!best || point.seq > best.seq ? point : best), undefined);
  const start = check.isSinceCheckpoint ? signed.reduce<SignedPoint | undefined>((best, point) => (!best || point.seq > best.seq ? point : best), undefined) : undefined;
  const chain = start ? await verifyAuditChainSince(db, start, head) : await verifyAuditChain(db, head);
  if (!chain.ok) return { ok: false, atSeq: chain.brokenAtSeq, reason: chain.reason };
  const after = start?.seq ?? 0;
  const mismatch = await firstMismatch(db, signed.filter((point) => point.seq > after));
  if (mismatch) return { ok: false, atSeq: mismatch.seq, reason: mismatch.source === 'exported' ? 'chain differs from an exported checkpoint' : 'chain differs from a signed checkpoint' };
  if (check.knownHead && check.knownHead.seq > after && (await chainHashAt(db, check.knownHead)) !== check.knownHead.hash) return { ok: false, atSeq: check.knownHead.seq, reason: 'chain differs from the known head' };
  return {
    ok: true,
    events: chain.events,
    headHash: chain.headHash,
    stored: stored.length,
    exported: check.exported.length,
    knownHead: head,
    isAnchored,
    startedAfter: start ? { seq: start.seq } : undefined,
    fromSeq: chain.fromSeq,
    verifiedEvents: chain.verifiedEvents,
    blocks: chain.blocks,
  };
}

/** The first signed checkpoint (by seq) whose hash is not the chain's at its seq: a block's for v2, an event's for v1. */
async function firstMismatch(db: Db, points: readonly SignedPoint[]): Promise<SignedPoint | undefined> {
  const blocks = await findBlockHashesEndingAt(db, points.filter((p) => p.isBlock).map((p) => p.seq));
  const events = await findEventHashes(db, points.filter((p) => !p.isBlock).map((p) => p.seq));
  return [...points].sort((a, b) => a.seq - b.seq).find((point) => (point.isBlock ? blocks : events).get(point.seq) !== point.hash);
}
