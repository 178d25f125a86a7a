/**
 * One migration set for SQLite and PostgreSQL, written with Kysely's schema
 * builder and portable column types (text, integer, bigint).
 */
import { type Kysely, type Migration, type MigrationProvider, Migrator } from 'kysely';
import { type Db, rawSqliteOf } from './database.js';
import { detectionMigration } from './migration-detection.js';
import { identityMigration } from './migration-identity.js';
import { patientsMigration } from './migration-patients.js';
import { incidentsMigration } from './migration-incidents.js';
import { lifecycleMigration } from './migration-lifecycle.js';
import { peopleMigration } from './migration-people.js';
import { operationsMigration, shredLogMigration } from './migration-operations.js';
import { doorDomainsMigration } from './migration-door.js';
import { formTokenUsesMigration, inboxToOwnFileMigration, noMigration } from './migration-intake.js';
import { readBaselineMigration } from './migration-read-baseline.js';

const createdAt = 'created_at';

const initial: Migration = {
  async up(db: Kysely<unknown>) {
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
  },
};

const shared: Record<string, Migration> = { '0001_initial': initial, '0002_identity': identityMigration, '0003_detection': detectionMigration, '0004_patients': patientsMigration, '0005_incidents': incidentsMigration, '0006_lifecycle': lifecycleMigration, '0007_people': peopleMigration, '0008_operations': operationsMigration, '0009_shred_log': shredLogMigration, '0010_door_domains': doorDomainsMigration, '0011_form_token_uses': formTokenUsesMigration };

/** The migration set of a dialect: the same names on both, some a no-op on one. */
function migrationsFor(isSqlite: boolean): Record<string, Migration> {
  return { ...shared, '0012_inbox_own_file': isSqlite ? inboxToOwnFileMigration : noMigration, '0013_read_baseline': readBaselineMigration };
}

/** Bring the schema up to date (PostgreSQL: in `schema` when given). Throws with the failing migration's name. */
export async function migrateToLatest(db: Db, schema?: string): Promise<void> {
  // Kysely's migration tables must live in our schema: its existence check spans every schema.
  const migrations = migrationsFor(rawSqliteOf(db) !== undefined);
  const provider: MigrationProvider = { getMigrations: () => Promise.resolve(migrations) };
  const { error, results } = await new Migrator({ db: db as unknown as Kysely<unknown>, provider, ...(schema ? { migrationTableSchema: schema } : {}) }).migrateToLatest();
  if (error) {
    const failed = results?.find((result) => result.status === 'Error')?.migrationName ?? 'unknown';
    throw new Error(`migration ${failed} failed: ${error instanceof Error ? error.message : String(error)}`);
  }
}

