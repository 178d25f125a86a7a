/**
 * Migrating on a PostgreSQL server where other schemas come and go: Kysely's
 * stock introspector scanned every schema, so a schema dropped mid-scan
 * failed our migration with `schema "…" does not exist`. Ours reads only
 * the installation's own schema.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import pg from 'pg';
import { openDatabase } from '../../src/db/database.js';
import { migrateToLatest } from '../../src/db/migrations.js';
import { freshDatabase, PG_URL, type TestDatabase } from '../helpers/databases.js';

describe('PostgreSQL introspection and migration beside other schemas', () => {
  let database: TestDatabase;
  let neighbour: TestDatabase;
  before(async () => {
    database = await freshDatabase('postgres');
    neighbour = await freshDatabase('postgres');
  });
  after(async () => {
    await database.cleanup();
    await neighbour.cleanup();
  });

  it('sees only its own schema, and migrates while a neighbouring schema is created and dropped over and over', async () => {
    const admin = new pg.Client({ connectionString: PG_URL });
    await admin.connect();
    const { db } = await openDatabase(database.config, { createSchema: true });
    try {
      const schema = (database.config as { schema: string }).schema;
      const other = (neighbour.config as { schema: string }).schema;
      await admin.query(`CREATE SCHEMA "${other}"; CREATE TABLE "${other}".staff (id text)`);
      // Churn: the neighbour's schema is dropped and re-created while we migrate.
      let churning = true;
      const churn = (async () => {
        while (churning) await admin.query(`DROP SCHEMA IF EXISTS "${other}" CASCADE; CREATE SCHEMA "${other}"; CREATE TABLE "${other}".staff (id text)`);
      })();
      try {
        await migrateToLatest(db, schema);
        for (let i = 0; i < 20; i++) await db.introspection.getTables({ withInternalKyselyTables: true });
      } finally {
        churning = false;
        await churn;
      }
      const tables = await db.introspection.getTables({ withInternalKyselyTables: true });
      assert.ok(tables.length > 30, `${tables.length} tables`);
      assert.ok(tables.every((t) => t.schema === schema), 'only the own schema');
      assert.ok(tables.some((t) => t.name === 'kysely_migration'));
      assert.ok(!(await db.introspection.getTables()).some((t) => t.name.startsWith('kysely_migration')), 'internal tables hidden unless asked for');
      const staff = tables.find((t) => t.name === 'staff');
      assert.ok(staff && staff.columns.some((c) => c.name === 'email' && !c.isNullable), 'columns are read');
    } finally {
      await db.destroy();
      await admin.end();
    }
  });
});
