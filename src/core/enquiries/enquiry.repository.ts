/** Enquiries as stored: pipeline metadata in the clear, contact and body as envelopes. */
import type { StaffActor } from '../../auth/actor.js';
import type { Db } from '../../db/database.js';
import { type Keyset, mergeNewestFirst } from '../../db/keyset.js';
import { visiblePersons } from '../door/visibility.repository.js';
import { findClinicLabels, labelOf } from '../org/org.repository.js';

/** Where an enquiry belongs and how its person is flagged (no personal data). */
export async function findEnquiryLocation(db: Db, enquiryId: string) {
  return db
    .selectFrom('enquiries')
    .innerJoin('persons', 'persons.id', 'enquiries.person_id')
    .select(['enquiries.id', 'enquiries.clinic_id', 'enquiries.person_id', 'persons.organisation_id', 'persons.is_restricted'])
    .where('enquiries.id', '=', enquiryId)
    .executeTakeFirst();
}

/**
 * A page of list rows in these clinics, newest first, of the persons `actor`
 * may know exist: per clinic, one keyset range read of
 * enquiries_clinic_list_idx (or enquiries_clinic_status_list_idx with a
 * status), each row's person by primary key; merged in keyset.ts.
 */
export async function listEnquiryRows(db: Db, actor: StaffActor, clinicIds: readonly string[], filter: { readonly status?: string; readonly reference?: string; readonly after?: Keyset; readonly limit: number }) {
  const [labels, ...pages] = await Promise.all([
    findClinicLabels(db, clinicIds),
    ...clinicIds.map((clinicId) => {
      // No join to clinics: the clinic is fixed per query, and a join let SQLite's planner drive from clinics and sort.
      let query = db
        .selectFrom('enquiries')
        .innerJoin('persons', 'persons.id', 'enquiries.person_id')
        .select(['enquiries.id', 'enquiries.clinic_id', 'enquiries.status', 'enquiries.source', 'enquiries.received_at', 'enquiries.reference', 'enquiries.channel', 'enquiries.assigned_to'])
        .where('enquiries.clinic_id', '=', clinicId)
        // SECURITY: restricted persons do not exist for anyone not on their list (not even as a list row).
        .where(visiblePersons(actor))
        .orderBy('enquiries.received_at', 'desc')
        .orderBy('enquiries.id', 'desc')
        .limit(filter.limit);
      if (filter.status) query = query.where('enquiries.status', '=', filter.status);
      if (filter.reference) query = query.where('enquiries.reference', '=', filter.reference);
      const after = filter.after;
      if (after) query = query.where((eb) => eb(eb.refTuple('enquiries.received_at', 'enquiries.id'), '<', eb.tuple(after.at, after.id)));
      return query.execute();
    }),
  ]);
  const page = mergeNewestFirst(pages, filter.limit, (row) => ({ at: row.received_at, id: row.id }));
  return { rows: page.rows.map((row) => ({ ...row, ...labelOf(labels, row.clinic_id) })), next: page.next };
}

/** One enquiry with its clinic and its person's sealed contact record, for opening. */
export async function findEnquiryForRead(db: Db, enquiryId: string) {
  return db
    .selectFrom('enquiries')
    .innerJoin('clinics', 'clinics.id', 'enquiries.clinic_id')
    .innerJoin('persons', 'persons.id', 'enquiries.person_id')
    .select([
      'enquiries.id',
      'enquiries.person_id',
      'enquiries.clinic_id',
      'enquiries.status',
      'enquiries.source',
      'enquiries.received_at',
      'enquiries.body_envelope',
      'enquiries.reference',
      'enquiries.channel',
      'enquiries.assigned_to',
      'enquiries.first_response_at',
      'enquiries.sla_due_at',
      'enquiries.lost_reason',
      'clinics.slug',
      'clinics.name',
      'persons.contact_envelope',
      'persons.organisation_id',
      'persons.is_restricted',
    ])
    .where('enquiries.id', '=', enquiryId)
    .executeTakeFirst();
}

/** Move an enquiry along the pipeline. */
export async function markEnquiryStatus(db: Db, enquiryId: string, status: string): Promise<void> {
  await db.updateTable('enquiries').set({ status }).where('id', '=', enquiryId).execute();
}
