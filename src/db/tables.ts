/**
 * The schema as Kysely sees it: `Database`, composed from one file per area
 * in tables/, each mirroring the migrations that built it (named in its
 * header). Plaintext columns are only what operations need: ids, timestamps
 * (UTC ISO-8601 text), clinic, status. Every personal field lives inside an
 * `*_envelope` column (see crypto/envelope.ts).
 *
 * A new table goes into its area's file and into `Database` below; the type
 * check then asks for its backup classification (core/backup/backup-tables.ts).
 */
import type { AcknowledgementDaysTable, AcknowledgementTemplatesTable } from './tables/acknowledgements.js';
import type { AuditBlocksTable, AuditEventsTable } from './tables/audit.js';
import type { AlertsTable, AuditCheckpointsTable, CanaryMarkersTable, DetectionDailyReadsTable, NotificationOutboxTable, OrgSettingsTable, ReadApprovalsTable, StaffNetworksTable } from './tables/detection.js';
import type { EnquiriesTable, EnquiryEventsTable, EnquiryNotesTable, FollowUpsTable, InboxQuarantineTable, PipelineStagesTable, StaffShiftsTable } from './tables/enquiries.js';
import type { AuthThrottleTable, BreakGlassGrantsTable, CareRelationshipsTable, RestrictedAccessTable, SessionsTable, StaffPasskeysTable, StaffRecoveryCodesTable, StaffTotpTable } from './tables/identity.js';
import type { EvidenceExportsTable, IncidentEventsTable, IncidentIndicatorsTable, IncidentNoticesTable, IncidentPersonsTable, IncidentReportsTable, IncidentsTable, NoticeTemplatesTable } from './tables/incidents.js';
import type { InboxDatabase } from './tables/intake.js';
import type { LegalHoldsTable, RetentionRulesTable, RetentionRunsTable, ShredLogTable } from './tables/lifecycle.js';
import type { JobLeasesTable, JobRunsTable } from './tables/operations.js';
import type { ClinicsTable, OrganisationsTable, StaffClinicRolesTable, StaffTable } from './tables/org.js';
import type { AppointmentsTable, ClinicalEntryTable, ConsentFormsTable, ConsentLinksTable, ConsentsTable, InvoicesTable, PatientsTable, PaymentsTable, PhotoConsentsTable } from './tables/patients.js';
import type { AccessReviewItemsTable, AccessReviewsTable, PoliciesTable, PolicyAcksTable, RightsRequestsTable, TrainingCompletionsTable, TrainingModulesTable } from './tables/people.js';
import type { PersonKeysTable, PersonsTable } from './tables/persons.js';
import type { PhotoExportsTable, PhotoMarksTable, PhotosTable } from './tables/photos.js';
import type { KeyMaterialTable, VaultTable } from './tables/vault.js';

export type * from './tables/acknowledgements.js';
export type * from './tables/audit.js';
export type * from './tables/detection.js';
export type * from './tables/enquiries.js';
export type * from './tables/identity.js';
export type * from './tables/incidents.js';
export type * from './tables/intake.js';
export type * from './tables/lifecycle.js';
export type * from './tables/operations.js';
export type * from './tables/org.js';
export type * from './tables/patients.js';
export type * from './tables/people.js';
export type * from './tables/persons.js';
export type * from './tables/photos.js';
export type * from './tables/vault.js';

/**
 * Every table, by area. The intake's own tables (enquiry_inbox,
 * form_token_uses: tables/intake.ts) come from `InboxDatabase`: the core
 * ingests the inbox and purges spent form tokens.
 */
export interface Database extends InboxDatabase {
  // The organisation and its staff (tables/org.ts)
  organisations: OrganisationsTable;
  clinics: ClinicsTable;
  staff: StaffTable;
  staff_clinic_roles: StaffClinicRolesTable;
  // Identity: sessions, second factors, access beyond roles (tables/identity.ts)
  sessions: SessionsTable;
  staff_totp: StaffTotpTable;
  staff_passkeys: StaffPasskeysTable;
  staff_recovery_codes: StaffRecoveryCodesTable;
  auth_throttle: AuthThrottleTable;
  restricted_access: RestrictedAccessTable;
  care_relationships: CareRelationshipsTable;
  break_glass_grants: BreakGlassGrantsTable;
  // The vault and key material (tables/vault.ts)
  vault: VaultTable;
  key_material: KeyMaterialTable;
  // Persons and their keys (tables/persons.ts)
  persons: PersonsTable;
  person_keys: PersonKeysTable;
  // Enquiries and the quarantine (tables/enquiries.ts)
  enquiries: EnquiriesTable;
  inbox_quarantine: InboxQuarantineTable;
  pipeline_stages: PipelineStagesTable;
  enquiry_events: EnquiryEventsTable;
  enquiry_notes: EnquiryNotesTable;
  follow_ups: FollowUpsTable;
  staff_shifts: StaffShiftsTable;
  // Acknowledgement e-mails (tables/acknowledgements.ts)
  acknowledgement_templates: AcknowledgementTemplatesTable;
  acknowledgement_days: AcknowledgementDaysTable;
  // The audit chain (tables/audit.ts)
  audit_events: AuditEventsTable;
  audit_blocks: AuditBlocksTable;
  // Detection and containment (tables/detection.ts)
  alerts: AlertsTable;
  notification_outbox: NotificationOutboxTable;
  audit_checkpoints: AuditCheckpointsTable;
  staff_networks: StaffNetworksTable;
  detection_daily_reads: DetectionDailyReadsTable;
  canary_markers: CanaryMarkersTable;
  org_settings: OrgSettingsTable;
  read_approvals: ReadApprovalsTable;
  // Patient records and consents (tables/patients.ts)
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
  // Clinical photos (tables/photos.ts)
  photos: PhotosTable;
  photo_marks: PhotoMarksTable;
  photo_exports: PhotoExportsTable;
  // Breach response (tables/incidents.ts)
  incidents: IncidentsTable;
  incident_indicators: IncidentIndicatorsTable;
  incident_persons: IncidentPersonsTable;
  incident_events: IncidentEventsTable;
  incident_reports: IncidentReportsTable;
  notice_templates: NoticeTemplatesTable;
  incident_notices: IncidentNoticesTable;
  evidence_exports: EvidenceExportsTable;
  // Data lifecycle (tables/lifecycle.ts)
  retention_rules: RetentionRulesTable;
  legal_holds: LegalHoldsTable;
  retention_runs: RetentionRunsTable;
  shred_log: ShredLogTable;
  // The people side and data-subject rights (tables/people.ts)
  training_modules: TrainingModulesTable;
  training_completions: TrainingCompletionsTable;
  policies: PoliciesTable;
  policy_acks: PolicyAcksTable;
  access_reviews: AccessReviewsTable;
  access_review_items: AccessReviewItemsTable;
  rights_requests: RightsRequestsTable;
  // Several core instances (tables/operations.ts)
  job_leases: JobLeasesTable;
  job_runs: JobRunsTable;
}
