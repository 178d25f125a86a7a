/**
 * What the server's JSON responses look like, as the staff UI reads them: one
 * type per response (and per row of a list), named after what it is.
 *
 * Each type names the route that sends it and the presenter that shapes it,
 * beside the route module (`src/core/<feature>/<feature>.presenter.ts`, whose
 * zod schemas are the contract). They are written out here until those
 * presenters exist on this branch; then each becomes an `import type` of the
 * presenter's inferred type, and this module only re-exports. Only the
 * fields the UI reads are listed; the server may send more.
 */

// ── Errors and permissions ───────────────────────────────────────────────

/** Every error response's `error` (the one AppError catalogue, mapped at the HTTP edge: src/platform/http). */
export interface ApiErrorBody {
  readonly code: string;
  readonly message: string;
  readonly fields?: readonly string[];
}

/** A staff permission: mirrors `Permission` in src/auth/roles.ts (the role table). */
export type Permission =
  | 'enquiry.read'
  | 'enquiry.update'
  | 'contact.read'
  | 'patient.write'
  | 'consent.manage'
  | 'clinical.read'
  | 'clinical.write'
  | 'photo.read'
  | 'photo.write'
  | 'photo.export'
  | 'financial.read'
  | 'financial.write'
  | 'access.review'
  | 'staff.manage'
  | 'restricted.manage'
  | 'break-glass.review'
  | 'audit.read'
  | 'alerts.manage'
  | 'consent.forms'
  | 'incident.manage'
  | 'retention.manage'
  | 'compliance.manage'
  | 'rights.manage';

// ── Sign-in and own security (auth.routes.ts → auth.presenter.ts) ─────────

export type Stage = 'signed-out' | 'second-factor' | 'enrol' | 'signed-in';

/** GET /api/v1/auth/state, and POST /api/v1/auth/login. Presenter: auth.presenter.ts. */
export interface AuthState {
  readonly stage: Stage;
  readonly staff?: {
    readonly id: string;
    readonly name: string;
    readonly email: string;
    readonly orgRole: string | null;
    readonly clinicRoles: readonly { clinicId: string; clinicName: string; role: string }[];
    readonly permissions: readonly Permission[];
  };
  readonly factors?: { readonly passkey: boolean; readonly totp: boolean; readonly recovery: boolean };
  readonly passkeyRequired?: boolean;
  readonly steppedUp?: boolean;
  /** What keeps this person from patient data: 'mfa' | 'training' | 'policy'. */
  readonly blocks?: readonly string[];
}

/** POST /api/v1/me/factors/totp/start. Presenter: auth.presenter.ts. */
export interface TotpEnrolment { qrSvgDataUrl: string; secret: string }

/** POST /api/v1/me/factors/passkey and /totp/confirm: recovery codes with the first factor only. Presenter: auth.presenter.ts. */
export interface FactorEnrolled { recoveryCodes?: string[] }

/** POST /api/v1/me/recovery-codes. Presenter: auth.presenter.ts. */
export interface RecoveryCodesIssued { recoveryCodes: string[] }

/** GET /api/v1/me/factors. Presenter: auth.presenter.ts. */
export interface StaffFactors { passkeys: { id: string; createdAt: string; lastUsedAt: string | null }[]; hasTotp: boolean; recoveryCodesLeft: number }

/** One row of GET /api/v1/me/sessions. Presenter: auth.presenter.ts. */
export interface StaffSession { id: string; createdAt: string; lastSeenAt: string; ip: string | null; userAgent: string | null; isCurrent: boolean }

/** GET /api/v1/me/sessions. Presenter: auth.presenter.ts. */
export interface StaffSessionList { sessions: StaffSession[] }

// ── Enquiries (core/enquiries/enquiry.presenter.ts) ──────────────────────

/** One row of GET /api/v1/enquiries. Presenter: core/enquiries/enquiry.presenter.ts (presentSummary). */
export interface EnquirySummary { id: string; reference: string; clinic: { slug: string; name: string }; status: string; source: string; receivedAt: string }

/** GET /api/v1/enquiries. Presenter: core/enquiries/enquiry.presenter.ts. */
export interface EnquiryList { enquiries: EnquirySummary[] }

/** GET /api/v1/enquiries/:id. Presenter: core/enquiries/enquiry.presenter.ts (presentDetail). */
export interface EnquiryDetail extends EnquirySummary {
  contact: { name: string; email: string; phone: string; dateOfBirth: string | null; address: string | null };
  procedure: string;
  message: string;
  contactConsent: boolean;
}

// ── Patients (core/patients/patients.presenter.ts) ───────────────────────

/** POST /api/v1/enquiries/:id/convert. Presenter: core/patients/patients.presenter.ts. */
export interface EnquiryConverted { patientId: string }

/** One row of GET /api/v1/patients (no personal data). Presenter: core/patients/patients.presenter.ts. */
export interface PatientRow { id: string; status: string; createdAt: string; clinic: { name: string }; nextAppointment: string | null }

/** GET /api/v1/patients. Presenter: core/patients/patients.presenter.ts. */
export interface PatientList { patients: PatientRow[] }

/** POST /api/v1/patients/search. Presenter: core/patients/patients.presenter.ts. */
export interface PatientSearchResults { results: { patientId: string; name: string; dob?: string }[]; isTooBroad: boolean }

/** GET /api/v1/patients/:id. Presenter: core/patients/patients.presenter.ts. */
export interface Patient {
  id: string;
  clinicId: string;
  status: string;
  createdAt: string;
  contact: { name: string; email: string; phone: string; dob?: string; address?: string };
  appointments: { id: string; kind: string; startsAt: string; endsAt: string; status: string; practitionerId: string | null }[];
  consents: { id: string; title: string; version: number; kind: string; scopes: string[]; method: string; signedAt: string }[];
  photoScopes: string[];
  practitioners: { id: string; name: string }[];
}

/** GET /api/v1/patients/:id/clinical. Presenter: core/patients/patients.presenter.ts. */
export interface PatientClinical { notes: { id: string; text: string; createdAt: string }[]; procedures: { id: string; name: string; details: string; status: string; createdAt: string }[] }

/** GET /api/v1/patients/:id/financial. Presenter: core/patients/patients.presenter.ts. */
export interface PatientFinancial {
  invoices: { id: string; status: string; issuedAt: string; currency: string; totalMinor: number; paidMinor: number; lines: { description: string; amountMinor: number }[] }[];
}

// ── Consent (core/consents/consent.presenter.ts) ─────────────────────────

/** One of GET /api/v1/consent-forms; also POST /api/v1/public/consent-links/form. Presenter: core/consents/consent.presenter.ts. */
export interface ConsentForm { id: string; kind: 'procedure' | 'photo'; procedureKey: string; version: number; title: string; body: string; bodyHash: string }

/** GET /api/v1/consent-forms. Presenter: core/consents/consent.presenter.ts. */
export interface ConsentFormList { forms: ConsentForm[] }

/** POST /api/v1/patients/:id/consent-links. Presenter: core/consents/consent.presenter.ts. */
export interface ConsentLink { path: string }

// ── Photos (core/photos/photo.presenter.ts) ──────────────────────────────

/** One of GET /api/v1/patients/:id/photos. Presenter: core/photos/photo.presenter.ts. */
export interface Photo { id: string; phase: 'before' | 'after' | 'progress'; angle: string; takenOn: string; width: number; height: number; bodyArea: string; caption: string }

/** GET /api/v1/patients/:id/photos. Presenter: core/photos/photo.presenter.ts. */
export interface PhotoList { photos: Photo[] }

/** One row of GET /api/v1/photo-exports. Presenter: core/photos/photo.presenter.ts. */
export interface PhotoExportRow { id: string; requester: string; requesterId: string; patientCount: number; reason: string; createdAt: string; approvedAt: string | null; downloadedAt: string | null }

/** GET /api/v1/photo-exports. Presenter: core/photos/photo.presenter.ts. */
export interface PhotoExportList { exports: PhotoExportRow[] }

/** POST /api/v1/photo-exports. Presenter: core/photos/photo.presenter.ts. */
export interface PhotoExportCreated { id: string }

// ── Incidents (core/incidents/incident.presenter.ts) ─────────────────────

/** The written account of an incident (part of GET /api/v1/incidents/:id; also the body that declares one). */
export interface IncidentDetails {
  whatHappened: string;
  howDiscovered: string;
  likelyConsequences: string;
  measuresBefore: string;
  measuresAfter: string;
  staffInvolved: boolean;
  staffTraining: string;
  contactPoint: string;
}

/** One row of GET /api/v1/incidents (`reported` is null until the decision). Presenter: core/incidents/incident.presenter.ts. */
export interface IncidentRow { id: string; title: string; regime: string; status: string; awareAt: string; deadline: string; reported: boolean | null }

/** GET /api/v1/incidents. Presenter: core/incidents/incident.presenter.ts. */
export interface IncidentList { incidents: IncidentRow[] }

/** POST /api/v1/incidents. Presenter: core/incidents/incident.presenter.ts. */
export interface IncidentCreated { id: string }

/** GET /api/v1/incidents/:id. Presenter: core/incidents/incident.presenter.ts. */
export interface Incident {
  id: string;
  title: string;
  regime: string;
  status: string;
  awareAt: string;
  deadline: string;
  details: IncidentDetails;
  scope: { persons: number; records: number; unintelligible: number; intelligible: number; categories: Record<string, number> } | null;
  assessment: { art34NoticeRequired: boolean; intelligible: number; reasoning: string } | null;
  decision: { notifyRegulator: boolean; notifyIndividuals: boolean; reasons: string } | null;
  indicators: { id: string; kind: string; value: string; from: string | null; to: string | null }[];
  timeline: { at: string; actor: string; kind: string; detail: string }[];
  reports: { version: number; kind: string; createdAt: string; sha256: string }[];
}

/** GET /api/v1/incidents/:id/notices. Presenter: core/incidents/incident.presenter.ts. */
export interface NoticeCounts { delivered: number; queued: number; retrying: number; substitute: number }

/** GET /api/v1/notice-template. Presenter: core/incidents/incident.presenter.ts. */
export interface NoticeTemplate { subject: string; body: string }

// ── Training, policies, compliance, access reviews (core/people/compliance.presenter.ts) ──

/** One module in someone's status. Presenter: core/people/compliance.presenter.ts. */
export interface TrainingStatus { moduleId: string; title: string; state: 'current' | 'due' | 'expired' | 'missing'; until: string | null; lastScore: number | null }

/** One policy in someone's status (also each of GET /api/v1/policies). Presenter: core/people/compliance.presenter.ts. */
export interface PolicyStatus { policyId: string; title: string; version: number; acknowledgedAt: string | null }

/** GET /api/v1/me/compliance. Presenter: core/people/compliance.presenter.ts. */
export interface ComplianceStatus { blocks: string[]; training: TrainingStatus[]; policies: PolicyStatus[]; mfa: { enrolled: boolean; passkey: boolean } }

/** Each of GET /api/v1/training/modules as a learner gets it (no answers). Presenter: core/people/compliance.presenter.ts. */
export interface TrainingModule { id: string; title: string; version: number; content: string; passMark: number; isBuiltin: boolean; quiz: { question: string; options: string[] }[] }

/** Each of GET /api/v1/training/modules for compliance.manage: the quiz with its answers. Presenter: core/people/compliance.presenter.ts. */
export interface AuthoredTrainingModule extends TrainingModule { quiz: { question: string; options: string[]; answer: number }[] }

/** POST /api/v1/training/modules/:id/attempts. Presenter: core/people/compliance.presenter.ts. */
export interface QuizResult { score: number; passed: boolean; passMark: number; expiresAt: string | null; wrong: number[] }

/** GET /api/v1/policies/:id. Presenter: core/people/compliance.presenter.ts. */
export interface PolicyText { body: string }

/** POST /api/v1/policies. Presenter: core/people/compliance.presenter.ts. */
export interface PolicyPublished { version: number }

/** GET /api/v1/compliance/dashboard. Presenter: core/people/compliance.presenter.ts. */
export interface ComplianceDashboard {
  staff: { total: number; trained: number; mfa: number; passkey: number; policiesAcknowledged: number; blocked: number; overdueAcknowledgements: number };
  trainingStates: Record<'current' | 'due' | 'expired' | 'missing', number>;
  alerts: { open: number; bySeverity: Record<string, number> };
  incidents: { open: number };
  requests: { open: number; overdue: number; dueThisWeek: number; byKind: Record<string, number> };
  expiringData: Record<string, { now: number; next: number }>;
  accessReviews: { open: number; pendingItems: number; overdue: number; suspendedRoles: number };
}

/** Each of GET /api/v1/compliance/staff. Presenter: core/people/compliance.presenter.ts. */
export type StaffCompliance = ComplianceStatus & { staffId: string; name: string; email: string; orgRole: string | null; isLocked: boolean };

/** POST /api/v1/compliance/chase. Presenter: core/people/compliance.presenter.ts. */
export interface ChaseResult { queued: number }

/** Each of GET /api/v1/access-reviews. Presenter: core/people/compliance.presenter.ts. */
export interface AccessReview {
  id: string;
  clinicName: string;
  period: string;
  openedAt: string;
  dueAt: string;
  closedAt: string | null;
  items: { staffId: string; name: string; role: string; decision: string; decidedAt: string | null }[];
}

/** POST /api/v1/access-reviews/open. Presenter: core/people/compliance.presenter.ts. */
export interface AccessReviewsOpened { opened: number; suspended: number }

// ── Staff administration (core/people/staff.presenter.ts) ────────────────

/** Each of GET /api/v1/clinics. Presenter: core/people/staff.presenter.ts. */
export interface Clinic { id: string; name: string }

/** GET /api/v1/clinics. Presenter: core/people/staff.presenter.ts. */
export interface ClinicList { clinics: Clinic[] }

/** Each of GET /api/v1/staff. Presenter: core/people/staff.presenter.ts. */
export interface StaffMember {
  id: string;
  email: string;
  name: string;
  orgRole: string | null;
  clinicRoles: { clinicId: string; role: string }[];
  disabledAt: string | null;
  factors: { passkeys: number; totp: boolean };
}

/** GET /api/v1/staff. Presenter: core/people/staff.presenter.ts. */
export interface StaffList { staff: StaffMember[] }

// ── Break-glass (core/persons/person-access.presenter.ts) ────────────────

/** Each of GET /api/v1/break-glass (grants awaiting review). Presenter: core/persons/person-access.presenter.ts. */
export interface BreakGlassGrant { id: string; staff: { id: string; name: string }; personId: string; justification: string; createdAt: string; expiresAt: string }

/** GET /api/v1/break-glass. Presenter: core/persons/person-access.presenter.ts. */
export interface BreakGlassGrantList { grants: BreakGlassGrant[] }

// ── Alerts and lockdown approvals (core/detection/detection.presenter.ts) ─

/** Each of GET /api/v1/alerts. Presenter: core/detection/detection.presenter.ts. */
export interface Alert { id: string; at: string; severity: string; rule: string; staff: { id: string; name: string } | null; personCount: number; detail: string; status: string }

/** GET /api/v1/alerts. Presenter: core/detection/detection.presenter.ts. */
export interface AlertList { alerts: Alert[] }

/** Each of GET /api/v1/approval-requests. Presenter: core/detection/detection.presenter.ts. */
export interface ApprovalRequest { id: string; enquiryId: string; requestedAt: string; requester: string }

/** GET /api/v1/approval-requests. Presenter: core/detection/detection.presenter.ts. */
export interface ApprovalRequestList { requests: ApprovalRequest[] }

// ── Retention (core/retention/retention.presenter.ts) ────────────────────

/** GET /api/v1/retention. Presenter: core/retention/retention.presenter.ts. */
export interface RetentionView {
  schedule: { category: string; months: number; label: string; defaultMonths: number }[];
  upcoming: Record<string, { now: number; next: number }>;
  runs: { id: string; startedAt: string; finishedAt: string | null; shredded: Record<string, number>; held: number }[];
}

// ── Data-subject requests (core/rights/rights.presenter.ts) ──────────────

/** Each of GET /api/v1/rights/requests. Presenter: core/rights/rights.presenter.ts. */
export interface RightsRequest {
  id: string;
  personId: string;
  kind: 'access' | 'portability' | 'erasure' | 'rectification';
  receivedAt: string;
  dueAt: string;
  extensionReason: string | null;
  status: string;
  outcome: string | null;
  exceptions: string[];
  isOverdue: boolean;
}

/** Each of POST /api/v1/rights/lookup. Presenter: core/rights/rights.presenter.ts. */
export interface PersonMatch { personId: string; knownSince: string; enquiries: number; patientRecords: number }

// ── Encryption keys (core/vault/keys.presenter.ts) ───────────────────────

/** Each domain of GET /api/v1/keys. Presenter: core/vault/keys.presenter.ts. */
export interface KeyDomainStatus { domain: string; activeKeyId: string; versions: { id: string; status: string }[]; personKeys: number; toRewrap: number }

/** GET /api/v1/keys. Presenter: core/vault/keys.presenter.ts. */
export interface KeyStatus { domains: KeyDomainStatus[] }

/** POST /api/v1/keys/rotate (and the same from POST /api/v1/incidents/:id/containment/keys). Presenter: core/vault/keys.presenter.ts. */
export interface KeysRotated { rotated: string[] }
