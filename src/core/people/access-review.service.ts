/**
 * Quarterly access reviews. At the start of each quarter every clinic gets a
 * review listing its staff and their roles; the clinic manager re-certifies
 * each (keep) or removes it. A role still unreviewed when the review falls
 * due (TACET_ACCESS_REVIEW_DAYS after it opened) is suspended — it grants
 * nothing until someone re-certifies it — and the DPO is alerted.
 * The DPO or administrator can decide too (someone must review the
 * managers themselves); nobody certifies their own access.
 */
import { actorLabel, type StaffActor } from '../../auth/actor.js';
import { hasClinicPermission, hasOrgPermission } from '../../auth/policy.js';
import type { AuditLog } from '../../audit/audit-log.js';
import { newId } from '../../crypto/random.js';
import type { Db } from '../../db/database.js';
import type { Clock } from '../../platform/clock.js';
import { appError } from '../../platform/errors.js';
import type { AlertService } from '../detection/alert.service.js';

const DAY = 86_400_000;

/** The calendar quarter of a date, e.g. 2026-Q4, and when it started. */
export function quarterOf(date: Date): { period: string; startsAt: Date } {
  const q = Math.floor(date.getUTCMonth() / 3);
  return { period: `${date.getUTCFullYear()}-Q${q + 1}`, startsAt: new Date(Date.UTC(date.getUTCFullYear(), q * 3, 1)) };
}

export type ReviewDecision = 'kept' | 'removed';

export function createAccessReviewService(deps: { db: Db; audit: AuditLog; clock: Clock; alerts: AlertService; reviewDays: number }) {
  const { db, audit, clock } = deps;

  async function append(actorLabelText: string, action: string, purpose: string, recordRefs: string[], trx: Db = db): Promise<void> {
    await audit.append(trx, [{ actor: actorLabelText, action, recordRefs, purpose, outcome: 'success' }]);
  }

  /** Open this quarter's review for every clinic that has none (idempotent). Returns how many were opened. */
  async function openDue(organisationId: string): Promise<number> {
    const now = clock.now();
    const { period, startsAt } = quarterOf(now);
    const clinics = await db.selectFrom('clinics').select('id').where('organisation_id', '=', organisationId).execute();
    let opened = 0;
    for (const clinic of clinics) {
      const exists = await db.selectFrom('access_reviews').select('id').where('clinic_id', '=', clinic.id).where('period', '=', period).executeTakeFirst();
      if (exists) continue;
      // Due a fixed number of days after the quarter starts, or after opening if the installation is newer than that.
      const due = new Date(Math.max(startsAt.getTime(), now.getTime()) + deps.reviewDays * DAY).toISOString();
      const roles = await db.selectFrom('staff_clinic_roles').innerJoin('staff', 'staff.id', 'staff_clinic_roles.staff_id').select(['staff_clinic_roles.staff_id', 'staff_clinic_roles.role']).where('staff_clinic_roles.clinic_id', '=', clinic.id).where('staff.disabled_at', 'is', null).execute();
      const id = newId();
      await db.transaction().execute(async (trx) => {
        await trx.insertInto('access_reviews').values({ id, organisation_id: organisationId, clinic_id: clinic.id, period, opened_at: now.toISOString(), due_at: due, closed_at: null }).execute();
        if (roles.length > 0) await trx.insertInto('access_review_items').values(roles.map((r) => ({ review_id: id, staff_id: r.staff_id, role: r.role, decision: 'pending', decided_at: null, decided_by: null }))).execute();
        await append('system:access-review', 'access-review.open', `${period}:${roles.length}`, [`access-review:${id}`], trx);
      });
      opened += 1;
    }
    return opened;
  }

  /** Suspend roles still unreviewed past the due date; close reviews with nothing pending. */
  async function enforce(organisationId: string): Promise<{ suspended: number }> {
    const now = clock.now().toISOString();
    const overdue = await db
      .selectFrom('access_review_items')
      .innerJoin('access_reviews', 'access_reviews.id', 'access_review_items.review_id')
      .select(['access_review_items.review_id', 'access_review_items.staff_id', 'access_reviews.clinic_id'])
      .where('access_reviews.organisation_id', '=', organisationId)
      .where('access_review_items.decision', '=', 'pending')
      .where('access_reviews.due_at', '<=', now)
      .execute();
    for (const item of overdue) {
      await db.transaction().execute(async (trx) => {
        await trx.updateTable('staff_clinic_roles').set({ suspended_at: now }).where('staff_id', '=', item.staff_id).where('clinic_id', '=', item.clinic_id).execute();
        await trx.updateTable('access_review_items').set({ decision: 'suspended', decided_at: now, decided_by: 'system' }).where('review_id', '=', item.review_id).where('staff_id', '=', item.staff_id).execute();
        await append('system:access-review', 'access-review.suspend', 'not-recertified', [`access-review:${item.review_id}`, `staff:${item.staff_id}`], trx);
      });
    }
    if (overdue.length > 0) {
      await deps.alerts.raise(db, { severity: 'medium', rule: 'access-review-overdue', staffId: null, personIds: [], detail: `${overdue.length} clinic role(s) were not re-certified in time and are suspended until re-certified` });
    }
    const open = await db.selectFrom('access_reviews').select('id').where('organisation_id', '=', organisationId).where('closed_at', 'is', null).execute();
    for (const review of open) {
      const pending = await db.selectFrom('access_review_items').select('staff_id').where('review_id', '=', review.id).where('decision', '=', 'pending').executeTakeFirst();
      if (!pending) await db.updateTable('access_reviews').set({ closed_at: now }).where('id', '=', review.id).execute();
    }
    return { suspended: overdue.length };
  }

  /** SECURITY: a review of a clinic the actor does not manage looks like one that does not exist; the attempt is recorded. */
  async function refuse(actor: StaffActor, reviewId: string): Promise<never> {
    await db.transaction().execute((trx) => audit.append(trx, [{ actor: actorLabel(actor), ip: actor.ip, sessionId: actor.sessionId, action: 'access-review.decide', recordRefs: [`access-review:${reviewId}`], outcome: 'denied' }]));
    throw appError('NOT_FOUND');
  }

  async function reviewFor(actor: StaffActor, reviewId: string) {
    const review = await db.selectFrom('access_reviews').selectAll().where('id', '=', reviewId).where('organisation_id', '=', actor.organisationId).executeTakeFirst();
    // The clinic's manager reviews; the DPO or administrator can too (someone must review the manager).
    if (!review || !(hasClinicPermission(actor, 'access.review', review.clinic_id) || hasOrgPermission(actor, 'compliance.manage'))) return refuse(actor, reviewId);
    return review;
  }

  return {
    openDue,
    enforce,

    /** Reviews the actor can see: their clinics' (managers) or all (compliance.manage). */
    async list(actor: StaffActor) {
      let q = db
        .selectFrom('access_reviews')
        .innerJoin('clinics', 'clinics.id', 'access_reviews.clinic_id')
        .select(['access_reviews.id', 'access_reviews.clinic_id', 'clinics.name as clinic_name', 'access_reviews.period', 'access_reviews.opened_at', 'access_reviews.due_at', 'access_reviews.closed_at'])
        .where('access_reviews.organisation_id', '=', actor.organisationId);
      if (!hasOrgPermission(actor, 'compliance.manage')) {
        const clinics = [...actor.clinicRoles.keys()].filter((id) => hasClinicPermission(actor, 'access.review', id));
        if (clinics.length === 0) return [];
        q = q.where('access_reviews.clinic_id', 'in', clinics);
      }
      const reviews = await q.orderBy('access_reviews.opened_at', 'desc').limit(50).execute();
      const items = reviews.length === 0 ? [] : await db.selectFrom('access_review_items').innerJoin('staff', 'staff.id', 'access_review_items.staff_id').select(['access_review_items.review_id', 'access_review_items.staff_id', 'staff.display_name', 'access_review_items.role', 'access_review_items.decision', 'access_review_items.decided_at']).where('access_review_items.review_id', 'in', reviews.map((r) => r.id)).orderBy('staff.display_name').execute();
      return reviews.map((r) => ({
        id: r.id,
        clinicId: r.clinic_id,
        clinicName: r.clinic_name,
        period: r.period,
        openedAt: r.opened_at,
        dueAt: r.due_at,
        closedAt: r.closed_at,
        items: items.filter((i) => i.review_id === r.id).map((i) => ({ staffId: i.staff_id, name: i.display_name, role: i.role, decision: i.decision, decidedAt: i.decided_at })),
      }));
    },

    /** Re-certify (keep) or remove one staff member's role in the review's clinic. Keeping a suspended role restores it. */
    async decide(actor: StaffActor, reviewId: string, staffId: string, decision: ReviewDecision): Promise<void> {
      const review = await reviewFor(actor, reviewId);
      if (staffId === actor.staffId) throw appError('SELF_CERTIFICATION');
      const item = await db.selectFrom('access_review_items').select(['decision', 'role']).where('review_id', '=', reviewId).where('staff_id', '=', staffId).executeTakeFirst();
      if (!item) return refuse(actor, reviewId);
      const now = clock.now().toISOString();
      await db.transaction().execute(async (trx) => {
        if (decision === 'removed') await trx.deleteFrom('staff_clinic_roles').where('staff_id', '=', staffId).where('clinic_id', '=', review.clinic_id).execute();
        else await trx.updateTable('staff_clinic_roles').set({ suspended_at: null }).where('staff_id', '=', staffId).where('clinic_id', '=', review.clinic_id).execute();
        await trx.updateTable('access_review_items').set({ decision, decided_at: now, decided_by: actor.staffId }).where('review_id', '=', reviewId).where('staff_id', '=', staffId).execute();
        await audit.append(trx, [{ actor: actorLabel(actor), ip: actor.ip, sessionId: actor.sessionId, action: 'access-review.decide', recordRefs: [`access-review:${reviewId}`, `staff:${staffId}`], purpose: `${decision}:${item.role}`, outcome: 'success' }]);
      });
    },

    /** Suspended roles in the organisation (for the dashboard and the admin). */
    async suspended(organisationId: string) {
      return db.selectFrom('staff_clinic_roles').innerJoin('staff', 'staff.id', 'staff_clinic_roles.staff_id').select(['staff_clinic_roles.staff_id', 'staff.display_name', 'staff_clinic_roles.clinic_id', 'staff_clinic_roles.role', 'staff_clinic_roles.suspended_at']).where('staff.organisation_id', '=', organisationId).where('staff_clinic_roles.suspended_at', 'is not', null).execute();
    },
  };
}

export type AccessReviewService = ReturnType<typeof createAccessReviewService>;
