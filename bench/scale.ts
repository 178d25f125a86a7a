/**
 * Scale benchmark (loopback only, bounded in time), on PostgreSQL + Redis:
 *
 *  1. staff API throughput — authorised enquiry reads per second (session →
 *     MFA-verified actor → compliance gate → door: authorise, detection
 *     counters in Redis, audit group-committed — concurrent reads' events
 *     batched in the audit writer's own transaction, each read waiting for its
 *     commit before any key opens — decrypt) — against one
 *     core process, then against two core processes behind the same load
 *     (half the connections each, as a load balancer would spread them);
 *     the ratio is the figure;
 *  2. intake throughput — sealed enquiries accepted per second by one intake
 *     process writing to PostgreSQL.
 *
 * Each core and intake is its own OS process (`tacet core`, `tacet intake`),
 * unsealed over HTTP like in production. Load comes from autocannon in this
 * process.
 *
 * Usage: npm run bench:scale [-- --seconds 8 --connections 40]
 */
import { type ChildProcess, spawn } from 'node:child_process';
import path from 'node:path';
import { parseArgs } from 'node:util';
import autocannon from 'autocannon';
import { randomToken } from '../src/crypto/random.js';
import { freePort } from '../test/helpers/browser.js';
import { fastSealedBody, generateEnquiry } from '../test/helpers/enquiries.js';
import { createHarness, formToken, PASSPHRASE, RECEPTION, signIn } from '../test/helpers/harness.js';

const { values: args } = parseArgs({ options: { seconds: { type: 'string', default: '8' }, connections: { type: 'string', default: '40' } } });
const SECONDS = Number(args.seconds);
const CONNECTIONS = Number(args.connections);
const root = path.resolve(import.meta.dirname, '..');
const prefix = `bench${randomToken(4).toLowerCase().replace(/[^a-z0-9]/g, 'x')}:`;

const env = { TACET_LOG_LEVEL: 'warn', TACET_AUTH_RATE_MAX: '1000000', TACET_READ_MAX_PERSONS: '100000000', TACET_INTAKE_RATE_MAX: '100000000', TACET_INTAKE_MIN_FILL_MS: '0', REDIS_URL: 'redis://127.0.0.1:6379', TACET_REDIS_PREFIX: prefix, TACET_COOKIE_SECURE: 'false', TACET_BUSINESS_HOURS: '00:00-00:00', TACET_TRAINING_GRACE_DAYS: '30' };
const harness = await createHarness('postgres', { env });
const children: ChildProcess[] = [];

async function startProcess(tier: 'core' | 'intake'): Promise<string> {
  const port = await freePort();
  const child = spawn(process.execPath, ['--import', 'tsx', path.join(root, 'src/cli/main.ts'), tier], {
    cwd: root,
    env: { ...process.env, ...harness.database.env, ...env, TACET_CORE_PORT: String(port), TACET_INTAKE_PORT: String(port), TACET_LOG_FILE: path.join(harness.database.dataDir, `${tier}-${port}.log`) },
    stdio: 'ignore',
  });
  children.push(child);
  const base = `http://127.0.0.1:${port}`;
  for (let i = 0; i < 200; i++) {
    if (await fetch(`${base}/healthz`).then((r) => r.ok).catch(() => false)) break;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  if (tier === 'core') {
    const unsealed = await fetch(`${base}/api/v1/vault/unseal`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ passphrase: PASSPHRASE }) });
    if (!unsealed.ok) throw new Error(`unseal failed: ${unsealed.status}`);
  }
  return base;
}

function load(base: string, connections: number, requests: autocannon.Request[]): Promise<autocannon.Result> {
  return new Promise((resolve, reject) => {
    autocannon({ url: base, connections, duration: SECONDS, requests }, (error, result) => (error ? reject(error) : resolve(result)));
  });
}

try {
  console.log(`Tacet scale benchmark - node ${process.version}, ${new Date().toISOString()}, PostgreSQL + Redis, ${SECONDS} s per run, ${CONNECTIONS} connections`);
  for (let i = 0; i < 300; i++) await harness.intake.app.inject({ method: 'POST', url: '/v1/enquiries', payload: fastSealedBody(harness.publication, 'clinic-a', generateEnquiry(i), await formToken(harness.intake)) });
  await harness.core.ingest.drain();
  const cookie = await signIn(harness.core.app, RECEPTION);
  const ids = (await harness.core.app.inject({ url: '/api/v1/enquiries?limit=200', headers: { cookie } })).json<{ enquiries: { id: string }[] }>().enquiries.map((e) => e.id);
  let next = 0;
  const reads: autocannon.Request[] = [{ method: 'GET', headers: { cookie }, setupRequest: (request) => ({ ...request, path: `/api/v1/enquiries/${ids[next++ % ids.length]}` }) }];

  const first = await startProcess('core');
  const second = await startProcess('core');
  // Warm both (JIT, connection pools), then measure.
  await Promise.all([load(first, 4, reads), load(second, 4, reads)].map((p) => p.catch(() => undefined)));
  const one = await load(first, CONNECTIONS, reads);
  const [a, b] = await Promise.all([load(first, CONNECTIONS / 2, reads), load(second, CONNECTIONS / 2, reads)]);
  const errors = one.non2xx + a.non2xx + b.non2xx + one.errors + a.errors + b.errors;
  const oneRps = one.requests.average;
  const twoRps = a.requests.average + b.requests.average;
  console.log('\nAuthorised enquiry reads (GET /api/v1/enquiries/:id), each audited and decrypted');
  console.log(`  one core process : ${oneRps.toFixed(0)} reads/s, p50 ${one.latency.p50} ms, p99 ${one.latency.p99} ms`);
  console.log(`  two core processes: ${twoRps.toFixed(0)} reads/s (${a.requests.average.toFixed(0)} + ${b.requests.average.toFixed(0)}), p50 ${Math.max(a.latency.p50, b.latency.p50)} ms, p99 ${Math.max(a.latency.p99, b.latency.p99)} ms`);
  console.log(`  ratio two/one     : ${(twoRps / oneRps).toFixed(2)}   (non-2xx or errors: ${errors})`);

  // Intake: one process, PostgreSQL inbox; distinct sealed bodies, each with its own form token (a token is good once).
  const intake = await startProcess('intake');
  const bodies: string[] = [];
  for (let i = 0; i < 20_000; i++) {
    const { formToken: intakeToken } = (await (await fetch(`${intake}/v1/publication`)).json()) as { formToken: string };
    bodies.push(JSON.stringify(fastSealedBody(harness.publication, 'clinic-a', generateEnquiry(10_000 + i), intakeToken)));
  }
  let body = 0;
  const submits: autocannon.Request[] = [{ method: 'POST', path: '/v1/enquiries', headers: { 'content-type': 'application/json' }, setupRequest: (request) => ({ ...request, body: bodies[body++ % bodies.length] as string }) }];
  const health = await load(intake, CONNECTIONS, [{ method: 'GET', path: '/healthz' }]);
  const accepted = await load(intake, CONNECTIONS, submits);
  console.log('\nIntake (POST /v1/enquiries, sealed in advance, stored in the PostgreSQL inbox)');
  console.log(`  accepted          : ${accepted.requests.average.toFixed(0)} enquiries/s, p50 ${accepted.latency.p50} ms, p99 ${accepted.latency.p99} ms (non-2xx: ${accepted.non2xx}${body > bodies.length ? ', bodies reused: their tokens refused as spent' : ''})`);
  console.log(`  baseline /healthz : ${health.requests.average.toFixed(0)} req/s on the same process (ratio ${(accepted.requests.average / health.requests.average).toFixed(2)})`);
} finally {
  for (const child of children) child.kill('SIGTERM');
  await new Promise((resolve) => setTimeout(resolve, 500));
  await harness.close();
  const { Redis } = await import('ioredis');
  const redis = new Redis('redis://127.0.0.1:6379');
  const keys = await redis.keys(`${prefix}*`);
  if (keys.length > 0) await redis.del(...keys);
  await redis.quit();
}
