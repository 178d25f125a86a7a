/**
 * The intake's ledger of spent form tokens: a form token is accepted once.
 * The intake inserts the hash of a token's id in the same transaction as the
 * sealed enquiry (INSERT only, so the PostgreSQL intake role needs no more);
 * the core purges rows whose token has expired, so the table holds at most
 * one row per enquiry accepted within the form's maximum age.
 */
import type { Kysely } from 'kysely';

export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('form_token_uses')
    .addColumn('token_hash', 'text', (c) => c.primaryKey())
    .addColumn('expires_at', 'text', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('form_token_uses_expires_idx').on('form_token_uses').column('expires_at').execute();
}
