/**
 * Distinct people each staff member opened per working day (a count, no
 * person ids): the memory of the baseline rule, which compares today with
 * the staff member's own median day and their same-role peers'.
 */
import type { Kysely } from 'kysely';

export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('detection_daily_reads')
    .addColumn('staff_id', 'text', (c) => c.notNull())
    .addColumn('day', 'text', (c) => c.notNull())
    .addColumn('role', 'text', (c) => c.notNull())
    .addColumn('persons', 'integer', (c) => c.notNull())
    .addPrimaryKeyConstraint('detection_daily_reads_pk', ['staff_id', 'day'])
    .execute();
  // Peers' days: every staff member of a role over the last weeks.
  await db.schema.createIndex('detection_daily_reads_role_idx').on('detection_daily_reads').columns(['role', 'day']).execute();
}
