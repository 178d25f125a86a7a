/** Response shapes for training, policies, the DPO's overview and dashboard, and access reviews. */
import { z } from 'zod';
import type { QuizQuestion as StoredQuestion } from './starter-training.js';

const COMPLIANCE_BLOCKS = ['mfa', 'training', 'policy'] as const;

export const TrainingStatus = z.object({
  moduleId: z.string(),
  title: z.string(),
  state: z.enum(['current', 'due', 'expired', 'missing']),
  until: z.string().nullable(),
  lastScore: z.number().nullable(),
});
export type TrainingStatus = z.infer<typeof TrainingStatus>;

export const PolicyStatus = z.object({ policyId: z.string(), slug: z.string(), title: z.string(), version: z.number(), acknowledgedAt: z.string().nullable() });
export type PolicyStatus = z.infer<typeof PolicyStatus>;
export const PolicyStatusList = z.array(PolicyStatus);

/** One staff member's tasks and what they block (`GET /api/v1/me/compliance`). */
export const ComplianceStatus = z.object({
  blocks: z.array(z.enum(COMPLIANCE_BLOCKS)),
  training: z.array(TrainingStatus),
  policies: z.array(PolicyStatus),
  mfa: z.object({ enrolled: z.boolean(), passkey: z.boolean() }),
});
export type ComplianceStatus = z.infer<typeof ComplianceStatus>;

/** The DPO's overview: every enabled staff member's status. */
export const StaffComplianceList = z.array(ComplianceStatus.extend({ staffId: z.string(), name: z.string(), email: z.string(), orgRole: z.string().nullable(), isLocked: z.boolean() }));
export type StaffComplianceList = z.infer<typeof StaffComplianceList>;

/** A quiz question; `answer` only for those who may edit the module. */
const QuizQuestion = z.object({ question: z.string(), options: z.array(z.string()), answer: z.number().optional() });

export const TrainingModule = z.object({
  id: z.string(),
  title: z.string(),
  version: z.number(),
  content: z.string(),
  quiz: z.array(QuizQuestion),
  passMark: z.number(),
  isBuiltin: z.boolean(),
  updatedAt: z.string(),
  retiredAt: z.string().nullable(),
});
export type TrainingModule = z.infer<typeof TrainingModule>;
export const TrainingModuleList = z.array(TrainingModule);

/** A marked quiz: `wrong` lists the indexes of wrongly answered questions. */
export const QuizResult = z.object({ score: z.number(), passed: z.boolean(), passMark: z.number(), expiresAt: z.string().nullable(), wrong: z.array(z.number()) });
export type QuizResult = z.infer<typeof QuizResult>;

export const Policy = z.object({ id: z.string(), slug: z.string(), title: z.string(), version: z.number(), body: z.string(), bodyHash: z.string(), publishedAt: z.string(), retiredAt: z.string().nullable() });
export type Policy = z.infer<typeof Policy>;

/** A module or policy saved: its id and the version it now has. */
export const Versioned = z.object({ id: z.string(), version: z.number() });
export type Versioned = z.infer<typeof Versioned>;

/** An act's answer: `acknowledged`, `retired`, or an access-review decision (`kept`, `removed`). */
export const ActStatus = z.object({ status: z.string() });

export const ChaseResult = z.object({ queued: z.number() });
export type ChaseResult = z.infer<typeof ChaseResult>;

const counts = z.record(z.string(), z.number());

export const ComplianceDashboard = z.object({
  staff: z.object({ total: z.number(), trained: z.number(), mfa: z.number(), passkey: z.number(), policiesAcknowledged: z.number(), blocked: z.number(), overdueAcknowledgements: z.number() }),
  trainingStates: z.object({ current: z.number(), due: z.number(), expired: z.number(), missing: z.number() }),
  alerts: z.object({ open: z.number(), bySeverity: counts }),
  incidents: z.object({ open: z.number() }),
  requests: z.object({ open: z.number(), overdue: z.number(), dueThisWeek: z.number(), byKind: counts }),
  /** Per retention category: records past their period now, and in the next 30 days. */
  expiringData: z.record(z.string(), z.object({ now: z.number(), next: z.number() })),
  accessReviews: z.object({ open: z.number(), pendingItems: z.number(), overdue: z.number(), suspendedRoles: z.number() }),
});
export type ComplianceDashboard = z.infer<typeof ComplianceDashboard>;

export const AccessReview = z.object({
  id: z.string(),
  clinicId: z.string(),
  clinicName: z.string(),
  period: z.string(),
  openedAt: z.string(),
  dueAt: z.string(),
  closedAt: z.string().nullable(),
  items: z.array(z.object({ staffId: z.string(), name: z.string(), role: z.string(), decision: z.string(), decidedAt: z.string().nullable() })),
});
export type AccessReview = z.infer<typeof AccessReview>;
export const AccessReviewList = z.array(AccessReview);

export const ReviewsOpened = z.object({ opened: z.number(), suspended: z.number() });
export type ReviewsOpened = z.infer<typeof ReviewsOpened>;

/** A module as its reader sees it. SECURITY (integrity of the quiz): only authors see the answers. */
export function presentTrainingModule(module: Omit<TrainingModule, 'quiz'> & { quiz: readonly StoredQuestion[] }, canEdit: boolean) {
  return { ...module, quiz: module.quiz.map((q) => (canEdit ? q : { question: q.question, options: q.options })) };
}
