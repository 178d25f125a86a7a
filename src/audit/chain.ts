/**
 * The v1 audit chain (one hash per event): every event written before
 * migration 0015; later events are chained in blocks (block-chain.ts, ADR
 * 0016). Its hash and the check of a run of events, shared by the verifier
 * and its worker threads.
 *
 * hash = SHA-256(prev_hash | seq | len:at | len:actor | ... | len:outcome),
 * every text field length-prefixed (null as `~`), so no two different events
 * serialise alike. An event that names the key domains the door opened adds
 * `|d<len>:domains` at the end; one without (every event written before the
 * field existed) hashes exactly as before, so existing chains still verify.
 */
import { sha256Hex } from '../crypto/digest.js';

export const GENESIS = '0'.repeat(64);

/** Column order of a raw audit row as the verifier reads it. */
export const CHAIN_COLUMNS = ['seq', 'at', 'actor', 'action', 'person_ids', 'record_refs', 'purpose', 'ip', 'session_id', 'outcome', 'prev_hash', 'hash', 'domains'] as const;

/** seq, at, actor, action, person_ids, record_refs, purpose, ip, session_id, outcome[, prev_hash, hash[, domains]] */
export type RawEvent = readonly [number, string, string, string, string, string, string | null, string | null, string | null, string, ...(string | null)[]];

/** Where `domains` sits in a raw row (after the chain links, so older rows read the same). */
const DOMAINS_AT = 12;

export function chainHash(prevHash: string, row: RawEvent): string {
  let text = `${prevHash}|${Number(row[0])}`;
  for (let i = 1; i < 10; i++) {
    const value = row[i] as string | null;
    text += value === null ? '|~' : `|${value.length}:${value}`;
  }
  const domains = row[DOMAINS_AT];
  if (typeof domains === 'string') text += `|d${domains.length}:${domains}`;
  return sha256Hex(text);
}

/** Result of checking one contiguous run of events. */
export type RunVerdict =
  | { readonly ok: true; readonly count: number; readonly firstPrevHash: string | undefined; readonly lastHash: string | undefined; readonly lastSeq: number }
  | { readonly ok: false; readonly brokenAtSeq: number; readonly reason: string };

/** Check rows (ordered by seq) expected to start at `fromSeq`: contiguity, internal links and every hash. */
export function checkRun(rows: Iterable<RawEvent>, fromSeq: number): RunVerdict {
  let expected = fromSeq;
  let prev: string | undefined;
  let first: string | undefined;
  for (const row of rows) {
    const seq = Number(row[0]);
    if (seq !== expected) return { ok: false, brokenAtSeq: expected, reason: 'missing event (gap in sequence)' };
    const prevHash = row[10] as string;
    const hash = row[11] as string;
    if (prev === undefined) first = prevHash;
    else if (prevHash !== prev) return { ok: false, brokenAtSeq: seq, reason: 'previous-hash link broken' };
    if (chainHash(prevHash, row) !== hash) return { ok: false, brokenAtSeq: seq, reason: 'event content altered' };
    prev = hash;
    expected += 1;
  }
  return { ok: true, count: expected - fromSeq, firstPrevHash: first, lastHash: prev, lastSeq: expected - 1 };
}
