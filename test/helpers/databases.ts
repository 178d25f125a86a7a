/**
 * Real databases for tests: a fresh SQLite file, and a fresh PostgreSQL
 * schema in the machine's server (TACET_TEST_PG_URL, default
 * postgres://postgres@127.0.0.1:5432/test). Every repository test loops over both.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { randomToken } from '../../src/crypto/random.js';
import type { DatabaseConfig } from '../../src/platform/config.js';

export const PG_URL = process.env['TACET_TEST_PG_URL'] ?? 'postgres://postgres@127.0.0.1:5432/test';
export const DIALECTS = ['sqlite', 'postgres'] as const;
export type TestDialect = (typeof DIALECTS)[number];

/** A fresh, isolated database location plus its cleanup. */
export interface TestDatabase {
  readonly config: DatabaseConfig;
  readonly dataDir: string;
  readonly env: Record<string, string>;
  readonly cleanup: () => Promise<void>;
}

/** Make a fresh database of `dialect` in a new temporary data directory. */
export async function freshDatabase(dialect: TestDialect): Promise<TestDatabase> {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'tacet-test-'));
  if (dialect === 'sqlite') {
    return {
      config: { kind: 'sqlite', file: path.join(dataDir, 'tacet.db'), inboxFile: path.join(dataDir, 'inbox.db') },
      dataDir,
      env: { TACET_DATA_DIR: dataDir },
      cleanup: async () => fs.rmSync(dataDir, { recursive: true, force: true }),
    };
  }
  const schema = `t_${randomToken(9).toLowerCase().replace(/[^a-z0-9]/g, 'x')}`;
  return {
    config: { kind: 'postgres', url: PG_URL, schema },
    dataDir,
    env: { TACET_DATA_DIR: dataDir, DATABASE_URL: PG_URL, TACET_DB_SCHEMA: schema },
    cleanup: async () => {
      const client = new pg.Client({ connectionString: PG_URL });
      await client.connect();
      await client.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
      await client.end();
      fs.rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
