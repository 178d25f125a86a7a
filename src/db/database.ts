/**
 * Kysely factory for the core: SQLite (better-sqlite3, WAL) by default,
 * PostgreSQL when configured. SECURITY: SQLite is created with mode 0600 in a
 * 0700 directory; the intake's inbox is a file of its own, attached here
 * (inbox-database.ts) — the intake never opens this one.
 */
import fs from 'node:fs';
import path from 'node:path';
import { type SqliteConnection, SqliteDatabase } from './sqlite-driver.js';
import { type CompiledQuery, Kysely, type LogConfig, SqliteDialect, sql } from 'kysely';
import { OwnSchemaPostgresDialect } from './pg-introspection.js';
import pg from 'pg';
import type { DatabaseConfig } from '../platform/config.js';
import { attachInbox } from './inbox-database.js';
import type { Database } from './tables.js';

export type { Database };
export type Db = Kysely<Database>;

// bigint columns (audit seq) come back as numbers; they stay far below 2^53.
pg.types.setTypeParser(20, (value) => Number.parseInt(value, 10));

const sqliteFiles = new WeakMap<object, string>();
const sqliteHandles = new WeakMap<object, SqliteConnection>();

/** The better-sqlite3 connection behind a Db (the one Kysely uses), for hot paths that need prepared statements. */
export function rawSqliteOf(db: Db): SqliteConnection | undefined {
  return sqliteHandles.get(db);
}

/** The SQLite file behind a Db (for read-only helpers such as parallel audit verification); undefined on PostgreSQL. */
export function sqliteFileOf(db: Db): string | undefined {
  return sqliteFiles.get(db);
}

/** Which engine a Db talks to. */
export type Dialect = DatabaseConfig['kind'];

/**
 * Sees every query the core ran, once it has run: its SQL and bound values.
 * SECURITY: the values include blind indexes and ids; an observer keeps
 * them in memory (the query-plan test EXPLAINs them) and never logs them.
 */
export type QueryObserver = (query: CompiledQuery, durationMs: number) => void;

function queryLog(onQuery: QueryObserver | undefined): { log?: LogConfig } {
  if (!onQuery) return {};
  return {
    log: (event) => {
      if (event.level === 'query') onQuery(event.query, event.queryDurationMillis);
    },
  };
}

/**
 * Open the core's database. On SQLite the inbox file is attached (schema
 * `inbox`). On PostgreSQL a configured schema is the search_path (created
 * first when `createSchema`, for the core only).
 */
export async function openDatabase(config: DatabaseConfig, options: { poolSize?: number; createSchema?: boolean; onQuery?: QueryObserver } = {}): Promise<{ db: Db; dialect: Dialect }> {
  const log = queryLog(options.onQuery);
  if (config.kind === 'sqlite') {
    fs.mkdirSync(path.dirname(config.file), { recursive: true, mode: 0o700 });
    const sqlite = new SqliteDatabase(config.file);
    fs.chmodSync(config.file, 0o600);
    sqlite.pragma('journal_mode = WAL');
    sqlite.pragma('synchronous = NORMAL');
    sqlite.pragma('foreign_keys = ON');
    sqlite.pragma('busy_timeout = 5000');
    sqlite.pragma('cache_size = -65536');
    attachInbox(sqlite, config.inboxFile);
    const db = new Kysely<Database>({ dialect: new SqliteDialect({ database: sqlite }), ...log });
    sqliteFiles.set(db, config.file);
    sqliteHandles.set(db, sqlite);
    return { db, dialect: 'sqlite' };
  }
  if (config.schema && options.createSchema) {
    const admin = new pg.Client({ connectionString: config.url });
    await admin.connect();
    try {
      await admin.query(`CREATE SCHEMA IF NOT EXISTS "${config.schema}"`);
    } finally {
      await admin.end();
    }
  }
  const pool = new pg.Pool({
    connectionString: config.url,
    max: options.poolSize ?? 10,
    ...(config.schema ? { options: `-c search_path=${config.schema}` } : {}),
  });
  return { db: new Kysely<Database>({ dialect: new OwnSchemaPostgresDialect({ pool }), ...log }), dialect: 'postgres' };
}

/** Serialise writers of a hash chain inside a transaction (PostgreSQL advisory lock; SQLite already has one writer). */
export async function lockForChain(trx: Db, dialect: Dialect, lockId: number): Promise<void> {
  if (dialect === 'postgres') await sql`select pg_advisory_xact_lock(${lockId})`.execute(trx);
}
