/** Restricted persons: the flag on the person and the named list of staff who may still open them. */
import type { Db } from '../../db/database.js';

/** Of these staff ids, those of staff in the organisation. */
export async function findStaffIdsInOrganisation(db: Db, organisationId: string, staffIds: readonly string[]): Promise<string[]> {
  if (staffIds.length === 0) return [];
  const rows = await db.selectFrom('staff').select('id').where('id', 'in', [...staffIds]).where('organisation_id', '=', organisationId).execute();
  return rows.map((row) => row.id);
}

/** Set the flag and replace the list (call inside a transaction). */
export async function replaceRestriction(db: Db, personId: string, isRestricted: boolean, staffIds: readonly string[], at: string): Promise<void> {
  await db.updateTable('persons').set({ is_restricted: isRestricted ? 1 : 0 }).where('id', '=', personId).execute();
  await db.deleteFrom('restricted_access').where('person_id', '=', personId).execute();
  if (staffIds.length > 0) await db.insertInto('restricted_access').values(staffIds.map((staffId) => ({ person_id: personId, staff_id: staffId, created_at: at }))).execute();
}
