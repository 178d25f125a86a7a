/**
 * Audit benchmark (SQLite, one process = one core).
 *
 *  1. reads per second at the single door with the audit append (hash chain;
 *     the gate group-commits its events in batches, in the audit writer's own
 *     transaction, and each read waits for its event's commit before any key
 *     opens; reads here go one at a time, so each batch holds one event)
 *     beside the same door with a no-op audit (same run): target ratio >= 0.7;
 *  2. `verifyAuditChain` throughput over a real chain: target >= 1 million events/s;
 *  3. time to list every person one actor touched in a 24 h window, with
 *     10 million events in the log: target < 1 s.
 *
 * Usage: npm run bench:audit [-- --reads 3000 --chain 1000000 --events 10000000]
 */
import { parseArgs } from 'node:util';
import { sql } from 'kysely';
import os from 'node:os';
import { createAuditLog, type AuditLog, verifyAuditChain } from '../src/audit/audit-log.js';
import { CHAIN_COLUMNS, checkRun, type RawEvent } from '../src/audit/chain.js';
import type { StaffActor } from '../src/auth/actor.js';
import { createEnquiryDoor } from '../src/core/door/enquiry-door.js';
import { staffActorFor } from '../src/core/org/org.repository.js';
import { openDatabase } from '../src/db/database.js';
import { migrateToLatest } from '../src/db/migrations.js';
import { systemClock } from '../src/platform/clock.js';
import { DIALECTS, freshDatabase } from '../test/helpers/databases.js';
import { generateEnquiry } from '../test/helpers/enquiries.js';
import { ADMIN, createHarness, submitEnquiries } from '../test/helpers/harness.js';

const { values: args } = parseArgs({ options: { reads: { type: 'string', default: '3000' }, chain: { type: 'string', default: '1000000' }, events: { type: 'string', default: '10000000' } } });
void DIALECTS;

console.log(`Tacet audit benchmark - node ${process.version}, ${new Date().toISOString()}`);

// 1. The single door, with and without the audit append.
{
  const harness = await createHarness('sqlite', { env: { TACET_LOG_LEVEL: 'warn', TACET_INTAKE_RATE_MAX: '100000', TACET_READ_MAX_PERSONS: '1000000' } });
  try {
    await submitEnquiries(harness, Array.from({ length: 200 }, (_, i) => generateEnquiry(i, 'A')));
    const ids = (await harness.core.db.selectFrom('enquiries').select('id').execute()).map((r) => r.id);
    const staff = await harness.core.db.selectFrom('staff').selectAll().where('email', '=', ADMIN.email).executeTakeFirstOrThrow();
    const actor: StaffActor = await staffActorFor(harness.core.db, staff, { public_id: 'bench' } as never, '10.0.0.1', []);
    const noAudit: AuditLog = { append: async () => [] };
    const detection = { beforeRead: async () => undefined, afterDenied: async () => undefined, exportAttempt: async () => undefined };
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
try {
  await migrateToLatest(db);
  const audit = createAuditLog({ dialect, clock: systemClock, db });
  const chain = Number(args.chain);
  let start = performance.now();
  for (let done = 0; done < chain; done += 10_000) {
    const batch = Array.from({ length: Math.min(10_000, chain - done) }, (_, i) => ({
      actor: `staff:${(done + i) % 50}`,
      action: 'enquiry.read',
      personIds: [`00000000-0000-4000-8000-${String((done + i) % 100_000).padStart(12, '0')}`],
      recordRefs: [`enquiry:${done + i}`],
      purpose: 'enquiry-follow-up',
      ip: '10.0.0.1',
      sessionId: 'b2c1d0e9-0000-4000-8000-000000000000',
      outcome: 'success' as const,
    }));
    await db.transaction().execute((trx) => audit.append(trx, batch));
  }
  console.log(`built a chain of ${chain} events in ${((performance.now() - start) / 1000).toFixed(1)} s (batched appends)`);
  start = performance.now();
  const verdict = await verifyAuditChain(db);
  const seconds = (performance.now() - start) / 1000;
  if (!verdict.ok) throw new Error('chain broken');
  console.log(`verify (read every event from SQLite in ${os.availableParallelism()} read-only worker threads, re-hash, check links):`);
  console.log(`  end to end: ${(verdict.events / seconds / 1e6).toFixed(2)} million events/s   (${verdict.events} events in ${seconds.toFixed(2)} s; target >= 1)`);
  // The hashing and linking alone, on events already read (what verification costs beyond the database read).
  const sample = (await db.selectFrom('audit_events').select([...CHAIN_COLUMNS]).where('seq', '<=', 300_000).orderBy('seq').execute()).map((r) => CHAIN_COLUMNS.map((c) => r[c]) as unknown as RawEvent);
  start = performance.now();
  const computed = checkRun(sample, 1);
  const computeSeconds = (performance.now() - start) / 1000;
  if (!computed.ok) throw new Error('sample broken');
  console.log(`  hash + link check alone, one thread: ${(sample.length / computeSeconds / 1e6).toFixed(2)} million events/s (${sample.length} events in memory)`);

  // 3. 10 million events in time order (as a log is), actors interleaved: bulk-generated rows (chain validity does not matter for this query).
  const total = Number(args.events);
  start = performance.now();
  const actors = 500;
  const spanMs = 30 * 86_400_000;
  const t0 = Date.parse('2026-10-01T00:00:00Z');
  for (let from = chain + 1; from <= chain + total; from += 1_000_000) {
    const to = Math.min(chain + total, from + 999_999);
    // Integer literals, not bound numbers: better-sqlite3 binds JS numbers as REAL.
    await sql`
      WITH RECURSIVE c(x) AS (SELECT ${sql.lit(from)} UNION ALL SELECT x + 1 FROM c WHERE x < ${sql.lit(to)})
      INSERT INTO audit_events (seq, at, actor, action, person_ids, record_refs, purpose, ip, session_id, outcome, prev_hash, hash)
      SELECT x, strftime('%Y-%m-%dT%H:%M:%fZ', (${sql.lit(t0)} + (x - ${sql.lit(chain)}) * ${sql.lit(spanMs / total)}) / 1000.0, 'unixepoch'), 'staff:' || ((x * 7919) % ${sql.lit(actors)}), 'enquiry.read',
             '["00000000-0000-4000-8000-' || printf('%012d', x % 400000) || '"]', '["enquiry:' || x || '"]', 'enquiry-follow-up', '10.0.0.1', NULL, 'success', '', ''
      FROM c`.execute(db);
  }
  console.log(`generated ${total} more events (${actors} actors over 30 days) in ${((performance.now() - start) / 1000).toFixed(1)} s`);
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
  console.log(`persons touched by one actor in a 24 h window, ${chain + total} events in the log (index on actor, at):`);
  console.log(`  median ${timings[2]?.toFixed(1)} ms, worst ${timings[4]?.toFixed(1)} ms   (${events} events, ${persons} distinct persons for the last actor; target < 1000 ms)`);
} finally {
  await db.destroy();
  await database.cleanup();
}
