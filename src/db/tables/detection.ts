/**
 * Detection and containment: alerts, the notification outbox, audit
 * checkpoints, known networks, canary markers, organisation settings and
 * second-person read approvals (0003_detection); the read baseline's daily
 * counts (0013_read_baseline).
 */
import type { Generated } from 'kysely';

export interface AlertsTable {
  id: string;
  at: string;
  severity: string;
  rule: string;
  staff_id: string | null;
  /** JSON array of person ids (ids only, never personal data). */
  person_ids: string;
  /** Fixed-vocabulary description, ids and counts only. */
  detail: string;
  status: string;
  acknowledged_by: string | null;
  acknowledged_at: string | null;
  resolved_by: string | null;
  resolved_at: string | null;
}

export interface NotificationOutboxTable {
  id: string;
  alert_id: string | null;
  channel: string;
  target: string;
  payload: string;
  created_at: string;
  attempts: Generated<number>;
  next_attempt_at: string;
  sent_at: string | null;
  last_error: string | null;
}

export interface AuditCheckpointsTable {
  seq: number;
  hash: string;
  at: string;
  key_id: string;
  signature: string;
}

export interface StaffNetworksTable {
  staff_id: string;
  network: string;
  first_seen_at: string;
}

export interface CanaryMarkersTable {
  marker: string;
  created_at: string;
}

export interface OrgSettingsTable {
  key: string;
  value: string;
  updated_at: string;
}

export interface ReadApprovalsTable {
  id: string;
  requester_id: string;
  enquiry_id: string;
  person_id: string;
  created_at: string;
  approver_id: string | null;
  approved_at: string | null;
  expires_at: string | null;
}

/** Distinct people a staff member opened on a working day (the baseline rule's memory; counts only). */
export interface DetectionDailyReadsTable {
  staff_id: string;
  /** YYYY-MM-DD in the installation's time zone. */
  day: string;
  role: string;
  persons: number;
}
