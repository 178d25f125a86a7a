/**
 * What the system entrance reads before it opens anything: sealed contact
 * records with their wrapped contact keys (the name index, breach notices),
 * and every person's keys and photo blobs, a page of persons at a time
 * (restore verification).
 */
import type { Db } from '../../db/database.js';

/** What the name index reads of a patient: ids, clinic, the sealed contact record and its wrapped key, and when either changed. */
function indexablePatients(db: Db) {
  return db
    .selectFrom('patients')
    .innerJoin('persons', 'persons.id', 'patients.person_id')
    .innerJoin('person_keys', (join) => join.onRef('person_keys.person_id', '=', 'persons.id').on('person_keys.domain', '=', 'contact'))
    .select(['patients.id', 'patients.clinic_id', 'persons.id as person_id', 'persons.contact_envelope', 'person_keys.wrapped_dek', 'patients.created_at', 'persons.updated_at']);
}

/** A row of the name index's reads. */
export type IndexablePatient = Awaited<ReturnType<ReturnType<typeof indexablePatients>['execute']>>[number];

/** How many patients there are (the name index's build progress is out of this). */
export async function countPatients(db: Db): Promise<number> {
  const row = await db.selectFrom('patients').select((eb) => eb.fn.countAll<number | string>().as('n')).executeTakeFirstOrThrow();
  return Number(row.n);
}

/** The next `limit` patients after `afterId` in id order (the primary key): the name index builds in pages. */
export async function listIndexablePatientsPage(db: Db, afterId: string | undefined, limit: number): Promise<IndexablePatient[]> {
  let query = indexablePatients(db).orderBy('patients.id').limit(limit);
  if (afterId !== undefined) query = query.where('patients.id', '>', afterId);
  return query.execute();
}

/**
 * Patients created, or whose person changed, at or after `since`: two reads,
 * of patients_created_idx and persons_updated_idx, so the name index's
 * refresh costs what changed, not the table.
 */
export async function listIndexablePatientsChangedSince(db: Db, since: string): Promise<IndexablePatient[]> {
  const [created, updated] = await Promise.all([indexablePatients(db).where('patients.created_at', '>=', since).execute(), indexablePatients(db).where('persons.updated_at', '>=', since).execute()]);
  const byId = new Map<string, IndexablePatient>();
  for (const row of [...created, ...updated]) byId.set(row.id, row);
  return [...byId.values()];
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
