/**
 * The first schema: the organisation, its clinics and staff, sessions, the
 * vault and key material, the intake's inbox and its quarantine, persons
 * with their keys, enquiries, and the audit chain.
 */
import type { Kysely } from 'kysely';

const createdAt = 'created_at';

export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema.createTable('organisations').addColumn('id', 'text', (c) => c.primaryKey()).addColumn('name', 'text', (c) => c.notNull()).addColumn(createdAt, 'text', (c) => c.notNull()).execute();
  await db.schema
    .createTable('clinics')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('organisation_id', 'text', (c) => c.notNull().references('organisations.id'))
    .addColumn('slug', 'text', (c) => c.notNull().unique())
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn(createdAt, 'text', (c) => c.notNull())
    .execute();
  await db.schema
    .createTable('staff')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('organisation_id', 'text', (c) => c.notNull().references('organisations.id'))
    .addColumn('email', 'text', (c) => c.notNull().unique())
    .addColumn('display_name', 'text', (c) => c.notNull())
    .addColumn('password_hash', 'text', (c) => c.notNull())
    .addColumn('org_role', 'text')
    .addColumn('disabled_at', 'text')
    .addColumn('locked_at', 'text')
    .addColumn('lock_reason', 'text')
    .addColumn('exports_frozen_at', 'text')
    .addColumn(createdAt, 'text', (c) => c.notNull())
    .execute();
  await db.schema
    .createTable('staff_clinic_roles')
    .addColumn('staff_id', 'text', (c) => c.notNull().references('staff.id'))
    .addColumn('clinic_id', 'text', (c) => c.notNull().references('clinics.id'))
    .addColumn('role', 'text', (c) => c.notNull())
    .addPrimaryKeyConstraint('staff_clinic_roles_pk', ['staff_id', 'clinic_id'])
    .execute();
  await db.schema
    .createTable('sessions')
    .addColumn('id_hash', 'text', (c) => c.primaryKey())
    .addColumn('public_id', 'text', (c) => c.notNull().unique())
    .addColumn('staff_id', 'text', (c) => c.notNull().references('staff.id'))
    .addColumn(createdAt, 'text', (c) => c.notNull())
    .addColumn('last_seen_at', 'text', (c) => c.notNull())
    .addColumn('expires_at', 'text', (c) => c.notNull())
    .addColumn('mfa_at', 'text')
    .addColumn('stepped_up_at', 'text')
    .addColumn('ip', 'text')
    .addColumn('user_agent', 'text')
    .addColumn('challenge', 'text')
    .addColumn('challenge_expires_at', 'text')
    .execute();
  await db.schema.createIndex('sessions_staff_idx').on('sessions').column('staff_id').execute();
  await db.schema
    .createTable('vault')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('record', 'text', (c) => c.notNull())
    .addColumn('is_demo', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn(createdAt, 'text', (c) => c.notNull())
    .execute();
  await db.schema
    .createTable('key_material')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('kind', 'text', (c) => c.notNull())
    .addColumn('domain', 'text')
    .addColumn('version', 'integer', (c) => c.notNull())
    .addColumn('wrapped', 'text', (c) => c.notNull())
    .addColumn('public_key', 'text')
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn(createdAt, 'text', (c) => c.notNull())
    .execute();
  const inboxColumns = (name: string) =>
    db.schema
      .createTable(name)
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('received_at', 'text', (c) => c.notNull())
      .addColumn('clinic_slug', 'text', (c) => c.notNull())
      .addColumn('key_id', 'text', (c) => c.notNull())
      .addColumn('enc', 'text', (c) => c.notNull())
      .addColumn('ct', 'text', (c) => c.notNull())
      .addColumn('source', 'text', (c) => c.notNull());
  await inboxColumns('enquiry_inbox').addColumn('envelope_hash', 'text', (c) => c.notNull().unique()).execute();
  await db.schema.createIndex('enquiry_inbox_received_idx').on('enquiry_inbox').column('received_at').execute();
  await inboxColumns('inbox_quarantine').addColumn('reason', 'text', (c) => c.notNull()).addColumn('quarantined_at', 'text', (c) => c.notNull()).execute();
  await db.schema
    .createTable('persons')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('organisation_id', 'text', (c) => c.notNull().references('organisations.id'))
    .addColumn(createdAt, 'text', (c) => c.notNull())
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .addColumn('contact_envelope', 'text', (c) => c.notNull())
    .addColumn('email_bi', 'text')
    .addColumn('phone_bi', 'text')
    .addColumn('surname_dob_bi', 'text')
    .addColumn('is_restricted', 'integer', (c) => c.notNull().defaultTo(0))
    .execute();
  for (const column of ['email_bi', 'phone_bi', 'surname_dob_bi']) {
    await db.schema.createIndex(`persons_${column}_idx`).on('persons').columns(['organisation_id', column]).execute();
  }
  await db.schema
    .createTable('person_keys')
    .addColumn('person_id', 'text', (c) => c.notNull().references('persons.id'))
    .addColumn('domain', 'text', (c) => c.notNull())
    .addColumn('wrapping_key_id', 'text', (c) => c.notNull())
    .addColumn('wrapped_dek', 'text', (c) => c.notNull())
    .addColumn(createdAt, 'text', (c) => c.notNull())
    .addPrimaryKeyConstraint('person_keys_pk', ['person_id', 'domain'])
    .execute();
  await db.schema
    .createTable('enquiries')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('person_id', 'text', (c) => c.notNull().references('persons.id'))
    .addColumn('clinic_id', 'text', (c) => c.notNull().references('clinics.id'))
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('source', 'text', (c) => c.notNull())
    .addColumn('received_at', 'text', (c) => c.notNull())
    .addColumn(createdAt, 'text', (c) => c.notNull())
    .addColumn('submission_hash', 'text', (c) => c.notNull().unique())
    .addColumn('body_envelope', 'text', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('enquiries_clinic_received_idx').on('enquiries').columns(['clinic_id', 'received_at']).execute();
  await db.schema.createIndex('enquiries_received_idx').on('enquiries').column('received_at').execute();
  await db.schema
    .createTable('audit_events')
    .addColumn('seq', 'bigint', (c) => c.primaryKey())
    .addColumn('at', 'text', (c) => c.notNull())
    .addColumn('actor', 'text', (c) => c.notNull())
    .addColumn('action', 'text', (c) => c.notNull())
    .addColumn('person_ids', 'text', (c) => c.notNull())
    .addColumn('record_refs', 'text', (c) => c.notNull())
    .addColumn('purpose', 'text')
    .addColumn('ip', 'text')
    .addColumn('session_id', 'text')
    .addColumn('outcome', 'text', (c) => c.notNull())
    .addColumn('prev_hash', 'text', (c) => c.notNull())
    .addColumn('hash', 'text', (c) => c.notNull())
    .execute();
  // "Who touched what, when": investigation queries start from an actor and a time window. Time alone
  // needs no index of its own: events are appended in time order, so seq (the primary key) orders them too.
  await db.schema.createIndex('audit_events_actor_idx').on('audit_events').columns(['actor', 'at']).execute();
}
