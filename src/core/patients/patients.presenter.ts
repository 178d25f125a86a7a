/** Response shapes of the patient API (patients.routes.ts). */
import { z } from 'zod';
import type { ClinicalView, FinancialView, PatientView } from '../door/patient-door.js';
import type { listPatientRows, listPractitioners } from './patients.repository.js';

/** A list row: metadata only, no personal data. */
export const PatientRow = z.object({
  id: z.string(),
  status: z.string(),
  createdAt: z.string(),
  clinic: z.object({ id: z.string(), slug: z.string(), name: z.string() }),
  nextAppointment: z.string().nullable(),
});
export type PatientRow = z.infer<typeof PatientRow>;

/** A page, newest first; `nextCursor` asks for the next (`?cursor=`), null on the last page. */
export const PatientList = z.object({ patients: z.array(PatientRow), nextCursor: z.string().nullable() });
export type PatientList = z.infer<typeof PatientList>;

/** Search results (each an audited read), or none with `isTooBroad`, or none yet while the name index builds (`indexBuilding`: percent done; null when ready). */
export const PatientSearchAnswer = z.object({
  results: z.array(z.object({ patientId: z.string(), clinicId: z.string(), name: z.string(), dob: z.string().optional() })),
  isTooBroad: z.boolean(),
  indexBuilding: z.number().int().min(0).max(100).nullable(),
});
export type PatientSearchAnswer = z.infer<typeof PatientSearchAnswer>;

/** The patient an enquiry became (`created`: just now; otherwise the person already was one). */
export const ConvertedEnquiry = z.object({ patientId: z.string(), created: z.boolean() });
export type ConvertedEnquiry = z.infer<typeof ConvertedEnquiry>;

/** A contact record as stored. */
export const Contact = z.object({ name: z.string(), email: z.string(), phone: z.string(), dob: z.string().optional(), address: z.string().optional() });

/** The opened record: contact, schedule, consents, photo scopes, and who can be booked. */
export const PatientRecord = z.object({
  id: z.string(),
  personId: z.string(),
  clinicId: z.string(),
  enquiryId: z.string().nullable(),
  status: z.string(),
  createdAt: z.string(),
  contact: Contact,
  appointments: z.array(z.object({ id: z.string(), clinicId: z.string(), practitionerId: z.string().nullable(), kind: z.string(), startsAt: z.string(), endsAt: z.string(), status: z.string() })),
  consents: z.array(z.object({ id: z.string(), formId: z.string(), title: z.string(), version: z.number(), kind: z.string(), scopes: z.array(z.string()), documentHash: z.string(), method: z.string(), signedAt: z.string() })),
  photoScopes: z.array(z.string()),
  practitioners: z.array(z.object({ id: z.string(), name: z.string() })),
});
export type PatientRecord = z.infer<typeof PatientRecord>;

export const ClinicalRecord = z.object({
  notes: z.array(z.object({ id: z.string(), authorId: z.string(), createdAt: z.string(), appointmentId: z.string().nullable(), text: z.string() })),
  procedures: z.array(z.object({ id: z.string(), authorId: z.string(), createdAt: z.string(), name: z.string(), details: z.string(), status: z.string(), performedOn: z.string().optional() })),
});
export type ClinicalRecord = z.infer<typeof ClinicalRecord>;

const Money = { amountMinor: z.number() };
export const FinancialRecord = z.object({
  invoices: z.array(
    z.object({
      id: z.string(),
      status: z.string(),
      issuedAt: z.string(),
      currency: z.string(),
      lines: z.array(z.object({ description: z.string(), ...Money })),
      totalMinor: z.number(),
      payments: z.array(z.object({ id: z.string(), receivedAt: z.string(), method: z.string(), ...Money })),
      paidMinor: z.number(),
    }),
  ),
});
export type FinancialRecord = z.infer<typeof FinancialRecord>;

/** A record entry just written. */
export const Created = z.object({ id: z.string() });
export type Created = z.infer<typeof Created>;

/** A payment just taken, and the invoice status it led to. */
export const PaymentTaken = z.object({ id: z.string(), status: z.string() });
export type PaymentTaken = z.infer<typeof PaymentTaken>;

export function presentPatientList(page: Awaited<ReturnType<typeof listPatientRows>>): PatientList {
  return { nextCursor: page.next, patients: page.rows.map((r) => ({ id: r.id, status: r.status, createdAt: r.created_at, clinic: { id: r.clinic_id, slug: r.slug, name: r.name }, nextAppointment: r.next_appointment ?? null })) };
}

export function presentPatient(view: PatientView, practitioners: Awaited<ReturnType<typeof listPractitioners>>): PatientRecord {
  return { ...view, appointments: [...view.appointments], consents: view.consents.map((c) => ({ ...c, scopes: [...c.scopes] })), photoScopes: [...view.photoScopes], practitioners: practitioners.map((p) => ({ id: p.id, name: p.display_name })) };
}

export function presentClinical(view: ClinicalView): ClinicalRecord {
  return { notes: [...view.notes], procedures: [...view.procedures] };
}

export function presentFinancial(view: FinancialView): FinancialRecord {
  return { invoices: view.invoices.map((i) => ({ ...i, lines: [...i.lines], payments: [...i.payments] })) };
}
