/**
 * The door for patient records: contact and schedule, clinical record,
 * finances, consents and photos. Every read is admitted by the gate
 * (authorise → compliance → lockdown → detection → audit) for the one
 * permission and the one key domain it needs: a receptionist's read never
 * unwraps a clinical key; a finance read never unwraps a photo key.
 */
import type { StaffActor } from '../../auth/actor.js';
import type { Db } from '../../db/database.js';
import { appError } from '../../platform/errors.js';
import { findPatientLocation } from '../patients/patients.repository.js';
import { findContactEnvelope } from '../persons/persons.repository.js';
import type { VaultService } from '../vault/vault.service.js';
import type { Admission, Gate, PersonLocation } from './admission.js';
import type { PatientIndex } from './patient-index.js';
import { findPhoto, listActivePhotoScopes, listAppointments, listClinicalNotes, listConsentSummaries, listInvoices, listPayments, listPhotos, listProcedures } from './patient-record.repository.js';
import { createPatientSearch, type PatientQuery, type PatientSearchAnswer } from './patient-search.js';
import { type ClinicalNoteRecord, type ContactRecord, type InvoiceRecord, type PaymentRecord, type PhotoMetaRecord, type ProcedureRecord, RECORD } from './records.js';

export const PHOTO_SCOPES = ['clinical', 'teaching', 'marketing'] as const;
export type PhotoScope = (typeof PHOTO_SCOPES)[number];

/** A patient as located for a decision: no personal data. */
export interface PatientLocation extends PersonLocation {
  readonly patientId: string;
  readonly clinicId: string;
  readonly enquiryId: string | null;
  readonly status: string;
  readonly createdAt: string;
}

export interface AppointmentView {
  readonly id: string;
  readonly clinicId: string;
  readonly practitionerId: string | null;
  readonly kind: string;
  readonly startsAt: string;
  readonly endsAt: string;
  readonly status: string;
}

export interface ConsentView {
  readonly id: string;
  readonly formId: string;
  readonly title: string;
  readonly version: number;
  readonly kind: string;
  readonly scopes: readonly string[];
  readonly documentHash: string;
  readonly method: string;
  readonly signedAt: string;
}

export interface PatientView {
  readonly id: string;
  readonly personId: string;
  readonly clinicId: string;
  readonly enquiryId: string | null;
  readonly status: string;
  readonly createdAt: string;
  readonly contact: ContactRecord;
  readonly appointments: readonly AppointmentView[];
  readonly consents: readonly ConsentView[];
  /** Photo-consent scopes currently granted. */
  readonly photoScopes: readonly PhotoScope[];
}

export interface ClinicalView {
  readonly notes: readonly (ClinicalNoteRecord & { readonly id: string; readonly authorId: string; readonly createdAt: string; readonly appointmentId: string | null })[];
  readonly procedures: readonly (ProcedureRecord & { readonly id: string; readonly authorId: string; readonly createdAt: string })[];
}

export interface FinancialView {
  readonly invoices: readonly (InvoiceRecord & { readonly id: string; readonly status: string; readonly issuedAt: string; readonly payments: readonly (PaymentRecord & { readonly id: string; readonly receivedAt: string })[]; readonly paidMinor: number })[];
}

export interface PhotoView {
  readonly id: string;
  readonly phase: string;
  readonly angle: string;
  readonly takenOn: string;
  readonly width: number;
  readonly height: number;
  readonly appointmentId: string | null;
  readonly bodyArea: string;
  readonly caption: string;
}

/** A photo opened for serving: its blob key and the key that decrypts it. */
export interface OpenedPhoto {
  readonly id: string;
  readonly patientId: string;
  readonly personId: string;
  readonly blobKey: string;
  readonly fileKey: Buffer;
}

export interface PatientDoor {
  readonly locate: (patientId: string) => Promise<PatientLocation | undefined>;
  /** Admit a write (or a read the caller performs itself) on a patient, for one permission and its key domains. */
  readonly admit: (actor: StaffActor, patientId: string, request: Parameters<Gate['admit']>[2]) => Promise<{ readonly admission: Admission; readonly patient: PatientLocation }>;
  readonly readPatient: (actor: StaffActor, patientId: string, purpose: string) => Promise<PatientView>;
  readonly readClinical: (actor: StaffActor, patientId: string, purpose: string) => Promise<ClinicalView>;
  readonly readFinancial: (actor: StaffActor, patientId: string, purpose: string) => Promise<FinancialView>;
  readonly listPhotos: (actor: StaffActor, patientId: string, use: PhotoScope) => Promise<PhotoView[]>;
  readonly openPhoto: (actor: StaffActor, photoId: string, how: { readonly use: PhotoScope; readonly kind: 'thumb' | 'view' | 'download' | 'export'; readonly purpose: string }) => Promise<OpenedPhoto>;
  /** Name/DOB or exact email/phone search (patient-search.ts). */
  readonly search: (actor: StaffActor, query: PatientQuery) => Promise<PatientSearchAnswer>;
  readonly activeScopes: (patientId: string) => Promise<PhotoScope[]>;
  /** Refuse (audited, counted as a denial) as NOT_FOUND. */
  readonly refuse: (actor: StaffActor, action: string, recordRefs: readonly string[]) => Promise<never>;
}

export function createPatientDoor(deps: { db: Db; gate: Gate; vault: VaultService; index: PatientIndex }): PatientDoor {
  const { db, gate } = deps;

  async function locate(patientId: string): Promise<PatientLocation | undefined> {
    const row = await findPatientLocation(db, patientId);
    if (!row) return undefined;
    return {
      patientId: row.id,
      personId: row.person_id,
      organisationId: row.organisation_id,
      isRestricted: row.is_restricted === 1,
      clinicId: row.clinic_id,
      clinicIds: [row.clinic_id],
      enquiryId: row.enquiry_id,
      status: row.status,
      createdAt: row.created_at,
    };
  }

  async function admit(actor: StaffActor, patientId: string, request: Parameters<Gate['admit']>[2]) {
    const patient = await locate(patientId);
    const admission = await gate.admit(actor, patient, request);
    if (!patient) throw appError('NOT_FOUND');
    return { admission, patient };
  }

  async function activeScopes(patientId: string): Promise<PhotoScope[]> {
    return (await listActivePhotoScopes(db, patientId)) as PhotoScope[];
  }

  async function requireScope(actor: StaffActor, patientId: string, personId: string, use: PhotoScope, ref: string): Promise<void> {
    if ((await activeScopes(patientId)).includes(use)) return;
    // SECURITY: no consent for this use = no access of this kind, at once; recorded like any refusal.
    await gate.record(actor, { action: 'photo.read', recordRefs: [ref], personIds: [personId], outcome: 'denied', purpose: `no-photo-consent:${use}` });
    throw appError('PHOTO_CONSENT_MISSING');
  }

  const search = createPatientSearch({ db, gate, vault: deps.vault, index: deps.index, door: { locate, admit } });

  return {
    locate,
    admit,
    search,
    activeScopes,
    refuse: (actor, action, recordRefs) => gate.deny(actor, action, recordRefs),

    async readPatient(actor, patientId, purpose) {
      const { admission, patient } = await admit(actor, patientId, { permission: 'contact.read', action: 'patient.read', recordRefs: [`patient:${patientId}`], purpose, domains: ['contact'] });
      const [contactEnvelope, appointments, consents, scopes] = await Promise.all([findContactEnvelope(db, patient.personId), listAppointments(db, patientId, 'desc'), listConsentSummaries(db, patientId), activeScopes(patientId)]);
      return {
        id: patient.patientId,
        personId: patient.personId,
        clinicId: patient.clinicId,
        enquiryId: patient.enquiryId,
        status: patient.status,
        createdAt: patient.createdAt,
        contact: admission.open<ContactRecord>('contact', RECORD.contact, patient.personId, contactEnvelope),
        appointments: appointments.map((a) => ({ id: a.id, clinicId: a.clinic_id, practitionerId: a.practitioner_id, kind: a.kind, startsAt: a.starts_at, endsAt: a.ends_at, status: a.status })),
        consents: consents.map((c) => ({ id: c.id, formId: c.form_id, title: c.title, version: c.version, kind: c.kind, scopes: JSON.parse(c.scopes) as string[], documentHash: c.document_hash, method: c.method, signedAt: c.signed_at })),
        photoScopes: scopes,
      };
    },

    async readClinical(actor, patientId, purpose) {
      const { admission } = await admit(actor, patientId, { permission: 'clinical.read', action: 'patient.clinical.read', recordRefs: [`patient:${patientId}`, 'clinical-record'], purpose, domains: ['clinical'] });
      const [notes, procedures] = await Promise.all([listClinicalNotes(db, patientId, 'desc'), listProcedures(db, patientId, 'desc')]);
      return {
        notes: notes.map((n) => ({ id: n.id, authorId: n.author_id, createdAt: n.created_at, appointmentId: n.appointment_id, ...admission.open<ClinicalNoteRecord>('clinical', RECORD.clinicalNote, n.id, n.body_envelope) })),
        procedures: procedures.map((p) => ({ id: p.id, authorId: p.author_id, createdAt: p.created_at, ...admission.open<ProcedureRecord>('clinical', RECORD.procedure, p.id, p.body_envelope) })),
      };
    },

    async readFinancial(actor, patientId, purpose) {
      const { admission } = await admit(actor, patientId, { permission: 'financial.read', action: 'patient.financial.read', recordRefs: [`patient:${patientId}`, 'financial-record'], purpose, domains: ['financial'] });
      const invoices = await listInvoices(db, patientId, 'desc');
      const payments = await listPayments(db, invoices.map((i) => i.id));
      return {
        invoices: invoices.map((invoice) => {
          const paid = payments.filter((p) => p.invoice_id === invoice.id).map((p) => ({ id: p.id, receivedAt: p.received_at, ...admission.open<PaymentRecord>('financial', RECORD.payment, p.id, p.body_envelope) }));
          return { id: invoice.id, status: invoice.status, issuedAt: invoice.issued_at, ...admission.open<InvoiceRecord>('financial', RECORD.invoice, invoice.id, invoice.body_envelope), payments: paid, paidMinor: paid.reduce((sum, p) => sum + p.amountMinor, 0) };
        }),
      };
    },

    async listPhotos(actor, patientId, use) {
      const patient = await locate(patientId);
      if (patient && patient.organisationId === actor.organisationId) await requireScope(actor, patientId, patient.personId, use, `patient:${patientId}`);
      const { admission } = await admit(actor, patientId, { permission: 'photo.read', action: 'photo.list', recordRefs: [`patient:${patientId}`], purpose: `photos:${use}`, domains: ['photo'] });
      const rows = await listPhotos(db, patientId);
      return rows.map((row) => ({
        id: row.id,
        phase: row.phase,
        angle: row.angle,
        takenOn: row.taken_on,
        width: row.width,
        height: row.height,
        appointmentId: row.appointment_id,
        ...admission.open<PhotoMetaRecord>('photo', RECORD.photoMeta, row.id, row.meta_envelope),
      }));
    },

    async openPhoto(actor, photoId, how) {
      const row = await findPhoto(db, photoId);
      const patient = row ? await locate(row.patient_id) : undefined;
      const ref = `photo:${photoId}`;
      if (row && patient && patient.organisationId === actor.organisationId) await requireScope(actor, row.patient_id, patient.personId, how.use, ref);
      const admission = await gate.admit(actor, patient, {
        permission: how.kind === 'export' ? 'photo.export' : 'photo.read',
        action: `photo.${how.kind}`,
        recordRefs: [ref],
        purpose: `${how.purpose}:${how.use}`,
        domains: ['photo'],
        // Approved exports are counted by the export rule, not the burst rule.
        ...(how.kind === 'view' || how.kind === 'download' ? { photo: how.kind } : {}),
      });
      if (!row || !patient) throw appError('NOT_FOUND');
      return { id: row.id, patientId: row.patient_id, personId: patient.personId, blobKey: row.blob_key, fileKey: admission.fileKey('photo', row.id) };
    },
  };
}

