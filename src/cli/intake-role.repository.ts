/** The SQL behind `tacet db grant-intake` (PostgreSQL): the intake's login role may INSERT into enquiry_inbox and form_token_uses, and do nothing else. */
import { sql } from 'kysely';
import type { Db } from '../db/database.js';

/** Create `role` if missing, take away everything it held in `schema`, then grant USAGE on the schema and INSERT on the intake's two tables. */
export async function grantIntakeRole(db: Db, role: string, schema: string): Promise<void> {
  const r = sql.id(role);
  const s = sql.id(schema);
  await sql`DO $$ BEGIN IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = ${sql.lit(role)}) THEN CREATE ROLE ${r} LOGIN; END IF; END $$`.execute(db);
  await sql`REVOKE ALL ON ALL TABLES IN SCHEMA ${s} FROM ${r}`.execute(db);
  await sql`GRANT USAGE ON SCHEMA ${s} TO ${r}`.execute(db);
  await sql`GRANT INSERT ON ${s}.enquiry_inbox, ${s}.form_token_uses TO ${r}`.execute(db);
}
