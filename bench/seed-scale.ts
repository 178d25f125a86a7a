/**
 * The first seed's own scale (issue 15): a whole installation of 480,000
 * people in 21 clinics, one patient per person, measured at 2,000 people and
 * at the full size in the same run (ratios beside every figure: these
 * machines are shared and noisy).
 *
 * How it is built (README says so too): every person arrives as a real
 * sealed enquiry (HPKE, the server-side seal the intake's tests use) stored
 * by the intake's own `writeToInbox`, a thousand to a transaction, and goes
 * through the real ingest (open, match on the blind indexes, seal under
 * person keys, group-committed audit). Skipped per record: the HTTP request
 * and its form token (measured by bench:intake). Each person is then made a
 * patient of the clinic they enquired at, in SQL, as conversion would.
 *
 * Measured at each size, on a core started afresh on that database:
 * unseal response and name-index ready time, RSS growth and index bytes per
 * patient; enquiry and patient lists (first page, status filter, a deep page;
 * one clinic's receptionist and a group receptionist of all 21); name, email
 * and phone search; ingest rate (the first 2,000 enquiries vs the last
 * 2,000); the staff UI's own page loads in Chromium. Latencies are p95 over
 * repeated requests through the core's HTTP stack (inject).
 *
 * Detection thresholds are lifted for the bench's staff (a benchmark's
 * hundreds of searches are not what it measures); everything else is the
 * default configuration.
 *
 * Usage: npm run bench:seed-scale [-- --people 480000 --db sqlite|postgres]
 */
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import inspector from 'node:inspector';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { sql } from 'kysely';
import type { Browser } from 'playwright-core';
import { createCoreRuntime, type CoreRuntime } from '../src/core/core-runtime.js';
import { createStaff } from '../src/core/org/org.repository.js';
import { hashPassword } from '../src/crypto/passphrase.js';
import { encodeCursor } from '../src/db/keyset.js';
import { writeToInbox } from '../src/intake/inbox-writer.js';
import { systemClock } from '../src/platform/clock.js';
import { loadCoreConfig } from '../src/platform/config.js';
import { createLogger } from '../src/platform/logger.js';
import { freePort, launchChromium } from '../test/helpers/browser.js';
import { fastSealedBody, generateEnquiry } from '../test/helpers/enquiries.js';
import { createHarness, type Harness, PASSPHRASE, RECEPTION, shareAuthenticators, signIn } from '../test/helpers/harness.js';

const { values: args } = parseArgs({ options: { people: { type: 'string', default: '480000' }, db: { type: 'string', default: 'sqlite' }, repeats: { type: 'string', default: '30' }, profile: { type: 'boolean', default: false } } });
const PEOPLE = Number(args.people);
const DIALECT = args.db === 'postgres' ? 'postgres' : 'sqlite';
const REPEATS = Number(args.repeats);
const SMALL = 2_000;
const RATE_WINDOW = 2_000;
const CLINICS = 21;
/** One run's values (generateEnquiry's suffix), so a search can name a stored person. */
const RUN = 'Qbench';
const GROUP = { email: 'group.reception@clinic.test', password: 'amber lighthouse orchard 58' };

const extraClinics = Array.from({ length: CLINICS - 2 }, (_, i) => ({ slug: `clinic-${String(i + 3).padStart(2, '0')}`, name: `Clinic ${i + 3}` }));
const slugs = ['clinic-a', 'clinic-b', ...extraClinics.map((c) => c.slug)];
const benchEnv = { TACET_LOG_LEVEL: 'warn', TACET_READ_MAX_PERSONS: '100000000', TACET_AUTH_RATE_MAX: '1000000', TACET_BUSINESS_HOURS: '00:00-00:00', TACET_TRAINING_GRACE_DAYS: '30', TACET_INTAKE_MIN_FILL_MS: '0' };

const harness: Harness = await createHarness(DIALECT, { env: benchEnv, extraClinics });
const organisationId = (await harness.core.db.selectFrom('clinics').select('organisation_id').executeTakeFirstOrThrow()).organisation_id;
await createStaff(harness.core.db, { organisationId, email: GROUP.email, displayName: 'Group reception', passwordHash: await hashPassword(GROUP.password), orgRole: null, roles: Object.values(harness.clinicIds).map((clinicId) => ({ clinicId, role: 'receptionist' as const })) }, new Date().toISOString());
const logFile = path.join(harness.database.dataDir, 'bench-core.log');
let lastApp = harness.core.app;
let written = 0;

function progress(message: string): void {
  process.stderr.write(`${new Date().toISOString().slice(11, 19)} ${message}\n`);
}

/** Seal and store `count` more enquiries as the intake would, a thousand to a transaction. */
async function writeEnquiries(count: number): Promise<void> {
  for (let done = 0; done < count; ) {
    const chunk = Math.min(1_000, count - done);
    await harness.intake.db.transaction().execute(async (trx) => {
      for (let i = 0; i < chunk; i++) {
        const n = written + i;
        const clinic = slugs[n % CLINICS] as string;
        const body = fastSealedBody(harness.publication, clinic, generateEnquiry(n, RUN), 'bulk') as { clinic: string; kid: string; enc: string; ct: string };
        await writeToInbox(trx, { clinic: body.clinic, kid: body.kid, enc: body.enc, ct: body.ct, source: 'js' }, new Date().toISOString());
      }
    });
    written += chunk;
    done += chunk;
  }
}

/** SQLite: fold the WAL into the database first, so a timed window does not pay for the bulk work before it. */
async function settle(core: CoreRuntime): Promise<void> {
  if (DIALECT === 'sqlite') await sql`PRAGMA wal_checkpoint(TRUNCATE)`.execute(core.db);
}

/**
 * Grow to `target` people through the real ingest, in rounds of 10,000, then
 * (unless `patients` is false) make everyone a patient; returns enquiries
 * per second of the ingest alone.
 */
async function growTo(core: CoreRuntime, target: number, patients = true): Promise<number> {
  let ingestMs = 0;
  const start = written;
  await settle(core);
  while (written < target) {
    await writeEnquiries(Math.min(10_000, target - written));
    const t0 = performance.now();
    await core.ingest.drain();
    ingestMs += performance.now() - t0;
    if (written % 50_000 < 10_000) progress(`${written} people`);
  }
  const rate = ((written - start) * 1000) / ingestMs;
  if (!patients) return rate;
  await sql`INSERT INTO patients (id, person_id, clinic_id, enquiry_id, status, created_at, created_by) SELECT substr(e.id, 1, 14) || '5' || substr(e.id, 16), e.person_id, e.clinic_id, e.id, 'active', e.received_at, 'bench' FROM enquiries e WHERE NOT EXISTS (SELECT 1 FROM patients p WHERE p.person_id = e.person_id)`.execute(core.db);
  await sql`ANALYZE`.execute(core.db);
  await settle(core);
  return rate;
}

/** A core started afresh on the database (sealed, as after a restart), listening for the browser. */
async function startCore(observe = false): Promise<{ core: CoreRuntime; url: string }> {
  const port = await freePort();
  const url = `http://localhost:${port}`;
  const config = loadCoreConfig({ ...benchEnv, TACET_COOKIE_SECURE: 'true', TACET_CORE_ORIGIN: url, TACET_LOG_FILE: logFile, ...harness.database.env });
  // --profile: name every query slower than 50 ms (its SQL only, never its values).
  const onQuery = (query: { sql: string }, ms: number) => {
    if (ms > 50) progress(`slow query ${ms.toFixed(0)} ms: ${query.sql.slice(0, 160)}`);
  };
  const core = await createCoreRuntime({ config, logger: createLogger({ level: 'warn', destination: logFile }), clock: systemClock, ...(observe ? { onQuery } : {}) });
  shareAuthenticators(lastApp, core.app);
  lastApp = core.app;
  await core.app.listen({ host: '127.0.0.1', port });
  return { core, url };
}

/** --profile: a CPU profile of one phase (unseal to index ready; the last ingest window). */
async function startProfile(): Promise<inspector.Session | undefined> {
  if (!args.profile) return undefined;
  const session = new inspector.Session();
  session.connect();
  await new Promise((resolve) => session.post('Profiler.enable', () => session.post('Profiler.start', resolve)));
  return session;
}

async function stopProfile(session: inspector.Session | undefined, name: string): Promise<void> {
  if (!session) return;
  const file = path.resolve(name);
  await new Promise<void>((resolve) =>
    session.post('Profiler.stop', (_error: unknown, result: { profile: unknown }) => {
      fs.writeFileSync(file, JSON.stringify(result.profile));
      resolve();
    }),
  );
  session.disconnect();
  progress(`CPU profile: ${file}`);
}

/** A full collection before a memory figure (the script runs with --expose-gc). */
function gc(): void {
  const collect = (globalThis as { gc?: () => void }).gc;
  if (!collect) throw new Error('run with node --expose-gc (npm run bench:seed-scale does)');
  collect();
}

const p95 = (values: number[]) => [...values].sort((a, b) => a - b)[Math.min(values.length - 1, Math.ceil(values.length * 0.95) - 1)] ?? NaN;

async function timed(run: (i: number) => Promise<void>, repeats = REPEATS): Promise<number> {
  await run(0); // warm
  const times: number[] = [];
  for (let i = 1; i <= repeats; i++) {
    const t0 = performance.now();
    await run(i);
    times.push(performance.now() - t0);
  }
  return p95(times);
}

type Figures = Record<string, number>;

async function measure(core: CoreRuntime, url: string, people: number, browser: Browser): Promise<Figures> {
  const figures: Figures = {};
  const { db } = core;
  gc();
  const rss0 = process.memoryUsage().rss;
  const heap0 = process.memoryUsage().heapUsed;
  const profiler = people > SMALL ? await startProfile() : undefined;
  const t0 = performance.now();
  const unsealed = await core.app.inject({ method: 'POST', url: '/api/v1/vault/unseal', payload: { passphrase: PASSPHRASE } });
  if (unsealed.statusCode !== 200) throw new Error(`unseal answered ${unsealed.statusCode}`);
  figures['unseal response (ms)'] = performance.now() - t0;
  await core.patientIndex.whenBuilt();
  figures['name index ready (ms)'] = performance.now() - t0;
  await stopProfile(profiler, `seed-scale-unseal-${people}.cpuprofile`);
  const footprint = core.patientIndex.footprint();
  figures['name index typed arrays, bytes per patient'] = footprint.bytes / Math.max(1, footprint.patients);
  gc();
  figures['JS heap growth after unseal, bytes per patient (after GC)'] = (process.memoryUsage().heapUsed - heap0) / Math.max(1, footprint.patients);
  figures['RSS growth after unseal (MB)'] = (process.memoryUsage().rss - rss0) / 1_048_576;

  const reception = await signIn(core.app, RECEPTION, url);
  const group = await signIn(core.app, GROUP, url);
  const get = (cookie: string, target: string) => async () => {
    const response = await core.app.inject({ method: 'GET', url: target, headers: { cookie } });
    if (response.statusCode !== 200) throw new Error(`${target} answered ${response.statusCode}`);
  };
  const middle = await db.selectFrom('enquiries').select(['received_at', 'id']).orderBy('received_at').orderBy('id').offset(Math.floor(people / 2)).limit(1).executeTakeFirstOrThrow();
  const middlePatient = await db.selectFrom('patients').select(['created_at', 'id']).orderBy('created_at').orderBy('id').offset(Math.floor(people / 2)).limit(1).executeTakeFirstOrThrow();
  const deep = encodeURIComponent(encodeCursor({ at: middle.received_at, id: middle.id }));
  const deepPatient = encodeURIComponent(encodeCursor({ at: middlePatient.created_at, id: middlePatient.id }));
  for (const [who, cookie] of [['1 clinic', reception], ['21 clinics', group]] as const) {
    figures[`enquiry list, first page, ${who} (ms)`] = await timed(get(cookie, '/api/v1/enquiries'));
    figures[`enquiry list, status filter, ${who} (ms)`] = await timed(get(cookie, '/api/v1/enquiries?status=new'));
    figures[`enquiry list, deep page, ${who} (ms)`] = await timed(get(cookie, `/api/v1/enquiries?cursor=${deep}`));
    figures[`patient list, first page, ${who} (ms)`] = await timed(get(cookie, '/api/v1/patients'));
    figures[`patient list, deep page, ${who} (ms)`] = await timed(get(cookie, `/api/v1/patients?cursor=${deepPatient}`));
  }
  const search = (payload: (i: number) => Record<string, string>) => async (i: number) => {
    const response = await core.app.inject({ method: 'POST', url: '/api/v1/patients/search', headers: { cookie: group }, payload: payload(i) });
    if (response.statusCode !== 200) throw new Error(`search answered ${response.statusCode}`);
    if (response.json<{ indexBuilding: number | null }>().indexBuilding !== null) throw new Error('the name index was not ready');
  };
  const someone = (i: number) => generateEnquiry((i * 7_919) % people, RUN);
  figures['name search, prefix (ms)'] = await timed(search((i) => ({ name: someone(i).name.split(' ').map((w) => w.slice(0, 3)).join(' ') })));
  figures['name search, full name (ms)'] = await timed(search((i) => ({ name: someone(i).name })));
  figures['name search, no match (ms)'] = await timed(search((i) => ({ name: `Zzyzx Qwerty${'z'.repeat(i % 3)}` })));
  figures['email search (ms)'] = await timed(search((i) => ({ email: someone(i).email })));
  figures['phone search (ms)'] = await timed(search((i) => ({ phone: someone(i).phone })));

  // The staff UI in Chromium: navigation to the list shown, and a name search answered on screen.
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
  const equals = group.indexOf('=');
  await context.addCookies([{ name: group.slice(0, equals), value: group.slice(equals + 1), domain: 'localhost', path: '/', secure: true, httpOnly: true, sameSite: 'Strict' }]);
  const page = await context.newPage();
  const load = async (target: string, ready: string) => {
    await page.goto(`${url}${target}`);
    await page.locator(ready).first().waitFor();
  };
  figures['UI: enquiry list page (ms)'] = await timed(() => load('/enquiries', 'table tbody tr'), 10);
  figures['UI: patient list page (ms)'] = await timed(() => load('/patients', 'table tbody tr'), 10);
  await load('/patients', 'table tbody tr');
  figures['UI: name search answered (ms)'] = await timed(async (i) => {
    await page.getByLabel('Name').fill(someone(i + 100).name);
    await page.getByRole('button', { name: 'Search' }).click();
    await page.getByRole('region', { name: 'Search results' }).getByRole('link').first().waitFor();
  }, 10);
  await context.close();
  return figures;
}

function baselineBackup(): number | undefined {
  const file = (harness.database.config as { file?: string }).file;
  try {
    const target = path.join(harness.database.dataDir, 'baseline');
    const t0 = performance.now();
    if (file) execFileSync('sqlite3', [file, `.backup '${target}'`]);
    else execFileSync('pg_dump', ['-h', '127.0.0.1', '-U', 'postgres', '-n', (harness.database.config as { schema: string }).schema, '-f', target, 'test']);
    const ms = performance.now() - t0;
    fs.rmSync(target, { force: true });
    return ms;
  } catch {
    return undefined;
  }
}

progress(`${DIALECT}: ${PEOPLE} people in ${CLINICS} clinics`);
const browser = await launchChromium();
const rates: Figures = {};
try {
  rates['ingest rate, first 2,000 (enquiries/s)'] = await growTo(harness.core, SMALL);
  await harness.core.close();
  const small = await startCore();
  progress('measuring at 2,000 people');
  const atSmall = await measure(small.core, small.url, SMALL, browser);
  if (PEOPLE > SMALL + RATE_WINDOW) await growTo(small.core, PEOPLE - RATE_WINDOW, false);
  const ingestProfile = await startProfile();
  rates['ingest rate, last 2,000 (enquiries/s)'] = await growTo(small.core, PEOPLE);
  await stopProfile(ingestProfile, `seed-scale-ingest-${PEOPLE}.cpuprofile`);
  await small.core.close();
  const large = await startCore(args.profile);
  progress(`measuring at ${PEOPLE} people`);
  const atLarge = await measure(large.core, large.url, PEOPLE, browser);
  const baseline = baselineBackup();
  await large.core.close();

  const fmt = (x: number | undefined) => (x === undefined || Number.isNaN(x) ? 'n/a' : x >= 100 ? x.toFixed(0) : x.toFixed(1));
  console.log(`\n## seed scale, ${DIALECT}: ${SMALL} vs ${PEOPLE} people, ${CLINICS} clinics, one patient each (p95 of ${REPEATS}; UI of 10)\n`);
  console.log(`| measure | ${SMALL.toLocaleString('en-GB')} | ${PEOPLE.toLocaleString('en-GB')} | ratio |`);
  console.log('|---|---:|---:|---:|');
  for (const key of Object.keys(atLarge)) console.log(`| ${key} | ${fmt(atSmall[key])} | ${fmt(atLarge[key])} | ${fmt((atLarge[key] ?? NaN) / (atSmall[key] ?? NaN))} |`);
  const first = rates['ingest rate, first 2,000 (enquiries/s)'];
  const last = rates['ingest rate, last 2,000 (enquiries/s)'];
  console.log(`| ingest rate (enquiries/s): first 2,000 vs last 2,000 | ${fmt(first)} | ${fmt(last)} | ${fmt((last ?? NaN) / (first ?? NaN))} |`);
  console.log(`\nbaseline ${DIALECT === 'sqlite' ? 'sqlite3 .backup' : 'pg_dump'} of the ${PEOPLE.toLocaleString('en-GB')}-person database: ${fmt(baseline)} ms (Tacet's backup and restore against it: npm run bench:backup)`);
} finally {
  await browser.close();
  await harness.intake.close();
  await harness.database.cleanup();
}
