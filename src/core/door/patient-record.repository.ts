/**
 * A patient's record as the doors read it (patient-door.ts for care,
 * subject-access.ts for the DPO): schedule, consents, clinical entries,
 * invoices and photos, sealed fields still sealed. `order` is the order of
 * time the caller shows them in.
 */
import type { Db } from '../../db/database.js';

type Order = 'asc' | 'desc';

export async function listAppointments(db: Db, patientId: string, order: Order) {
  return db.selectFrom('appointments').selectAll().where('patient_id', '=', patientId).orderBy('starts_at', order).execute();
}

export async function listClinicalNotes(db: Db, patientId: string, order: Order) {
  return db.selectFrom('clinical_notes').selectAll().where('patient_id', '=', patientId).orderBy('created_at', order).execute();
}

export async function listProcedures(db: Db, patientId: string, order: Order) {
  return db.selectFrom('procedures').selectAll().where('patient_id', '=', patientId).orderBy('created_at', order).execute();
}

export async function listInvoices(db: Db, patientId: string, order: Order) {
  return db.selectFrom('invoices').selectAll().where('patient_id', '=', patientId).orderBy('issued_at', order).execute();
}

/** Payments against these invoices, oldest first. */
export async function listPayments(db: Db, invoiceIds: readonly string[]) {
  return invoiceIds.length === 0 ? [] : db.selectFrom('payments').selectAll().where('invoice_id', 'in', [...invoiceIds]).orderBy('received_at').execute();
}

/** The patient's photos in the order they were taken. */
export async function listPhotos(db: Db, patientId: string) {
  return db.selectFrom('photos').selectAll().where('patient_id', '=', patientId).orderBy('taken_on').orderBy('created_at').execute();
}

/** Where a photo is (its patient and blob), for opening it. */
export async function findPhoto(db: Db, photoId: string) {
  return db.selectFrom('photos').select(['id', 'patient_id', 'blob_key']).where('id', '=', photoId).executeTakeFirst();
}

/** Signed consents with their form (what was signed, not the signature), newest first. */
export async function listConsentSummaries(db: Db, patientId: string) {
  return db
    .selectFrom('consents')
    .innerJoin('consent_forms', 'consent_forms.id', 'consents.form_id')
    .select(['consents.id', 'consents.form_id', 'consents.scopes', 'consents.document_hash', 'consents.method', 'consents.signed_at', 'consent_forms.title', 'consent_forms.version', 'consent_forms.kind'])
    .where('consents.patient_id', '=', patientId)
    .orderBy('consents.signed_at', 'desc')
    .execute();
}

/** Signed consents with their sealed signatures, oldest first. */
export async function listSignedConsents(db: Db, patientId: string) {
  return db
    .selectFrom('consents')
    .innerJoin('consent_forms', 'consent_forms.id', 'consents.form_id')
    .select(['consents.id', 'consents.scopes', 'consents.method', 'consents.signature_envelope', 'consent_forms.title', 'consent_forms.version', 'consent_forms.kind'])
    .where('consents.patient_id', '=', patientId)
    .orderBy('consents.signed_at')
    .execute();
}

/** Photo-consent scopes currently granted. */
export async function listActivePhotoScopes(db: Db, patientId: string): Promise<string[]> {
  const rows = await db.selectFrom('photo_consents').select('scope').where('patient_id', '=', patientId).where('withdrawn_at', 'is', null).execute();
  return rows.map((row) => row.scope);
}

/** Every photo-consent scope ever granted, with its history, by scope. */
export async function listPhotoConsents(db: Db, patientId: string) {
  return db.selectFrom('photo_consents').selectAll().where('patient_id', '=', patientId).orderBy('scope').execute();
}
