/** The shred log: which persons were crypto-shredded, so that restoring an older backup can shred them again. Ids only. */
import type { Kysely } from 'kysely';

export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('shred_log')
    .addColumn('person_id', 'text', (c) => c.primaryKey())
    .addColumn('shredded_at', 'text', (c) => c.notNull())
    .addColumn('reason', 'text', (c) => c.notNull())
    .execute();
}
