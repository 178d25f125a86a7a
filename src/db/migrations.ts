/**
 * One migration set for SQLite and PostgreSQL, written with Kysely's schema
 * builder and portable column types (text, integer, bigint). Each migration
 * is a file in migrations/ named as it is recorded in the database's
 * `kysely_migration` table (`0013_read_baseline`); Kysely applies them in
 * name order. A recorded name never changes, or existing databases would
 * run it again.
 */
import { type Kysely, type Migration, type MigrationProvider, type MigrationResultSet, Migrator } from 'kysely';
import { type Db, rawSqliteOf } from './database.js';
import * as initial from './migrations/0001_initial.js';
import * as identity from './migrations/0002_identity.js';
import * as detection from './migrations/0003_detection.js';
import * as patients from './migrations/0004_patients.js';
import * as incidents from './migrations/0005_incidents.js';
import * as lifecycle from './migrations/0006_lifecycle.js';
import * as people from './migrations/0007_people.js';
import * as operations from './migrations/0008_operations.js';
import * as shredLog from './migrations/0009_shred_log.js';
import * as doorDomains from './migrations/0010_door_domains.js';
import * as formTokenUses from './migrations/0011_form_token_uses.js';
import * as inboxOwnFile from './migrations/0012_inbox_own_file.js';
import * as readBaseline from './migrations/0013_read_baseline.js';
import * as listIndexes from './migrations/0014_list_indexes.js';
import * as auditBlocks from './migrations/0015_audit_blocks.js';
import * as frontDesk from './migrations/0016_front_desk.js';
import * as needsAttention from './migrations/0018_needs_attention.js';
import * as acknowledgements from './migrations/0019_acknowledgements.js';
import * as enquiryReports from './migrations/0021_enquiry_reports.js';

/** A migration with nothing to do on this dialect. */
const noMigration: Migration = { up: async () => undefined };

/** The migration set of a dialect: the same names on both, some a no-op on one. */
function migrationsFor(isSqlite: boolean): Record<string, Migration> {
  return {
    '0001_initial': initial,
    '0002_identity': identity,
    '0003_detection': detection,
    '0004_patients': patients,
    '0005_incidents': incidents,
    '0006_lifecycle': lifecycle,
    '0007_people': people,
    '0008_operations': operations,
    '0009_shred_log': shredLog,
    '0010_door_domains': doorDomains,
    '0011_form_token_uses': formTokenUses,
    // PostgreSQL keeps the intake's tables in the schema (its intake role is INSERT-only).
    '0012_inbox_own_file': isSqlite ? inboxOwnFile : noMigration,
    '0013_read_baseline': readBaseline,
    '0014_list_indexes': listIndexes,
    '0015_audit_blocks': auditBlocks,
    '0016_front_desk': frontDesk,
    '0018_needs_attention': needsAttention,
    '0019_acknowledgements': acknowledgements,
    '0021_enquiry_reports': enquiryReports,
  };
}

/** Bring the schema up to date (PostgreSQL: in `schema` when given). Throws with the failing migration's name. */
export async function migrateToLatest(db: Db, schema?: string): Promise<void> {
  await migrate(db, schema, (migrator) => migrator.migrateToLatest());
}

/** Apply migrations up to and including `name` only (upgrade tests start from an older schema this way). */
export async function migrateUpTo(db: Db, name: string, schema?: string): Promise<void> {
  await migrate(db, schema, (migrator) => migrator.migrateTo(name));
}

async function migrate(db: Db, schema: string | undefined, run: (migrator: Migrator) => Promise<MigrationResultSet>): Promise<void> {
  // Kysely's migration tables must live in our schema: its existence check spans every schema.
  const migrations = migrationsFor(rawSqliteOf(db) !== undefined);
  const provider: MigrationProvider = { getMigrations: () => Promise.resolve(migrations) };
  const { error, results } = await run(new Migrator({ db: db as unknown as Kysely<unknown>, provider, ...(schema ? { migrationTableSchema: schema } : {}) }));
  if (error) {
    const failed = results?.find((result) => result.status === 'Error')?.migrationName ?? 'unknown';
    throw new Error(`migration ${failed} failed: ${error instanceof Error ? error.message : String(error)}`);
  }
}
