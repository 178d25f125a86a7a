/**
 * The breach register's queries: incidents, their indicators, timeline and
 * report versions. Ids, organisation text and JSON summaries only; the
 * per-person scope rows are in scope.repository.ts, notices in
 * notice.repository.ts.
 */
import type { Db } from '../../db/database.js';
import type { IncidentReportsTable, IncidentsTable } from '../../db/tables.js';

/** One incident by id (any organisation: the caller checks tenancy). */
export async function findIncident(db: Db, incidentId: string) {
  return db.selectFrom('incidents').selectAll().where('id', '=', incidentId).executeTakeFirst();
}

/** The organisation's incidents, most recent awareness first. */
export async function listIncidents(db: Db, organisationId: string) {
  return db.selectFrom('incidents').select(['id', 'title', 'regime', 'status', 'aware_at', 'decision', 'created_at']).where('organisation_id', '=', organisationId).orderBy('aware_at', 'desc').execute();
}

export async function insertIncident(db: Db, row: IncidentsTable): Promise<void> {
  await db.insertInto('incidents').values(row).execute();
}

/** Change some of an incident's columns (details, window, status, or a stored JSON summary). */
export async function updateIncident(trx: Db, incidentId: string, changes: Partial<Pick<IncidentsTable, 'details' | 'occurred_from' | 'occurred_to' | 'status' | 'scope' | 'assessment' | 'decision'>>): Promise<void> {
  await trx.updateTable('incidents').set(changes).where('id', '=', incidentId).execute();
}

/** An incident's indicators in the order they were added. */
export async function listIndicators(db: Db, incidentId: string) {
  return db.selectFrom('incident_indicators').selectAll().where('incident_id', '=', incidentId).orderBy('created_at').execute();
}

/** An incident's indicators as the scope engine reads them (no particular order). */
export async function listIndicatorsForScope(db: Db, incidentId: string) {
  return db.selectFrom('incident_indicators').selectAll().where('incident_id', '=', incidentId).execute();
}

export async function insertIndicator(trx: Db, row: { id: string; incident_id: string; kind: string; value: string; window_from: string | null; window_to: string | null; created_at: string }): Promise<void> {
  await trx.insertInto('incident_indicators').values(row).execute();
}

/** How many indicators an incident has, and when the last was added. */
export async function latestIndicator(db: Db, incidentId: string): Promise<{ n: number; at: string | null }> {
  return db.selectFrom('incident_indicators').select((eb) => [eb.fn.countAll<number>().as('n'), eb.fn.max('created_at').as('at')]).where('incident_id', '=', incidentId).executeTakeFirstOrThrow();
}

/** When the incident's scope was last computed (its latest `scope` step), if ever. */
export async function lastScopedAt(db: Db, incidentId: string): Promise<string | null | undefined> {
  return (await db.selectFrom('incident_events').select((eb) => eb.fn.max('at').as('at')).where('incident_id', '=', incidentId).where('kind', '=', 'scope').executeTakeFirst())?.at;
}

/** One step in an incident's timeline. */
export async function insertIncidentEvent(trx: Db, row: { id: string; incident_id: string; at: string; actor: string; kind: string; detail: string }): Promise<void> {
  await trx.insertInto('incident_events').values(row).execute();
}

/** An incident's timeline, oldest first. */
export async function listIncidentEvents(db: Db, incidentId: string) {
  return db.selectFrom('incident_events').select(['at', 'actor', 'kind', 'detail']).where('incident_id', '=', incidentId).orderBy('at').orderBy('id').execute();
}

/** An incident's report versions (without their text), oldest first. */
export async function listReports(db: Db, incidentId: string) {
  return db.selectFrom('incident_reports').select(['id', 'version', 'kind', 'created_at', 'sha256']).where('incident_id', '=', incidentId).orderBy('version').execute();
}

export async function insertReport(trx: Db, row: IncidentReportsTable): Promise<void> {
  await trx.insertInto('incident_reports').values(row).execute();
}

/** One report version's Markdown, if it exists. */
export async function findReportMarkdown(db: Db, incidentId: string, version: number): Promise<string | undefined> {
  return (await db.selectFrom('incident_reports').select('markdown').where('incident_id', '=', incidentId).where('version', '=', version).executeTakeFirst())?.markdown;
}

/** The person ids of every patient (to tell patients from enquirers in a report's counts). */
export async function listPatientPersonIds(db: Db): Promise<Set<string>> {
  return new Set((await db.selectFrom('patients').select('person_id').execute()).map((p) => p.person_id));
}
