/**
 * Breach scope benchmark, on SQLite and PostgreSQL:
 *  1. scope of a stolen login over a 3-hour window, with 10 million audit
 *     events and 500,000 persons in the database (target < 2 s);
 *  2. scope of "the intake tier and a database copy were taken" over the same
 *     500,000 persons (target < 2 s);
 * and, on SQLite, notices queued (contact opened through the door, letter
 * filled, sealed into the outbox) and sent per second to a local SMTP server.
 *
 * Timings are of the DPO's "compute scope" action through the incident
 * service: compute and store one row per person in scope, in one
 * transaction. Rows are bulk-generated in SQL (ciphertext columns hold placeholders: the
 * scope engine reads ids, keys' ids and the audit log, never plaintext).
 *
 * Usage: npm run bench:scope [-- --events 10000000 --persons 500000 --notices 1000]
 */
import { parseArgs } from 'node:util';
import { sql } from 'kysely';
import { staffActorFor } from '../src/core/org/org.repository.js';
import type { Db } from '../src/db/database.js';
import { systemClock } from '../src/platform/clock.js';
import { DIALECTS, type TestDialect } from '../test/helpers/databases.js';
import { generateEnquiry } from '../test/helpers/enquiries.js';
import { ADMIN, createHarness, submitEnquiries } from '../test/helpers/harness.js';
import { startSmtp } from '../test/helpers/smtp.js';

const { values: args } = parseArgs({ options: { events: { type: 'string', default: '10000000' }, persons: { type: 'string', default: '500000' }, notices: { type: 'string', default: '1000' }, only: { type: 'string' } } });
const EVENTS = Number(args.events);
const PERSONS = Number(args.persons);
const NOTICES = Number(args.notices);
// Generated events follow the set-up's own (appended now), so the log stays in time order.
const T0 = Math.ceil(Date.now() / 86_400_000 + 1) * 86_400_000;
const SPAN_MS = 30 * 86_400_000;
const ACTORS = 500;

async function populate(dialect: TestDialect, db: Db, organisationId: string, clinicId: string): Promise<void> {
  const pid = (x: string) => (dialect === 'postgres' ? sql`'00000000-0000-4000-8000-' || lpad((${sql.raw(x)})::text, 12, '0')` : sql`'00000000-0000-4000-8000-' || printf('%012d', ${sql.raw(x)})`);
  const series = (from: number, to: number) => (dialect === 'postgres' ? sql`SELECT g AS x FROM generate_series(${sql.lit(from)}::bigint, ${sql.lit(to)}::bigint) g` : sql`WITH RECURSIVE c(x) AS (SELECT ${sql.lit(from)} UNION ALL SELECT x + 1 FROM c WHERE x < ${sql.lit(to)}) SELECT x FROM c`);
  for (let from = 0; from < PERSONS; from += 250_000) {
    const to = Math.min(PERSONS, from + 250_000) - 1;
    await sql`INSERT INTO persons (id, organisation_id, created_at, updated_at, contact_envelope, email_bi, phone_bi, surname_dob_bi, is_restricted) SELECT ${pid('x')}, ${organisationId}, '2026-09-01T00:00:00.000Z', '2026-09-01T00:00:00.000Z', 'sealed', NULL, NULL, NULL, 0 FROM (${series(from, to)}) s`.execute(db);
    for (const domain of ['contact', 'enquiry']) {
      await sql`INSERT INTO person_keys (person_id, domain, wrapping_key_id, wrapped_dek, created_at) SELECT ${pid('x')}, ${domain}, ${`${domain}.v1`}, 'wrapped', '2026-09-01T00:00:00.000Z' FROM (${series(from, to)}) s`.execute(db);
    }
    await sql`INSERT INTO enquiries (id, person_id, clinic_id, status, source, received_at, created_at, submission_hash, body_envelope) SELECT ${pid('x')}, ${pid('x')}, ${clinicId}, 'new', 'js', '2026-09-01T00:00:00.000Z', '2026-09-01T00:00:00.000Z', 'h' || x, 'sealed' FROM (${series(from, to)}) s`.execute(db);
  }
  const at = dialect === 'postgres' ? sql`to_char(to_timestamp((${sql.lit(T0)} + x * ${sql.lit(SPAN_MS / EVENTS)}) / 1000.0) AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"')` : sql`strftime('%Y-%m-%dT%H:%M:%fZ', (${sql.lit(T0)} + x * ${sql.lit(SPAN_MS / EVENTS)}) / 1000.0, 'unixepoch')`;
  const person = dialect === 'postgres' ? sql`'["' || ${pid(`(x * 7) % ${PERSONS}`)} || '"]'` : sql`'["' || ${pid(`(x * 7) % ${PERSONS}`)} || '"]'`;
  const base = Number((await db.selectFrom('audit_events').select((eb) => eb.fn.max('seq').as('m')).executeTakeFirst())?.m ?? 0);
  for (let from = 1; from <= EVENTS; from += 1_000_000) {
    const to = Math.min(EVENTS, from + 999_999);
    await sql`INSERT INTO audit_events (seq, at, actor, action, person_ids, record_refs, purpose, ip, session_id, outcome, prev_hash, hash)
      SELECT x + ${sql.lit(base)}, ${at}, 'staff:' || ((x * 7919) % ${sql.lit(ACTORS)}), 'enquiry.read', ${person}, '[]', 'enquiry-follow-up', '10.0.0.1', NULL, 'success', '', '' FROM (${series(from, to)}) s`.execute(db);
  }
  if (dialect === 'postgres') await sql`ANALYZE`.execute(db);
}

async function timed<T>(work: () => Promise<T>): Promise<{ ms: number; result: T }> {
  const start = performance.now();
  const result = await work();
  return { ms: performance.now() - start, result };
}

for (const dialect of DIALECTS.filter((d) => !args.only || d === args.only)) {
  const harness = await createHarness(dialect, { env: { TACET_LOG_LEVEL: 'warn' } });
  try {
    const db = harness.core.db;
    const org = (await db.selectFrom('organisations').select('id').executeTakeFirstOrThrow()).id;
    const started = performance.now();
    await populate(dialect, db, org, harness.clinicIds['clinic-a'] as string);
    console.log(`${dialect}: generated ${PERSONS} persons (2 keys and an enquiry each) and ${EVENTS} audit events in ${((performance.now() - started) / 1000).toFixed(0)} s`);
    const windowFrom = new Date(T0 + 12 * 86_400_000).toISOString();
    const windowTo = new Date(T0 + 12 * 86_400_000 + 3 * 3_600_000).toISOString();
    // Through the service, as the DPO's button runs it: compute and store one row per person, in one transaction.
    const staff = await db.selectFrom('staff').selectAll().where('email', '=', ADMIN.email).executeTakeFirstOrThrow();
    const actor = await staffActorFor(db, staff, { public_id: 'bench' } as never, '127.0.0.1', []);
    const details = { whatHappened: 'Benchmark.', howDiscovered: '', likelyConsequences: '', measuresBefore: '', measuresAfter: '', staffInvolved: false, staffTraining: '', contactPoint: '' };
    const incident = async (indicators: { kind: 'staff' | 'component'; value: string; from?: string; to?: string }[]) => {
      const { id } = await harness.core.incidents.declare(actor, { title: 'Benchmark', regime: 'uk-gdpr', awareAt: new Date(T0 + 13 * 86_400_000).toISOString(), details });
      for (const indicator of indicators) await harness.core.incidents.addIndicator(actor, id, indicator);
      return () => harness.core.incidents.computeScope(actor, id);
    };
    const stolen = [];
    for (let run = 0; run < 3; run++) {
      const compute = await incident([{ kind: 'staff', value: String(17 + run), from: windowFrom, to: windowTo }]);
      stolen.push(await timed(compute));
    }
    stolen.sort((a, b) => a.ms - b.ms);
    const median = stolen[1] as (typeof stolen)[number];
    console.log(`  stolen login, 3 h window: median ${median.ms.toFixed(0)} ms (${median.result.persons} people in scope; target < 2000 ms)`);
    const copies = [];
    for (let run = 0; run < 3; run++) {
      const compute = await incident([{ kind: 'component', value: 'intake-tier' }, { kind: 'component', value: 'database-copy' }]);
      copies.push(await timed(compute));
    }
    copies.sort((a, b) => a.ms - b.ms);
    const copy = copies[1] as (typeof copies)[number];
    console.log(`  intake tier + database copy: median ${copy.ms.toFixed(0)} ms (${copy.result.persons} people, ${copy.result.unintelligible} unintelligible; target < 2000 ms)`);
  } finally {
    await harness.close();
  }
}

// Notices, end to end: real people (sealed, ingested), a real SMTP server on loopback.
if (!args.only || args.only === 'sqlite') {
  const smtp = await startSmtp();
  const harness = await createHarness('sqlite', { env: { TACET_SMTP_URL: `${smtp.url}?pool=true&maxConnections=4`, TACET_INTAKE_RATE_MAX: '1000000', TACET_LOG_LEVEL: 'warn' } });
  try {
    await submitEnquiries(harness, Array.from({ length: NOTICES }, (_, i) => generateEnquiry(i)));
    const staff = await harness.core.db.selectFrom('staff').selectAll().where('email', '=', ADMIN.email).executeTakeFirstOrThrow();
    const actor = await staffActorFor(harness.core.db, staff, { public_id: 'bench' } as never, '127.0.0.1', []);
    const incidents = harness.core.incidents;
    const details = { whatHappened: 'Benchmark.', howDiscovered: 'Benchmark.', likelyConsequences: '', measuresBefore: '', measuresAfter: 'Benchmark.', staffInvolved: false, staffTraining: '', contactPoint: 'dpo@clinic.test' };
    const { id } = await incidents.declare(actor, { title: 'Notice benchmark', regime: 'uk-gdpr', awareAt: systemClock.now().toISOString(), details });
    await incidents.addIndicator(actor, id, { kind: 'component', value: 'database-copy' });
    await incidents.addIndicator(actor, id, { kind: 'component', value: 'key:vault' });
    await incidents.computeScope(actor, id);
    const queued = await timed(() => incidents.sendNotices(actor, id, { includeUnintelligible: false }));
    const sending = await timed(async () => {
      while ((await harness.core.db.selectFrom('notification_outbox').select('id').where('channel', '=', 'notice-email').where('sent_at', 'is', null).execute()).length > 0) await harness.core.outbox.deliverDue();
      await smtp.waitFor(NOTICES);
    });
    console.log(`notices (SQLite, ${NOTICES} people, local SMTP server):`);
    console.log(`  queued (contact opened through the door, letter filled, sealed into the outbox): ${(queued.result.queued / (queued.ms / 1000)).toFixed(0)}/s`);
    console.log(`  sent over SMTP (outbox worker, pooled connections): ${(NOTICES / (sending.ms / 1000)).toFixed(0)}/s`);
  } finally {
    await harness.close();
    await smtp.stop();
  }
}
