/**
 * Staff sign-in and authorised-read benchmark (loopback only, bounded in time).
 *
 *  1. logins per second over HTTP (POST /api/v1/auth/login, the Argon2id
 *     password step with the parameters in use), beside the same run's raw
 *     Argon2id verifications per second (baseline: the floor sign-in cannot beat);
 *  2. p50/p95 latency of an authorised enquiry read (session → MFA-verified
 *     actor → door: authorise, audit group-committed — concurrent reads'
 *     events batched in the audit writer's own transaction, each read waiting
 *     for its commit before any key opens — decrypt) with 100 concurrent
 *     signed-in sessions, beside the same server's /healthz under the same
 *     load (baseline: the HTTP stack alone).
 *
 * Usage: npm run bench:login [-- --seconds 8 --sessions 100]
 */
import { parseArgs } from 'node:util';
import autocannon from 'autocannon';
import { hashPassword, PASSWORD_PARAMS, verifyPassword } from '../src/crypto/passphrase.js';
import { generateEnquiry } from '../test/helpers/enquiries.js';
import { ADMIN, createHarness, RECEPTION, signIn, submitEnquiries } from '../test/helpers/harness.js';

const { values: args } = parseArgs({ options: { seconds: { type: 'string', default: '8' }, sessions: { type: 'string', default: '100' } } });
const SECONDS = Number(args.seconds);
const SESSIONS = Number(args.sessions);

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] as number;
}

/** 100 workers, each with its own session, reading for `seconds`; returns sorted latencies in ms. */
async function readLoad(base: string, cookies: readonly string[], paths: readonly string[], seconds: number): Promise<{ latencies: number[]; errors: number }> {
  const latencies: number[] = [];
  let errors = 0;
  const end = performance.now() + seconds * 1000;
  await Promise.all(
    cookies.map(async (cookie, worker) => {
      let i = worker;
      while (performance.now() < end) {
        const path = paths[i++ % paths.length] as string;
        const start = performance.now();
        const response = await fetch(`${base}${path}`, { headers: { cookie } });
        await response.arrayBuffer();
        latencies.push(performance.now() - start);
        if (response.status !== 200) errors += 1;
      }
    }),
  );
  return { latencies: latencies.sort((a, b) => a - b), errors };
}

const harness = await createHarness('sqlite', { env: { TACET_LOG_LEVEL: 'warn', TACET_AUTH_RATE_MAX: '1000000', TACET_READ_MAX_PERSONS: '1000000', TACET_INTAKE_RATE_MAX: '100000' } });
try {
  const base = await harness.core.app.listen({ host: '127.0.0.1', port: 0 });
  console.log(`Tacet sign-in benchmark - node ${process.version}, ${new Date().toISOString()}`);
  console.log(`Argon2id parameters: m=${PASSWORD_PARAMS.memoryCost} KiB, t=${PASSWORD_PARAMS.timeCost}, p=${PASSWORD_PARAMS.parallelism} (OWASP minimum m=19 MiB, t=2, p=1)`);

  // 1. Logins per second over HTTP vs raw Argon2id verifications (same run).
  const hash = await hashPassword(ADMIN.password);
  let verified = 0;
  const verifyEnd = performance.now() + SECONDS * 1000;
  await Promise.all(
    [0, 1, 2, 3].map(async () => {
      while (performance.now() < verifyEnd) {
        await verifyPassword(hash, ADMIN.password);
        verified += 1;
      }
    }),
  );
  const login = await autocannon({
    url: `${base}/api/v1/auth/login`,
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ email: ADMIN.email, password: ADMIN.password }),
    connections: 4,
    duration: SECONDS,
  });
  const loginRate = login.requests.average;
  const verifyRate = verified / SECONDS;
  console.log('logins (password step over HTTP, 4 connections):');
  console.log(`  logins/s                          : ${loginRate.toFixed(1)}   (non-2xx: ${login.non2xx})`);
  console.log(`  baseline: raw Argon2id verify/s   : ${verifyRate.toFixed(1)}   (same run, 4 in flight; ratio ${(loginRate / verifyRate).toFixed(2)})`);

  // 2. Authorised enquiry reads with 100 concurrent sessions.
  await submitEnquiries(harness, Array.from({ length: 200 }, (_, i) => generateEnquiry(i, 'L')));
  const ids = (await harness.core.db.selectFrom('enquiries').select('id').execute()).map((row) => `/api/v1/enquiries/${row.id}`);
  const cookies: string[] = [];
  // Receptionist sessions (clinic A), each fully signed in with a passkey.
  for (let i = 0; i < SESSIONS; i++) cookies.push(await signIn(harness.core.app, RECEPTION));
  const health = await readLoad(base, cookies, ['/healthz'], SECONDS);
  const reads = await readLoad(base, cookies, ids, SECONDS);
  const p = (r: { latencies: number[] }, q: number) => percentile(r.latencies, q).toFixed(1);
  console.log(`authorised enquiry reads (${SESSIONS} concurrent sessions, ${ids.length} enquiries, ${SECONDS}s; each read audited + decrypted):`);
  console.log(`  reads/s ${(reads.latencies.length / SECONDS).toFixed(0)}, p50 ${p(reads, 50)} ms, p95 ${p(reads, 95)} ms, p99 ${p(reads, 99)} ms   (errors: ${reads.errors})`);
  console.log(`  baseline /healthz, same load      : ${(health.latencies.length / SECONDS).toFixed(0)}/s, p50 ${p(health, 50)} ms, p95 ${p(health, 95)} ms`);
  console.log(`  p95 ratio read/healthz            : ${(percentile(reads.latencies, 95) / percentile(health.latencies, 95)).toFixed(1)}`);
} finally {
  await harness.close();
}
