/**
 * What a backup carries, table by table. `TABLE_BACKUP` is typed as a record
 * over every table of `Database`, so a new table fails the type check until
 * someone decides here whether backups carry it (and, if not, says why).
 */
import type { Database } from '../../db/tables.js';

/** A table is carried by every backup, or left out for the reason given. */
export type TableBackup = 'backed-up' | `excluded: ${string}`;

/**
 * Every table, in dependency order: a backup writes the carried tables in
 * this order and a restore loads them in the order they were written, so a
 * table comes after the tables its rows refer to.
 */
export const TABLE_BACKUP = {
  organisations: 'backed-up',
  clinics: 'backed-up',
  staff: 'backed-up',
  staff_clinic_roles: 'backed-up',
  sessions: 'excluded: everyone signs in again after a restore',
  staff_totp: 'backed-up',
  staff_passkeys: 'backed-up',
  staff_recovery_codes: 'backed-up',
  auth_throttle: 'excluded: transient (sign-in throttling)',
  vault: 'excluded: carried in the backup header, and restored from it first',
  key_material: 'backed-up',
  persons: 'backed-up',
  person_keys: 'backed-up',
  restricted_access: 'backed-up',
  care_relationships: 'backed-up',
  break_glass_grants: 'backed-up',
  alerts: 'backed-up',
  notification_outbox: 'backed-up',
  audit_checkpoints: 'backed-up',
  staff_networks: 'backed-up',
  detection_daily_reads: 'backed-up',
  canary_markers: 'backed-up',
  org_settings: 'backed-up',
  read_approvals: 'backed-up',
  enquiry_inbox: 'backed-up',
  form_token_uses: 'excluded: transient (spent form tokens, purged once they expire)',
  inbox_quarantine: 'backed-up',
  enquiries: 'backed-up',
  pipeline_stages: 'backed-up',
  enquiry_events: 'backed-up',
  enquiry_notes: 'backed-up',
  follow_ups: 'backed-up',
  staff_shifts: 'excluded: transient (who is on shift now; a restored installation starts with nobody on shift)',
  acknowledgement_templates: 'backed-up',
  acknowledgement_days: 'excluded: transient (who was acknowledged today, purged after two days; a restore at worst sends one more acknowledgement that day)',
  audit_events: 'backed-up',
  audit_blocks: 'backed-up',
  patients: 'backed-up',
  appointments: 'backed-up',
  procedures: 'backed-up',
  clinical_notes: 'backed-up',
  invoices: 'backed-up',
  payments: 'backed-up',
  consent_forms: 'backed-up',
  consents: 'backed-up',
  photo_consents: 'backed-up',
  consent_links: 'backed-up',
  photos: 'backed-up',
  photo_marks: 'backed-up',
  photo_exports: 'backed-up',
  incidents: 'backed-up',
  incident_indicators: 'backed-up',
  incident_persons: 'backed-up',
  incident_events: 'backed-up',
  incident_reports: 'backed-up',
  notice_templates: 'backed-up',
  incident_notices: 'backed-up',
  evidence_exports: 'backed-up',
  retention_rules: 'backed-up',
  legal_holds: 'backed-up',
  retention_runs: 'backed-up',
  training_modules: 'backed-up',
  training_completions: 'backed-up',
  policies: 'backed-up',
  policy_acks: 'backed-up',
  access_reviews: 'backed-up',
  access_review_items: 'backed-up',
  rights_requests: 'backed-up',
  job_leases: 'excluded: transient (held by running instances)',
  job_runs: 'backed-up',
  shred_log: 'backed-up',
} as const satisfies Record<keyof Database, TableBackup>;

/** A table a backup carries. */
export type BackedUpTable = { [T in keyof typeof TABLE_BACKUP]: (typeof TABLE_BACKUP)[T] extends 'backed-up' ? T : never }[keyof typeof TABLE_BACKUP];

/** The tables a backup carries, in dependency order. */
export const BACKUP_TABLES: readonly BackedUpTable[] = (Object.keys(TABLE_BACKUP) as (keyof typeof TABLE_BACKUP)[]).filter((table): table is BackedUpTable => TABLE_BACKUP[table] === 'backed-up');

/** Whether a table named in a backup body is one a backup carries. */
export function isBackedUpTable(table: string): table is BackedUpTable {
  return (BACKUP_TABLES as readonly string[]).includes(table);
}
