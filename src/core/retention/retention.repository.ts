/**
 * Retention's queries: the schedule's rules, who has expired (ids only),
 * legal holds, and the log of runs (counts only). The shredding itself is
 * shred.repository.ts.
 */
import { sql } from 'kysely';
import type { Db } from '../../db/database.js';
import type { RetentionRunsTable } from '../../db/tables.js';

/** The organisation's rules that override a category's default. */
export async function listRetentionRules(db: Db, organisationId: string): Promise<{ category: string; months: number }[]> {
  return db.selectFrom('retention_rules').select(['category', 'months']).where('organisation_id', '=', organisationId).execute();
}

/** Save (insert or replace) the organisation's rule for a category. */
export async function upsertRetentionRule(trx: Db, row: { organisation_id: string; category: string; months: number; updated_at: string; updated_by: string }): Promise<void> {
  await trx
    .insertInto('retention_rules')
    .values(row)
    .onConflict((oc) => oc.columns(['organisation_id', 'category']).doUpdateSet({ months: row.months, updated_at: row.updated_at, updated_by: row.updated_by }))
    .execute();
}

/** Enquirers who never became patients, whose last enquiry was before `cutoff`, not on legal hold (at most `limit` ids). */
export async function listExpiredEnquirers(db: Db, organisationId: string, cutoff: string, limit: number): Promise<string[]> {
  const rows = await sql<{ person_id: string }>`SELECT e.person_id FROM enquiries e INNER JOIN persons p ON p.id = e.person_id
            WHERE p.organisation_id = ${organisationId}
              AND NOT EXISTS (SELECT 1 FROM patients pa WHERE pa.person_id = e.person_id)
              AND NOT EXISTS (SELECT 1 FROM legal_holds h WHERE h.person_id = e.person_id)
            GROUP BY e.person_id HAVING max(e.received_at) < ${cutoff} LIMIT ${sql.lit(limit)}`.execute(db);
  return rows.rows.map((r) => r.person_id);
}

/** Patients with no appointment, note, photo or invoice since `cutoff` (and created before it), not on legal hold (at most `limit` ids). */
export async function listExpiredPatients(db: Db, organisationId: string, cutoff: string, limit: number): Promise<string[]> {
  const rows = await sql<{ person_id: string }>`SELECT pa.person_id FROM patients pa INNER JOIN persons p ON p.id = pa.person_id
            WHERE p.organisation_id = ${organisationId}
              AND NOT EXISTS (SELECT 1 FROM legal_holds h WHERE h.person_id = pa.person_id)
              AND pa.created_at < ${cutoff}
              AND NOT EXISTS (SELECT 1 FROM appointments a WHERE a.patient_id = pa.id AND a.ends_at >= ${cutoff})
              AND NOT EXISTS (SELECT 1 FROM clinical_notes n WHERE n.patient_id = pa.id AND n.created_at >= ${cutoff})
              AND NOT EXISTS (SELECT 1 FROM photos ph WHERE ph.patient_id = pa.id AND ph.created_at >= ${cutoff})
              AND NOT EXISTS (SELECT 1 FROM invoices i WHERE i.patient_id = pa.id AND i.issued_at >= ${cutoff})
            LIMIT ${sql.lit(limit)}`.execute(db);
  return rows.rows.map((r) => r.person_id);
}

/** The organisation a person belongs to, if the person exists. */
export async function findPersonOrganisationId(db: Db, personId: string): Promise<string | undefined> {
  return (await db.selectFrom('persons').select('organisation_id').where('id', '=', personId).executeTakeFirst())?.organisation_id;
}

/** Place a legal hold on a person (a second hold replaces the reason). */
export async function upsertLegalHold(trx: Db, row: { person_id: string; reason: string; created_at: string; created_by: string }): Promise<void> {
  await trx.insertInto('legal_holds').values(row).onConflict((oc) => oc.column('person_id').doUpdateSet({ reason: row.reason })).execute();
}

/** The organisation of a person on legal hold; undefined if they are not held. */
export async function findHeldPersonOrganisationId(db: Db, personId: string): Promise<string | undefined> {
  return (await db.selectFrom('legal_holds').innerJoin('persons', 'persons.id', 'legal_holds.person_id').select('persons.organisation_id').where('legal_holds.person_id', '=', personId).executeTakeFirst())?.organisation_id;
}

/** Whether a person is on legal hold. */
export async function isOnLegalHold(db: Db, personId: string): Promise<boolean> {
  return (await db.selectFrom('legal_holds').select('person_id').where('person_id', '=', personId).executeTakeFirst()) !== undefined;
}

export async function deleteLegalHold(trx: Db, personId: string): Promise<void> {
  await trx.deleteFrom('legal_holds').where('person_id', '=', personId).execute();
}

/** How many of the organisation's persons are on legal hold. */
export async function countLegalHolds(db: Db, organisationId: string): Promise<number> {
  return Number((await db.selectFrom('legal_holds').innerJoin('persons', 'persons.id', 'legal_holds.person_id').select((eb) => eb.fn.countAll<number>().as('n')).where('persons.organisation_id', '=', organisationId).executeTakeFirst())?.n ?? 0);
}

export async function insertRetentionRun(db: Db, row: RetentionRunsTable): Promise<void> {
  await db.insertInto('retention_runs').values(row).execute();
}

/** Record a run's end and its counts. */
export async function finishRetentionRun(db: Db, runId: string, result: { finished_at: string; shredded: string; held: number }): Promise<void> {
  await db.updateTable('retention_runs').set(result).where('id', '=', runId).execute();
}

/** The organisation's last 30 runs, newest first. */
export async function listRetentionRuns(db: Db, organisationId: string) {
  return db.selectFrom('retention_runs').selectAll().where('organisation_id', '=', organisationId).orderBy('started_at', 'desc').limit(30).execute();
}
