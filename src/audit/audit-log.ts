/**
 * Tamper-evident audit log: one row per event, SHA-256 hash chain over
 * (prev_hash, canonical event). Appended in the caller's transaction, so an
 * act and its record commit or fail together. Events hold ids only, never
 * personal data.
 */
import os from 'node:os';
import { Worker } from 'node:worker_threads';
import { type Db, type Dialect, lockForChain, sqliteFileOf } from '../db/database.js';
import { CHAIN_COLUMNS, chainHash, checkRun, GENESIS, type RawEvent, type RunVerdict } from './chain.js';
import { type AuditEventRow, chainBounds, type ChainHead, findChainHead, findEventHash, insertChainRows, listChainRows, sqliteChainStatements } from './audit.repository.js';
import type { Clock } from '../platform/clock.js';

/** What happened, as the caller states it. */
export interface AuditEvent {
  readonly actor: string;
  readonly action: string;
  readonly personIds?: readonly string[];
  readonly recordRefs?: readonly string[];
  readonly purpose?: string | null;
  readonly ip?: string | null;
  /** Public id of the staff session (never the cookie). */
  readonly sessionId?: string | null;
  readonly outcome: 'success' | 'denied' | 'failure';
  /** Key domains the door opened for this event (the door sets it on every event it writes, `[]` for none); omitted on events outside the door. */
  readonly domains?: readonly string[];
}

const CHAIN_LOCK = 0x7ac37;

/** The hashed fields of an event: every column but the chain links. */
type ChainFields = Omit<AuditEventRow, 'prev_hash' | 'hash'>;

function eventHash(prevHash: string, fields: ChainFields): string {
  const base = [fields.seq, fields.at, fields.actor, fields.action, fields.person_ids, fields.record_refs, fields.purpose, fields.ip, fields.session_id, fields.outcome] as const;
  // Without domains the event hashes as it did before the field existed; with them, after the (unused here) link slots.
  return chainHash(prevHash, fields.domains === null ? base : [...base, '', '', fields.domains]);
}

/** An audit writer bound to a database dialect and clock. */
export interface AuditLog {
  /** Append events inside `trx` (the transaction of the act; always a transaction). Returns their seqs. */
  readonly append: (trx: Db, events: readonly AuditEvent[]) => Promise<number[]>;
}

/** Create the audit writer. */
export function createAuditLog(deps: { dialect: Dialect; clock: Clock; db?: Db }): AuditLog {
  // SQLite fast path: Kysely drives the same single better-sqlite3 connection, so within the caller's
  // transaction prepared statements run synchronously — nothing can interleave between reading the head
  // and inserting after it.
  const sqlite = deps.db ? sqliteChainStatements(deps.db) : undefined;
  return {
    async append(trx, events) {
      if (events.length === 0) return [];
      if (sqlite) {
        const rows = chainRows(sqlite.readHead(), events);
        for (const row of rows) sqlite.insert(row);
        return rows.map((row) => row.seq);
      }
      await lockForChain(trx, deps.dialect, CHAIN_LOCK);
      const last = await findChainHead(trx);
      const rows = chainRows(last, events);
      await insertChainRows(trx, rows);
      return rows.map((row) => row.seq);
    },
  };

  function chainRows(last: ChainHead | undefined, events: readonly AuditEvent[]): AuditEventRow[] {
    let seq = last?.seq ?? 0;
    let prevHash = last?.hash ?? GENESIS;
    const at = deps.clock.now().toISOString();
    const rows = events.map((event) => {
      seq += 1;
      const fields: ChainFields = {
        seq,
        at,
        actor: event.actor,
        action: event.action,
        person_ids: JSON.stringify(event.personIds ?? []),
        record_refs: JSON.stringify(event.recordRefs ?? []),
        purpose: event.purpose ?? null,
        ip: event.ip ?? null,
        session_id: event.sessionId ?? null,
        outcome: event.outcome,
        domains: event.domains ? JSON.stringify([...new Set(event.domains)].sort()) : null,
      };
      const hash = eventHash(prevHash, fields);
      const row = { ...fields, prev_hash: prevHash, hash };
      prevHash = hash;
      return row;
    });
    return rows;
  }
}

/** Outcome of verifying the chain. */
export type AuditVerdict = { readonly ok: true; readonly events: number; readonly headHash: string } | { readonly ok: false; readonly brokenAtSeq: number; readonly reason: string };

const PARALLEL_MIN_EVENTS = 200_000;

function verifyRangeInWorker(file: string, from: number, to: number): Promise<RunVerdict> {
  const here = new URL(import.meta.url);
  const isSource = here.pathname.endsWith('.ts');
  const script = new URL(`./verify-worker${isSource ? '.ts' : '.js'}`, here);
  // From TypeScript sources (tests, benches) the worker registers tsx itself before loading the script.
  const worker = isSource
    ? new Worker(`import('tsx/esm/api').then(({ register }) => { register(); return import(${JSON.stringify(script.href)}); });`, { eval: true, workerData: { file, from, to } })
    : new Worker(script, { workerData: { file, from, to } });
  return new Promise((resolve, reject) => {
    worker.once('message', (verdict: RunVerdict) => resolve(verdict));
    worker.once('error', reject);
    worker.once('exit', (code) => code !== 0 && reject(new Error(`audit verify worker exited with ${code}`)));
  });
}

/** Verify seq 1..maxSeq as contiguous runs (checked in parallel on SQLite), then join the runs' links. */
async function verifyRuns(db: Db, maxSeq: number): Promise<RunVerdict> {
  const file = sqliteFileOf(db);
  let ranges: [number, number][] = [[1, maxSeq]];
  let verdicts: RunVerdict[];
  if (file && maxSeq >= PARALLEL_MIN_EVENTS) {
    const parts = Math.max(2, Math.min(8, os.availableParallelism()));
    const size = Math.ceil(maxSeq / parts);
    ranges = Array.from({ length: parts }, (_, i) => [i * size + 1, Math.min(maxSeq, (i + 1) * size)] as [number, number]).filter(([a, b]) => a <= b);
    verdicts = await Promise.all(ranges.map(([from, to]) => verifyRangeInWorker(file, from, to)));
  } else {
    // One pass in pages (PostgreSQL, or a small log).
    const pageSize = 20_000;
    let prev: RunVerdict | undefined;
    verdicts = [];
    ranges = [];
    for (let from = 1; from <= maxSeq; from += pageSize) {
      const to = Math.min(maxSeq, from + pageSize - 1);
      const rows = await listChainRows(db, from, to);
      prev = checkRun(rows.map((r) => CHAIN_COLUMNS.map((c) => r[c]) as unknown as RawEvent), from);
      verdicts.push(prev);
      ranges.push([from, to]);
      if (!prev.ok) break;
    }
  }
  let count = 0;
  let lastHash = GENESIS;
  for (const [i, verdict] of verdicts.entries()) {
    const [from, to] = ranges[i] as [number, number];
    if (!verdict.ok) return verdict;
    if (verdict.count < to - from + 1) return { ok: false, brokenAtSeq: from + verdict.count, reason: 'missing event (gap in sequence)' };
    if (verdict.firstPrevHash !== lastHash) return { ok: false, brokenAtSeq: from, reason: 'previous-hash link broken' };
    lastHash = verdict.lastHash ?? lastHash;
    count += verdict.count;
  }
  return { ok: true, count, firstPrevHash: GENESIS, lastHash, lastSeq: count };
}

/**
 * Walk the chain from the start. Detects edited rows, deleted or inserted
 * rows (seq gaps / prev_hash mismatch). Truncation of the tail is detected
 * against a known head (`expectHead`, e.g. from an exported checkpoint).
 * Large SQLite logs are checked in parallel worker threads, read-only.
 */
export async function verifyAuditChain(db: Db, expectHead?: { seq: number; hash: string }): Promise<AuditVerdict> {
  // One statement, one snapshot: events appended while verifying fall outside 1..max and are left for next time.
  const { maxSeq, count: total } = await chainBounds(db);
  const verdict = await verifyRuns(db, maxSeq);
  if (!verdict.ok) return verdict;
  // Rows beyond a gap-free 1..max (e.g. a negative or duplicate seq slipped in) are tampering too.
  if (total !== maxSeq) return { ok: false, brokenAtSeq: maxSeq, reason: 'events outside the sequence' };
  const count = verdict.count;
  const prevHash = verdict.lastHash ?? GENESIS;
  if (expectHead) {
    if (count < expectHead.seq) return { ok: false, brokenAtSeq: count + 1, reason: 'log truncated before the expected head' };
    if ((await findEventHash(db, expectHead.seq)) !== expectHead.hash) return { ok: false, brokenAtSeq: expectHead.seq, reason: 'chain differs from the expected head' };
  }
  return { ok: true, events: count, headHash: prevHash };
}
