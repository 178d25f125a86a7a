/**
 * Data-subject requests' queries: the requests and their statutory clock,
 * finding a requester by blind index (ids only), what Tacet holds of them
 * (counts), and the few organisation facts an answer carries.
 */
import type { Db } from '../../db/database.js';
import type { RightsRequestsTable } from '../../db/tables.js';

/** One request of the organisation, if it exists. */
export async function findRightsRequest(db: Db, requestId: string, organisationId: string) {
  return db.selectFrom('rights_requests').selectAll().where('id', '=', requestId).where('organisation_id', '=', organisationId).executeTakeFirst();
}

/** The organisation's requests, open before closed, soonest due first (at most 200). */
export async function listRightsRequests(db: Db, organisationId: string) {
  return db.selectFrom('rights_requests').selectAll().where('organisation_id', '=', organisationId).orderBy('status').orderBy('due_at').limit(200).execute();
}

export async function insertRightsRequest(trx: Db, row: RightsRequestsTable): Promise<void> {
  await trx.insertInto('rights_requests').values(row).execute();
}

/** Art. 12(3): the new due date and why. */
export async function extendRightsRequest(trx: Db, requestId: string, dueAt: string, reason: string): Promise<void> {
  await trx.updateTable('rights_requests').set({ due_at: dueAt, extension_reason: reason }).where('id', '=', requestId).execute();
}

export async function closeRightsRequest(trx: Db, requestId: string, closing: { status: 'completed' | 'refused'; outcome: string; exceptions: string; closed_at: string }): Promise<void> {
  await trx.updateTable('rights_requests').set(closing).where('id', '=', requestId).execute();
}

/** The organisation's persons with this email and/or phone blind index (at most 10). */
export async function findPersonsByBlindIndex(db: Db, organisationId: string, index: { emailBi?: string; phoneBi?: string }): Promise<{ id: string; created_at: string }[]> {
  let query = db.selectFrom('persons').select(['id', 'created_at']).where('organisation_id', '=', organisationId);
  if (index.emailBi !== undefined) query = query.where('email_bi', '=', index.emailBi);
  if (index.phoneBi !== undefined) query = query.where('phone_bi', '=', index.phoneBi);
  return query.limit(10).execute();
}

/** How many enquiries and patient records a person has. */
export async function countHeldRecords(db: Db, personId: string): Promise<{ enquiries: number; patientRecords: number }> {
  const [enquiries, patients] = await Promise.all([
    db.selectFrom('enquiries').select((eb) => eb.fn.countAll<number>().as('n')).where('person_id', '=', personId).executeTakeFirst(),
    db.selectFrom('patients').select((eb) => eb.fn.countAll<number>().as('n')).where('person_id', '=', personId).executeTakeFirst(),
  ]);
  return { enquiries: Number(enquiries?.n ?? 0), patientRecords: Number(patients?.n ?? 0) };
}

/** The ids of a person's patient records. */
export async function listPatientIdsOf(db: Db, personId: string): Promise<string[]> {
  return (await db.selectFrom('patients').select('id').where('person_id', '=', personId).execute()).map((p) => p.id);
}

/** Erase a person's enquiries (a partial erasure). */
export async function deleteEnquiriesOf(trx: Db, personId: string): Promise<void> {
  await trx.deleteFrom('enquiries').where('person_id', '=', personId).execute();
}

/** The organisation's clinics, id to name. */
export async function listClinicNames(db: Db, organisationId: string): Promise<Map<string, string>> {
  return new Map((await db.selectFrom('clinics').select(['id', 'name']).where('organisation_id', '=', organisationId).execute()).map((c) => [c.id, c.name]));
}

/** The e-mail of the organisation's (enabled) data-protection officer, if one is appointed. */
export async function findDpoEmail(db: Db, organisationId: string): Promise<string | undefined> {
  return (await db.selectFrom('staff').select('email').where('organisation_id', '=', organisationId).where('org_role', '=', 'dpo').where('disabled_at', 'is', null).executeTakeFirst())?.email;
}
