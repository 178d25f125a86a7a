/**
 * Acknowledgement e-mails (issue 16, item 4): the template a clinic edits
 * (one row per clinic that overrides it, and one for the organisation's
 * default, keyed by the clinic or organisation id), and the once-a-day key
 * per person (person id and the day in TACET_TIMEZONE; no personal data,
 * purged after two days). The message itself waits in notification_outbox,
 * sealed with its address.
 */
import type { Kysely } from 'kysely';

export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('acknowledgement_templates')
    // The clinic's id for a clinic's own template, the organisation's id for its default.
    .addColumn('scope_id', 'text', (c) => c.primaryKey())
    .addColumn('organisation_id', 'text', (c) => c.notNull().references('organisations.id'))
    .addColumn('clinic_id', 'text', (c) => c.references('clinics.id'))
    .addColumn('subject', 'text', (c) => c.notNull())
    .addColumn('body', 'text', (c) => c.notNull())
    .addColumn('next_steps', 'text', (c) => c.notNull())
    .addColumn('opening_hours', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .addColumn('updated_by', 'text', (c) => c.notNull())
    .execute();
  await db.schema
    .createTable('acknowledgement_days')
    .addColumn('person_id', 'text', (c) => c.notNull())
    .addColumn('day', 'text', (c) => c.notNull())
    .addPrimaryKeyConstraint('acknowledgement_days_pk', ['person_id', 'day'])
    .execute();
  await db.schema.createIndex('acknowledgement_days_day_idx').on('acknowledgement_days').column('day').execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable('acknowledgement_days').execute();
  await db.schema.dropTable('acknowledgement_templates').execute();
}
