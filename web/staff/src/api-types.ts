/**
 * What the server's JSON responses look like, as the staff UI reads them: one
 * type per response (and per row of a list), named after what it is.
 *
 * Every type comes from the server: the zod schema in the presenter beside
 * the route (`src/core/<feature>/<feature>.presenter.ts`) is the contract,
 * the route serialises by it, and its inferred type is re-exported here
 * under the name the UI uses (each line names the route that sends it).
 * Rows of a list that have no schema of their own are taken out of the
 * list's type. Pages import from this module only.
 *
 * These are `import type`/`export type` only: Vite erases them, so no server
 * code reaches the bundle.
 */
import type { errorBody } from '../../../src/platform/errors.js';
import type { SignInState } from '../../../src/core/http/sign-in.presenter.js';
import type { ExportList, PhotoGallery } from '../../../src/core/photos/photo.presenter.js';
import type { StaffComplianceList } from '../../../src/core/people/compliance.presenter.js';

// ── Errors and permissions ───────────────────────────────────────────────

/** Every error response's `error` (the one AppError catalogue, mapped at the HTTP edge: src/platform/errors.ts). */
export type ApiErrorBody = ReturnType<typeof errorBody>['error'];

/** A staff permission (the role table, src/auth/roles.ts). */
export type { Permission } from '../../../src/auth/roles.js';

// ── Sign-in and own security (core/http/sign-in.presenter.ts, my-security.presenter.ts) ──

/** GET /api/v1/auth/state, and POST /api/v1/auth/login. */
export type { SignInState as AuthState } from '../../../src/core/http/sign-in.presenter.js';

/** Where a browser stands in signing in. */
export type Stage = SignInState['stage'];

/** POST /api/v1/me/factors/totp/start. */
export type { TotpEnrolment } from '../../../src/core/http/my-security.presenter.js';

/** POST /api/v1/me/factors/passkey and /totp/confirm: recovery codes with the first factor only. */
export type { FactorEnrolled } from '../../../src/core/http/my-security.presenter.js';

/** POST /api/v1/me/recovery-codes. */
export type { RecoveryCodes as RecoveryCodesIssued } from '../../../src/core/http/my-security.presenter.js';

/** GET /api/v1/me/factors. */
export type { FactorStatus as StaffFactors } from '../../../src/core/http/my-security.presenter.js';

/** One row of GET /api/v1/me/sessions. */
export type { SessionSummary as StaffSession } from '../../../src/core/http/my-security.presenter.js';

/** GET /api/v1/me/sessions. */
export type { SessionList as StaffSessionList } from '../../../src/core/http/my-security.presenter.js';

// ── Enquiries (core/enquiries/enquiry.presenter.ts) ──────────────────────

/** One row of GET /api/v1/enquiries. */
export type { EnquiryRow as EnquirySummary } from '../../../src/core/enquiries/enquiry.presenter.js';

/** GET /api/v1/enquiries. */
export type { EnquiryList } from '../../../src/core/enquiries/enquiry.presenter.js';
// GET /api/v1/desk/* (the front desk: Today, my queue, pools, the board; POST claim)
export type { Board, Claimed, DeskPage, DeskRowView as DeskRow, QueuePage, StaffChoices, Today, Vocabulary } from '../../../src/core/pipeline/front-desk.presenter.js';

/** GET /api/v1/enquiries/:id. */
export type { EnquiryView as EnquiryDetail } from '../../../src/core/enquiries/enquiry.presenter.js';

// ── Patients (core/patients/patients.presenter.ts) ───────────────────────

/** POST /api/v1/enquiries/:id/convert. */
export type { ConvertedEnquiry as EnquiryConverted } from '../../../src/core/patients/patients.presenter.js';

/** One row of GET /api/v1/patients (no personal data). */
export type { PatientRow } from '../../../src/core/patients/patients.presenter.js';

/** GET /api/v1/patients. */
export type { PatientList } from '../../../src/core/patients/patients.presenter.js';

/** POST /api/v1/patients/search. */
export type { PatientSearchAnswer as PatientSearchResults } from '../../../src/core/patients/patients.presenter.js';

/** GET /api/v1/patients/:id. */
export type { PatientRecord as Patient } from '../../../src/core/patients/patients.presenter.js';

/** GET /api/v1/patients/:id/clinical. */
export type { ClinicalRecord as PatientClinical } from '../../../src/core/patients/patients.presenter.js';

/** GET /api/v1/patients/:id/financial. */
export type { FinancialRecord as PatientFinancial } from '../../../src/core/patients/patients.presenter.js';

// ── Consent (core/consents/consent.presenter.ts) ─────────────────────────

/** One of GET /api/v1/consent-forms. */
export type { ConsentForm } from '../../../src/core/consents/consent.presenter.js';

/** GET /api/v1/consent-forms. */
export type { ConsentFormList } from '../../../src/core/consents/consent.presenter.js';

/** POST /api/v1/public/consent-links/form: the document a signing link opens (a ConsentForm has all of it). */
export type { LinkForm } from '../../../src/core/consents/consent.presenter.js';

/** POST /api/v1/patients/:id/consent-links. */
export type { SigningLink as ConsentLink } from '../../../src/core/consents/consent.presenter.js';

// ── Photos (core/photos/photo.presenter.ts) ──────────────────────────────

/** GET /api/v1/patients/:id/photos. */
export type { PhotoGallery as PhotoList } from '../../../src/core/photos/photo.presenter.js';

/** One of GET /api/v1/patients/:id/photos. */
export type Photo = PhotoGallery['photos'][number];

/** GET /api/v1/photo-exports. */
export type { ExportList as PhotoExportList } from '../../../src/core/photos/photo.presenter.js';

/** One row of GET /api/v1/photo-exports. */
export type PhotoExportRow = ExportList['exports'][number];

/** POST /api/v1/photo-exports. */
export type { ExportRequested as PhotoExportCreated } from '../../../src/core/photos/photo.presenter.js';

// ── Incidents (core/incidents/incident.presenter.ts) ─────────────────────

/** The written account of an incident (part of GET /api/v1/incidents/:id; also the body that declares one). */
export type { IncidentDetails } from '../../../src/core/incidents/incident.presenter.js';

/** One row of GET /api/v1/incidents (`reported` is null until the decision). */
export type { IncidentListItem as IncidentRow } from '../../../src/core/incidents/incident.presenter.js';

/** GET /api/v1/incidents. */
export type { IncidentList } from '../../../src/core/incidents/incident.presenter.js';

/** POST /api/v1/incidents. */
export type { IncidentDeclared as IncidentCreated } from '../../../src/core/incidents/incident.presenter.js';

/** GET /api/v1/incidents/:id. */
export type { Incident } from '../../../src/core/incidents/incident.presenter.js';

/** GET /api/v1/incidents/:id/notices (the counts, and each notice). */
export type { NoticeStatus as NoticeCounts } from '../../../src/core/incidents/incident.presenter.js';

/** GET /api/v1/notice-template. */
export type { NoticeTemplate } from '../../../src/core/incidents/incident.presenter.js';

// ── Training, policies, compliance, access reviews (core/people/compliance.presenter.ts) ──

/** One module in someone's status. */
export type { TrainingStatus } from '../../../src/core/people/compliance.presenter.js';

/** One policy in someone's status (also each of GET /api/v1/policies). */
export type { PolicyStatus } from '../../../src/core/people/compliance.presenter.js';

/** GET /api/v1/me/compliance. */
export type { ComplianceStatus } from '../../../src/core/people/compliance.presenter.js';

/** Each of GET /api/v1/training/modules (the quiz's `answer`s only for compliance.manage). */
export type { TrainingModule } from '../../../src/core/people/compliance.presenter.js';

/** POST /api/v1/training/modules/:id/attempts. */
export type { QuizResult } from '../../../src/core/people/compliance.presenter.js';

/** GET /api/v1/policies/:id. */
export type { Policy as PolicyText } from '../../../src/core/people/compliance.presenter.js';

/** POST /api/v1/policies (and POST/PUT /api/v1/training/modules). */
export type { Versioned as PolicyPublished } from '../../../src/core/people/compliance.presenter.js';

/** GET /api/v1/compliance/dashboard. */
export type { ComplianceDashboard } from '../../../src/core/people/compliance.presenter.js';

/** Each of GET /api/v1/compliance/staff. */
export type StaffCompliance = StaffComplianceList[number];

/** POST /api/v1/compliance/chase. */
export type { ChaseResult } from '../../../src/core/people/compliance.presenter.js';

/** Each of GET /api/v1/access-reviews. */
export type { AccessReview } from '../../../src/core/people/compliance.presenter.js';

/** POST /api/v1/access-reviews/open. */
export type { ReviewsOpened as AccessReviewsOpened } from '../../../src/core/people/compliance.presenter.js';

// ── Staff administration (core/people/staff.presenter.ts) ────────────────

/** Each of GET /api/v1/clinics. */
export type { Clinic } from '../../../src/core/people/staff.presenter.js';

/** GET /api/v1/clinics. */
export type { ClinicList } from '../../../src/core/people/staff.presenter.js';

/** Each of GET /api/v1/staff. */
export type { StaffMember } from '../../../src/core/people/staff.presenter.js';

/** GET /api/v1/staff. */
export type { StaffList } from '../../../src/core/people/staff.presenter.js';

/** GET /api/v1/staff/directory: ids and names, for name pickers. */
export type { StaffDirectory } from '../../../src/core/people/staff.presenter.js';

// ── Break-glass (core/persons/person-access.presenter.ts) ────────────────

/** Each of GET /api/v1/break-glass (grants awaiting review). */
export type { BreakGlassGrant } from '../../../src/core/persons/person-access.presenter.js';

/** GET /api/v1/break-glass. */
export type { BreakGlassGrantList } from '../../../src/core/persons/person-access.presenter.js';

// ── Alerts and lockdown approvals (core/detection/detection.presenter.ts) ─

/** Each of GET /api/v1/alerts. */
export type { AlertSummary as Alert } from '../../../src/core/detection/detection.presenter.js';

/** GET /api/v1/alerts. */
export type { AlertList } from '../../../src/core/detection/detection.presenter.js';

/** Each of GET /api/v1/approval-requests. */
export type { ApprovalRequest } from '../../../src/core/detection/detection.presenter.js';

/** GET /api/v1/approval-requests. */
export type { ApprovalRequestList } from '../../../src/core/detection/detection.presenter.js';

// ── Retention (core/retention/retention.presenter.ts) ────────────────────

/** GET /api/v1/retention. */
export type { RetentionOverview as RetentionView } from '../../../src/core/retention/retention.presenter.js';

// ── Acknowledgement e-mail (core/acknowledgements/acknowledgement.presenter.ts) ──

/** GET /api/v1/acknowledgement-template. */
export type { AcknowledgementOverview } from '../../../src/core/acknowledgements/acknowledgement.presenter.js';

/** POST /api/v1/acknowledgement-template/preview. */
export type { AcknowledgementPreview } from '../../../src/core/acknowledgements/acknowledgement.presenter.js';

// ── Data-subject requests (core/rights/rights.presenter.ts) ──────────────

/** Each of GET /api/v1/rights/requests. */
export type { RightsRequest } from '../../../src/core/rights/rights.presenter.js';

/** Each of POST /api/v1/rights/lookup. */
export type { RequesterMatch as PersonMatch } from '../../../src/core/rights/rights.presenter.js';

// ── Encryption keys (core/vault/keys.presenter.ts) ───────────────────────

/** Each domain of GET /api/v1/keys. */
export type { DomainKeySummary as KeyDomainStatus } from '../../../src/core/vault/keys.presenter.js';

/** GET /api/v1/keys. */
export type { DomainKeyList as KeyStatus } from '../../../src/core/vault/keys.presenter.js';

/** POST /api/v1/keys/rotate (POST /api/v1/incidents/:id/containment/keys answers the same shape, incident.presenter.ts `KeysRotated`). */
export type { RotationResult as KeysRotated } from '../../../src/core/vault/keys.presenter.js';

// ── Needs attention (core/quarantine/quarantine.presenter.ts) ──
export type { QuarantineAccepted, QuarantineCount, QuarantineItem, QuarantineList, QuarantineView } from '../../../src/core/quarantine/quarantine.presenter.js';
export type { DiscardReason } from '../../../src/core/door/quarantine-door.js';
// ── Reports (core/reports/report.presenter.ts) ───────────────────────────

/** GET /api/v1/reports/enquiries (the CSV at /api/v1/reports/enquiries.csv carries the same figures). */
export type { EnquiryReportView as EnquiryReport, ReportFiguresView as ReportFigures } from '../../../src/core/reports/report.presenter.js';
