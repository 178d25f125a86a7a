/**
 * Audit benchmark (SQLite, one process = one core).
 *
 *  1. reads per second at the single door with the audit append (the gate
 *     group-commits its events in batches, each batch one block of the v2
 *     chain, and each read waits for its event's commit before any key
 *     opens; reads here go one at a time, so each batch holds one event)
 *     beside the same door with a no-op audit (same run): target ratio >= 0.7;
 *  2. verify at scale (ADR 0016): a log that starts with a v1 per-event chain
 *     (`--v1`, default 500,000, written as the pre-0015 writer did), then
 *     migration 0015 and `--chain` (default 10 million) v2 events appended by
 *     the real writer in blocks of 1000. Measured in the same run: the v1
 *     verify rate (baseline), the v2 verify rate (target: 10 million in
 *     <= 10 s), the full check, the single-thread hash rates of both formats,
 *     and an incremental verify of one day's events (`--day`, default 100,000,
 *     in group-commit batches of 100) after a checkpoint of the head block;
 *  3. time to list every person one actor touched in a 24 h window, over the
 *     whole log: target < 1 s.
 *
 * Usage: npm run bench:audit [-- --reads 3000 --v1 500000 --chain 10000000 --day 100000]
 */
import { parseArgs } from 'node:util';
import os from 'node:os';
import { createAuditLog, type AuditLog, verifyAuditChain, verifyAuditChainSince } from '../src/audit/audit-log.js';
import { iterateSqliteBlocks } from '../src/audit/audit-sqlite.repository.js';
import { checkBlocks } from '../src/audit/block-chain.js';
import { CHAIN_COLUMNS, chainHash, checkRun, GENESIS, type RawEvent } from '../src/audit/chain.js';
import type { StaffActor } from '../src/auth/actor.js';
import { createEnquiryDoor } from '../src/core/door/enquiry-door.js';
import { staffActorFor } from '../src/core/org/org.repository.js';
import { openDatabase, rawSqliteOf } from '../src/db/database.js';
import { migrateToLatest, migrateUpTo } from '../src/db/migrations.js';
import { systemClock } from '../src/platform/clock.js';
import { DIALECTS, freshDatabase } from '../test/helpers/databases.js';
import { generateEnquiry } from '../test/helpers/enquiries.js';
import { ADMIN, createHarness, submitEnquiries } from '../test/helpers/harness.js';

const { values: args } = parseArgs({ options: { reads: { type: 'string', default: '3000' }, v1: { type: 'string', default: '500000' }, chain: { type: 'string', default: '10000000' }, day: { type: 'string', default: '100000' } } });
void DIALECTS;

console.log(`Tacet audit benchmark - node ${process.version}, ${new Date().toISOString()}`);

// 1. The single door, with and without the audit append (skipped with --reads 0).
if (Number(args.reads) > 0) {
  const harness = await createHarness('sqlite', { env: { TACET_LOG_LEVEL: 'warn', TACET_INTAKE_RATE_MAX: '100000', TACET_READ_MAX_PERSONS: '1000000' } });
  try {
    await submitEnquiries(harness, Array.from({ length: 200 }, (_, i) => generateEnquiry(i, 'A')));
    const ids = (await harness.core.db.selectFrom('enquiries').select('id').execute()).map((r) => r.id);
    const staff = await harness.core.db.selectFrom('staff').selectAll().where('email', '=', ADMIN.email).executeTakeFirstOrThrow();
    const actor: StaffActor = await staffActorFor(harness.core.db, staff, { public_id: 'bench' } as never, '10.0.0.1', []);
    const noAudit: AuditLog = { append: async () => [] };
    const detection = { beforeRead: async () => undefined, afterDenied: async () => undefined, exportAttempt: async () => undefined, beforeAssign: async () => undefined };
    const audited = createEnquiryDoor({ db: harness.core.db, vault: harness.core.vault, audit: harness.core.audit, clock: systemClock, detection });
    const bare = createEnquiryDoor({ db: harness.core.db, vault: harness.core.vault, audit: noAudit, clock: systemClock, detection });
    const reads = Number(args.reads);
    const rate = async (door: typeof audited) => {
      const start = performance.now();
      for (let i = 0; i < reads; i++) await door.readEnquiry(actor, ids[i % ids.length] as string, { purpose: 'bench' });
      return reads / ((performance.now() - start) / 1000);
    };
    await rate(bare);
    await rate(audited); // warm-up both paths
    const results = { bare: [] as number[], audited: [] as number[] };
    for (let round = 0; round < 5; round++) {
      results.bare.push(await rate(bare));
      results.audited.push(await rate(audited));
    }
    const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[2] as number;
    console.log(`single door (authorise + decrypt contact and enquiry, ${reads} reads x 5 alternating rounds, median):`);
    console.log(`  with audit append (hash chain, own transaction)/s : ${median(results.audited).toFixed(0)}   = audit events appended/s`);
    console.log(`  baseline, same reads with a no-op audit/s        : ${median(results.bare).toFixed(0)}`);
    console.log(`  ratio                                            : ${(median(results.audited) / median(results.bare)).toFixed(2)}   (target >= 0.70)`);
  } finally {
    await harness.close();
  }
}

// 2 and 3 on a database of their own.
const database = await freshDatabase('sqlite');
const { db, dialect } = await openDatabase(database.config, { createSchema: true });
const seconds = (since: number) => (performance.now() - since) / 1000;
const rate = (events: number, s: number) => `${(events / s / 1e6).toFixed(2)} million events/s`;
try {
  // The v1 part, as the writer before migration 0015 stored it: one hash per event.
  await migrateUpTo(db, '0014_list_indexes');
  const raw = rawSqliteOf(db) as NonNullable<ReturnType<typeof rawSqliteOf>>;
  const v1Count = Number(args.v1);
  const t0 = Date.parse('2026-10-01T00:00:00Z');
  const spanMs = 30 * 86_400_000;
  let start = performance.now();
  {
    const insert = raw.prepare('INSERT INTO audit_events (seq, at, actor, action, person_ids, record_refs, purpose, ip, session_id, outcome, prev_hash, hash) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)');
    let prev = GENESIS;
    const at = new Date(t0 - 86_400_000).toISOString();
    raw.transaction(() => {
      for (let seq = 1; seq <= v1Count; seq++) {
        const row = [seq, at, `staff:${seq % 50}`, 'enquiry.read', `["00000000-0000-4000-8000-${String(seq % 100_000).padStart(12, '0')}"]`, `["enquiry:${seq}"]`, 'enquiry-follow-up', '10.0.0.1', null, 'success'] as const;
        const hash = chainHash(prev, row as unknown as RawEvent);
        insert.run(...row, prev, hash);
        prev = hash;
      }
    })();
  }
  await migrateToLatest(db);
  console.log(`wrote a v1 chain of ${v1Count} events in ${seconds(start).toFixed(1)} s, then migrated (0015_audit_blocks)`);

  // v1 baseline: before any block exists the full check is the v1 check alone. The WAL is folded
  // into the database file first (a running core checkpoints continuously); median of 3, as for v2.
  raw.pragma('wal_checkpoint(TRUNCATE)');
  const v1Runs: number[] = [];
  let v1Verdict: Awaited<ReturnType<typeof verifyAuditChain>> | undefined;
  for (let round = 0; round < 3; round++) {
    start = performance.now();
    v1Verdict = await verifyAuditChain(db);
    v1Runs.push(seconds(start));
  }
  if (!v1Verdict?.ok || v1Verdict.events !== v1Count) throw new Error(`v1 chain broken: ${JSON.stringify(v1Verdict)}`);
  const v1Tail = { seq: v1Count, hash: v1Verdict.headHash, isBlock: false };
  const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[1] as number;

  // v2: the real writer, 1000-event appends (one block each), time advancing over 30 days.
  const chain = Number(args.chain);
  let now = t0;
  const audit = createAuditLog({ dialect, clock: { now: () => new Date(now) }, db });
  // Generation only: several appends (each its own block, exactly as the writer makes it) share a
  // transaction, since a commit per block costs ~13 ms on this machine's disk and would dominate.
  const append = async (count: number, batch: number) => {
    const perTransaction = 100;
    for (let done = 0; done < count; done += batch * perTransaction) {
      await db.transaction().execute(async (trx) => {
        for (let part = done; part < Math.min(count, done + batch * perTransaction); part += batch) {
          const n = Math.min(batch, count - part);
          const events = Array.from({ length: n }, (_, i) => {
            const k = part + i;
            return {
              actor: `staff:${(k * 7919) % 500}`,
              action: 'enquiry.read',
              personIds: [`00000000-0000-4000-8000-${String(k % 400_000).padStart(12, '0')}`],
              recordRefs: [`enquiry:${k}`],
              purpose: 'enquiry-follow-up',
              ip: '10.0.0.1',
              sessionId: 'b2c1d0e9-0000-4000-8000-000000000000',
              outcome: 'success' as const,
              domains: ['contact'],
            };
          });
          await audit.append(trx, events);
          now += (spanMs / chain) * n;
        }
      });
    }
  };
  start = performance.now();
  await append(chain, 1000);
  console.log(`appended ${chain} v2 events with the writer in ${seconds(start).toFixed(1)} s (blocks of 1000, 100 blocks a transaction)`);

  // v2 alone: from the v1 tail on, only blocks are read. Median of 3.
  raw.pragma('wal_checkpoint(TRUNCATE)');
  const v2Runs: number[] = [];
  let v2Verdict: Awaited<ReturnType<typeof verifyAuditChainSince>> | undefined;
  for (let round = 0; round < 3; round++) {
    start = performance.now();
    v2Verdict = await verifyAuditChainSince(db, v1Tail);
    v2Runs.push(seconds(start));
  }
  if (!v2Verdict?.ok || v2Verdict.verifiedEvents !== chain) throw new Error(`v2 chain broken: ${JSON.stringify(v2Verdict)}`);
  start = performance.now();
  const fullVerdict = await verifyAuditChain(db);
  const fullSeconds = seconds(start);
  if (!fullVerdict.ok) throw new Error('chain broken');
  const v1Seconds = median(v1Runs);
  const v2Seconds = median(v2Runs);
  const v1Rate = v1Count / v1Seconds;
  const v2Rate = chain / v2Seconds;
  console.log(`verify, end to end (read from SQLite in ${Math.max(2, Math.min(8, os.availableParallelism()))} read-only worker threads, hash, check links), median of 3:`);
  console.log(`  v1 per event (baseline)   : ${rate(v1Count, v1Seconds)}   (${v1Count} events in ${v1Seconds.toFixed(2)} s; runs ${v1Runs.map((x) => x.toFixed(2)).join(' / ')})`);
  console.log(`  v2 blocks of 1000         : ${rate(chain, v2Seconds)}   (${chain} events, ${v2Verdict.blocks} blocks in ${v2Seconds.toFixed(2)} s, runs ${v2Runs.map((x) => x.toFixed(2)).join(' / ')}; target: 10 million in <= 10 s)`);
  console.log(`  ratio v2 / v1             : ${(v2Rate / v1Rate).toFixed(1)}x`);
  console.log(`  full check, v1 then v2    : ${fullVerdict.events} events in ${fullSeconds.toFixed(2)} s (${rate(fullVerdict.events, fullSeconds)})`);

  // The hashing alone on one thread, on data already read (what verification costs beyond the database read).
  const sample = 300_000;
  const v1Rows = (await db.selectFrom('audit_events').select([...CHAIN_COLUMNS]).where('seq', '<=', Math.min(sample, v1Count)).orderBy('seq').execute()).map((r) => CHAIN_COLUMNS.map((c) => r[c]) as unknown as RawEvent);
  start = performance.now();
  if (!checkRun(v1Rows, 1).ok) throw new Error('v1 sample broken');
  const v1HashRate = v1Rows.length / seconds(start);
  const blocks = [...iterateSqliteBlocks(raw, v1Count + 1, v1Count + sample, v1Count + chain)];
  start = performance.now();
  const blocksVerdict = checkBlocks(blocks);
  const v2HashRate = (blocksVerdict.ok ? blocksVerdict.events : 0) / seconds(start);
  console.log(`  hash + link check alone, one thread, in memory: v1 ${(v1HashRate / 1e6).toFixed(2)}, v2 ${(v2HashRate / 1e6).toFixed(2)} million events/s (ratio ${(v2HashRate / v1HashRate).toFixed(1)}x)`);

  // Incremental: a checkpoint of the head block, then one day's events in group-commit batches of 100.
  const head = { seq: fullVerdict.events, hash: fullVerdict.headHash, isBlock: true };
  const day = Number(args.day);
  await append(day, 100);
  const runs: number[] = [];
  let incremental: Awaited<ReturnType<typeof verifyAuditChainSince>> | undefined;
  for (let run = 0; run < 5; run++) {
    start = performance.now();
    incremental = await verifyAuditChainSince(db, head);
    runs.push(seconds(start));
  }
  if (!incremental?.ok || incremental.verifiedEvents !== day) throw new Error(`incremental verify failed: ${JSON.stringify(incremental)}`);
  runs.sort((a, b) => a - b);
  const incrementalSeconds = runs[2] as number;
  console.log(`incremental verify after the checkpoint at seq ${head.seq} (one day: ${day} events in ${incremental.blocks} blocks of 100), median of 5:`);
  console.log(`  ${(incrementalSeconds * 1000).toFixed(0)} ms (${rate(day, incrementalSeconds)}); the full check of the ${incremental.events} events would take ~${(fullSeconds + day / v2Rate).toFixed(1)} s: ${((fullSeconds + day / v2Rate) / incrementalSeconds).toFixed(0)}x less`);

  // 3. Who touched what: the query over the whole log.
  const total = v1Count + chain + day;
  const windowStart = new Date(t0 + 10 * 86_400_000).toISOString();
  const windowEnd = new Date(t0 + 11 * 86_400_000).toISOString();
  const timings: number[] = [];
  let persons = 0;
  let events = 0;
  for (let run = 0; run < 5; run++) {
    start = performance.now();
    const rows = await db.selectFrom('audit_events').select('person_ids').where('actor', '=', `staff:${17 + run}`).where('at', '>=', windowStart).where('at', '<', windowEnd).execute();
    const touched = new Set(rows.flatMap((row) => JSON.parse(row.person_ids) as string[]));
    timings.push(performance.now() - start);
    persons = touched.size;
    events = rows.length;
  }
  timings.sort((a, b) => a - b);
  console.log(`persons touched by one actor in a 24 h window, ${total} events in the log (index on actor, at):`);
  console.log(`  median ${timings[2]?.toFixed(1)} ms, worst ${timings[4]?.toFixed(1)} ms   (${events} events, ${persons} distinct persons for the last actor; target < 1000 ms)`);
} finally {
  await db.destroy();
  await database.cleanup();
}
