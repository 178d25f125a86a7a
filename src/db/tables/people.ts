/** The people side and data-subject rights: training, policies, access reviews and rights requests (0007_people). */

export interface TrainingModulesTable {
  id: string;
  organisation_id: string;
  title: string;
  version: number;
  /** Markdown. */
  content: string;
  /** JSON: [{ question, options: string[], answer: index }]. */
  quiz: string;
  /** Percent needed to pass. */
  pass_mark: number;
  is_builtin: number;
  updated_at: string;
  updated_by: string;
  retired_at: string | null;
}

export interface TrainingCompletionsTable {
  id: string;
  staff_id: string;
  module_id: string;
  module_version: number;
  score: number;
  passed: number;
  completed_at: string;
  expires_at: string;
}

export interface PoliciesTable {
  id: string;
  organisation_id: string;
  slug: string;
  title: string;
  version: number;
  body: string;
  body_hash: string;
  published_at: string;
  published_by: string;
  retired_at: string | null;
}

export interface PolicyAcksTable {
  staff_id: string;
  policy_id: string;
  acknowledged_at: string;
}

export interface AccessReviewsTable {
  id: string;
  organisation_id: string;
  clinic_id: string;
  /** e.g. 2026-Q4 */
  period: string;
  opened_at: string;
  due_at: string;
  closed_at: string | null;
}

export interface AccessReviewItemsTable {
  review_id: string;
  staff_id: string;
  role: string;
  /** pending | kept | removed | suspended */
  decision: string;
  decided_at: string | null;
  decided_by: string | null;
}

export interface RightsRequestsTable {
  id: string;
  organisation_id: string;
  person_id: string;
  /** access | portability | erasure | rectification */
  kind: string;
  received_at: string;
  due_at: string;
  extension_reason: string | null;
  /** open | completed | refused */
  status: string;
  outcome: string | null;
  /** JSON array of Art. 17(3) exception codes recorded for an erasure. */
  exceptions: string;
  created_by: string;
  created_at: string;
  closed_at: string | null;
}
