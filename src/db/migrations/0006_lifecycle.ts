/**
 * Data lifecycle: the retention schedule per data category (editable by the
 * DPO), legal holds that stop retention for named persons, and the log of
 * what each retention run shredded (counts only, no personal data).
 */
import type { Kysely } from 'kysely';

export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('retention_rules')
    .addColumn('organisation_id', 'text', (c) => c.notNull().references('organisations.id'))
    .addColumn('category', 'text', (c) => c.notNull())
    .addColumn('months', 'integer', (c) => c.notNull())
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .addColumn('updated_by', 'text', (c) => c.notNull())
    .addPrimaryKeyConstraint('retention_rules_pk', ['organisation_id', 'category'])
    .execute();
  await db.schema
    .createTable('legal_holds')
    .addColumn('person_id', 'text', (c) => c.primaryKey())
    .addColumn('reason', 'text', (c) => c.notNull())
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('created_by', 'text', (c) => c.notNull())
    .execute();
  await db.schema
    .createTable('retention_runs')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('organisation_id', 'text', (c) => c.notNull())
    .addColumn('started_at', 'text', (c) => c.notNull())
    .addColumn('finished_at', 'text')
    .addColumn('shredded', 'text', (c) => c.notNull())
    .addColumn('held', 'integer', (c) => c.notNull())
    .execute();
  // Retention (and erasure) find a person's enquiries and patient record by person.
  await db.schema.createIndex('enquiries_person_idx').on('enquiries').columns(['person_id', 'received_at']).execute();
}
