/**
 * The front desk at scale (issue 16): 480,000 enquiries in 21 clinics,
 * measured at 2,000 enquiries and at the full size in the same run (the
 * ratio beside every figure: these machines are shared and noisy).
 *
 * How it is built: persons and enquiries written in SQL from a number
 * series (as test/helpers/bulk.ts does), with placeholder envelopes (no view
 * measured here opens one), spread over the last two years, with realistic
 * mixes: channels (google 35 %, direct 20 %, instagram 15 %, facebook 10 %,
 * bing 8 %, treatwell 7 %, newsletter 5 %), furthest stages (new 20 %,
 * contacted 35 %, consultation booked 20 %, attended 10 %, treatment booked
 * 7 %, won 8 %), four in ten of those not won lost (reasons spread over
 * LOST_REASONS), first responses from a minute to about 5.5 hours (skewed
 * short) for those moved on and half of the rest, an SLA of 4 hours, and
 * one stage event per stage each enquiry passed (about 1.2 million rows).
 *
 * One section per measured view (`SECTIONS`): each gets the running
 * installation and returns named p95 latencies (ms) over repeated requests
 * through the core's HTTP stack (inject, with session and authorisation).
 * Work views (queue, Today, pool, board and table) and reports are measured.
 *
 * Usage: npm run bench:front-desk [-- --enquiries 480000 --db sqlite|postgres --repeats 30]
 */
import { parseArgs } from 'node:util';
import { type RawBuilder, sql } from 'kysely';
import type { FastifyInstance } from 'fastify';
import { LOST_REASONS } from '../src/core/pipeline/stages.js';
import { createStaff } from '../src/core/org/org.repository.js';
import { hashPassword } from '../src/crypto/passphrase.js';
import type { Db } from '../src/db/database.js';
import { generateEnquiries } from '../test/helpers/enquiries.js';
import { ADMIN, createHarness, type Harness, RECEPTION, signIn, submitEnquiries } from '../test/helpers/harness.js';

const { values: args } = parseArgs({ options: { enquiries: { type: 'string', default: '480000' }, db: { type: 'string', default: 'sqlite' }, repeats: { type: 'string', default: '30' } } });
const TOTAL = Number(args.enquiries);
const DIALECT = args.db === 'postgres' ? 'postgres' : 'sqlite';
const REPEATS = Number(args.repeats);
const SMALL = 2_000;
const CLINICS = 21;
const SPAN_SECONDS = 730 * 86_400;
const MANAGER = { email: 'bench.manager@clinic.test', password: 'walnut glacier sonata 47' };

/** What a section gets: the app, signed-in cookies and the clinics. */
export interface BenchContext {
  readonly app: FastifyInstance;
  readonly cookies: { readonly admin: string; readonly manager: string; readonly reception: string };
  readonly clinicIds: readonly string[];
}

/** A measured view: named p95 latencies in ms. */
export interface BenchSection {
  readonly name: string;
  readonly measure: (context: BenchContext) => Promise<Record<string, number>>;
}

const p95 = (values: number[]) => [...values].sort((a, b) => a - b)[Math.min(values.length - 1, Math.ceil(values.length * 0.95) - 1)] ?? NaN;

/** p95 of GET `url` (after a warm-up), failing on anything but 200. */
async function p95Of(app: FastifyInstance, cookie: string, url: string): Promise<number> {
  const times: number[] = [];
  for (let i = 0; i <= REPEATS; i++) {
    const t0 = performance.now();
    const response = await app.inject({ url, headers: { cookie } });
    if (response.statusCode !== 200) throw new Error(`${url}: ${response.statusCode} ${response.body.slice(0, 200)}`);
    if (i > 0) times.push(performance.now() - t0);
  }
  return p95(times);
}

const SECTIONS: readonly BenchSection[] = [
  {
    name: 'work views (clinic 1: its manager; my queue: a receptionist with 25 routed enquiries, each row opened through the door)',
    async measure({ app, cookies, clinicIds }) {
      const clinic = clinicIds[0] as string;
      return {
        'my queue, 25 rows opened (assigned-work reads)': await p95Of(app, cookies.reception, '/api/v1/desk/queue?limit=25'),
        'Today (manager: pools, follow-ups, overdue, appointments)': await p95Of(app, cookies.manager, '/api/v1/desk/today'),
        'pool, first page of 25 (oldest unassigned)': await p95Of(app, cookies.reception, `/api/v1/desk/pool?clinic=${clinic}`),
        'board / table, first 50 newest, with stage counts': await p95Of(app, cookies.manager, `/api/v1/desk/board?clinic=${clinic}`),
        'table, one stage (contacted)': await p95Of(app, cookies.manager, `/api/v1/desk/board?clinic=${clinic}&stage=contacted`),
        'table, overdue first responses only': await p95Of(app, cookies.manager, `/api/v1/desk/board?clinic=${clinic}&overdue=true`),
        'table, unassigned, oldest first': await p95Of(app, cookies.manager, `/api/v1/desk/board?clinic=${clinic}&assignee=none&order=oldest`),
        'enquiry list by reference': await p95Of(app, cookies.manager, '/api/v1/enquiries?reference=ENQ-B12345'),
      };
    },
  },
  {
    name: 'reports (counts only, default 90 days unless said)',
    async measure({ app, cookies, clinicIds }) {
      const r = '/api/v1/reports/enquiries';
      return {
        'all 21 clinics, by clinic (administrator)': await p95Of(app, cookies.admin, `${r}?groupBy=clinic`),
        'all 21 clinics, by source': await p95Of(app, cookies.admin, `${r}?groupBy=channel`),
        'all 21 clinics, by clinic and source': await p95Of(app, cookies.admin, `${r}?groupBy=both`),
        'all 21 clinics, by clinic, 365 days': await p95Of(app, cookies.admin, `${r}?groupBy=clinic&from=${isoDay(-364)}&to=${isoDay(0)}`),
        'one clinic, by source (its manager)': await p95Of(app, cookies.manager, `${r}?groupBy=channel&clinic=${clinicIds[0]}`),
        'one clinic, one source, by clinic': await p95Of(app, cookies.manager, `${r}?groupBy=clinic&channel=google`),
        'CSV, all 21 clinics, by clinic and source': await p95Of(app, cookies.admin, `${r}.csv?groupBy=both`),
      };
    },
  },
];

function isoDay(offsetDays: number): string {
  return new Date(Date.now() + offsetDays * 86_400_000).toISOString().slice(0, 10);
}

function progress(message: string): void {
  process.stderr.write(`${new Date().toISOString().slice(11, 19)} ${message}\n`);
}

/** Build enquiries numbered [from, to) in SQL, clinic by clinic (number mod 21), with their stage events. */
async function buildEnquiries(db: Db, organisationId: string, clinicIds: readonly string[], from: number, to: number): Promise<void> {
  const pg = DIALECT === 'postgres';
  const id = (x: string) => (pg ? sql`'0000000b-0000-4000-8000-' || lpad((${sql.raw(x)})::text, 12, '0')` : sql`'0000000b-0000-4000-8000-' || printf('%012d', ${sql.raw(x)})`);
  const series = (a: number, b: number) => (pg ? sql`SELECT g::bigint AS x FROM generate_series(${sql.lit(a)}::bigint, ${sql.lit(b)}::bigint) g` : sql`WITH RECURSIVE c(x) AS (SELECT ${sql.lit(a)} UNION ALL SELECT x + 1 FROM c WHERE x < ${sql.lit(b)}) SELECT x FROM c`);
  const nowSeconds = Math.floor(Date.now() / 1000);
  const iso = (seconds: RawBuilder<unknown>) => (pg ? sql`to_char(to_timestamp(${seconds}) AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"')` : sql`strftime('%Y-%m-%dT%H:%M:%fZ', ${seconds}, 'unixepoch')`);
  const received = sql`(${sql.lit(nowSeconds)} - ((x * 7919) % ${sql.lit(SPAN_SECONDS)}))`;
  const stageDraw = sql`((x * 7 + x / 21 * 13) % 100)`;
  const furthest = sql`CASE WHEN ${stageDraw} < 20 THEN 'new' WHEN ${stageDraw} < 55 THEN 'contacted' WHEN ${stageDraw} < 75 THEN 'consultation_booked' WHEN ${stageDraw} < 85 THEN 'consultation_attended' WHEN ${stageDraw} < 92 THEN 'treatment_booked' ELSE 'won' END`;
  const isLost = sql`(${stageDraw} < 92 AND (x * 13 + x / 7) % 100 < 40)`;
  const reasons = LOST_REASONS.map((code, i) => sql`WHEN ${sql.lit(i)} THEN ${sql.lit(code)}`);
  const lostReason = sql`CASE (x * 17 + x / 3) % ${sql.lit(LOST_REASONS.length)} ${sql.join(reasons, sql` `)} END`;
  const channelDraw = sql`((x * 31 + x / 11) % 100)`;
  const channel = sql`CASE WHEN ${channelDraw} < 35 THEN 'google' WHEN ${channelDraw} < 55 THEN 'direct' WHEN ${channelDraw} < 70 THEN 'instagram' WHEN ${channelDraw} < 80 THEN 'facebook' WHEN ${channelDraw} < 88 THEN 'bing' WHEN ${channelDraw} < 95 THEN 'treatwell' ELSE 'newsletter' END`;
  const isAnswered = sql`(${stageDraw} >= 20 OR x % 2 = 0)`;
  const responseSeconds = sql`(60 + ((x * 37) % 1000) * ((x * 37) % 1000) / 50)`;
  const at = new Date().toISOString();
  for (const [index, clinicId] of clinicIds.entries()) {
    // Numbers of this clinic: x = index + 21k within [from, to).
    const first = Math.ceil((from - index) / CLINICS);
    const last = Math.ceil((to - index) / CLINICS) - 1;
    if (last < first) continue;
    const rows = sql`SELECT ${sql.lit(index)} + ${sql.lit(CLINICS)} * k AS x FROM (SELECT x AS k FROM (${series(first, last)}) s) t`;
    await sql`INSERT INTO persons (id, organisation_id, created_at, updated_at, contact_envelope, email_bi, phone_bi, surname_dob_bi, is_restricted) SELECT ${id('x')}, ${organisationId}, ${at}, ${at}, 'sealed', NULL, NULL, NULL, 0 FROM (${rows}) r`.execute(db);
    await sql`INSERT INTO enquiries (id, person_id, clinic_id, status, source, received_at, created_at, submission_hash, body_envelope, reference, channel, furthest_stage, lost_reason, first_response_at, sla_due_at, stage_changed_at, last_activity_at)
      SELECT ${id('x')}, ${id('x')}, ${clinicId}, CASE WHEN ${isLost} THEN 'lost' ELSE ${furthest} END, 'js', ${iso(received)}, ${iso(received)}, 'bench-h' || x, 'sealed', 'ENQ-B' || x, ${channel},
        CASE WHEN ${stageDraw} < 20 THEN NULL ELSE ${furthest} END, CASE WHEN ${isLost} THEN ${lostReason} ELSE NULL END,
        CASE WHEN ${isAnswered} THEN ${iso(sql`${received} + ${responseSeconds}`)} ELSE NULL END, ${iso(sql`${received} + 14400`)}, ${iso(received)}, ${iso(received)}
      FROM (${rows}) r`.execute(db);
  }
  // One stage event per stage passed (at the first response: the shape, not the times, is what counts here).
  const range = pg ? sql`e.id BETWEEN ${`0000000b-0000-4000-8000-${String(from).padStart(12, '0')}`} AND ${`0000000b-0000-4000-8000-${String(to - 1).padStart(12, '0')}`}` : sql`e.id BETWEEN ${`0000000b-0000-4000-8000-${String(from).padStart(12, '0')}`} AND ${`0000000b-0000-4000-8000-${String(to - 1).padStart(12, '0')}`}`;
  await sql`INSERT INTO enquiry_events (id, enquiry_id, clinic_id, at, staff_id, kind, detail)
    SELECT e.id || '-' || ps.key, e.id, e.clinic_id, e.first_response_at, NULL, 'stage', ps.key
    FROM enquiries e JOIN pipeline_stages ps ON ps.organisation_id = ${organisationId} AND ps.kind <> 'lost' AND ps.position > 0
      AND ps.position <= (SELECT p2.position FROM pipeline_stages p2 WHERE p2.organisation_id = ${organisationId} AND p2.key = e.furthest_stage)
    WHERE ${range} AND e.furthest_stage IS NOT NULL`.execute(db);
  await sql`INSERT INTO enquiry_events (id, enquiry_id, clinic_id, at, staff_id, kind, detail)
    SELECT e.id || '-lost', e.id, e.clinic_id, coalesce(e.first_response_at, e.received_at), NULL, 'stage', 'lost' FROM enquiries e WHERE ${range} AND e.status = 'lost'`.execute(db);
  await sql`ANALYZE`.execute(db);
}

const extraClinics = Array.from({ length: CLINICS - 2 }, (_, i) => ({ slug: `clinic-${String(i + 3).padStart(2, '0')}`, name: `Clinic ${i + 3}` }));
const harness: Harness = await createHarness(DIALECT, { env: { TACET_LOG_LEVEL: 'warn', TACET_AUTH_RATE_MAX: '1000000', TACET_TRAINING_GRACE_DAYS: '30', TACET_BUSINESS_HOURS: '00:00-00:00', TACET_INTAKE_RATE_MAX: '100000' }, extraClinics });
try {
  const db = harness.core.db;
  const organisationId = (await db.selectFrom('clinics').select('organisation_id').executeTakeFirstOrThrow()).organisation_id;
  const clinicIds = ['clinic-a', 'clinic-b', ...extraClinics.map((c) => c.slug)].map((slug) => harness.clinicIds[slug] as string);
  await createStaff(db, { organisationId, email: MANAGER.email, displayName: 'Bench manager', passwordHash: await hashPassword(MANAGER.password), orgRole: null, roles: [{ clinicId: clinicIds[0] as string, role: 'clinic_manager' }] }, new Date().toISOString());
  const reception = await signIn(harness.core.app, RECEPTION);
  // A receptionist on shift at clinic 1 is routed 25 real sealed enquiries (intake, then ingest): her queue at either size.
  const shift = await harness.core.app.inject({ method: 'POST', url: '/api/v1/desk/shift', headers: { cookie: reception, 'content-type': 'application/json' }, payload: JSON.stringify({ clinic: clinicIds[0], onShift: true }) });
  if (shift.statusCode !== 200) throw new Error(`shift: ${shift.statusCode}`);
  await submitEnquiries(harness, generateEnquiries(900_000, 25), { clinic: 'clinic-a' });
  const context: BenchContext = { app: harness.core.app, cookies: { admin: await signIn(harness.core.app, ADMIN), manager: await signIn(harness.core.app, MANAGER), reception }, clinicIds };

  const results: Record<string, Record<string, number>>[] = [];
  let built = 0;
  for (const size of [SMALL, TOTAL]) {
    const t0 = performance.now();
    await buildEnquiries(db, organisationId, clinicIds, built, size);
    built = size;
    progress(`built ${size} enquiries in ${((performance.now() - t0) / 1000).toFixed(1)} s`);
    const figures: Record<string, Record<string, number>> = {};
    for (const section of SECTIONS) figures[section.name] = await section.measure(context);
    results.push(figures);
  }
  const events = await db.selectFrom('enquiry_events').select((eb) => eb.fn.countAll<number | string>().as('n')).executeTakeFirstOrThrow();
  console.log(`\n## front desk, ${DIALECT}: ${SMALL} vs ${TOTAL} enquiries, ${CLINICS} clinics, ${Number(events.n)} events (p95 of ${REPEATS}, ms, through inject)\n`);
  const [small, large] = results;
  for (const section of SECTIONS) {
    console.log(`### ${section.name}\n`);
    console.log(`| view | ${SMALL} | ${TOTAL} | ratio |\n|---|---:|---:|---:|`);
    for (const [view, ms] of Object.entries(large?.[section.name] ?? {})) {
      const base = small?.[section.name]?.[view] ?? NaN;
      console.log(`| ${view} | ${base.toFixed(1)} | ${ms.toFixed(1)} | ${(ms / base).toFixed(1)} |`);
    }
    console.log('');
  }
} finally {
  await harness.close();
}
