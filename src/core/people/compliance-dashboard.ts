/** The DPO's dashboard: counts across staff compliance, alerts, incidents, data-subject requests, retention and access reviews. */
import type { StaffActor } from '../../auth/actor.js';
import type { Db } from '../../db/database.js';
import type { Clock } from '../../platform/clock.js';
import { RETENTION_CATEGORIES, type RetentionService } from '../retention/retention.service.js';
import type { AccessReviewService } from './access-review.service.js';
import type { ComplianceDashboard } from './compliance.presenter.js';
import type { ComplianceService } from './compliance.service.js';
import { listOpenIncidentStatuses, listOpenRightsRequestDeadlines, listUnresolvedAlertSeverities } from './dashboard.repository.js';

export interface ComplianceDashboardDeps {
  readonly db: Db;
  readonly clock: Clock;
  readonly compliance: Pick<ComplianceService, 'overview'>;
  readonly reviews: Pick<AccessReviewService, 'list' | 'suspended'>;
  readonly retention: Pick<RetentionService, 'upcoming'>;
}

const DAY = 86_400_000;

/** The dashboard for the actor's organisation (access reviews as the actor may see them). */
export async function complianceDashboard(deps: ComplianceDashboardDeps, actor: StaffActor): Promise<ComplianceDashboard> {
  const { organisationId } = actor;
  const now = deps.clock.now().toISOString();
  const weekAhead = new Date(deps.clock.now().getTime() + 7 * DAY).toISOString();
  const staff = await deps.compliance.overview(organisationId);
  const count = (predicate: (s: (typeof staff)[number]) => boolean) => staff.filter(predicate).length;
  const [alerts, incidents, requests, upcoming, reviewList, suspended] = await Promise.all([
    listUnresolvedAlertSeverities(deps.db),
    listOpenIncidentStatuses(deps.db, organisationId),
    listOpenRightsRequestDeadlines(deps.db, organisationId),
    deps.retention.upcoming(organisationId),
    deps.reviews.list(actor),
    deps.reviews.suspended(organisationId),
  ]);
  const trainingStates = { current: 0, due: 0, expired: 0, missing: 0 };
  for (const s of staff) for (const t of s.training) trainingStates[t.state] += 1;
  return {
    staff: {
      total: staff.length,
      trained: count((s) => s.training.every((t) => t.state === 'current')),
      mfa: count((s) => s.mfa.enrolled),
      passkey: count((s) => s.mfa.passkey),
      policiesAcknowledged: count((s) => s.policies.every((p) => p.acknowledgedAt !== null)),
      blocked: count((s) => s.blocks.length > 0),
      overdueAcknowledgements: staff.reduce((n, s) => n + s.policies.filter((p) => p.acknowledgedAt === null).length, 0),
    },
    trainingStates,
    alerts: { open: alerts.length, bySeverity: Object.fromEntries(['critical', 'high', 'medium', 'low'].map((sev) => [sev, alerts.filter((a) => a.severity === sev).length])) },
    incidents: { open: incidents.length },
    requests: {
      open: requests.length,
      overdue: requests.filter((r) => r.due_at < now).length,
      dueThisWeek: requests.filter((r) => r.due_at >= now && r.due_at < weekAhead).length,
      byKind: Object.fromEntries(['access', 'portability', 'erasure', 'rectification'].map((k) => [k, requests.filter((r) => r.kind === k).length])),
    },
    expiringData: Object.fromEntries(RETENTION_CATEGORIES.map((c) => [c, upcoming[c]])),
    accessReviews: {
      open: reviewList.filter((r) => r.closedAt === null).length,
      pendingItems: reviewList.reduce((n, r) => n + r.items.filter((i) => i.decision === 'pending').length, 0),
      overdue: reviewList.filter((r) => r.closedAt === null && r.dueAt < now).length,
      suspendedRoles: suspended.length,
    },
  };
}
