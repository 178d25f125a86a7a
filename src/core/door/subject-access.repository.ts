/** Everything stored about one person, by person, for a data-subject request (sealed fields still sealed). */
import type { Db } from '../../db/database.js';

/** The clinics that hold the person as an enquirer or a patient (with repeats). */
export async function listClinicIdsOfPerson(db: Db, personId: string): Promise<string[]> {
  const [enquiries, patients] = await Promise.all([db.selectFrom('enquiries').select('clinic_id').where('person_id', '=', personId).execute(), db.selectFrom('patients').select('clinic_id').where('person_id', '=', personId).execute()]);
  return [...enquiries, ...patients].map((row) => row.clinic_id);
}

/** The person's sealed contact record and when the person was created and last changed. */
export async function findPersonRecord(db: Db, personId: string) {
  return db.selectFrom('persons').select(['contact_envelope', 'created_at', 'updated_at']).where('id', '=', personId).executeTakeFirstOrThrow();
}

/** The person's enquiries, oldest first. */
export async function listEnquiriesOfPerson(db: Db, personId: string) {
  return db.selectFrom('enquiries').selectAll().where('person_id', '=', personId).orderBy('received_at').execute();
}

/** The patient records of the person, oldest first. */
export async function listPatientsOfPerson(db: Db, personId: string) {
  return db.selectFrom('patients').selectAll().where('person_id', '=', personId).orderBy('created_at').execute();
}
