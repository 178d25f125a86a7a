/**
 * Attacker test T1 on SQLite (seed 000: the web intruder owns the intake
 * process). Before, `tacet intake` opened the main database file — key
 * material, audit log, sealed records — so the intruder had it within reach
 * of the process they own. Now the intake opens an inbox file of its own and
 * nothing else: its open files never include the main file (sampled through
 * its whole life, startup and submissions included), the inbox file holds
 * only the inbox tables, and what it accepts is ingested by the core, which
 * attaches the inbox file, and then removed from it. (PostgreSQL keeps its
 * INSERT-only role: intake-role.int.test.ts.)
 */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { sql } from 'kysely';
import { openDatabase, rawSqliteOf } from '../../src/db/database.js';
import { openInboxFile } from '../../src/db/inbox-database.js';
import { migrateToLatest, migrateUpTo } from '../../src/db/migrations.js';
import { SqliteDatabase } from '../../src/db/sqlite-driver.js';
import { loadIntakeConfig } from '../../src/platform/config.js';
import { freePort } from '../helpers/browser.js';
import { freshDatabase } from '../helpers/databases.js';
import { fastSealedBody, formBody, generateEnquiry } from '../helpers/enquiries.js';
import { createHarness, type Harness } from '../helpers/harness.js';

const root = path.resolve(import.meta.dirname, '../..');
const INBOX_TABLES = ['enquiry_inbox', 'form_token_uses'];

/** The tables of a SQLite file, read without writing to it. */
function tablesOf(file: string): string[] {
  const db = new SqliteDatabase(file, { readonly: true, fileMustExist: true });
  try {
    return (db.prepare("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name").all() as { name: string }[]).map((row) => row.name);
  } finally {
    db.close();
  }
}

function countIn(file: string, table: string): number {
  const db = new SqliteDatabase(file, { readonly: true, fileMustExist: true });
  try {
    return (db.prepare(`SELECT count(*) AS n FROM ${table}`).get() as { n: number }).n;
  } finally {
    db.close();
  }
}

/** Every file a process has open or mapped right now (/proc/<pid>/fd and /proc/<pid>/maps). */
function filesOf(pid: number): string[] {
  const fds = fs.readdirSync(`/proc/${pid}/fd`).flatMap((fd) => {
    try {
      return [fs.readlinkSync(`/proc/${pid}/fd/${fd}`)];
    } catch {
      return []; // closed between listing and reading
    }
  });
  const maps = fs.readFileSync(`/proc/${pid}/maps`, 'utf8').split('\n').flatMap((line) => (line.includes('/') ? [line.slice(line.indexOf('/'))] : []));
  return [...fds, ...maps];
}

describe('on SQLite, a separately run intake opens only an inbox file of its own', () => {
  let harness: Harness;
  let dataDir: string;
  let mainFile: string;
  let inboxFile: string;

  before(async () => {
    harness = await createHarness('sqlite');
    dataDir = fs.realpathSync(harness.database.dataDir);
    mainFile = path.join(dataDir, 'tacet.db');
    inboxFile = path.join(dataDir, 'inbox.db');
  });
  after(async () => harness?.close());

  it('never has the main file open; what it accepts lands in its own file, is ingested by the core and then removed', async () => {
    const port = await freePort();
    const child = spawn(process.execPath, ['--import', 'tsx', path.join(root, 'src/cli/main.ts'), 'intake'], {
      env: { PATH: process.env['PATH'] ?? '', TACET_DATA_DIR: dataDir, TACET_INTAKE_PORT: String(port), TACET_INTAKE_MIN_FILL_MS: '0', TACET_LOG_LEVEL: 'warn' },
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    const pid = child.pid as number;
    const seen = new Set<string>();
    const sample = () => {
      try {
        for (const file of filesOf(pid)) seen.add(file);
      } catch {
        // the process is starting or gone
      }
    };
    const sampler = setInterval(sample, 5);
    const ingestedBefore = (await harness.core.db.selectFrom('enquiries').select('id').execute()).length;
    try {
      const base = `http://127.0.0.1:${port}`;
      for (let i = 0; i < 150 && !(await fetch(`${base}/healthz`).then((r) => r.ok).catch(() => false)); i++) await new Promise((resolve) => setTimeout(resolve, 100));
      const token = async () => ((await (await fetch(`${base}/v1/publication`)).json()) as { formToken: string }).formToken;
      const sealed = await fetch(`${base}/v1/enquiries`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(fastSealedBody(harness.publication, 'clinic-a', generateEnquiry(1), await token())) });
      assert.equal(sealed.status, 202);
      const form = await fetch(`${base}/enquire`, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: formBody('clinic-b', generateEnquiry(2), await token()), redirect: 'manual' });
      assert.equal(form.status, 200);
      sample();
    } finally {
      clearInterval(sampler);
      child.kill('SIGTERM');
      await new Promise((resolve) => child.once('exit', resolve));
    }
    const reached = [...seen].filter((file) => file.startsWith(mainFile));
    assert.deepEqual(reached, [], 'the intake never opened or mapped the main database file (nor its WAL or shared memory)');
    assert.ok(seen.has(inboxFile), 'the intake had its inbox file open (so the sampling did see its files)');

    // Its file: owner-only, the inbox tables and nothing else; the main file holds no inbox.
    assert.equal(fs.statSync(inboxFile).mode & 0o777, 0o600);
    assert.deepEqual(tablesOf(inboxFile), INBOX_TABLES);
    const mainTables = tablesOf(mainFile);
    assert.ok(mainTables.includes('key_material') && mainTables.includes('audit_events'));
    for (const table of INBOX_TABLES) assert.ok(!mainTables.includes(table), `the main file has no ${table}`);
    assert.equal(countIn(inboxFile, 'enquiry_inbox'), 2);

    // The core (which attaches the inbox file) ingests both and removes them from the inbox file.
    const result = await harness.core.ingest.drain();
    assert.equal(result.ingested, 2);
    assert.equal((await harness.core.db.selectFrom('enquiries').select('id').execute()).length, ingestedBefore + 2);
    assert.equal(countIn(inboxFile, 'enquiry_inbox'), 0);
  });

  it('is configured with the inbox file only: its configuration does not name the main file', () => {
    const config = loadIntakeConfig({ TACET_DATA_DIR: dataDir });
    assert.deepEqual(config.database, { kind: 'sqlite', file: inboxFile });
    assert.ok(!JSON.stringify(config).includes('tacet.db'));
    assert.deepEqual(loadIntakeConfig({ TACET_DATA_DIR: dataDir, TACET_INBOX_DB: '/srv/inbox/inbox.db' }).database, { kind: 'sqlite', file: '/srv/inbox/inbox.db' });
  });

  it('keeps the separation in one process too (npm start): the intake handle sees the inbox file alone', async () => {
    const attached = await sql<{ name: string; file: string }>`PRAGMA database_list`.execute(harness.intake.db);
    assert.deepEqual(attached.rows.map((row) => [row.name, fs.realpathSync(row.file)]), [['main', inboxFile]]);
    await assert.rejects(sql`SELECT count(*) FROM key_material`.execute(harness.intake.db), /no such table/);
    await assert.rejects(sql`SELECT count(*) FROM audit_events`.execute(harness.intake.db), /no such table/);
  });

  it('creates the inbox file 0600, and takes away any access for others from an existing one (a group share is kept)', async () => {
    const database = await freshDatabase('sqlite');
    try {
      const file = path.join(database.dataDir, 'shared', 'inbox.db');
      openInboxFile(file).close();
      assert.equal(fs.statSync(file).mode & 0o777, 0o600);
      fs.chmodSync(file, 0o666);
      openInboxFile(file).close();
      assert.equal(fs.statSync(file).mode & 0o777, 0o660);
    } finally {
      await database.cleanup();
    }
  });

  it('an installation upgraded with enquiries waiting in the main file moves them into the inbox file, losing none', async () => {
    const database = await freshDatabase('sqlite');
    try {
      const first = await openDatabase(database.config);
      // The state before this change (migrated up to 0011): the inbox tables in the main file, with a row waiting in each.
      await migrateUpTo(first.db, '0011_form_token_uses');
      const raw = rawSqliteOf(first.db);
      assert.ok(raw);
      raw.exec(`INSERT INTO main.enquiry_inbox (id, received_at, clinic_slug, key_id, enc, ct, source, envelope_hash) VALUES ('waiting-1', '2025-01-01T00:00:00.000Z', 'clinic-a', 'intake.v1', 'enc', 'ct', 'js', 'hash-1');
        INSERT INTO main.form_token_uses (token_hash, expires_at) VALUES ('spent-1', '2999-01-01T00:00:00.000Z');`);
      await first.db.destroy();

      const second = await openDatabase(database.config);
      await migrateToLatest(second.db);
      await second.db.destroy();
      const { file, inboxFile: inbox } = database.config as { file: string; inboxFile: string };
      for (const table of INBOX_TABLES) assert.ok(!tablesOf(file).includes(table), `${table} left the main file`);
      assert.equal(countIn(inbox, 'enquiry_inbox'), 1);
      assert.equal(countIn(inbox, 'form_token_uses'), 1);
    } finally {
      await database.cleanup();
    }
  });
});
