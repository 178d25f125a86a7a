/**
 * The inbox database: what the public intake tier writes (sealed enquiries
 * and its ledger of spent form tokens; tables/intake.ts) and nothing else.
 *
 * On SQLite it is a file of its own (`.tacet/inbox.db` by default, mode
 * 0600, its own schema version in `PRAGMA user_version`). SECURITY: the
 * intake process opens this file alone, never the main database file, which
 * holds the key material, the audit log and the sealed records — so the
 * web intruder who owns the intake process (seed 000) does not have them
 * within reach through any handle the intake holds. The core attaches the
 * inbox file to its own connection (as schema `inbox`) to ingest and delete
 * rows and purge spent tokens; the main file has no inbox tables (migration
 * 0012), so the core's unqualified `enquiry_inbox` is the attached one.
 *
 * On PostgreSQL the inbox tables live in the core's schema and the intake
 * connects with its INSERT-only role (`tacet db grant-intake`); the core
 * migrates them.
 */
import fs from 'node:fs';
import path from 'node:path';
import { Kysely, PostgresDialect, SqliteDialect } from 'kysely';
import pg from 'pg';
import type { InboxDatabaseConfig } from '../platform/config.js';
import type { InboxDatabase, InboxDb } from './tables/intake.js';
import { type SqliteConnection, SqliteDatabase } from './sqlite-driver.js';

/** The schema name under which the core attaches the inbox file. */
export const INBOX_SCHEMA = 'inbox';

const INBOX_VERSION = 1;

// Version 1 of the inbox file: the same columns as the PostgreSQL tables (migrations 0001 and 0011).
const INBOX_DDL = [
  `CREATE TABLE IF NOT EXISTS enquiry_inbox (id text PRIMARY KEY, received_at text NOT NULL, clinic_slug text NOT NULL, key_id text NOT NULL,
     enc text NOT NULL, ct text NOT NULL, source text NOT NULL, envelope_hash text NOT NULL UNIQUE)`,
  'CREATE INDEX IF NOT EXISTS enquiry_inbox_received_idx ON enquiry_inbox (received_at)',
  'CREATE TABLE IF NOT EXISTS form_token_uses (token_hash text PRIMARY KEY, expires_at text NOT NULL)',
  'CREATE INDEX IF NOT EXISTS form_token_uses_expires_idx ON form_token_uses (expires_at)',
];

/**
 * Create the inbox file 0600 from its first byte, or, if it exists, keep
 * its owner and group bits (an operator may share it 0660 with a group, to
 * run the intake as its own OS user) and take away any access for others.
 */
function ensurePrivateFile(file: string): void {
  try {
    fs.closeSync(fs.openSync(file, 'wx', 0o600));
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    const mode = fs.statSync(file).mode & 0o777;
    if ((mode & 0o007) !== 0) fs.chmodSync(file, mode & 0o770);
  }
}

/**
 * Open (creating if need be) the SQLite inbox file on a connection of its
 * own: 0600 when created (never readable by others), in a 0700 directory if
 * it makes one, WAL, and its schema brought to the current version under an
 * immediate transaction (an intake and a core starting together take turns).
 * Throws if the file is from a newer Tacet.
 */
export function openInboxFile(file: string): SqliteConnection {
  fs.mkdirSync(path.dirname(file), { recursive: true, mode: 0o700 });
  ensurePrivateFile(file);
  const sqlite = new SqliteDatabase(file);
  try {
    sqlite.pragma('busy_timeout = 5000');
    sqlite.pragma('journal_mode = WAL');
    sqlite.pragma('synchronous = NORMAL');
    sqlite
      .transaction(() => {
        const version = Number(sqlite.pragma('user_version', { simple: true }));
        if (version > INBOX_VERSION) throw new Error(`the inbox file ${file} is from a newer Tacet (schema ${version})`);
        if (version === INBOX_VERSION) return;
        for (const statement of INBOX_DDL) sqlite.exec(statement);
        sqlite.pragma(`user_version = ${INBOX_VERSION}`);
      })
      .immediate();
    return sqlite;
  } catch (error) {
    sqlite.close();
    throw error;
  }
}

/**
 * Attach the inbox file to the core's SQLite connection as schema `inbox`
 * (prepared first on a short-lived connection of its own).
 */
export function attachInbox(sqlite: SqliteConnection, file: string): void {
  openInboxFile(file).close();
  sqlite.prepare(`ATTACH DATABASE ? AS ${INBOX_SCHEMA}`).run(file);
}

/** The intake tier's database: on SQLite the inbox file alone; on PostgreSQL its (INSERT-only) role. */
export function openInboxDatabase(config: InboxDatabaseConfig, options: { poolSize?: number } = {}): InboxDb {
  if (config.kind === 'sqlite') return new Kysely<InboxDatabase>({ dialect: new SqliteDialect({ database: openInboxFile(config.file) }) });
  const pool = new pg.Pool({ connectionString: config.url, max: options.poolSize ?? 10, ...(config.schema ? { options: `-c search_path=${config.schema}` } : {}) });
  return new Kysely<InboxDatabase>({ dialect: new PostgresDialect({ pool }) });
}
