/** Break-glass grants: who, to whom, until when, the sealed justification, and the DPO's review. */
import type { Insertable } from 'kysely';
import type { Database, Db } from '../../db/database.js';

export async function insertBreakGlassGrant(db: Db, grant: Insertable<Database['break_glass_grants']>): Promise<void> {
  await db.insertInto('break_glass_grants').values(grant).execute();
}

/** The organisation's latest 200 grants (only unreviewed ones if `pendingOnly`) with the staff member's name, newest first. */
export async function listBreakGlassGrants(db: Db, organisationId: string, pendingOnly: boolean) {
  let query = db
    .selectFrom('break_glass_grants')
    .innerJoin('staff', 'staff.id', 'break_glass_grants.staff_id')
    .select(['break_glass_grants.id', 'break_glass_grants.staff_id', 'staff.display_name', 'break_glass_grants.person_id', 'break_glass_grants.justification_envelope', 'break_glass_grants.created_at', 'break_glass_grants.expires_at', 'break_glass_grants.reviewed_at', 'break_glass_grants.review_outcome'])
    .where('staff.organisation_id', '=', organisationId)
    .orderBy('break_glass_grants.created_at', 'desc')
    .limit(200);
  if (pendingOnly) query = query.where('break_glass_grants.reviewed_at', 'is', null);
  return query.execute();
}

/** A grant and the organisation of the staff member it was given to. */
export async function findBreakGlassGrant(db: Db, grantId: string) {
  return db.selectFrom('break_glass_grants').innerJoin('staff', 'staff.id', 'break_glass_grants.staff_id').select(['break_glass_grants.id', 'staff.organisation_id']).where('break_glass_grants.id', '=', grantId).executeTakeFirst();
}

export async function markBreakGlassReviewed(db: Db, grantId: string, review: { reviewerId: string; at: string; outcome: string }): Promise<void> {
  await db.updateTable('break_glass_grants').set({ reviewed_at: review.at, reviewed_by: review.reviewerId, review_outcome: review.outcome }).where('id', '=', grantId).execute();
}
