/**
 * The audit verifier's read-only SQLite statements, on a raw connection of
 * their own (worker threads) or the core's. Kept apart from
 * audit.repository.ts so a worker thread loads no more than it needs.
 */
import type { SqliteConnection } from '../db/sqlite-driver.js';
import { BLOCK_EVENT_COLUMNS, type ReadBlock } from './block-chain.js';
import { CHAIN_COLUMNS, type RawEvent } from './chain.js';

/**
 * SQLite: the blocks whose first_seq lies in from..to (and ending by
 * `maxSeq`), each with the count and canonical body of the events in its
 * range, serialised by SQLite (`json_array`, byte-identical to
 * JSON.stringify of the same values; see block-chain.ts). Read-only; used by
 * the verifier and its worker threads on their own connections.
 */
export function iterateSqliteBlocks(sqlite: SqliteConnection, from: number, to: number, maxSeq: number): Iterable<ReadBlock> {
  const columns = BLOCK_EVENT_COLUMNS.map((c) => `e.${c}`).join(', ');
  return sqlite
    .prepare(
      `SELECT b.first_seq, b.last_seq, b.prev_hash, b.hash, count(e.seq) AS events, '[' || group_concat(json_array(${columns}), ',' ORDER BY e.seq) || ']' AS body
       FROM audit_blocks b LEFT JOIN audit_events e ON e.seq >= b.first_seq AND e.seq <= b.last_seq
       WHERE b.first_seq >= ? AND b.first_seq <= ? AND b.last_seq <= ?
       GROUP BY b.first_seq ORDER BY b.first_seq`,
    )
    .iterate(from, to, maxSeq) as Iterable<ReadBlock>;
}

/** SQLite: the v1 chain columns of events from..to as raw rows, read-only (the verifier's worker threads). */
export function iterateSqliteChainRows(sqlite: SqliteConnection, from: number, to: number): Iterable<RawEvent> {
  return sqlite.prepare(`SELECT ${CHAIN_COLUMNS.join(', ')} FROM audit_events WHERE seq >= ? AND seq <= ? ORDER BY seq`).raw().iterate(from, to) as Iterable<RawEvent>;
}
