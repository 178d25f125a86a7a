/**
 * Table types. Plaintext columns are only what operations need: ids,
 * timestamps (UTC ISO-8601 text), clinic, status. Every personal field lives
 * inside an `*_envelope` column (see crypto/envelope.ts).
 */
import type { ColumnType, Generated, Insertable, Selectable } from 'kysely';
import type { EnquiryInboxTable, InboxDatabase } from './inbox-tables.js';

export type { EnquiryInboxTable, FormTokenUsesTable, InboxDatabase } from './inbox-tables.js';

export interface OrganisationsTable {
  id: string;
  name: string;
  created_at: string;
}

export interface ClinicsTable {
  id: string;
  organisation_id: string;
  slug: string;
  name: string;
  created_at: string;
}

export interface StaffTable {
  id: string;
  organisation_id: string;
  email: string;
  display_name: string;
  password_hash: string;
  /** Organisation-wide role: 'administrator' | 'dpo' | null (clinic roles live in staff_clinic_roles). */
  org_role: string | null;
  disabled_at: string | null;
  /** Set by automatic containment (or an administrator); cleared only by an administrator. */
  locked_at: string | null;
  lock_reason: string | null;
  exports_frozen_at: string | null;
  created_at: string;
}

export interface StaffClinicRolesTable {
  staff_id: string;
  clinic_id: string;
  role: string;
  /** Set when an access review was not completed in time; the role grants nothing while set. */
  suspended_at: ColumnType<string | null, string | null | undefined, string | null>;
}

export interface SessionsTable {
  id_hash: string;
  /** Random id shown in the session list (never the cookie value). */
  public_id: string;
  staff_id: string;
  created_at: string;
  last_seen_at: string;
  expires_at: string;
  /** When the second factor was verified; null while only the password is proven. */
  mfa_at: string | null;
  stepped_up_at: string | null;
  ip: string | null;
  user_agent: string | null;
  /** Pending WebAuthn challenge (base64url) and its expiry. */
  challenge: string | null;
  challenge_expires_at: string | null;
}

export interface StaffTotpTable {
  staff_id: string;
  secret_envelope: string;
  confirmed_at: string | null;
  last_step: number;
  created_at: string;
}

export interface StaffPasskeysTable {
  id: string;
  staff_id: string;
  public_key: string;
  counter: number;
  transports: string;
  created_at: string;
  last_used_at: string | null;
}

export interface StaffRecoveryCodesTable {
  staff_id: string;
  code_hash: string;
  used_at: string | null;
  created_at: string;
}

export interface AuthThrottleTable {
  key: string;
  failures: number;
  first_failure_at: string;
  locked_at: string | null;
}

export interface RestrictedAccessTable {
  person_id: string;
  staff_id: string;
  created_at: string;
}

export interface CareRelationshipsTable {
  person_id: string;
  staff_id: string;
  created_at: string;
}

export interface BreakGlassGrantsTable {
  id: string;
  staff_id: string;
  person_id: string;
  justification_envelope: string;
  created_at: string;
  expires_at: string;
  reviewed_at: string | null;
  reviewed_by: string | null;
  review_outcome: string | null;
}

export interface VaultTable {
  id: string;
  record: string;
  is_demo: number;
  created_at: string;
}

export interface KeyMaterialTable {
  id: string;
  kind: string;
  domain: string | null;
  version: number;
  wrapped: string;
  public_key: string | null;
  status: string;
  created_at: string;
}

/** An envelope that did not open or validate, kept (never dropped) with the reason. */
export interface InboxQuarantineTable extends Omit<EnquiryInboxTable, 'envelope_hash'> {
  reason: string;
  quarantined_at: string;
}

export interface PersonsTable {
  id: string;
  organisation_id: string;
  created_at: string;
  updated_at: string;
  contact_envelope: string;
  email_bi: string | null;
  phone_bi: string | null;
  surname_dob_bi: string | null;
  is_restricted: Generated<number>;
}

export interface PersonKeysTable {
  person_id: string;
  domain: string;
  wrapping_key_id: string;
  wrapped_dek: string;
  created_at: string;
}

export interface EnquiriesTable {
  id: string;
  person_id: string;
  clinic_id: string;
  status: string;
  source: string;
  received_at: string;
  created_at: string;
  submission_hash: string;
  body_envelope: string;
}

export interface AuditEventsTable {
  seq: number;
  at: string;
  actor: string;
  action: string;
  person_ids: string;
  record_refs: string;
  purpose: string | null;
  ip: string | null;
  session_id: string | null;
  outcome: string;
  prev_hash: string;
  hash: string;
  /** Key domains the door opened for this event (JSON array, sorted); null when it opened none, and on older events. */
  domains: string | null;
}

/** The whole schema as Kysely sees it. Every table. The intake's own tables (inbox-tables.ts) are among them: the core ingests the inbox and purges spent form tokens. */
export interface Database extends InboxDatabase {
  organisations: OrganisationsTable;
  clinics: ClinicsTable;
  staff: StaffTable;
  staff_clinic_roles: StaffClinicRolesTable;
  sessions: SessionsTable;
  staff_totp: StaffTotpTable;
  staff_passkeys: StaffPasskeysTable;
  staff_recovery_codes: StaffRecoveryCodesTable;
  auth_throttle: AuthThrottleTable;
  restricted_access: RestrictedAccessTable;
  care_relationships: CareRelationshipsTable;
  break_glass_grants: BreakGlassGrantsTable;
  alerts: AlertsTable;
  notification_outbox: NotificationOutboxTable;
  audit_checkpoints: AuditCheckpointsTable;
  staff_networks: StaffNetworksTable;
  detection_daily_reads: DetectionDailyReadsTable;
  canary_markers: CanaryMarkersTable;
  org_settings: OrgSettingsTable;
  read_approvals: ReadApprovalsTable;
  vault: VaultTable;
  key_material: KeyMaterialTable;
  inbox_quarantine: InboxQuarantineTable;
  persons: PersonsTable;
  person_keys: PersonKeysTable;
  enquiries: EnquiriesTable;
  audit_events: AuditEventsTable;
  patients: PatientsTable;
  appointments: AppointmentsTable;
  procedures: ClinicalEntryTable;
  clinical_notes: ClinicalEntryTable;
  invoices: InvoicesTable;
  payments: PaymentsTable;
  consent_forms: ConsentFormsTable;
  consents: ConsentsTable;
  photo_consents: PhotoConsentsTable;
  consent_links: ConsentLinksTable;
  photos: PhotosTable;
  photo_marks: PhotoMarksTable;
  photo_exports: PhotoExportsTable;
  incidents: IncidentsTable;
  incident_indicators: IncidentIndicatorsTable;
  incident_persons: IncidentPersonsTable;
  incident_events: IncidentEventsTable;
  incident_reports: IncidentReportsTable;
  notice_templates: NoticeTemplatesTable;
  incident_notices: IncidentNoticesTable;
  evidence_exports: EvidenceExportsTable;
  retention_rules: RetentionRulesTable;
  legal_holds: LegalHoldsTable;
  retention_runs: RetentionRunsTable;
  training_modules: TrainingModulesTable;
  training_completions: TrainingCompletionsTable;
  policies: PoliciesTable;
  policy_acks: PolicyAcksTable;
  access_reviews: AccessReviewsTable;
  access_review_items: AccessReviewItemsTable;
  rights_requests: RightsRequestsTable;
  job_leases: JobLeasesTable;
  job_runs: JobRunsTable;
  shred_log: ShredLogTable;
}

export type InboxRow = Selectable<EnquiryInboxTable>;
export type NewInboxRow = Insertable<EnquiryInboxTable>;
export type ClinicRow = Selectable<ClinicsTable>;
export type StaffRow = Selectable<StaffTable>;

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

/** Distinct people a staff member opened on a working day (the baseline rule's memory; counts only). */
export interface DetectionDailyReadsTable {
  staff_id: string;
  /** YYYY-MM-DD in the installation's time zone. */
  day: string;
  role: string;
  persons: number;
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

export interface PatientsTable {
  id: string;
  person_id: string;
  clinic_id: string;
  /** The enquiry this patient came from (kept as a link), if any. */
  enquiry_id: string | null;
  status: string;
  created_at: string;
  created_by: string;
}

/** A slot: only what scheduling needs is plaintext. */
export interface AppointmentsTable {
  id: string;
  patient_id: string;
  clinic_id: string;
  practitioner_id: string | null;
  kind: string;
  starts_at: string;
  ends_at: string;
  status: string;
  created_at: string;
}

/** Procedures and clinical notes share a shape: body under the clinical domain key. */
export interface ClinicalEntryTable {
  id: string;
  patient_id: string;
  appointment_id: string | null;
  author_id: string;
  created_at: string;
  body_envelope: string;
}

export interface InvoicesTable {
  id: string;
  patient_id: string;
  clinic_id: string;
  status: string;
  issued_at: string;
  /** Lines, totals and currency under the financial domain key. */
  body_envelope: string;
}

export interface PaymentsTable {
  id: string;
  invoice_id: string;
  received_at: string;
  body_envelope: string;
}

/** A consent form version: organisation documents, no personal data. */
export interface ConsentFormsTable {
  id: string;
  organisation_id: string;
  kind: string;
  procedure_key: string;
  version: number;
  title: string;
  body: string;
  body_hash: string;
  created_at: string;
  created_by: string;
}

export interface ConsentsTable {
  id: string;
  patient_id: string;
  form_id: string;
  /** JSON array of photo scopes granted by this signature ([] for procedure consents). */
  scopes: string;
  document_hash: string;
  method: string;
  signed_at: string;
  /** Typed name and drawn signature under the clinical domain key. */
  signature_envelope: string;
}

/** Current photo-consent state per scope; withdrawal takes effect at the door at once. */
export interface PhotoConsentsTable {
  patient_id: string;
  scope: string;
  consent_id: string;
  granted_at: string;
  withdrawn_at: string | null;
}

export interface ConsentLinksTable {
  token_hash: string;
  patient_id: string;
  form_id: string;
  created_by: string;
  created_at: string;
  expires_at: string;
  used_at: string | null;
}

export interface PhotosTable {
  id: string;
  patient_id: string;
  clinic_id: string;
  appointment_id: string | null;
  phase: string;
  angle: string;
  taken_on: string;
  blob_key: string;
  width: number;
  height: number;
  bytes: number;
  /** Body area and caption under the photo domain key. */
  meta_envelope: string;
  uploaded_by: string;
  created_at: string;
}

/** One served copy of a photo: the invisible watermark carries `mark`. */
export interface PhotoMarksTable {
  mark: number;
  photo_id: string;
  staff_id: string;
  kind: string;
  at: string;
}

export interface PhotoExportsTable {
  id: string;
  requester_id: string;
  patient_ids: string;
  reason: string;
  created_at: string;
  approver_id: string | null;
  approved_at: string | null;
  expires_at: string | null;
  downloaded_at: string | null;
}

/** The breach register: every incident, reported or not, with its facts and decisions (Art. 33(5)). */
export interface IncidentsTable {
  id: string;
  organisation_id: string;
  title: string;
  /** 'uk-gdpr' | 'eu-gdpr' | 'hipaa' */
  regime: string;
  status: string;
  aware_at: string;
  occurred_from: string | null;
  occurred_to: string | null;
  /** JSON: what happened, how discovered, measures, staff involvement (organisation text, no personal data). */
  details: string;
  /** JSON summary of the last scope computation (counts and categories). */
  scope: string | null;
  /** JSON: Art. 34(3)(a) evaluation summary and, for HIPAA, the four-factor risk assessment. */
  assessment: string | null;
  /** JSON: notify regulator / individuals, with reasons. */
  decision: string | null;
  created_at: string;
  created_by: string;
}

export interface IncidentIndicatorsTable {
  id: string;
  incident_id: string;
  /** 'staff' | 'session' | 'ip-range' | 'window' | 'component' */
  kind: string;
  value: string;
  window_from: string | null;
  window_to: string | null;
  created_at: string;
}

export interface IncidentPersonsTable {
  incident_id: string;
  person_id: string;
  /** Data categories exposed, one bit each (see incidents/scope.ts CATEGORY_BITS). */
  category_mask: number;
  records: number;
  unintelligible: number;
  reason: string;
}

export interface IncidentEventsTable {
  id: string;
  incident_id: string;
  at: string;
  actor: string;
  kind: string;
  detail: string;
}

export interface IncidentReportsTable {
  id: string;
  incident_id: string;
  version: number;
  kind: string;
  markdown: string;
  sha256: string;
  created_at: string;
  created_by: string;
}

export interface NoticeTemplatesTable {
  organisation_id: string;
  key: string;
  subject: string;
  body: string;
  updated_at: string;
  updated_by: string;
}

export interface IncidentNoticesTable {
  id: string;
  incident_id: string;
  person_id: string;
  /** 'email' | 'substitute' (no usable address: listed for substitute notice) */
  channel: string;
  outbox_id: string | null;
  created_at: string;
}

/** Chain of custody of evidence bundles. */
export interface EvidenceExportsTable {
  id: string;
  incident_id: string;
  sha256: string;
  exported_at: string;
  exported_by: string;
  events_from: number;
  events_to: number;
}

/** Months to keep a data category after the person's last activity in it. */
export interface RetentionRulesTable {
  organisation_id: string;
  /** 'unconverted-enquiry' | 'patient-record' */
  category: string;
  months: number;
  updated_at: string;
  updated_by: string;
}

/** A person whose data must not be shredded (litigation, regulator, complaint); reason is organisation text. */
export interface LegalHoldsTable {
  person_id: string;
  reason: string;
  created_at: string;
  created_by: string;
}

/** One retention run: counts per category (JSON), never who. */
export interface RetentionRunsTable {
  id: string;
  organisation_id: string;
  started_at: string;
  finished_at: string | null;
  shredded: string;
  held: number;
}

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

export interface JobLeasesTable {
  name: string;
  /** The instance holding the lease. */
  holder: string;
  /** ms since epoch (bigint: compared as numbers on both engines). */
  expires_at: ColumnType<number, number, number>;
}

export interface JobRunsTable {
  name: string;
  /** e.g. the UTC day 2026-11-24 for the daily job. */
  period: string;
  holder: string;
  finished_at: string;
}

export interface ShredLogTable {
  person_id: string;
  shredded_at: string;
  /** retention:<category> | erasure:<request id> */
  reason: string;
}
