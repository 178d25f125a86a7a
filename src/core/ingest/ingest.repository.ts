/** What ingest reads and writes: the inbox (read, then emptied), the clinics it names, and one batch's persons, keys, enquiries and quarantined rows. */
import type { Insertable } from 'kysely';
import type { Db } from '../../db/database.js';
import type { EnquiriesTable, EnquiryEventsTable, InboxQuarantineTable, InboxRow, PersonKeysTable, PersonsTable } from '../../db/tables.js';

/** The rows one ingest batch stores, in one transaction. */
export interface BatchWrites {
  readonly persons: Insertable<PersonsTable>[];
  readonly personKeys: Insertable<PersonKeysTable>[];
  readonly enquiries: Insertable<EnquiriesTable>[];
  readonly quarantine: Insertable<InboxQuarantineTable>[];
  /** Routing: who each new enquiry was given to. */
  readonly events: Insertable<EnquiryEventsTable>[];
}

function* chunks<T>(items: readonly T[], size = 200): Generator<T[]> {
  for (let i = 0; i < items.length; i += size) yield items.slice(i, i + size);
}

/** The oldest `limit` sealed enquiries in the inbox (by arrival, then id). */
export async function listInboxBatch(db: Db, limit: number): Promise<InboxRow[]> {
  return db.selectFrom('enquiry_inbox').selectAll().orderBy('received_at').orderBy('id').limit(limit).execute();
}

/** Every clinic by its slug (as the inbox names them), with its id and organisation. */
export async function clinicsBySlug(db: Db): Promise<Map<string, { id: string; slug: string; organisation_id: string }>> {
  return new Map((await db.selectFrom('clinics').select(['id', 'slug', 'organisation_id']).execute()).map((c) => [c.slug, c]));
}

/** Which of `submissionHashes` are already stored as enquiries. */
export async function findStoredSubmissions(trx: Db, submissionHashes: readonly string[]): Promise<string[]> {
  if (submissionHashes.length === 0) return [];
  return (await trx.selectFrom('enquiries').select('submission_hash').where('submission_hash', 'in', submissionHashes).execute()).map((r) => r.submission_hash);
}

/** Store one batch: new persons, then their keys, then the enquiries, then the quarantined rows (a row already in quarantine stays as it is). In chunks of 200. */
export async function insertBatch(trx: Db, writes: BatchWrites): Promise<void> {
  for (const chunk of chunks(writes.persons)) await trx.insertInto('persons').values(chunk).execute();
  for (const chunk of chunks(writes.personKeys)) await trx.insertInto('person_keys').values(chunk).execute();
  for (const chunk of chunks(writes.enquiries)) await trx.insertInto('enquiries').values(chunk).execute();
  for (const chunk of chunks(writes.events)) await trx.insertInto('enquiry_events').values(chunk).execute();
  for (const chunk of chunks(writes.quarantine)) await trx.insertInto('inbox_quarantine').values(chunk).onConflict((oc) => oc.column('id').doNothing()).execute();
}

/** Remove the inbox rows `ids` (500 at a time). */
export async function deleteInboxRows(db: Db, ids: readonly string[]): Promise<void> {
  for (const chunk of chunks(ids, 500)) await db.deleteFrom('enquiry_inbox').where('id', 'in', chunk).execute();
}
