/**
 * Audit chain v2 (ADR 0016): one SHA-256 per block of events instead of one
 * per event. A block is the events of one append (a group-commit batch, at
 * most `BLOCK_MAX_EVENTS`), seqs `first_seq..last_seq` without gaps:
 *
 *   block hash = SHA-256(prev block hash (64 hex chars) || body)
 *   body       = JSON.stringify([[seq, at, actor, action, person_ids,
 *                record_refs, purpose, ip, session_id, outcome, domains], ...])
 *
 * in seq order, text columns as stored (JSON text as a JSON string), null as
 * null. SQLite's `json_array` + `group_concat` produce the same bytes, so the
 * verifier can serialise there. The first block links to the v1 chain's tail
 * hash (or GENESIS on a log that starts in v2). Shared by the writer, the
 * verifier and its worker threads.
 */
import { sha256HexOfParts } from '../crypto/digest.js';

/** Most events a block holds (the writer splits larger appends). */
export const BLOCK_MAX_EVENTS = 1000;

/** Column order of an event inside a block body. */
export const BLOCK_EVENT_COLUMNS = ['seq', 'at', 'actor', 'action', 'person_ids', 'record_refs', 'purpose', 'ip', 'session_id', 'outcome', 'domains'] as const;

/** One event as it is serialised in a block body (seq as a number). */
export type BlockEvent = readonly [number, string, string, string, string, string, string | null, string | null, string | null, string, string | null];

/** The block-body columns of a stored event (seq may come back as text: PostgreSQL bigint). */
export type BlockEventRow = { readonly seq: number | string } & { readonly [C in Exclude<(typeof BLOCK_EVENT_COLUMNS)[number], 'seq'>]: C extends 'purpose' | 'ip' | 'session_id' | 'domains' ? string | null : string };

/** An event as its block serialises it. */
export function toBlockEvent(row: BlockEventRow): BlockEvent {
  return [Number(row.seq), row.at, row.actor, row.action, row.person_ids, row.record_refs, row.purpose, row.ip, row.session_id, row.outcome, row.domains];
}

/** The canonical body of a block's events (already in seq order). */
export function blockBody(events: readonly BlockEvent[]): string {
  return JSON.stringify(events);
}

/** A block's hash from its predecessor's hash and its body. */
export function blockHash(prevHash: string, body: string): string {
  return sha256HexOfParts(prevHash, body);
}

/** A stored block with what the verifier read of its events: how many rows fall in its range, and their body. */
export interface ReadBlock {
  readonly first_seq: number | string;
  readonly last_seq: number | string;
  readonly prev_hash: string;
  readonly hash: string;
  /** Events stored with a seq in first_seq..last_seq. */
  readonly events: number | string;
  /** Their canonical body (null when there are none). */
  readonly body: string | null;
}

/** Result of checking consecutive blocks: on success, the run's first seq, links and event count. */
export type BlocksVerdict =
  | { readonly ok: true; readonly blocks: number; readonly events: number; readonly firstSeq: number | undefined; readonly firstPrevHash: string | undefined; readonly lastHash: string | undefined; readonly lastSeq: number | undefined }
  | { readonly ok: false; readonly brokenAtSeq: number; readonly reason: string };

/**
 * `checkBlocks` over blocks SQLite serialises, where a value JSON cannot hold
 * (a BLOB written into a text column) makes the read itself fail: that is
 * tampering too, reported from the first seq of the range.
 */
export function checkReadBlocks(read: () => Iterable<ReadBlock>, fromSeq: number): BlocksVerdict {
  try {
    return checkBlocks(read());
  } catch (error) {
    return { ok: false, brokenAtSeq: fromSeq, reason: `a block from here on cannot be read (${error instanceof Error ? error.message : 'unknown error'})` };
  }
}

/**
 * Check blocks ordered by first_seq: each starts right after the previous
 * one, links to its hash, holds every event of its range and hashes to what
 * it says. The run's own first link is for the caller to join. A broken
 * block is named by its first seq (tampering is localised per block).
 */
export function checkBlocks(blocks: Iterable<ReadBlock>): BlocksVerdict {
  let blockCount = 0;
  let events = 0;
  let firstSeq: number | undefined;
  let firstPrevHash: string | undefined;
  let nextSeq: number | undefined;
  let prev: string | undefined;
  for (const block of blocks) {
    const first = Number(block.first_seq);
    const last = Number(block.last_seq);
    if (nextSeq === undefined) {
      firstSeq = first;
      firstPrevHash = block.prev_hash;
    } else {
      if (first !== nextSeq) return { ok: false, brokenAtSeq: Math.min(first, nextSeq), reason: first > nextSeq ? 'missing block (gap in sequence)' : 'overlapping blocks' };
      if (block.prev_hash !== prev) return { ok: false, brokenAtSeq: first, reason: `previous-block link broken (block ${first}-${last})` };
    }
    if (!(last >= first)) return { ok: false, brokenAtSeq: first, reason: `malformed block ${first}-${last}` };
    if (Number(block.events) !== last - first + 1 || block.body === null) return { ok: false, brokenAtSeq: first, reason: `missing event in block ${first}-${last}` };
    if (blockHash(block.prev_hash, block.body) !== block.hash) return { ok: false, brokenAtSeq: first, reason: `block content altered (events ${first}-${last})` };
    prev = block.hash;
    nextSeq = last + 1;
    blockCount += 1;
    events += last - first + 1;
  }
  return { ok: true, blocks: blockCount, events, firstSeq, firstPrevHash, lastHash: prev, lastSeq: nextSeq === undefined ? undefined : nextSeq - 1 };
}
