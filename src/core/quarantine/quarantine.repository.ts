/**
 * The quarantine's queries: the "needs attention" list (metadata only, a
 * keyset walk per clinic slug), one row for opening, its removal, and the
 * clinics it may belong to. Nothing here decrypts.
 */
import type { Selectable } from 'kysely';
import type { Db } from '../../db/database.js';
import { type Keyset, mergeNewestFirst } from '../../db/keyset.js';
import type { InboxQuarantineTable } from '../../db/tables.js';

/** A quarantined envelope as stored. */
export type QuarantineRow = Selectable<InboxQuarantineTable>;

/** A list row: what the envelope's plaintext frame says (no ciphertext). */
export interface QuarantineListRow {
  readonly id: string;
  readonly clinic_slug: string;
  readonly key_id: string;
  readonly received_at: string;
  readonly quarantined_at: string;
  readonly reason: string;
  readonly source: string;
}

const LIST_COLUMNS = ['id', 'clinic_slug', 'key_id', 'received_at', 'quarantined_at', 'reason', 'source'] as const;

/** Where the list reads: these clinic slugs, and (when `unattributed`) the rows whose slug names no clinic. */
export interface QuarantineScope {
  readonly slugs: readonly string[];
  readonly unattributed: boolean;
}

/** One page, newest first (by received time, then id); each slug is one indexed range read. */
export async function listQuarantinePage(db: Db, scope: QuarantineScope, page: { readonly after?: Keyset; readonly limit: number }): Promise<{ rows: QuarantineListRow[]; next: string | null }> {
  const after = page.after;
  const reads = scope.slugs.map((slug) => {
    let query = db.selectFrom('inbox_quarantine').select(LIST_COLUMNS).where('clinic_slug', '=', slug).orderBy('received_at', 'desc').orderBy('id', 'desc').limit(page.limit);
    if (after) query = query.where((eb) => eb(eb.refTuple('received_at', 'id'), '<', eb.tuple(after.at, after.id)));
    return query.execute();
  });
  if (scope.unattributed) {
    // Rows for a slug no clinic has: few by nature (a clinic taken out of the publication, a bad embed).
    let query = db
      .selectFrom('inbox_quarantine')
      .select(LIST_COLUMNS)
      .where('clinic_slug', 'not in', db.selectFrom('clinics').select('slug'))
      .orderBy('received_at', 'desc')
      .orderBy('id', 'desc')
      .limit(page.limit);
    if (after) query = query.where((eb) => eb(eb.refTuple('received_at', 'id'), '<', eb.tuple(after.at, after.id)));
    reads.push(query.execute());
  }
  return mergeNewestFirst(await Promise.all(reads), page.limit, (row) => ({ at: row.received_at, id: row.id }));
}

/** How many rows the scope holds (the menu's badge). */
export async function countQuarantine(db: Db, scope: QuarantineScope): Promise<number> {
  let total = 0;
  if (scope.slugs.length > 0) total += Number((await db.selectFrom('inbox_quarantine').select((eb) => eb.fn.countAll<number>().as('n')).where('clinic_slug', 'in', scope.slugs).executeTakeFirstOrThrow()).n);
  if (scope.unattributed) {
    total += Number((await db.selectFrom('inbox_quarantine').select((eb) => eb.fn.countAll<number>().as('n')).where('clinic_slug', 'not in', db.selectFrom('clinics').select('slug')).executeTakeFirstOrThrow()).n);
  }
  return total;
}

/** One quarantined envelope, whole. */
export async function findQuarantined(db: Db, id: string): Promise<QuarantineRow | undefined> {
  return db.selectFrom('inbox_quarantine').selectAll().where('id', '=', id).executeTakeFirst();
}

/** Remove a quarantined envelope; how many rows went (0: someone else got there first). */
export async function deleteQuarantined(trx: Db, id: string): Promise<number> {
  return Number((await trx.deleteFrom('inbox_quarantine').where('id', '=', id).executeTakeFirst()).numDeletedRows);
}

/** Keep a discarded envelope's id in the shred log, so a restore of an older backup deletes it again. */
export async function logDiscard(trx: Db, id: string, reason: string, at: string): Promise<void> {
  await trx.insertInto('shred_log').values({ person_id: id, shredded_at: at, reason }).onConflict((oc) => oc.column('person_id').doNothing()).execute();
}

/** A clinic by slug or id: its id, slug, name and organisation. */
export interface ClinicRef {
  readonly id: string;
  readonly slug: string;
  readonly name: string;
  readonly organisation_id: string;
}

/** Every clinic (an installation has tens, not thousands). */
export async function listClinicRefs(db: Db): Promise<ClinicRef[]> {
  return db.selectFrom('clinics').select(['id', 'slug', 'name', 'organisation_id']).execute();
}

/** How many organisations the installation runs. */
export async function countOrganisations(db: Db): Promise<number> {
  return Number((await db.selectFrom('organisations').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow()).n);
}
