/**
 * Indexes for the seed's scale (480,000 people): every staff list is a
 * keyset walk of one clinic's index in the list's own order, so a page costs
 * its own rows whatever the table holds (ADR 0018).
 *  - enquiries and patients by (clinic, time, id): the list order with its
 *    tie-break, so a page never sorts and a cursor never skips a tie;
 *  - enquiries by (clinic, status, time, id): the status filter;
 *  - appointments by (patient, start): a row's next appointment is one seek;
 *  - patients by created_at and persons by updated_at: the name index's
 *    watermark refresh reads only what changed;
 *  - person keys by (domain, wrapping key version): the re-wrap job's
 *    minute-by-minute "anything left under an old version?" is two index
 *    ranges, not a read of every person key (a second's stall of the only
 *    thread at 480,000 people on SQLite).
 * The older two-column indexes are prefixes of the new ones, so they go.
 */
import type { Kysely } from 'kysely';

export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema.createIndex('enquiries_clinic_list_idx').on('enquiries').columns(['clinic_id', 'received_at', 'id']).execute();
  await db.schema.createIndex('enquiries_clinic_status_list_idx').on('enquiries').columns(['clinic_id', 'status', 'received_at', 'id']).execute();
  await db.schema.dropIndex('enquiries_clinic_received_idx').execute();
  await db.schema.createIndex('patients_clinic_list_idx').on('patients').columns(['clinic_id', 'created_at', 'id']).execute();
  await db.schema.dropIndex('patients_clinic_idx').execute();
  await db.schema.createIndex('patients_created_idx').on('patients').column('created_at').execute();
  await db.schema.createIndex('persons_updated_idx').on('persons').column('updated_at').execute();
  await db.schema.createIndex('appointments_patient_start_idx').on('appointments').columns(['patient_id', 'starts_at']).execute();
  await db.schema.dropIndex('appointments_patient_idx').execute();
  await db.schema.createIndex('person_keys_domain_version_idx').on('person_keys').columns(['domain', 'wrapping_key_id']).execute();
}
