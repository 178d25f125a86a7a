/**
 * The door records the key domains it opened on every audit event it writes
 * (`domains`, a JSON array; null on events that opened nothing, and on every
 * event written before this migration), so incident scope is derived from
 * what was opened rather than from a list of action names.
 */
import type { Kysely } from 'kysely';

export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable('audit_events').addColumn('domains', 'text').execute();
}
