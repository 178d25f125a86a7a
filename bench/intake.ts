/**
 * Foundation benchmark. Prints:
 *  1. sealed enquiries accepted per second over HTTP on loopback, beside the
 *     same server storing plaintext (ratio; target >= 0.8);
 *  2. ingest (HPKE open + re-encrypt under person keys + blind indexes +
 *     store) per second on one core (target >= 2,000/s);
 *  3. blind-index lookup latency p50/p99 with 480,000 persons (target p99 < 5 ms).
 * Ratios are measured in the same run, so a noisy shared machine affects both sides.
 * Usage: npm run bench:intake [-- --seconds 5 --persons 480000 --ingest 5000 --only ingest|intake|lookup]
 */
import { parseArgs } from 'node:util';
import { Aes256Gcm, CipherSuite, DhkemX25519HkdfSha256, HkdfSha256 } from '@hpke/core';
import autocannon from 'autocannon';
import { fromBase64Url, utf8 } from '../src/crypto/bytes.js';
import { ENQUIRY_HPKE_INFO, enquiryAad } from '../src/crypto/enquiry-suite.js';
import { type Insertable, sql } from 'kysely';
import type { PersonsTable } from '../src/db/tables.js';
import { blindIndex } from '../src/crypto/blind-index.js';
import { issueFormToken } from '../src/crypto/form-token.js';
import { newId, randomSecret, randomToken } from '../src/crypto/random.js';
import { normaliseEmail } from '../src/core/persons/normalise.js';
import { findPersonIdsByIndex } from '../src/core/persons/persons.repository.js';
import { openEnquiry } from '../src/crypto/open.js';
import { writeToInbox } from '../src/intake/inbox-writer.js';
import { fastSealedBody, generateEnquiry } from '../test/helpers/enquiries.js';
import { createHarness, type Harness } from '../test/helpers/harness.js';

const { values: args } = parseArgs({ options: { seconds: { type: 'string', default: '5' }, persons: { type: 'string', default: '480000' }, ingest: { type: 'string', default: '5000' }, only: { type: 'string' } } });
const SECONDS = Number(args.seconds);
const PERSONS = Number(args.persons);
const INGEST = Number(args.ingest);

// Each request carries its own form token (a token is accepted once), issued with the intake's secret as the request is set up.
const FORM_SECRET = randomSecret();
const TOKEN_SLOT = 'FORM-TOKEN-SLOT';

async function load(url: string, bodies: string[], seconds: number): Promise<number> {
  let next = 0;
  const result = await autocannon({
    url,
    method: 'POST',
    connections: 16,
    duration: seconds,
    headers: { 'content-type': 'application/json' },
    requests: [{ setupRequest: (request) => ({ ...request, body: (bodies[next++ % bodies.length] as string).replace(TOKEN_SLOT, issueFormToken(FORM_SECRET, Date.now())) }) }],
  });
  if (result.non2xx > 0 || result.errors > 0) throw new Error(`load run had ${result.non2xx} non-2xx and ${result.errors} errors`);
  return result.requests.average;
}

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)] as number;

async function intakeThroughput(harness: Harness): Promise<void> {
  // Baseline: the same server, same rate limiter and inbox-like table, storing plaintext JSON.
  await sql`create table bench_plaintext (id text primary key, received_at text not null, clinic_slug text not null, body text not null)`.execute(harness.core.db);
  const plainSchema = {
    type: 'object',
    required: ['clinic', 'fields'],
    properties: { clinic: { type: 'string', maxLength: 64 }, fields: { type: 'object' }, formToken: { type: 'string', maxLength: 100 } },
  } as const;
  harness.intake.app.post<{ Body: { clinic: string; fields: unknown } }>(
    '/bench/plaintext',
    { config: { access: 'public', rateLimit: { max: 1e9, timeWindow: 60_000 } }, schema: { body: plainSchema } },
    async (request, reply) => {
      await harness.intake.db.insertInto('bench_plaintext' as never).values({ id: newId(), received_at: new Date().toISOString(), clinic_slug: request.body.clinic, body: JSON.stringify(request.body.fields) } as never).execute();
      return reply.status(202).send({ status: 'accepted' });
    },
  );
  const address = await harness.intake.app.listen({ host: '127.0.0.1', port: 0 });
  const formToken = TOKEN_SLOT;
  const pool = 40_000;
  const sealed: string[] = [];
  const plain: string[] = [];
  for (let i = 0; i < pool; i++) {
    const fields = generateEnquiry(i, 'b');
    sealed.push(JSON.stringify(fastSealedBody(harness.publication, 'clinic-a', fields, formToken)));
    plain.push(JSON.stringify({ clinic: 'clinic-a', fields, formToken }));
  }
  await load(`${address}/bench/plaintext`, plain.slice(0, 2000), 1); // warm-up
  const sealedRates: number[] = [];
  const plainRates: number[] = [];
  for (let round = 0; round < 3; round++) {
    plainRates.push(await load(`${address}/bench/plaintext`, plain, SECONDS));
    sealedRates.push(await load(`${address}/v1/enquiries`, sealed, SECONDS));
  }
  const s = median(sealedRates);
  const p = median(plainRates);
  console.log(`intake (SQLite, HTTP loopback, 16 connections, median of 3 x ${SECONDS}s):`);
  console.log(`  sealed enquiries accepted/s : ${s.toFixed(0)}`);
  console.log(`  plaintext baseline/s        : ${p.toFixed(0)}`);
  console.log(`  ratio sealed/plaintext      : ${(s / p).toFixed(2)}   (target >= 0.80)`);
}

/** Ingest on a fresh installation; returns enquiries per wall-clock second and per CPU second for one run. */
async function ingestRun(): Promise<{ wall: number; cpu: number }> {
  const harness = await createHarness('sqlite', { env: { TACET_INGEST_BATCH: '1000', TACET_LOG_LEVEL: 'warn' } });
  try {
    return await ingestOnce(harness);
  } finally {
    await harness.close();
  }
}

async function ingestOnce(harness: Harness): Promise<{ wall: number; cpu: number }> {
  const sealed = Array.from({ length: INGEST }, (_, i) => fastSealedBody(harness.publication, i % 2 ? 'clinic-a' : 'clinic-b', generateEnquiry(100_000 + i, 'i'), 'x'));
  await harness.core.db.transaction().execute(async (trx) => {
    for (const body of sealed) await writeToInbox(trx, { clinic: String(body['clinic']), kid: String(body['kid']), enc: String(body['enc']), ct: String(body['ct']), source: 'js' }, new Date().toISOString());
  });
  const start = performance.now();
  const cpuStart = process.cpuUsage();
  const result = await harness.core.ingest.drain();
  const cpu = process.cpuUsage(cpuStart);
  const seconds = (performance.now() - start) / 1000;
  if (result.ingested !== INGEST) throw new Error(`ingested ${result.ingested} of ${INGEST}`);
  return { wall: INGEST / seconds, cpu: INGEST / ((cpu.user + cpu.system) / 1e6) };
}

let nativeOpenRate = 0;

/** Same-run baseline: opening alone with the browser library (@hpke/core), the path the server does not use. */
async function hpkeCoreOpenRate(): Promise<number> {
  const harness = await createHarness('sqlite', { env: { TACET_LOG_LEVEL: 'warn' } });
  try {
    const key = harness.core.vault.keyring().intakeKey(harness.publication.activeKid);
    if (!key) throw new Error('no intake key');
    const jwk = key.privateKey.export({ format: 'jwk' });
    const suite = new CipherSuite({ kem: new DhkemX25519HkdfSha256(), kdf: new HkdfSha256(), aead: new Aes256Gcm() });
    const recipientKey = await suite.kem.importKey('raw', Uint8Array.from(fromBase64Url(String(jwk.d))).buffer, false);
    const bodies = Array.from({ length: 500 }, (_, i) => fastSealedBody(harness.publication, 'clinic-a', generateEnquiry(i, 'h'), 'x'));
    const opening = harness.core.vault.keyring().intakeKey(harness.publication.activeKid) as NonNullable<typeof key>;
    const nativeStart = performance.now();
    for (let round = 0; round < 10; round++) for (const body of bodies) openEnquiry(opening, 'clinic-a', String(body['enc']), String(body['ct']));
    nativeOpenRate = (bodies.length * 10) / ((performance.now() - nativeStart) / 1000);
    const start = performance.now();
    for (const body of bodies) {
      await suite.open({ recipientKey, enc: Uint8Array.from(fromBase64Url(String(body['enc']))).buffer, info: utf8(ENQUIRY_HPKE_INFO) }, Uint8Array.from(fromBase64Url(String(body['ct']))).buffer, utf8(enquiryAad('clinic-a', harness.publication.activeKid)));
    }
    return bodies.length / ((performance.now() - start) / 1000);
  } finally {
    await harness.close();
  }
}

async function ingestThroughput(): Promise<void> {
  await ingestRun(); // warm-up: a running core is JIT-warm, so the first (cold) run is not counted
  const runs = [await ingestRun(), await ingestRun(), await ingestRun()];
  const rates = runs.map((run) => run.wall);
  const perCpu = runs.map((run) => run.cpu);
  const baseline = await hpkeCoreOpenRate();
  console.log(`ingest (SQLite, one process = one core, ${INGEST} enquiries per run on a fresh database, new persons, median of 3 after a warm-up run):`);
  console.log(`  open + validate + re-encrypt + index + store + audit/s : ${median(rates).toFixed(0)}   (runs: ${rates.map((r) => r.toFixed(0)).join(', ')}; target >= 2000)`);
  console.log(`  per CPU-second of this process (one core)             : ${median(perCpu).toFixed(0)}   (runs: ${perCpu.map((r) => r.toFixed(0)).join(', ')}; steal time from other tenants excluded)`);
  console.log(`  open only, Tacet's node:crypto HPKE (same run)/s      : ${nativeOpenRate.toFixed(0)}`);
  console.log(`  baseline, open only with @hpke/core (same run)/s       : ${baseline.toFixed(0)}   (full ingest is ${(median(rates) / baseline).toFixed(1)}x its open-only rate)`);
}

async function lookupLatency(harness: Harness): Promise<void> {
  const keyring = harness.core.vault.keyring();
  const organisationId = (await harness.core.db.selectFrom('organisations').select('id').executeTakeFirstOrThrow()).id;
  const emails: string[] = [];
  const at = new Date().toISOString();
  const filler = randomToken(150);
  const loadStart = performance.now();
  for (let start = 0; start < PERSONS; start += 5000) {
    const rows: Insertable<PersonsTable>[] = [];
    for (let i = start; i < Math.min(PERSONS, start + 5000); i++) {
      const email = `person${i}.${randomToken(4)}@example.org`;
      if (i % 48 === 0) emails.push(email);
      rows.push({ id: newId(), organisation_id: organisationId, created_at: at, updated_at: at, contact_envelope: filler, email_bi: blindIndex(keyring.blindIndexKeys, 'email', normaliseEmail(email)), phone_bi: null, surname_dob_bi: null });
    }
    await harness.core.db.transaction().execute(async (trx) => {
      for (let i = 0; i < rows.length; i += 500) await trx.insertInto('persons').values(rows.slice(i, i + 500)).execute();
    });
  }
  const loadSeconds = (performance.now() - loadStart) / 1000;
  const samples: number[] = [];
  for (let round = 0; round < 2; round++) {
    for (const email of emails) {
      const t0 = performance.now();
      const ids = await findPersonIdsByIndex(harness.core.db, organisationId, 'email_bi', blindIndex(keyring.blindIndexKeys, 'email', normaliseEmail(email)));
      samples.push(performance.now() - t0);
      if (ids.length !== 1) throw new Error('lookup missed');
    }
  }
  samples.sort((a, b) => a - b);
  const pct = (q: number) => (samples[Math.min(samples.length - 1, Math.floor(q * samples.length))] as number).toFixed(3);
  console.log(`blind-index lookup (SQLite, ${PERSONS} persons loaded in ${loadSeconds.toFixed(1)}s, ${samples.length} lookups incl. HMAC):`);
  console.log(`  p50 ${pct(0.5)} ms, p99 ${pct(0.99)} ms   (target p99 < 5 ms)`);
}

console.log(`Tacet foundation benchmark - node ${process.version}, ${new Date().toISOString()}`);
const wants = (part: string) => !args.only || args.only === part;
if (wants('ingest')) await ingestThroughput();
if (wants('intake') || wants('lookup')) {
  const harness = await createHarness('sqlite', { formSecret: FORM_SECRET, env: { TACET_INTAKE_RATE_MAX: '1000000000', TACET_LOG_LEVEL: 'warn' } });
  try {
    if (wants('intake')) await intakeThroughput(harness);
    if (wants('lookup')) await lookupLatency(harness);
  } finally {
    await harness.close();
  }
}
