/**
 * Who may see whom, as the database records it: the restricted list, the
 * break-glass grants, the care team and open data-subject requests. The
 * gate (admission.ts) decides with these facts; list queries filter with
 * `visiblePersons`.
 */
import { type Expression, expressionBuilder, type SqlBool } from 'kysely';
import type { StaffActor } from '../../auth/actor.js';
import type { Database, Db } from '../../db/database.js';

/**
 * SECURITY: the persons `actor` may know exist — everyone not restricted,
 * and the restricted persons whose list names the actor. For a query that
 * joins `persons`: `.where(visiblePersons(actor))`.
 */
export function visiblePersons(actor: Pick<StaffActor, 'staffId'>): Expression<SqlBool> {
  const eb = expressionBuilder<Database, 'persons'>();
  return eb.or([
    eb('persons.is_restricted', '=', 0),
    eb.exists(eb.selectFrom('restricted_access').select('restricted_access.person_id').whereRef('restricted_access.person_id', '=', 'persons.id').where('restricted_access.staff_id', '=', actor.staffId)),
  ]);
}

/** What the database says about one staff member and one person, beyond roles. */
export interface AccessRecords {
  readonly isOnRestrictedList: boolean;
  readonly hasBreakGlass: boolean;
  readonly isInCareTeam: boolean;
}

/** The restricted list (asked only when the person is restricted), an unexpired break-glass grant, and the care team. */
export async function findAccessRecords(db: Db, person: { readonly personId: string; readonly isRestricted: boolean }, staffId: string, now: string): Promise<AccessRecords> {
  const [listed, grant, care] = await Promise.all([
    person.isRestricted ? db.selectFrom('restricted_access').select('staff_id').where('person_id', '=', person.personId).where('staff_id', '=', staffId).executeTakeFirst() : undefined,
    db.selectFrom('break_glass_grants').select('id').where('person_id', '=', person.personId).where('staff_id', '=', staffId).where('expires_at', '>', now).executeTakeFirst(),
    db.selectFrom('care_relationships').select('staff_id').where('person_id', '=', person.personId).where('staff_id', '=', staffId).executeTakeFirst(),
  ]);
  return { isOnRestrictedList: Boolean(listed), hasBreakGlass: Boolean(grant), isInCareTeam: Boolean(care) };
}

/** An open data-subject request for this person in this organisation. */
export async function hasOpenRightsRequest(db: Db, personId: string, organisationId: string): Promise<boolean> {
  const open = await db.selectFrom('rights_requests').select('id').where('person_id', '=', personId).where('organisation_id', '=', organisationId).where('status', '=', 'open').executeTakeFirst();
  return open !== undefined;
}
