/** Quarterly access reviews, their items (one per staff member and clinic role), and the roles they suspend or remove. */
import type { Insertable, Selectable } from 'kysely';
import type { Db } from '../../db/database.js';
import type { AccessReviewItemsTable, AccessReviewsTable } from '../../db/tables.js';

export type AccessReviewRow = Selectable<AccessReviewsTable>;

// ---- Opening ----

export async function listClinicIdsOfOrganisation(db: Db, organisationId: string): Promise<{ id: string }[]> {
  return db.selectFrom('clinics').select('id').where('organisation_id', '=', organisationId).execute();
}

export async function hasReviewFor(db: Db, clinicId: string, period: string): Promise<boolean> {
  const row = await db.selectFrom('access_reviews').select('id').where('clinic_id', '=', clinicId).where('period', '=', period).executeTakeFirst();
  return row !== undefined;
}

/** The clinic roles of a clinic's enabled staff (suspended ones included). */
export async function listClinicRolesToReview(db: Db, clinicId: string): Promise<{ staff_id: string; role: string }[]> {
  return db
    .selectFrom('staff_clinic_roles')
    .innerJoin('staff', 'staff.id', 'staff_clinic_roles.staff_id')
    .select(['staff_clinic_roles.staff_id', 'staff_clinic_roles.role'])
    .where('staff_clinic_roles.clinic_id', '=', clinicId)
    .where('staff.disabled_at', 'is', null)
    .execute();
}

export async function insertReview(db: Db, row: Insertable<AccessReviewsTable>): Promise<void> {
  await db.insertInto('access_reviews').values(row).execute();
}

export async function insertReviewItems(db: Db, rows: readonly Insertable<AccessReviewItemsTable>[]): Promise<void> {
  await db.insertInto('access_review_items').values([...rows]).execute();
}

// ---- Enforcing ----

/** Items still pending in reviews of the organisation that are due by `now`. */
export async function listOverdueItems(db: Db, organisationId: string, now: string): Promise<{ review_id: string; staff_id: string; clinic_id: string }[]> {
  return db
    .selectFrom('access_review_items')
    .innerJoin('access_reviews', 'access_reviews.id', 'access_review_items.review_id')
    .select(['access_review_items.review_id', 'access_review_items.staff_id', 'access_reviews.clinic_id'])
    .where('access_reviews.organisation_id', '=', organisationId)
    .where('access_review_items.decision', '=', 'pending')
    .where('access_reviews.due_at', '<=', now)
    .execute();
}

/** Set (a date) or lift (null) the suspension of one clinic role. */
export async function setClinicRoleSuspended(db: Db, staffId: string, clinicId: string, suspendedAt: string | null): Promise<void> {
  await db.updateTable('staff_clinic_roles').set({ suspended_at: suspendedAt }).where('staff_id', '=', staffId).where('clinic_id', '=', clinicId).execute();
}

export async function deleteClinicRole(db: Db, staffId: string, clinicId: string): Promise<void> {
  await db.deleteFrom('staff_clinic_roles').where('staff_id', '=', staffId).where('clinic_id', '=', clinicId).execute();
}

/** Record the decision on one item (`decidedBy`: a staff id, or 'system'). */
export async function decideReviewItem(db: Db, reviewId: string, staffId: string, decision: string, at: string, decidedBy: string): Promise<void> {
  await db.updateTable('access_review_items').set({ decision, decided_at: at, decided_by: decidedBy }).where('review_id', '=', reviewId).where('staff_id', '=', staffId).execute();
}

export async function listOpenReviewIds(db: Db, organisationId: string): Promise<{ id: string }[]> {
  return db.selectFrom('access_reviews').select('id').where('organisation_id', '=', organisationId).where('closed_at', 'is', null).execute();
}

export async function hasPendingItem(db: Db, reviewId: string): Promise<boolean> {
  const row = await db.selectFrom('access_review_items').select('staff_id').where('review_id', '=', reviewId).where('decision', '=', 'pending').executeTakeFirst();
  return row !== undefined;
}

export async function closeReview(db: Db, reviewId: string, at: string): Promise<void> {
  await db.updateTable('access_reviews').set({ closed_at: at }).where('id', '=', reviewId).execute();
}

// ---- Reading and deciding ----

export async function findReview(db: Db, organisationId: string, reviewId: string): Promise<AccessReviewRow | undefined> {
  return db.selectFrom('access_reviews').selectAll().where('id', '=', reviewId).where('organisation_id', '=', organisationId).executeTakeFirst();
}

/** The organisation's 50 latest reviews with their clinic's name; only those clinics' if `clinicIds` is given. */
export async function listReviews(db: Db, organisationId: string, clinicIds?: readonly string[]) {
  let q = db
    .selectFrom('access_reviews')
    .innerJoin('clinics', 'clinics.id', 'access_reviews.clinic_id')
    .select(['access_reviews.id', 'access_reviews.clinic_id', 'clinics.name as clinic_name', 'access_reviews.period', 'access_reviews.opened_at', 'access_reviews.due_at', 'access_reviews.closed_at'])
    .where('access_reviews.organisation_id', '=', organisationId);
  if (clinicIds) q = q.where('access_reviews.clinic_id', 'in', [...clinicIds]);
  return q.orderBy('access_reviews.opened_at', 'desc').limit(50).execute();
}

/** The items of these reviews with each staff member's name, by name. */
export async function listReviewItems(db: Db, reviewIds: readonly string[]) {
  return db
    .selectFrom('access_review_items')
    .innerJoin('staff', 'staff.id', 'access_review_items.staff_id')
    .select(['access_review_items.review_id', 'access_review_items.staff_id', 'staff.display_name', 'access_review_items.role', 'access_review_items.decision', 'access_review_items.decided_at'])
    .where('access_review_items.review_id', 'in', [...reviewIds])
    .orderBy('staff.display_name')
    .execute();
}

export async function findReviewItem(db: Db, reviewId: string, staffId: string): Promise<{ decision: string; role: string } | undefined> {
  return db.selectFrom('access_review_items').select(['decision', 'role']).where('review_id', '=', reviewId).where('staff_id', '=', staffId).executeTakeFirst();
}

/** Suspended clinic roles in the organisation, with the staff member's name. */
export async function listSuspendedRoles(db: Db, organisationId: string) {
  return db
    .selectFrom('staff_clinic_roles')
    .innerJoin('staff', 'staff.id', 'staff_clinic_roles.staff_id')
    .select(['staff_clinic_roles.staff_id', 'staff.display_name', 'staff_clinic_roles.clinic_id', 'staff_clinic_roles.role', 'staff_clinic_roles.suspended_at'])
    .where('staff.organisation_id', '=', organisationId)
    .where('staff_clinic_roles.suspended_at', 'is not', null)
    .execute();
}
