/**
 * The "needs attention" list (ADR 0020): quarantined envelopes listed per
 * clinic slug, newest first, as a keyset walk of (clinic_slug, received_at,
 * id) like every other staff list (ADR 0018). No new table: an accepted row
 * becomes an enquiry, a discarded one is deleted and its id kept in the
 * shred log.
 */
import type { Kysely } from 'kysely';

export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema.createIndex('inbox_quarantine_list_idx').on('inbox_quarantine').columns(['clinic_slug', 'received_at', 'id']).execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropIndex('inbox_quarantine_list_idx').execute();
}
