/**
 * What the system entrance reads before it opens anything: sealed contact
 * records with their wrapped contact keys (the name index, breach notices),
 * and every person's keys and photo blobs, a page of persons at a time
 * (restore verification).
 */
import type { Db } from '../../db/database.js';

/** Patients created, or whose person changed, after `since` (all when undefined), with the sealed contact and its wrapped key. */
export async function listIndexablePatients(db: Db, since: string | undefined) {
  let query = db
    .selectFrom('patients')
    .innerJoin('persons', 'persons.id', 'patients.person_id')
    .innerJoin('person_keys', (join) => join.onRef('person_keys.person_id', '=', 'persons.id').on('person_keys.domain', '=', 'contact'))
    .select(['patients.id', 'patients.clinic_id', 'persons.id as person_id', 'persons.contact_envelope', 'person_keys.wrapped_dek', 'patients.created_at', 'persons.updated_at']);
  if (since !== undefined) query = query.where((eb) => eb.or([eb('patients.created_at', '>', since), eb('persons.updated_at', '>', since)]));
  return query.execute();
}

/** Sealed contacts and wrapped contact keys of these persons in one organisation (a person without a contact key is absent). */
export async function listContactKeys(db: Db, organisationId: string, personIds: readonly string[]) {
  return db
    .selectFrom('persons')
    .innerJoin('person_keys', (join) => join.onRef('person_keys.person_id', '=', 'persons.id').on('person_keys.domain', '=', 'contact'))
    .select(['persons.id', 'persons.contact_envelope', 'person_keys.wrapped_dek'])
    .where('persons.id', 'in', [...personIds])
    .where('persons.organisation_id', '=', organisationId)
    .execute();
}

/** Up to `limit` persons' sealed contact records in id order, after the person `afterId` (from the start when undefined). */
export async function listContactsAfter(db: Db, afterId: string | undefined, limit: number) {
  let query = db.selectFrom('persons').select(['id', 'contact_envelope']).orderBy('id').limit(limit);
  if (afterId !== undefined) query = query.where('id', '>', afterId);
  return query.execute();
}

/** Every wrapped key of these persons. */
export async function listPersonKeysOf(db: Db, personIds: readonly string[]) {
  if (personIds.length === 0) return [];
  return db.selectFrom('person_keys').select(['person_id', 'domain', 'wrapped_dek']).where('person_id', 'in', [...personIds]).execute();
}

/** Every photo of these persons, with its blob. */
export async function listPhotoBlobsOf(db: Db, personIds: readonly string[]) {
  if (personIds.length === 0) return [];
  return db.selectFrom('photos').innerJoin('patients', 'patients.id', 'photos.patient_id').select(['photos.id', 'photos.blob_key', 'patients.person_id']).where('patients.person_id', 'in', [...personIds]).execute();
}

/** How many photos there are. */
export async function countPhotos(db: Db): Promise<number> {
  return Number((await db.selectFrom('photos').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow()).n);
}
