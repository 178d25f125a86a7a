/**
 * Patient record writes: convert an enquiry into a patient, book
 * appointments (which makes the practitioner part of the care team), write
 * clinical notes and procedures (clinical key), raise invoices and take
 * payments (financial key). Each write is admitted by the door like a read
 * (so it is authorised, rate-watched and audited), then sealed and stored
 * with its own audit event in the same transaction.
 */
import { actorEvent, type StaffActor } from '../../auth/actor.js';
import { clinicsWith } from '../../auth/policy.js';
import type { AuditLog } from '../../audit/audit-log.js';
import { newId } from '../../crypto/random.js';
import type { Db } from '../../db/database.js';
import type { Clock } from '../../platform/clock.js';
import { appError } from '../../platform/errors.js';
import { sealerFor } from '../door/sealer.js';
import type { EnquiryDoor } from '../door/enquiry-door.js';
import type { PatientDoor } from '../door/patient-door.js';
import type { PatientIndex } from '../door/patient-index.js';
import { type InvoiceRecord, type PaymentRecord, type ProcedureRecord, RECORD } from '../door/records.js';
import { markEnquiryStatus } from '../enquiries/enquiry.repository.js';
import type { VaultService } from '../vault/vault.service.js';
import { addToCareTeam, findActiveClinicRole, findInvoicePatientId, findPatientIdOfPerson, insertAppointment, insertClinicalEntry, insertInvoice, insertPatient, insertPayment, isAppointmentOfPatient } from './patients.repository.js';

export const APPOINTMENT_KINDS = ['consultation', 'procedure', 'follow-up'] as const;
export const PROCEDURE_STATUSES = ['planned', 'performed', 'cancelled'] as const;

export interface PatientServiceDeps {
  readonly db: Db;
  readonly audit: AuditLog;
  readonly clock: Clock;
  readonly vault: VaultService;
  readonly enquiries: EnquiryDoor;
  readonly patients: PatientDoor;
  readonly index: PatientIndex;
}

export function createPatientService(deps: PatientServiceDeps) {
  const { db, audit } = deps;
  const event = (actor: StaffActor, action: string, personId: string, recordRefs: string[], purpose?: string) => ({
    ...actorEvent(actor),
    action,
    personIds: [personId],
    recordRefs,
    outcome: 'success' as const,
    ...(purpose ? { purpose } : {}),
  });

  return {
    /** Make the enquiry's person a patient of the enquiry's clinic (idempotent: an existing patient is returned). */
    async convertEnquiry(actor: StaffActor, enquiryId: string): Promise<{ patientId: string; created: boolean }> {
      const detail = await deps.enquiries.readEnquiry(actor, enquiryId, { purpose: 'convert-to-patient' });
      const located = await deps.enquiries.locateEnquiry(actor, enquiryId);
      if (!located || !clinicsWith(actor, 'patient.write').includes(located.clinicId)) throw appError('NOT_FOUND');
      const existing = await findPatientIdOfPerson(db, detail.personId);
      if (existing) return { patientId: existing, created: false };
      const patientId = newId();
      const at = deps.clock.now().toISOString();
      await db.transaction().execute(async (trx) => {
        await insertPatient(trx, { id: patientId, person_id: detail.personId, clinic_id: located.clinicId, enquiry_id: enquiryId, status: 'active', created_at: at, created_by: actor.staffId });
        await markEnquiryStatus(trx, enquiryId, 'consultation_booked');
        await audit.append(trx, [event(actor, 'patient.create', detail.personId, [`patient:${patientId}`, `enquiry:${enquiryId}`])]);
      });
      deps.index.put(patientId, located.clinicId, detail.contact);
      return { patientId, created: true };
    },

    async addAppointment(actor: StaffActor, patientId: string, input: { kind: string; startsAt: string; endsAt: string; practitionerId?: string }): Promise<{ id: string }> {
      const { patient } = await deps.patients.admit(actor, patientId, { permission: 'patient.write', action: 'appointment.create', recordRefs: [`patient:${patientId}`], purpose: 'scheduling', domains: [] });
      if (!(Date.parse(input.endsAt) > Date.parse(input.startsAt))) throw appError('VALIDATION_FAILED', ['endsAt']);
      if (input.practitionerId) {
        if ((await findActiveClinicRole(db, input.practitionerId, patient.clinicId)) !== 'practitioner') throw appError('VALIDATION_FAILED', ['practitionerId']);
      }
      const id = newId();
      const at = deps.clock.now().toISOString();
      await db.transaction().execute(async (trx) => {
        await insertAppointment(trx, { id, patient_id: patientId, clinic_id: patient.clinicId, practitioner_id: input.practitionerId ?? null, kind: input.kind, starts_at: new Date(input.startsAt).toISOString(), ends_at: new Date(input.endsAt).toISOString(), status: 'booked', created_at: at });
        // Booking a practitioner makes them part of the patient's care team (their clinical access depends on it).
        if (input.practitionerId) await addToCareTeam(trx, patient.personId, input.practitionerId, at);
        await audit.append(trx, [event(actor, 'appointment.create', patient.personId, [`appointment:${id}`], input.practitionerId ? `care-team:${input.practitionerId}` : undefined)]);
      });
      return { id };
    },

    async addClinicalNote(actor: StaffActor, patientId: string, input: { text: string; appointmentId?: string }): Promise<{ id: string }> {
      return addClinicalEntry(actor, patientId, 'clinical_notes', RECORD.clinicalNote, { text: input.text }, input.appointmentId);
    },

    async addProcedure(actor: StaffActor, patientId: string, input: ProcedureRecord): Promise<{ id: string }> {
      return addClinicalEntry(actor, patientId, 'procedures', RECORD.procedure, input, undefined);
    },

    async addInvoice(actor: StaffActor, patientId: string, input: { currency: string; lines: InvoiceRecord['lines'] }): Promise<{ id: string }> {
      const { patient } = await deps.patients.admit(actor, patientId, { permission: 'financial.write', action: 'invoice.create', recordRefs: [`patient:${patientId}`], purpose: 'billing', domains: [] });
      const sealer = await sealerFor(deps, patient.personId, 'financial');
      const id = newId();
      const record: InvoiceRecord = { currency: input.currency, lines: input.lines, totalMinor: input.lines.reduce((sum, line) => sum + line.amountMinor, 0) };
      await db.transaction().execute(async (trx) => {
        await insertInvoice(trx, { id, patient_id: patientId, clinic_id: patient.clinicId, status: 'open', issued_at: deps.clock.now().toISOString(), body_envelope: sealer.seal(RECORD.invoice, id, record) });
        await audit.append(trx, [event(actor, 'invoice.create', patient.personId, [`invoice:${id}`])]);
      });
      return { id };
    },

    async addPayment(actor: StaffActor, invoiceId: string, input: PaymentRecord): Promise<{ id: string; status: string }> {
      const invoicePatientId = await findInvoicePatientId(db, invoiceId);
      // An unknown invoice goes through the door with an unknown patient: refused and audited like any probe.
      const { patient } = await deps.patients.admit(actor, invoicePatientId ?? '00000000-0000-4000-8000-000000000000', { permission: 'financial.write', action: 'payment.create', recordRefs: [`invoice:${invoiceId}`], purpose: 'billing', domains: ['financial'] });
      const sealer = await sealerFor(deps, patient.personId, 'financial');
      const view = await deps.patients.readFinancial(actor, patient.patientId, 'payment-reconciliation');
      const target = view.invoices.find((i) => i.id === invoiceId);
      if (!target) throw appError('NOT_FOUND');
      const id = newId();
      const status = target.paidMinor + input.amountMinor >= target.totalMinor ? 'paid' : 'part-paid';
      await db.transaction().execute(async (trx) => {
        await insertPayment(trx, { id, invoice_id: invoiceId, received_at: deps.clock.now().toISOString(), body_envelope: sealer.seal(RECORD.payment, id, input) }, status);
        await audit.append(trx, [event(actor, 'payment.create', patient.personId, [`payment:${id}`, `invoice:${invoiceId}`], `invoice-status:${status}`)]);
      });
      return { id, status };
    },
  };

  async function addClinicalEntry(actor: StaffActor, patientId: string, table: 'clinical_notes' | 'procedures', recordType: string, body: unknown, appointmentId: string | undefined): Promise<{ id: string }> {
    const action = table === 'clinical_notes' ? 'clinical-note.create' : 'procedure.create';
    const { patient } = await deps.patients.admit(actor, patientId, { permission: 'clinical.write', action, recordRefs: [`patient:${patientId}`], purpose: 'clinical-care', domains: [] });
    if (appointmentId) {
      if (!(await isAppointmentOfPatient(db, appointmentId, patientId))) throw appError('VALIDATION_FAILED', ['appointmentId']);
    }
    const sealer = await sealerFor(deps, patient.personId, 'clinical');
    const id = newId();
    await db.transaction().execute(async (trx) => {
      await insertClinicalEntry(trx, table, { id, patient_id: patientId, appointment_id: appointmentId ?? null, author_id: actor.staffId, created_at: deps.clock.now().toISOString(), body_envelope: sealer.seal(recordType, id, body) });
      await audit.append(trx, [event(actor, action, patient.personId, [`${table === 'clinical_notes' ? 'clinical-note' : 'procedure'}:${id}`])]);
    });
    return { id };
  }
}

export type PatientService = ReturnType<typeof createPatientService>;
