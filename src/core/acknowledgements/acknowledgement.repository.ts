/** What acknowledgements read and write: templates per clinic (and the organisation's default), and who was acknowledged on which day. */
import type { Insertable, Selectable } from 'kysely';
import type { Database, Db } from '../../db/database.js';
import type { AcknowledgementTemplate } from './acknowledgement-template.js';

export type TemplateRow = Selectable<Database['acknowledgement_templates']>;

/** A stored row as the template it holds. */
export function templateOf(row: TemplateRow): AcknowledgementTemplate {
  return { subject: row.subject, body: row.body, nextSteps: row.next_steps, openingHours: row.opening_hours };
}

/** The templates stored for these scopes (clinic ids and organisation ids). */
export async function findTemplates(db: Db, scopeIds: readonly string[]): Promise<TemplateRow[]> {
  if (scopeIds.length === 0) return [];
  return db.selectFrom('acknowledgement_templates').selectAll().where('scope_id', 'in', [...new Set(scopeIds)]).execute();
}

/** Every template of an organisation (its default and each clinic's own). */
export async function listOrganisationTemplates(db: Db, organisationId: string): Promise<TemplateRow[]> {
  return db.selectFrom('acknowledgement_templates').selectAll().where('organisation_id', '=', organisationId).execute();
}

/** Save a template (insert or replace the scope's). */
export async function upsertTemplate(trx: Db, row: Insertable<Database['acknowledgement_templates']>): Promise<void> {
  await trx
    .insertInto('acknowledgement_templates')
    .values(row)
    .onConflict((oc) => oc.column('scope_id').doUpdateSet({ subject: row.subject, body: row.body, next_steps: row.next_steps, opening_hours: row.opening_hours, updated_at: row.updated_at, updated_by: row.updated_by }))
    .execute();
}

/** Remove a clinic's own template (it uses the organisation's default again). True if there was one. */
export async function deleteTemplate(trx: Db, scopeId: string): Promise<boolean> {
  const result = await trx.deleteFrom('acknowledgement_templates').where('scope_id', '=', scopeId).executeTakeFirst();
  return Number(result.numDeletedRows) > 0;
}

/** The clinics of an organisation (id and name), by name. */
export async function listClinics(db: Db, organisationId: string): Promise<{ id: string; name: string }[]> {
  return db.selectFrom('clinics').select(['id', 'name']).where('organisation_id', '=', organisationId).orderBy('name').execute();
}

/** Clinic names by id. */
export async function clinicNames(db: Db, clinicIds: readonly string[]): Promise<Map<string, string>> {
  if (clinicIds.length === 0) return new Map();
  const rows = await db.selectFrom('clinics').select(['id', 'name']).where('id', 'in', [...new Set(clinicIds)]).execute();
  return new Map(rows.map((r) => [r.id, r.name]));
}

/** Which of these people were already acknowledged on `day`. */
export async function findAcknowledgedOn(trx: Db, day: string, personIds: readonly string[]): Promise<Set<string>> {
  if (personIds.length === 0) return new Set();
  const rows = await trx.selectFrom('acknowledgement_days').select('person_id').where('day', '=', day).where('person_id', 'in', [...new Set(personIds)]).execute();
  return new Set(rows.map((r) => r.person_id));
}

/** Record these people as acknowledged on their day; forget days before `purgeBefore`. */
export async function recordAcknowledged(trx: Db, rows: readonly { person_id: string; day: string }[], purgeBefore: string): Promise<void> {
  await trx.deleteFrom('acknowledgement_days').where('day', '<', purgeBefore).execute();
  for (let i = 0; i < rows.length; i += 200) {
    await trx
      .insertInto('acknowledgement_days')
      .values(rows.slice(i, i + 200))
      .onConflict((oc) => oc.columns(['person_id', 'day']).doNothing())
      .execute();
  }
}
