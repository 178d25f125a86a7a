/**
 * Patients and what is written to their record: appointments (and the care
 * team they make), clinical entries, invoices and payments. Sealed fields
 * arrive sealed; reads that open them are the door's (door/*.ts).
 */
import type { Insertable } from 'kysely';
import type { StaffActor } from '../../auth/actor.js';
import type { Database, Db } from '../../db/database.js';
import { type Keyset, mergeNewestFirst } from '../../db/keyset.js';
import { visiblePersons } from '../door/visibility.repository.js';
import { findClinicLabels, labelOf } from '../org/org.repository.js';

/** A patient with its person's organisation and flags (no personal data). */
export async function findPatientLocation(db: Db, patientId: string) {
  return db
    .selectFrom('patients')
    .innerJoin('persons', 'persons.id', 'patients.person_id')
    .select(['patients.id', 'patients.person_id', 'patients.clinic_id', 'patients.enquiry_id', 'patients.status', 'patients.created_at', 'persons.organisation_id', 'persons.is_restricted'])
    .where('patients.id', '=', patientId)
    .executeTakeFirst();
}

/**
 * A page of patients in these clinics, newest first, with each one's next
 * appointment from `now`; only persons `actor` may know exist. Per clinic one
 * keyset range read of patients_clinic_list_idx, the next appointment one
 * seek of appointments_patient_start_idx; merged in keyset.ts.
 */
export async function listPatientRows(db: Db, actor: StaffActor, clinicIds: readonly string[], page: { readonly after?: Keyset | undefined; readonly limit: number }, now: string) {
  const [labels, ...pages] = await Promise.all([
    findClinicLabels(db, clinicIds),
    ...clinicIds.map((clinicId) => {
      // No join to clinics: the clinic is fixed per query (see listEnquiryRows).
      let query = db
        .selectFrom('patients')
        .innerJoin('persons', 'persons.id', 'patients.person_id')
        .select(['patients.id', 'patients.status', 'patients.created_at', 'patients.clinic_id'])
        .select((eb) => eb.selectFrom('appointments').select((a) => a.fn.min('starts_at').as('next')).whereRef('appointments.patient_id', '=', 'patients.id').where('appointments.starts_at', '>=', now).as('next_appointment'))
        .where('patients.clinic_id', '=', clinicId)
        // SECURITY: restricted persons do not appear, not even as a row, for anyone not on their list.
        .where(visiblePersons(actor))
        .orderBy('patients.created_at', 'desc')
        .orderBy('patients.id', 'desc')
        .limit(page.limit);
      const after = page.after;
      if (after) query = query.where((eb) => eb(eb.refTuple('patients.created_at', 'patients.id'), '<', eb.tuple(after.at, after.id)));
      return query.execute();
    }),
  ]);
  const merged = mergeNewestFirst(pages, page.limit, (row) => ({ at: row.created_at, id: row.id }));
  return { rows: merged.rows.map((row) => ({ ...row, ...labelOf(labels, row.clinic_id) })), next: merged.next };
}

/** Patients of one organisation in these clinics whose email or phone blind index matches (both, when both are given). */
export async function findPatientIdsByContactIndex(db: Db, organisationId: string, clinicIds: readonly string[], index: { readonly emailBi?: string | undefined; readonly phoneBi?: string | undefined }, limit: number): Promise<string[]> {
  let query = db.selectFrom('patients').innerJoin('persons', 'persons.id', 'patients.person_id').select('patients.id').where('persons.organisation_id', '=', organisationId).where('patients.clinic_id', 'in', [...clinicIds]);
  if (index.emailBi) query = query.where('persons.email_bi', '=', index.emailBi);
  if (index.phoneBi) query = query.where('persons.phone_bi', '=', index.phoneBi);
  return (await query.limit(limit).execute()).map((row) => row.id);
}

/** A clinic's active practitioners (who can be booked), by name. */
export async function listPractitioners(db: Db, clinicId: string): Promise<{ id: string; display_name: string }[]> {
  return db
    .selectFrom('staff_clinic_roles')
    .innerJoin('staff', 'staff.id', 'staff_clinic_roles.staff_id')
    .select(['staff.id', 'staff.display_name'])
    .where('staff_clinic_roles.clinic_id', '=', clinicId)
    .where('staff_clinic_roles.role', '=', 'practitioner')
    .where('staff.disabled_at', 'is', null)
    .orderBy('staff.display_name')
    .execute();
}

/** The role an active staff member holds in a clinic, if any. */
export async function findActiveClinicRole(db: Db, staffId: string, clinicId: string): Promise<string | undefined> {
  const row = await db.selectFrom('staff_clinic_roles').innerJoin('staff', 'staff.id', 'staff_clinic_roles.staff_id').select('staff_clinic_roles.role').where('staff_clinic_roles.staff_id', '=', staffId).where('staff_clinic_roles.clinic_id', '=', clinicId).where('staff.disabled_at', 'is', null).executeTakeFirst();
  return row?.role;
}

/** The patient a person already is, if any. */
export async function findPatientIdOfPerson(db: Db, personId: string): Promise<string | undefined> {
  return (await db.selectFrom('patients').select('id').where('person_id', '=', personId).executeTakeFirst())?.id;
}

export async function insertPatient(db: Db, patient: Insertable<Database['patients']>): Promise<void> {
  await db.insertInto('patients').values(patient).execute();
}

/** Whether an appointment belongs to this patient. */
export async function isAppointmentOfPatient(db: Db, appointmentId: string, patientId: string): Promise<boolean> {
  return (await db.selectFrom('appointments').select('id').where('id', '=', appointmentId).where('patient_id', '=', patientId).executeTakeFirst()) !== undefined;
}

export async function insertAppointment(db: Db, appointment: Insertable<Database['appointments']>): Promise<void> {
  await db.insertInto('appointments').values(appointment).execute();
}

/** Make a staff member part of a person's care team (once). */
export async function addToCareTeam(db: Db, personId: string, staffId: string, at: string): Promise<void> {
  await db.insertInto('care_relationships').values({ person_id: personId, staff_id: staffId, created_at: at }).onConflict((oc) => oc.columns(['person_id', 'staff_id']).doNothing()).execute();
}

export async function insertClinicalEntry(db: Db, table: 'clinical_notes' | 'procedures', entry: Insertable<Database['clinical_notes']>): Promise<void> {
  await db.insertInto(table).values(entry).execute();
}

export async function insertInvoice(db: Db, invoice: Insertable<Database['invoices']>): Promise<void> {
  await db.insertInto('invoices').values(invoice).execute();
}

/** The patient an invoice was raised for, if the invoice exists. */
export async function findInvoicePatientId(db: Db, invoiceId: string): Promise<string | undefined> {
  return (await db.selectFrom('invoices').select(['patient_id']).where('id', '=', invoiceId).executeTakeFirst())?.patient_id;
}

/** Record a payment and the invoice status it leads to. */
export async function insertPayment(db: Db, payment: Insertable<Database['payments']>, invoiceStatus: string): Promise<void> {
  await db.insertInto('payments').values(payment).execute();
  await db.updateTable('invoices').set({ status: invoiceStatus }).where('id', '=', payment.invoice_id).execute();
}
