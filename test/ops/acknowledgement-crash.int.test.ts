/**
 * kill -9 of a core process (`tacet core`, PostgreSQL) in the middle of
 * ingesting enquiries whose senders all asked for an acknowledgement, while
 * the outbox is sending them. Started again and unsealed, in the end every
 * enquirer has exactly one acknowledgement queued, and received (at most
 * the mail in flight at the kill is delivered again, with the same
 * Message-ID, which mail systems treat as the same message).
 */
import assert from 'node:assert/strict';
import { type ChildProcess, spawn } from 'node:child_process';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { freePort } from '../helpers/browser.js';
import { generateEnquiries } from '../helpers/enquiries.js';
import { createHarness, type Harness, PASSPHRASE, submitEnquiries } from '../helpers/harness.js';
import { startSmtp, type TestSmtp } from '../helpers/smtp.js';

const root = path.resolve(import.meta.dirname, '../..');
const SEALED = 400;

describe('kill -9 of a core process while it ingests and acknowledges enquiries', () => {
  let harness: Harness;
  let smtp: TestSmtp;
  let child: ChildProcess | undefined;
  let port: number;
  const enquiries = generateEnquiries(30_000, SEALED).map((e) => ({ ...e, acknowledge: true }));

  const inbox = async () => Number((await harness.core.db.selectFrom('enquiry_inbox').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow()).n);
  const acks = async () => harness.core.db.selectFrom('notification_outbox').select(['id', 'sent_at']).where('channel', '=', 'ack-email').execute();

  async function start(): Promise<void> {
    child = spawn(process.execPath, ['--import', 'tsx', path.join(root, 'src/cli/main.ts'), 'core'], {
      cwd: root,
      env: { ...process.env, ...harness.database.env, TACET_CORE_PORT: String(port), TACET_INSTANCE_ID: 'ack-crash-core', TACET_SMTP_URL: smtp.url, TACET_INGEST_BATCH: '10', TACET_INGEST_INTERVAL_MS: '50', TACET_LOG_LEVEL: 'warn', TACET_LOG_FILE: path.join(harness.database.dataDir, 'core.log'), TACET_COOKIE_SECURE: 'false' },
      stdio: 'ignore',
    });
    const base = `http://127.0.0.1:${port}`;
    for (let i = 0; i < 300 && !(await fetch(`${base}/healthz`).then((r) => r.ok).catch(() => false)); i++) await new Promise((resolve) => setTimeout(resolve, 50));
    const unsealed = await fetch(`${base}/api/v1/vault/unseal`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ passphrase: PASSPHRASE }) });
    assert.equal(unsealed.status, 200);
  }

  async function stop(signal: NodeJS.Signals): Promise<void> {
    const running = child;
    child = undefined;
    running?.kill(signal);
    await new Promise((resolve) => running?.once('exit', resolve));
  }

  async function until(condition: () => Promise<boolean>, what: string, ms = 90_000): Promise<void> {
    const deadline = Date.now() + ms;
    while (!(await condition())) {
      if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
  }

  before(async () => {
    smtp = await startSmtp();
    harness = await createHarness('postgres', { env: { TACET_INTAKE_RATE_MAX: '100000' } });
    port = await freePort();
    await submitEnquiries(harness, enquiries, { ingest: false });
    await harness.intake.close();
  });

  after(async () => {
    child?.kill('SIGKILL');
    await harness?.close();
    await smtp?.stop();
  });

  it('queues and delivers every acknowledgement exactly once', async () => {
    await start();
    // Killed once ingest is well under way and mail is going out.
    await until(async () => (await inbox()) < SEALED - 50 && smtp.received.length > 0, 'ingest and delivery in progress');
    await stop('SIGKILL');
    const inboxAtKill = await inbox();
    assert.ok(inboxAtKill > 0 && inboxAtKill < SEALED, `killed in the middle of ingest (${inboxAtKill} left)`);

    await start();
    await until(async () => (await inbox()) === 0 && (await acks()).every((a) => a.sent_at !== null), 'everything to finish');
    await stop('SIGTERM');

    const queued = await acks();
    assert.equal(queued.length, SEALED, 'one acknowledgement queued per enquirer');
    const byRecipient = new Map<string, Set<string>>();
    for (const mail of smtp.received) {
      const id = /^Message-ID: (<[^>]+>)/im.exec(mail.raw)?.[1] ?? '';
      for (const to of mail.to) byRecipient.set(to, (byRecipient.get(to) ?? new Set()).add(id));
    }
    assert.equal(byRecipient.size, SEALED, 'every enquirer received one');
    assert.ok([...byRecipient.values()].every((ids) => ids.size === 1), 'nobody received two different acknowledgements');
    assert.ok(smtp.received.length - SEALED <= 1, `at most the in-flight mail resent (${smtp.received.length - SEALED})`);
    assert.deepEqual(new Set(byRecipient.keys()), new Set(enquiries.map((e) => e.email)));
  });
});
