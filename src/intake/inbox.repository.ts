/**
 * The intake tier's only statements: append to the inbox, and record a spent
 * form token. SECURITY: on PostgreSQL the intake role holds INSERT on
 * enquiry_inbox and form_token_uses and nothing else; these statements need
 * no more (no RETURNING, and ON CONFLICT without a target, which would need
 * SELECT on the target column).
 */
import type { Kysely, Transaction } from 'kysely';
import { type InboxDatabase, type InboxDb, inboxOf, type NewInboxRow } from '../db/tables/intake.js';

/** Append a sealed enquiry; a row that conflicts (the same envelope again) is absorbed. */
export async function insertInboxRow<DB extends InboxDatabase>(db: Kysely<DB> | Transaction<DB>, row: NewInboxRow): Promise<void> {
  await inboxOf(db).insertInto('enquiry_inbox').values(row).onConflict((oc) => oc.doNothing()).execute();
}

/** Record a form token as spent. Returns false if it was spent before (the row was there already). */
export async function insertSpentFormToken(db: InboxDb, token: { idHash: string; expiresAt: string }): Promise<boolean> {
  const spent = await db
    .insertInto('form_token_uses')
    .values({ token_hash: token.idHash, expires_at: token.expiresAt })
    .onConflict((oc) => oc.doNothing())
    .executeTakeFirst();
  return Number(spent.numInsertedOrUpdatedRows ?? 0n) === 1;
}
