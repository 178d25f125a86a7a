/** Enquiries as stored: pipeline metadata in the clear, contact and body as envelopes. */
import type { StaffActor } from '../../auth/actor.js';
import type { Db } from '../../db/database.js';
import { visiblePersons } from '../door/visibility.repository.js';

/** Where an enquiry belongs and how its person is flagged (no personal data). */
export async function findEnquiryLocation(db: Db, enquiryId: string) {
  return db
    .selectFrom('enquiries')
    .innerJoin('persons', 'persons.id', 'enquiries.person_id')
    .select(['enquiries.id', 'enquiries.clinic_id', 'enquiries.person_id', 'persons.organisation_id', 'persons.is_restricted'])
    .where('enquiries.id', '=', enquiryId)
    .executeTakeFirst();
}

/** A page of list rows in these clinics, newest first, of the persons `actor` may know exist. */
export async function listEnquiryRows(db: Db, actor: StaffActor, clinicIds: readonly string[], filter: { readonly status?: string; readonly before?: string; readonly limit: number }) {
  let query = db
    .selectFrom('enquiries')
    .innerJoin('clinics', 'clinics.id', 'enquiries.clinic_id')
    .innerJoin('persons', 'persons.id', 'enquiries.person_id')
    .select(['enquiries.id', 'enquiries.status', 'enquiries.source', 'enquiries.received_at', 'clinics.slug', 'clinics.name'])
    .where('enquiries.clinic_id', 'in', [...clinicIds])
    // SECURITY: restricted persons do not exist for anyone not on their list (not even as a list row).
    .where(visiblePersons(actor))
    .orderBy('enquiries.received_at', 'desc')
    .orderBy('enquiries.id', 'desc')
    .limit(filter.limit);
  if (filter.status) query = query.where('enquiries.status', '=', filter.status);
  if (filter.before) query = query.where('enquiries.received_at', '<', filter.before);
  return query.execute();
}

/** One enquiry with its clinic and its person's sealed contact record, for opening. */
export async function findEnquiryForRead(db: Db, enquiryId: string) {
  return db
    .selectFrom('enquiries')
    .innerJoin('clinics', 'clinics.id', 'enquiries.clinic_id')
    .innerJoin('persons', 'persons.id', 'enquiries.person_id')
    .select(['enquiries.id', 'enquiries.person_id', 'enquiries.clinic_id', 'enquiries.status', 'enquiries.source', 'enquiries.received_at', 'enquiries.body_envelope', 'clinics.slug', 'clinics.name', 'persons.contact_envelope', 'persons.organisation_id', 'persons.is_restricted'])
    .where('enquiries.id', '=', enquiryId)
    .executeTakeFirst();
}

/** Move an enquiry along the pipeline. */
export async function markEnquiryStatus(db: Db, enquiryId: string, status: string): Promise<void> {
  await db.updateTable('enquiries').set({ status }).where('id', '=', enquiryId).execute();
}
