/**
 * kill -9 of a core process (`tacet core`, PostgreSQL) in the middle of
 * ingest, then of the outbox sending mail, then of the retention run; each
 * time it is started again and unsealed. In the end nothing is lost and
 * nothing is done twice: every sealed enquiry is ingested exactly once,
 * every queued mail is delivered (at most the one in flight at the kill is
 * delivered again, with the same Message-ID), and retention shreds exactly
 * the expired people once, its interrupted run finished on restart.
 */
import assert from 'node:assert/strict';
import { type ChildProcess, spawn } from 'node:child_process';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { freePort } from '../helpers/browser.js';
import { generatePeople } from '../helpers/bulk.js';
import { generateEnquiries } from '../helpers/enquiries.js';
import { createHarness, type Harness, PASSPHRASE, submitEnquiries } from '../helpers/harness.js';
import { startSmtp, type TestSmtp } from '../helpers/smtp.js';

const root = path.resolve(import.meta.dirname, '../..');
const SEALED = 1500;
const MAILS = 200;
const EXPIRED = 15_000;
const FRESH = 50;

describe('kill -9 of a core process in the middle of ingest, outbox and retention', () => {
  let harness: Harness;
  let smtp: TestSmtp;
  let child: ChildProcess | undefined;
  let port: number;

  const count = async (table: 'enquiries' | 'enquiry_inbox' | 'persons' | 'shred_log') => Number((await harness.core.db.selectFrom(table).select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow()).n);
  const pendingMail = async () => Number((await harness.core.db.selectFrom('notification_outbox').select((eb) => eb.fn.countAll<number>().as('n')).where('sent_at', 'is', null).executeTakeFirstOrThrow()).n);
  const unfinishedRuns = async () => (await harness.core.db.selectFrom('retention_runs').select('id').where('finished_at', 'is', null).execute()).length;

  async function start(): Promise<void> {
    child = spawn(process.execPath, ['--import', 'tsx', path.join(root, 'src/cli/main.ts'), 'core'], {
      cwd: root,
      env: { ...process.env, ...harness.database.env, TACET_CORE_PORT: String(port), TACET_INSTANCE_ID: 'crash-test-core', TACET_SMTP_URL: smtp.url, TACET_INGEST_BATCH: '20', TACET_INGEST_INTERVAL_MS: '50', TACET_LOG_LEVEL: 'warn', TACET_LOG_FILE: path.join(harness.database.dataDir, 'core.log'), TACET_COOKIE_SECURE: 'false' },
      stdio: 'ignore',
    });
    const base = `http://127.0.0.1:${port}`;
    for (let i = 0; i < 300 && !(await fetch(`${base}/healthz`).then((r) => r.ok).catch(() => false)); i++) await new Promise((resolve) => setTimeout(resolve, 50));
    const unsealed = await fetch(`${base}/api/v1/vault/unseal`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ passphrase: PASSPHRASE }) });
    assert.equal(unsealed.status, 200);
  }

  async function killWhen(condition: () => Promise<boolean>, what: string): Promise<void> {
    const deadline = Date.now() + 60_000;
    while (!(await condition())) {
      if (Date.now() > deadline) throw new Error(`never saw ${what} in progress`);
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
    child?.kill('SIGKILL');
    await new Promise((resolve) => child?.once('exit', resolve));
    child = undefined;
  }

  async function until(condition: () => Promise<boolean>, what: string): Promise<void> {
    const deadline = Date.now() + 90_000;
    while (!(await condition())) {
      if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }

  before(async () => {
    smtp = await startSmtp();
    harness = await createHarness('postgres', { isUnsealed: true, env: { TACET_INTAKE_RATE_MAX: '100000' } });
    port = await freePort();
    // Sealed enquiries waiting in the inbox (accepted by the intake tier, not yet ingested).
    await submitEnquiries(harness, generateEnquiries(20_000, SEALED), { ingest: false });
    // Mail waiting in the outbox.
    const at = new Date().toISOString();
    for (let i = 0; i < MAILS; i++) await harness.core.db.insertInto('notification_outbox').values({ id: `00000000-0000-4000-9000-${String(i).padStart(12, '0')}`, alert_id: null, channel: 'staff-email', target: `staff${i}@clinic.test`, payload: JSON.stringify({ subject: 'Reminder', text: 'A test reminder.' }), created_at: at, next_attempt_at: at, sent_at: null, last_error: null }).execute();
    // People past retention (two years ago) and some who are not.
    const org = (await harness.core.db.selectFrom('organisations').select('id').executeTakeFirstOrThrow()).id;
    const clinicId = harness.clinicIds['clinic-a'] as string;
    await generatePeople(harness.core.db, harness.core.dialect, { prefix: 'c0000000', count: EXPIRED, organisationId: org, clinicId, receivedAt: new Date(Date.now() - 2 * 365 * 86_400_000).toISOString() });
    await generatePeople(harness.core.db, harness.core.dialect, { prefix: 'd0000000', count: FRESH, organisationId: org, clinicId, receivedAt: new Date().toISOString() });
    await harness.intake.close();
  });

  after(async () => {
    child?.kill('SIGKILL');
    await harness?.close();
    await smtp?.stop();
  });

  it('loses nothing and does nothing twice', async () => {
    await start();
    await killWhen(async () => (await count('enquiry_inbox')) < SEALED && (await count('enquiry_inbox')) > 100, 'ingest');
    const inboxAtKill = await count('enquiry_inbox');
    assert.ok(inboxAtKill > 0 && inboxAtKill < SEALED, 'killed in the middle of ingest');

    await start();
    await killWhen(async () => smtp.received.length > 0 && (await pendingMail()) > 0, 'outbox sending');
    const deliveredAtKill = smtp.received.length;
    assert.ok(deliveredAtKill < MAILS, 'killed in the middle of sending');

    await start();
    await killWhen(async () => (await unfinishedRuns()) > 0 && (await count('shred_log')) > 0, 'retention');
    assert.ok((await count('shred_log')) < EXPIRED, 'killed in the middle of retention');

    await start();
    await until(async () => (await count('enquiry_inbox')) === 0 && (await pendingMail()) === 0 && (await count('shred_log')) === EXPIRED && (await unfinishedRuns()) <= 1 && (await harness.core.db.selectFrom('job_runs').select('name').where('name', '=', 'daily').execute()).length === 1, 'everything to finish');
    child?.kill('SIGTERM');

    // Ingest: every sealed enquiry exactly once (each its own person), nothing left in the inbox or quarantine.
    const ingested = await harness.core.db.selectFrom('enquiries').select('submission_hash').where('received_at', '>', new Date(Date.now() - 86_400_000).toISOString()).where('id', 'not like', 'd0000000%').execute();
    assert.equal(ingested.length, SEALED);
    assert.equal(new Set(ingested.map((e) => e.submission_hash)).size, SEALED);
    assert.equal((await harness.core.db.selectFrom('inbox_quarantine').select('id').execute()).length, 0);
    // Outbox: every mail delivered; a resend (at most the one in flight when killed) carries the same Message-ID.
    const ids = smtp.received.map((m) => /^Message-ID: (<[^>]+>)/im.exec(m.raw)?.[1]).filter((id): id is string => Boolean(id));
    assert.equal(ids.length, smtp.received.length, 'every mail has a Message-ID');
    assert.equal(new Set(ids).size, MAILS, 'every queued mail delivered');
    assert.ok(smtp.received.length - MAILS <= 1, `at most the in-flight mail resent (${smtp.received.length - MAILS})`);
    // Retention: exactly the expired people shredded, once; the fresh ones kept; the interrupted run finished by the next one.
    assert.equal(await count('persons'), SEALED + FRESH);
    assert.equal((await harness.core.db.selectFrom('person_keys').select('person_id').where('person_id', 'like', 'c0000000%').execute()).length, 0);
    const runs = await harness.core.db.selectFrom('retention_runs').select(['finished_at', 'shredded']).execute();
    const finished = runs.filter((r) => r.finished_at !== null);
    assert.equal(finished.length, 1, 'one completed run today');
    const shreddedTotal = EXPIRED - 0;
    assert.equal(await count('shred_log'), shreddedTotal);
  });
});
