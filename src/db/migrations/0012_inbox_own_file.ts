/**
 * SQLite only: the intake's tables move out of the main file into the inbox
 * file (../inbox-database.ts, attached as `inbox` by openDatabase), so that an
 * intake process never needs the main file. Rows waiting in the main file
 * are moved first, in one transaction. Idempotent: a table already moved is
 * skipped. On PostgreSQL the tables stay in the schema (the intake's role is
 * INSERT-only there): migrations.ts applies it on SQLite only.
 */
import { type Kysely, sql } from 'kysely';

export async function up(db: Kysely<unknown>): Promise<void> {
  const attached = await sql<{ name: string }>`PRAGMA database_list`.execute(db);
  if (!attached.rows.some((row) => row.name === 'inbox')) throw new Error('the inbox file is not attached (open the database with openDatabase)');
  const moves = [
    { table: 'enquiry_inbox', columns: ['id', 'received_at', 'clinic_slug', 'key_id', 'enc', 'ct', 'source', 'envelope_hash'] },
    { table: 'form_token_uses', columns: ['token_hash', 'expires_at'] },
  ];
  await sql`BEGIN IMMEDIATE`.execute(db);
  try {
    for (const { table, columns } of moves) {
      const present = await sql<{ name: string }>`SELECT name FROM main.sqlite_master WHERE type = 'table' AND name = ${table}`.execute(db);
      if (present.rows.length === 0) continue;
      const list = sql.join(columns.map((column) => sql.id(column)));
      await sql`INSERT OR IGNORE INTO ${sql.id('inbox', table)} (${list}) SELECT ${list} FROM ${sql.id('main', table)}`.execute(db);
      await sql`DROP TABLE ${sql.id('main', table)}`.execute(db);
    }
    await sql`COMMIT`.execute(db);
  } catch (error) {
    await sql`ROLLBACK`.execute(db);
    throw error;
  }
}
