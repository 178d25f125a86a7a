/**
 * Quarterly access reviews. At the start of each quarter every clinic gets a
 * review listing its staff and their roles; the clinic manager re-certifies
 * each (keep) or removes it. A role still unreviewed when the review falls
 * due (TACET_ACCESS_REVIEW_DAYS after it opened) is suspended — it grants
 * nothing until someone re-certifies it — and the DPO is alerted.
 * The DPO or administrator can decide too (someone must review the
 * managers themselves); nobody certifies their own access.
 */
import { actorEvent, type StaffActor } from '../../auth/actor.js';
import { hasClinicPermission, hasOrgPermission } from '../../auth/policy.js';
import type { AuditLog } from '../../audit/audit-log.js';
import { newId } from '../../crypto/random.js';
import type { Db } from '../../db/database.js';
import type { Clock } from '../../platform/clock.js';
import { appError } from '../../platform/errors.js';
import type { AlertService } from '../detection/alert.service.js';
import {
  closeReview,
  decideReviewItem,
  deleteClinicRole,
  findReview,
  findReviewItem,
  hasPendingItem,
  hasReviewFor,
  insertReview,
  insertReviewItems,
  listClinicIdsOfOrganisation,
  listClinicRolesToReview,
  listOpenReviewIds,
  listOverdueItems,
  listReviewItems,
  listReviews,
  listSuspendedRoles,
  setClinicRoleSuspended,
} from './access-review.repository.js';

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
    const clinics = await listClinicIdsOfOrganisation(db, organisationId);
    let opened = 0;
    for (const clinic of clinics) {
      if (await hasReviewFor(db, clinic.id, period)) continue;
      // Due a fixed number of days after the quarter starts, or after opening if the installation is newer than that.
      const due = new Date(Math.max(startsAt.getTime(), now.getTime()) + deps.reviewDays * DAY).toISOString();
      const roles = await listClinicRolesToReview(db, clinic.id);
      const id = newId();
      await db.transaction().execute(async (trx) => {
        await insertReview(trx, { id, organisation_id: organisationId, clinic_id: clinic.id, period, opened_at: now.toISOString(), due_at: due, closed_at: null });
        if (roles.length > 0) await insertReviewItems(trx, roles.map((r) => ({ review_id: id, staff_id: r.staff_id, role: r.role, decision: 'pending', decided_at: null, decided_by: null })));
        await append('system:access-review', 'access-review.open', `${period}:${roles.length}`, [`access-review:${id}`], trx);
      });
      opened += 1;
    }
    return opened;
  }

  /** Suspend roles still unreviewed past the due date; close reviews with nothing pending. */
  async function enforce(organisationId: string): Promise<{ suspended: number }> {
    const now = clock.now().toISOString();
    const overdue = await listOverdueItems(db, organisationId, now);
    for (const item of overdue) {
      await db.transaction().execute(async (trx) => {
        await setClinicRoleSuspended(trx, item.staff_id, item.clinic_id, now);
        await decideReviewItem(trx, item.review_id, item.staff_id, 'suspended', now, 'system');
        await append('system:access-review', 'access-review.suspend', 'not-recertified', [`access-review:${item.review_id}`, `staff:${item.staff_id}`], trx);
      });
    }
    if (overdue.length > 0) {
      await deps.alerts.raise(db, { severity: 'medium', rule: 'access-review-overdue', staffId: null, personIds: [], detail: `${overdue.length} clinic role(s) were not re-certified in time and are suspended until re-certified` });
    }
    for (const review of await listOpenReviewIds(db, organisationId)) {
      if (!(await hasPendingItem(db, review.id))) await closeReview(db, review.id, now);
    }
    return { suspended: overdue.length };
  }

  /** SECURITY: a review of a clinic the actor does not manage looks like one that does not exist; the attempt is recorded. */
  async function refuse(actor: StaffActor, reviewId: string): Promise<never> {
    await db.transaction().execute((trx) => audit.append(trx, [{ ...actorEvent(actor), action: 'access-review.decide', recordRefs: [`access-review:${reviewId}`], outcome: 'denied' }]));
    throw appError('NOT_FOUND');
  }

  async function reviewFor(actor: StaffActor, reviewId: string) {
    const review = await findReview(db, actor.organisationId, reviewId);
    // The clinic's manager reviews; the DPO or administrator can too (someone must review the manager).
    if (!review || !(hasClinicPermission(actor, 'access.review', review.clinic_id) || hasOrgPermission(actor, 'compliance.manage'))) return refuse(actor, reviewId);
    return review;
  }

  return {
    openDue,
    enforce,

    /** Reviews the actor can see: their clinics' (managers) or all (compliance.manage). */
    async list(actor: StaffActor) {
      let clinics: string[] | undefined;
      if (!hasOrgPermission(actor, 'compliance.manage')) {
        clinics = [...actor.clinicRoles.keys()].filter((id) => hasClinicPermission(actor, 'access.review', id));
        if (clinics.length === 0) return [];
      }
      const reviews = await listReviews(db, actor.organisationId, clinics);
      const items = reviews.length === 0 ? [] : await listReviewItems(db, reviews.map((r) => r.id));
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
      const item = await findReviewItem(db, reviewId, staffId);
      if (!item) return refuse(actor, reviewId);
      const now = clock.now().toISOString();
      await db.transaction().execute(async (trx) => {
        if (decision === 'removed') await deleteClinicRole(trx, staffId, review.clinic_id);
        else await setClinicRoleSuspended(trx, staffId, review.clinic_id, null);
        await decideReviewItem(trx, reviewId, staffId, decision, now, actor.staffId);
        await audit.append(trx, [{ ...actorEvent(actor), action: 'access-review.decide', recordRefs: [`access-review:${reviewId}`, `staff:${staffId}`], purpose: `${decision}:${item.role}`, outcome: 'success' }]);
      });
    },

    /** Suspended roles in the organisation (for the dashboard and the admin). */
    async suspended(organisationId: string) {
      return listSuspendedRoles(db, organisationId);
    },
  };
}

export type AccessReviewService = ReturnType<typeof createAccessReviewService>;
