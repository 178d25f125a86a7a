/**
 * Canary data: the markers (HMACs, see canary.ts), the planted enquiries, and
 * the patient, consent and photo rows a canary patient is given — written
 * exactly as real ones are.
 */
import type { Insertable } from 'kysely';
import type { Database, Db } from '../../db/database.js';

/** Is `marker` a stored canary marker? */
export async function hasCanaryMarker(db: Db, marker: string): Promise<boolean> {
  return Boolean(await db.selectFrom('canary_markers').select('marker').where('marker', '=', marker).executeTakeFirst());
}

/** Store markers (a marker already stored is left as it is). */
export async function insertCanaryMarkers(db: Db, markers: readonly string[], at: string): Promise<void> {
  await db
    .insertInto('canary_markers')
    .values(markers.map((marker) => ({ marker, created_at: at })))
    .onConflict((oc) => oc.column('marker').doNothing())
    .execute();
}

/** The enquiries ingested from these submissions, oldest first. */
export async function listEnquiriesBySubmission(db: Db, submissionHashes: readonly string[]) {
  if (submissionHashes.length === 0) return [];
  return db.selectFrom('enquiries').select(['id', 'person_id', 'clinic_id', 'received_at', 'submission_hash']).where('submission_hash', 'in', [...submissionHashes]).orderBy('received_at').execute();
}

/** Close these enquiries (out of every queue and pool: routing may have given one to someone on shift while they were planted). */
export async function closeEnquiries(db: Db, enquiryIds: readonly string[]): Promise<void> {
  await db.updateTable('enquiries').set({ status: 'lost', lost_reason: 'closed', assigned_to: null, assigned_at: null }).where('id', 'in', [...enquiryIds]).execute();
}

/** Mark an enquiry won (it became a patient): closed business, in nobody's queue or pool. */
export async function markEnquiryBooked(db: Db, enquiryId: string): Promise<void> {
  await db.updateTable('enquiries').set({ status: 'won', assigned_to: null, assigned_at: null }).where('id', '=', enquiryId).execute();
}

/** Ids of the enabled staff with a role in `clinicId`. */
export async function listActiveClinicStaffIds(db: Db, clinicId: string): Promise<string[]> {
  const rows = await db.selectFrom('staff_clinic_roles').innerJoin('staff', 'staff.id', 'staff_clinic_roles.staff_id').select('staff.id').where('staff_clinic_roles.clinic_id', '=', clinicId).where('staff.disabled_at', 'is', null).execute();
  return rows.map((row) => row.id);
}

/** The latest version of the photo consent form, if there is one. */
export async function findLatestPhotoConsentForm(db: Db) {
  return db.selectFrom('consent_forms').selectAll().where('kind', '=', 'photo').orderBy('version', 'desc').executeTakeFirst();
}

export async function insertPatient(db: Db, patient: Insertable<Database['patients']>): Promise<void> {
  await db.insertInto('patients').values(patient).execute();
}

export async function insertConsent(db: Db, consent: Insertable<Database['consents']>): Promise<void> {
  await db.insertInto('consents').values(consent).execute();
}

export async function insertPhotoConsent(db: Db, grant: Insertable<Database['photo_consents']>): Promise<void> {
  await db.insertInto('photo_consents').values(grant).execute();
}

export async function insertPhoto(db: Db, photo: Insertable<Database['photos']>): Promise<void> {
  await db.insertInto('photos').values(photo).execute();
}
