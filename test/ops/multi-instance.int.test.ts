/**
 * Two core instances on loopback sharing one PostgreSQL database and one
 * Redis: a stolen login spread across both is stopped at the one threshold;
 * the jobs (ingest, outbox, the daily job) run once however many instances
 * trigger them at the same moment; the audit chain written by both
 * concurrently verifies as one chain.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { FastifyInstance } from 'fastify';
import { Redis } from 'ioredis';
import { verifyAuditChain } from '../../src/audit/audit-log.js';
import { createCoreRuntime, type CoreRuntime } from '../../src/core/core-runtime.js';
import { randomToken } from '../../src/crypto/random.js';
import { systemClock } from '../../src/platform/clock.js';
import { loadCoreConfig } from '../../src/platform/config.js';
import { createLogger } from '../../src/platform/logger.js';
import { generateEnquiries } from '../helpers/enquiries.js';
import { createHarness, type Harness, PASSPHRASE, RECEPTION, signIn, submitEnquiries } from '../helpers/harness.js';
import { startSmtp, type TestSmtp } from '../helpers/smtp.js';
import { createStaffViaApi } from '../helpers/staff.js';

const THRESHOLD = 12;
const REDIS_URL = process.env['TACET_TEST_REDIS_URL'] ?? 'redis://127.0.0.1:6379';
const NURSE = { email: 'nurse@clinic.test', password: 'amber thistle rowing 58', name: 'Nina Nurse' };

describe('two core instances sharing PostgreSQL and Redis', () => {
  let harness: Harness;
  let second: CoreRuntime;
  let smtp: TestSmtp;
  let a: FastifyInstance;
  let b: FastifyInstance;
  const prefix = `t${randomToken(6).toLowerCase().replace(/[^a-z0-9]/g, 'x')}:`;

  before(async () => {
    smtp = await startSmtp();
    const env = { REDIS_URL, TACET_REDIS_PREFIX: prefix, TACET_SMTP_URL: smtp.url, TACET_DETECT_READ_LIMITS: JSON.stringify({ receptionist: { persons: THRESHOLD, minutes: 10 } }), TACET_AUTH_RATE_MAX: '1000', TACET_INTAKE_RATE_MAX: '1000' };
    harness = await createHarness('postgres', { env: { ...env, TACET_INSTANCE_ID: 'instance-a' } });
    // The second instance: same database, same Redis, its own process state; unsealed by its operator.
    const config = loadCoreConfig({ TACET_BUSINESS_HOURS: '00:00-00:00', TACET_TRAINING_GRACE_DAYS: '30', TACET_COOKIE_SECURE: 'false', TACET_LOG_LEVEL: 'warn', TACET_LOG_FILE: harness.logFile, ...harness.database.env, ...env, TACET_INSTANCE_ID: 'instance-b' });
    second = await createCoreRuntime({ config, logger: createLogger({ level: 'warn', destination: harness.logFile }), clock: systemClock });
    await second.vault.unsealWithPassphrase(PASSPHRASE);
    a = harness.core.app;
    b = second.app;
    assert.ok(harness.core.redis && second.redis, 'both instances use Redis');
    assert.notEqual(harness.core.leases.holder, second.leases.holder);
  });

  after(async () => {
    await second?.close();
    await harness?.close();
    await smtp?.stop();
    const redis = new Redis(REDIS_URL);
    const keys = await redis.keys(`${prefix}*`);
    if (keys.length > 0) await redis.del(...keys);
    await redis.quit();
  });

  it('runs ingest once when both instances drain the same inbox at the same moment', async () => {
    await submitEnquiries(harness, generateEnquiries(300, 40), { ingest: false });
    await Promise.all([harness.core.ingestNow(), second.ingestNow(), harness.core.ingestNow(), second.ingestNow()]);
    // Whichever lost the lease skipped; run again until the inbox is empty (a loser may have started after the winner finished).
    await Promise.all([harness.core.ingestNow(), second.ingestNow()]);
    const db = harness.core.db;
    const count = async (table: 'enquiries' | 'persons' | 'enquiry_inbox') => Number((await db.selectFrom(table).select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow()).n);
    assert.deepEqual([await count('enquiries'), await count('persons'), await count('enquiry_inbox')], [40, 40, 0]);
  });

  it('stops a stolen login spread across both instances at the one threshold', async () => {
    const cookie = await signIn(a, RECEPTION);
    const list = (await a.inject({ url: '/api/v1/enquiries?limit=200', headers: { cookie } })).json<{ enquiries: { id: string }[] }>().enquiries;
    assert.equal(list.length, 40);
    const seen = new Set<string>();
    let stoppedAt: number | undefined;
    for (const [i, row] of list.entries()) {
      // Alternate instances, as a load balancer would.
      const app = i % 2 === 0 ? a : b;
      const response = await app.inject({ url: `/api/v1/enquiries/${row.id}`, headers: { cookie } });
      if (response.statusCode === 200) seen.add(response.json<{ personId: string }>().personId);
      else {
        stoppedAt ??= i;
        assert.ok([423, 401].includes(response.statusCode), `refused with ${response.statusCode}`);
      }
    }
    assert.equal(seen.size, THRESHOLD, 'one threshold across both instances, not one each');
    assert.equal(stoppedAt, THRESHOLD);
    const staff = await harness.core.db.selectFrom('staff').select('locked_at').where('email', '=', RECEPTION.email).executeTakeFirstOrThrow();
    assert.ok(staff.locked_at, 'the account is locked');
    assert.equal((await b.inject({ url: '/api/v1/enquiries', headers: { cookie } })).statusCode, 401, 'and signed out on the other instance too');
  });

  it('delivers each queued e-mail once when both instances run the outbox at once, and runs the daily job once', async () => {
    const clinicA = harness.clinicIds['clinic-a'] as string;
    await createStaffViaApi(a, [{ ...NURSE, orgRole: null, clinicRoles: [{ clinicId: clinicA, role: 'nurse' }] }]);
    await Promise.all([harness.core.jobs.outbox(), second.jobs.outbox()]);
    const before_ = smtp.received.length;
    const queued = 20;
    const at = new Date().toISOString();
    for (let i = 0; i < queued; i++) await harness.core.db.insertInto('notification_outbox').values({ id: `00000000-0000-4000-8000-${String(i).padStart(12, '0')}`, alert_id: null, channel: 'staff-email', target: `staff${i}@clinic.test`, payload: JSON.stringify({ subject: 'Reminder', text: 'A test reminder.' }), created_at: at, next_attempt_at: at, sent_at: null, last_error: null }).execute();
    await Promise.all([harness.core.jobs.outbox(), second.jobs.outbox(), harness.core.jobs.outbox(), second.jobs.outbox()]);
    await Promise.all([harness.core.jobs.outbox(), second.jobs.outbox()]);
    await smtp.waitFor(before_ + queued);
    await new Promise((resolve) => setTimeout(resolve, 300));
    const delivered = smtp.received.slice(before_).flatMap((m) => m.to).filter((to) => /^staff\d+@clinic\.test$/.test(to));
    assert.equal(delivered.length, queued, 'each once');
    assert.equal(new Set(delivered).size, queued);

    const ran = await Promise.all([harness.core.jobs.daily(), second.jobs.daily()]);
    assert.deepEqual(ran.filter(Boolean).length, 1, 'exactly one instance ran the daily job');
    assert.deepEqual(await Promise.all([harness.core.jobs.daily(), second.jobs.daily()]), [false, false], 'and not again today');
    assert.equal((await harness.core.db.selectFrom('retention_runs').select('id').execute()).length, 1);
    assert.equal((await harness.core.db.selectFrom('access_reviews').select('id').execute()).length, 2, 'one review per clinic, not two');
  });

  it('keeps one correct audit chain under concurrent writers on both instances', async () => {
    const nurse = await signIn(b, NURSE);
    const ids = (await b.inject({ url: '/api/v1/enquiries?limit=200', headers: { cookie: nurse } })).json<{ enquiries: { id: string }[] }>().enquiries.map((e) => e.id).slice(0, 10);
    const before_ = await verifyAuditChain(harness.core.db);
    assert.ok(before_.ok);
    // Thirty reads at once, split across the instances, each appending its audit event in its own transaction.
    const responses = await Promise.all(Array.from({ length: 30 }, (_, i) => (i % 2 === 0 ? a : b).inject({ url: `/api/v1/enquiries/${ids[i % ids.length]}`, headers: { cookie: nurse } })));
    assert.ok(responses.every((r) => r.statusCode === 200), responses.map((r) => r.statusCode).join(','));
    const verdict = await verifyAuditChain(harness.core.db);
    assert.ok(verdict.ok, JSON.stringify(verdict));
    assert.ok(verdict.ok && before_.ok && verdict.events >= before_.events + 30);
  });
});
