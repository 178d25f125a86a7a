/**
 * The door for data-subject requests: everything Tacet holds about one
 * person, opened for the DPO only while an open request for that person
 * exists (see `isFulfillingRightsRequest` in admission.ts), through the
 * same gate as every other read (audited, rate-limited, compliance-gated).
 * Also the one place a person's contact record is rectified.
 */
import type { StaffActor } from '../../auth/actor.js';
import { DOMAINS } from '../../crypto/key-material.js';
import type { Db } from '../../db/database.js';
import { appError } from '../../platform/errors.js';
import { normaliseEmail, normalisePhone } from '../persons/normalise.js';
import { findContactEnvelope, findPersonFlags, indexesFor, updatePersonContact } from '../persons/persons.repository.js';
import type { Clock } from '../../platform/clock.js';
import type { VaultService } from '../vault/vault.service.js';
import type { Admission, Gate, PersonLocation } from './admission.js';
import { findPersonRecord, listClinicIdsOfPerson, listEnquiriesOfPerson, listPatientsOfPerson } from './subject-access.repository.js';
import { listAppointments, listClinicalNotes, listInvoices, listPayments, listPhotoConsents, listPhotos, listProcedures, listSignedConsents } from './patient-record.repository.js';
import { type ClinicalNoteRecord, type ContactRecord, type EnquiryBodyRecord, type InvoiceRecord, type PaymentRecord, type PhotoMetaRecord, type ProcedureRecord, RECORD, type SignatureRecord } from './records.js';

export interface SubjectPhoto {
  readonly id: string;
  readonly patientId: string;
  readonly phase: string;
  readonly angle: string;
  readonly takenOn: string;
  readonly width: number;
  readonly height: number;
  readonly bodyArea: string;
  readonly caption: string;
  readonly createdAt: string;
  readonly blobKey: string;
}

export interface SubjectData {
  readonly personId: string;
  readonly createdAt: string;
  readonly updatedAt: string;
  readonly contact: ContactRecord;
  readonly enquiries: readonly ({ readonly id: string; readonly clinicId: string; readonly status: string; readonly source: string; readonly receivedAt: string } & EnquiryBodyRecord)[];
  readonly patients: readonly {
    readonly id: string;
    readonly clinicId: string;
    readonly status: string;
    readonly createdAt: string;
    readonly enquiryId: string | null;
    readonly appointments: readonly { readonly id: string; readonly clinicId: string; readonly practitionerId: string | null; readonly kind: string; readonly startsAt: string; readonly endsAt: string; readonly status: string }[];
    readonly clinicalNotes: readonly ({ readonly id: string; readonly createdAt: string; readonly appointmentId: string | null } & ClinicalNoteRecord)[];
    readonly procedures: readonly ({ readonly id: string; readonly createdAt: string } & ProcedureRecord)[];
    readonly consents: readonly ({ readonly id: string; readonly formTitle: string; readonly formVersion: number; readonly kind: string; readonly scopes: readonly string[]; readonly method: string } & SignatureRecord)[];
    readonly photoConsents: readonly { readonly scope: string; readonly grantedAt: string; readonly withdrawnAt: string | null }[];
    readonly invoices: readonly ({ readonly id: string; readonly status: string; readonly issuedAt: string; readonly payments: readonly ({ readonly id: string; readonly receivedAt: string } & PaymentRecord)[] } & InvoiceRecord)[];
  }[];
  readonly photos: readonly SubjectPhoto[];
}

export interface SubjectAccessDoor {
  readonly locate: (personId: string) => Promise<PersonLocation | undefined>;
  /** Open everything about the person (every domain), for an open request. */
  readonly collect: (actor: StaffActor, requestId: string, personId: string) => Promise<{ readonly data: SubjectData; readonly photoKey: (photoId: string) => Buffer }>;
  /** Correct the person's contact details (re-sealed under their key; blind indexes recomputed). Returns the names of the fields changed. */
  readonly rectifyContact: (actor: StaffActor, requestId: string, personId: string, changes: Partial<ContactRecord>) => Promise<string[]>;
}

export function createSubjectAccessDoor(deps: { db: Db; gate: Gate; vault: VaultService; clock: Clock }): SubjectAccessDoor {
  const { db, gate } = deps;

  async function locate(personId: string): Promise<PersonLocation | undefined> {
    const person = await findPersonFlags(db, personId);
    if (!person) return undefined;
    return { personId, organisationId: person.organisation_id, isRestricted: person.is_restricted === 1, clinicIds: [...new Set(await listClinicIdsOfPerson(db, personId))] };
  }

  async function admit(actor: StaffActor, requestId: string, personId: string, action: string, domains: Parameters<Gate['admit']>[2]['domains']): Promise<{ admission: Admission; location: PersonLocation }> {
    const location = await locate(personId);
    const admission = await gate.admit(actor, location, { permission: 'rights.manage', action, recordRefs: [`rights-request:${requestId}`, `person:${personId}`], purpose: `rights-request:${requestId}`, domains });
    if (!location) throw appError('NOT_FOUND');
    return { admission, location };
  }

  return {
    locate,

    async collect(actor, requestId, personId) {
      const { admission } = await admit(actor, requestId, personId, 'rights.subject-access', DOMAINS);
      const person = await findPersonRecord(db, personId);
      const enquiries = await listEnquiriesOfPerson(db, personId);
      const patientRows = await listPatientsOfPerson(db, personId);
      const patients = [];
      const photos: SubjectPhoto[] = [];
      for (const patient of patientRows) {
        const [appointments, notes, procedures, consents, photoConsents, invoices, photoRows] = await Promise.all([
          listAppointments(db, patient.id, 'asc'),
          listClinicalNotes(db, patient.id, 'asc'),
          listProcedures(db, patient.id, 'asc'),
          listSignedConsents(db, patient.id),
          listPhotoConsents(db, patient.id),
          listInvoices(db, patient.id, 'asc'),
          listPhotos(db, patient.id),
        ]);
        const payments = await listPayments(db, invoices.map((i) => i.id));
        for (const row of photoRows) {
          photos.push({ id: row.id, patientId: patient.id, phase: row.phase, angle: row.angle, takenOn: row.taken_on, width: row.width, height: row.height, createdAt: row.created_at, blobKey: row.blob_key, ...admission.open<PhotoMetaRecord>('photo', RECORD.photoMeta, row.id, row.meta_envelope) });
        }
        patients.push({
          id: patient.id,
          clinicId: patient.clinic_id,
          status: patient.status,
          createdAt: patient.created_at,
          enquiryId: patient.enquiry_id,
          appointments: appointments.map((a) => ({ id: a.id, clinicId: a.clinic_id, practitionerId: a.practitioner_id, kind: a.kind, startsAt: a.starts_at, endsAt: a.ends_at, status: a.status })),
          clinicalNotes: notes.map((n) => ({ id: n.id, createdAt: n.created_at, appointmentId: n.appointment_id, ...admission.open<ClinicalNoteRecord>('clinical', RECORD.clinicalNote, n.id, n.body_envelope) })),
          procedures: procedures.map((p) => ({ id: p.id, createdAt: p.created_at, ...admission.open<ProcedureRecord>('clinical', RECORD.procedure, p.id, p.body_envelope) })),
          consents: consents.map((c) => ({ id: c.id, formTitle: c.title, formVersion: c.version, kind: c.kind, scopes: JSON.parse(c.scopes) as string[], method: c.method, ...admission.open<SignatureRecord>('clinical', RECORD.signature, c.id, c.signature_envelope) })),
          photoConsents: photoConsents.map((p) => ({ scope: p.scope, grantedAt: p.granted_at, withdrawnAt: p.withdrawn_at })),
          invoices: invoices.map((i) => ({
            id: i.id,
            status: i.status,
            issuedAt: i.issued_at,
            ...admission.open<InvoiceRecord>('financial', RECORD.invoice, i.id, i.body_envelope),
            payments: payments.filter((p) => p.invoice_id === i.id).map((p) => ({ id: p.id, receivedAt: p.received_at, ...admission.open<PaymentRecord>('financial', RECORD.payment, p.id, p.body_envelope) })),
          })),
        });
      }
      return {
        data: {
          personId,
          createdAt: person.created_at,
          updatedAt: person.updated_at,
          contact: admission.open<ContactRecord>('contact', RECORD.contact, personId, person.contact_envelope),
          enquiries: enquiries.map((e) => ({ id: e.id, clinicId: e.clinic_id, status: e.status, source: e.source, receivedAt: e.received_at, ...admission.open<EnquiryBodyRecord>('enquiry', RECORD.enquiryBody, e.id, e.body_envelope) })),
          patients,
          photos,
        },
        photoKey: (photoId) => admission.fileKey('photo', photoId),
      };
    },

    async rectifyContact(actor, requestId, personId, changes) {
      const { admission } = await admit(actor, requestId, personId, 'rights.rectify', ['contact']);
      const current = admission.open<ContactRecord>('contact', RECORD.contact, personId, await findContactEnvelope(db, personId));
      // Stored as given (like an enquiry); only checked to be a phone number. The blind index normalises it.
      if (changes.phone !== undefined && !normalisePhone(changes.phone)) throw appError('VALIDATION_FAILED', ['phone']);
      const next: ContactRecord = { ...current, ...changes, ...(changes.email ? { email: normaliseEmail(changes.email) } : {}) };
      const changed = (Object.keys(changes) as (keyof ContactRecord)[]).filter((field) => current[field] !== next[field]);
      if (changed.length === 0) return [];
      await updatePersonContact(db, personId, admission.seal('contact', RECORD.contact, personId, next), indexesFor(deps.vault.keyring(), next), deps.clock.now().toISOString());
      return changed;
    },
  };
}
