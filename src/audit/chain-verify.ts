/**
 * Verifying the audit chain: the v1 per-event part (seqs before the first
 * block), then the v2 blocks linked to its tail (ADR 0016) — in full from
 * GENESIS, or from a trusted point (a checkpoint whose signature verified)
 * reading nothing at or before it. Large SQLite logs are checked in parallel
 * worker threads, read-only; PostgreSQL in pages.
 */
import os from 'node:os';
import { Worker } from 'node:worker_threads';
import { type Db, rawSqliteOf, sqliteFileOf } from '../db/database.js';
import { blockBody, type BlocksVerdict, checkBlocks, checkReadBlocks, type ReadBlock, toBlockEvent } from './block-chain.js';
import { CHAIN_COLUMNS, checkRun, GENESIS, type RawEvent } from './chain.js';
import { chainBounds, findBlockEndingAt, findEventHash, findFirstBlock, listBlockEvents, listBlocks, listChainRows } from './audit.repository.js';
import { iterateSqliteBlocks } from './audit-sqlite.repository.js';

/** A point of the chain known from elsewhere: the hash at `seq` (an event's in v1, the block ending there in v2). */
export interface ChainPoint {
  readonly seq: number;
  readonly hash: string;
  /** true: a v2 block ends at seq; false: a v1 event; undefined: either (a head typed in by hand). */
  readonly isBlock?: boolean;
}

/** Outcome of verifying the chain. `fromSeq`..`events` is what this run read and checked. */
export type AuditVerdict =
  | { readonly ok: true; readonly events: number; readonly headHash: string; readonly fromSeq: number; readonly verifiedEvents: number; readonly blocks: number }
  | { readonly ok: false; readonly brokenAtSeq: number; readonly reason: string };

type Broken = Extract<AuditVerdict, { ok: false }>;

/** A checked run of the chain: its first seq and link, its last seq and hash (undefined when empty). */
interface Run {
  readonly firstSeq: number | undefined;
  readonly firstPrevHash: string | undefined;
  readonly lastSeq: number | undefined;
  readonly lastHash: string | undefined;
  readonly blocks: number;
}

const PARALLEL_MIN_EVENTS = 200_000;
const PG_BLOCK_PAGE = 100;

function inWorker<T>(task: { file: string; kind: 'events' | 'blocks'; from: number; to: number; maxSeq: number }): Promise<T> {
  const here = new URL(import.meta.url);
  const isSource = here.pathname.endsWith('.ts');
  const script = new URL(`./verify-worker${isSource ? '.ts' : '.js'}`, here);
  // From TypeScript sources (tests, benches) the worker registers tsx itself before loading the script.
  const worker = isSource
    ? new Worker(`import('tsx/esm/api').then(({ register }) => { register(); return import(${JSON.stringify(script.href)}); });`, { eval: true, workerData: task })
    : new Worker(script, { workerData: task });
  return new Promise((resolve, reject) => {
    worker.once('message', (verdict: T) => resolve(verdict));
    worker.once('error', reject);
    worker.once('exit', (code) => code !== 0 && reject(new Error(`audit verify worker exited with ${code}`)));
  });
}

/** Split from..to into one range per core (at least 2, at most 8). */
function splitRange(from: number, to: number): [number, number][] {
  const parts = Math.max(2, Math.min(8, os.availableParallelism()));
  const size = Math.ceil((to - from + 1) / parts);
  return Array.from({ length: parts }, (_, i) => [from + i * size, Math.min(to, from + (i + 1) * size - 1)] as [number, number]).filter(([a, b]) => a <= b);
}

/** Join consecutive runs: each starts right after the previous one and links to its hash; the first links to `prevHash` at `from`. */
function joinRuns(runs: readonly Run[], from: number, prevHash: string): Broken | Run {
  let nextSeq = from;
  let lastHash = prevHash;
  let blocks = 0;
  for (const run of runs) {
    if (run.firstSeq === undefined) continue;
    if (run.firstSeq !== nextSeq) return { ok: false, brokenAtSeq: Math.min(nextSeq, run.firstSeq), reason: run.firstSeq > nextSeq ? 'missing event (gap in sequence)' : 'overlapping blocks' };
    if (run.firstPrevHash !== lastHash) return { ok: false, brokenAtSeq: run.firstSeq, reason: 'previous-hash link broken' };
    nextSeq = (run.lastSeq as number) + 1;
    lastHash = run.lastHash as string;
    blocks += run.blocks;
  }
  return { firstSeq: from, firstPrevHash: prevHash, lastSeq: nextSeq - 1, lastHash, blocks };
}

const isBroken = (value: Broken | Run): value is Broken => 'ok' in value;

/** v1 events from..to, linked from `prevHash`. */
async function verifyEvents(db: Db, from: number, to: number, prevHash: string): Promise<Broken | Run> {
  if (to < from) return { firstSeq: from, firstPrevHash: prevHash, lastSeq: from - 1, lastHash: prevHash, blocks: 0 };
  const file = sqliteFileOf(db);
  const runs: Run[] = [];
  const toRun = (verdict: ReturnType<typeof checkRun>, start: number, end: number): Broken | Run => {
    if (!verdict.ok) return verdict;
    if (verdict.count < end - start + 1) return { ok: false, brokenAtSeq: start + verdict.count, reason: 'missing event (gap in sequence)' };
    return { firstSeq: start, firstPrevHash: verdict.firstPrevHash, lastSeq: verdict.lastSeq, lastHash: verdict.lastHash, blocks: 0 };
  };
  if (file && to - from + 1 >= PARALLEL_MIN_EVENTS) {
    const ranges = splitRange(from, to);
    const verdicts = await Promise.all(ranges.map(([a, b]) => inWorker<ReturnType<typeof checkRun>>({ file, kind: 'events', from: a, to: b, maxSeq: to })));
    for (const [i, verdict] of verdicts.entries()) {
      const [a, b] = ranges[i] as [number, number];
      const run = toRun(verdict, a, b);
      if (isBroken(run)) return run;
      runs.push(run);
    }
  } else {
    const pageSize = 20_000;
    for (let a = from; a <= to; a += pageSize) {
      const b = Math.min(to, a + pageSize - 1);
      const rows = await listChainRows(db, a, b);
      const run = toRun(checkRun(rows.map((r) => CHAIN_COLUMNS.map((c) => r[c]) as unknown as RawEvent), a), a, b);
      if (isBroken(run)) return run;
      runs.push(run);
    }
  }
  return joinRuns(runs, from, prevHash);
}

function blocksRun(verdict: BlocksVerdict): Broken | Run {
  if (!verdict.ok) return verdict;
  return { firstSeq: verdict.firstSeq, firstPrevHash: verdict.firstPrevHash, lastSeq: verdict.lastSeq, lastHash: verdict.lastHash, blocks: verdict.blocks };
}

/** PostgreSQL (and small SQLite logs without a raw handle): blocks in pages, their events read and serialised here. */
async function* pagedBlocks(db: Db, from: number, maxSeq: number): AsyncGenerator<ReadBlock[]> {
  let next = from;
  for (;;) {
    const blocks = await listBlocks(db, next, maxSeq, PG_BLOCK_PAGE);
    if (blocks.length === 0) return;
    const events = await listBlockEvents(db, Number(blocks[0]?.first_seq), Number(blocks.at(-1)?.last_seq));
    let i = 0;
    yield blocks.map((block) => {
      const first = Number(block.first_seq);
      const last = Number(block.last_seq);
      while (i < events.length && Number(events[i]?.seq) < first) i++;
      const start = i;
      while (i < events.length && Number(events[i]?.seq) <= last) i++;
      const inside = events.slice(start, i);
      return { ...block, events: inside.length, body: inside.length > 0 ? blockBody(inside.map(toBlockEvent)) : null };
    });
    next = Number(blocks.at(-1)?.first_seq) + 1;
  }
}

/** v2 blocks from `from` (a block must start there) to `maxSeq`, linked from `prevHash`. */
async function verifyBlocks(db: Db, from: number, maxSeq: number, prevHash: string): Promise<Broken | Run> {
  if (maxSeq < from) return { firstSeq: from, firstPrevHash: prevHash, lastSeq: from - 1, lastHash: prevHash, blocks: 0 };
  const file = sqliteFileOf(db);
  const sqlite = rawSqliteOf(db);
  const runs: Run[] = [];
  if (file && maxSeq - from + 1 >= PARALLEL_MIN_EVENTS) {
    const verdicts = await Promise.all(splitRange(from, maxSeq).map(([a, b]) => inWorker<BlocksVerdict>({ file, kind: 'blocks', from: a, to: b, maxSeq })));
    for (const verdict of verdicts) {
      const run = blocksRun(verdict);
      if (isBroken(run)) return run;
      runs.push(run);
    }
  } else if (sqlite) {
    const run = blocksRun(checkReadBlocks(() => iterateSqliteBlocks(sqlite, from, maxSeq, maxSeq), from));
    if (isBroken(run)) return run;
    runs.push(run);
  } else {
    for await (const page of pagedBlocks(db, from, maxSeq)) {
      const run = blocksRun(checkBlocks(page));
      if (isBroken(run)) return run;
      runs.push(run);
    }
  }
  return joinRuns(runs, from, prevHash);
}

/**
 * Verify the chain after `start` (a point already trusted: GENESIS at 0 for
 * a full check, or a checkpoint whose signature verified), reading no event
 * or block at or before it. Detects edited, deleted, inserted or reordered
 * events (v1: the event; v2: the first seq of its block), and truncation of
 * the tail against `expectHead` (e.g. the furthest exported checkpoint).
 */
export async function verifyAuditChainSince(db: Db, start: ChainPoint, expectHead?: ChainPoint): Promise<AuditVerdict> {
  // One statement, one snapshot: events appended while verifying fall outside ..max and are left for next time.
  const { maxSeq, count } = await chainBounds(db, start.seq);
  const first = await findFirstBlock(db);
  const v2From = first ? Number(first.first_seq) : maxSeq + 1;
  let prevHash = start.hash;
  let blocksFrom = start.seq + 1;
  if (start.isBlock === true || (start.seq > 0 && start.seq >= v2From)) {
    const block = await findBlockEndingAt(db, start.seq);
    if (!block || block.hash !== start.hash) return { ok: false, brokenAtSeq: start.seq, reason: 'chain differs from the trusted checkpoint' };
  } else {
    if (start.seq > 0 && (await findEventHash(db, start.seq)) !== start.hash) return { ok: false, brokenAtSeq: start.seq, reason: 'chain differs from the trusted checkpoint' };
    const v1 = await verifyEvents(db, start.seq + 1, Math.min(v2From, maxSeq + 1) - 1, start.hash);
    if (isBroken(v1)) return v1;
    prevHash = v1.lastHash as string;
    blocksFrom = (v1.lastSeq as number) + 1;
  }
  const v2 = await verifyBlocks(db, blocksFrom, maxSeq, prevHash);
  if (isBroken(v2)) return v2;
  if ((v2.lastSeq as number) < maxSeq) return { ok: false, brokenAtSeq: (v2.lastSeq as number) + 1, reason: 'events outside any block (or a block missing)' };
  // Rows beyond a gap-free start..max (e.g. a negative or duplicate seq slipped in) are tampering too.
  if (count !== maxSeq - start.seq) return { ok: false, brokenAtSeq: maxSeq, reason: 'events outside the sequence' };
  if (expectHead && expectHead.seq > start.seq) {
    if (maxSeq < expectHead.seq) return { ok: false, brokenAtSeq: maxSeq + 1, reason: 'log truncated before the expected head' };
    if ((await chainHashAt(db, expectHead)) !== expectHead.hash) return { ok: false, brokenAtSeq: expectHead.seq, reason: 'chain differs from the expected head' };
  }
  return { ok: true, events: maxSeq, headHash: v2.lastHash as string, fromSeq: start.seq + 1, verifiedEvents: maxSeq - start.seq, blocks: v2.blocks };
}

/** Walk the whole chain from GENESIS (v1 part, then v2); see `verifyAuditChainSince`. */
export async function verifyAuditChain(db: Db, expectHead?: ChainPoint): Promise<AuditVerdict> {
  return verifyAuditChainSince(db, { seq: 0, hash: GENESIS, isBlock: false }, expectHead);
}

/** The chain's hash at a point: the block ending there (v2), or the event's own hash (v1), as the point says. */
export async function chainHashAt(db: Db, point: ChainPoint): Promise<string | undefined> {
  if (point.isBlock !== false) {
    const block = await findBlockEndingAt(db, point.seq);
    if (block || point.isBlock === true) return block?.hash;
  }
  const hash = await findEventHash(db, point.seq);
  return hash === '' ? undefined : hash;
}
