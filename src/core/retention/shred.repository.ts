/**
 * Crypto-shredding, shared by retention and erasure: delete the person's
 * wrapped data keys first (from that statement on nothing of theirs can be
 * decrypted, not even with the vault key), then their ciphertext rows; the
 * photo blobs go after the commit (only undecryptable bytes remain if a
 * crash comes between).
 */
import type { Db } from '../../db/database.js';
import type { BlobStore } from '../../storage/blob-store.js';

/** Crypto-shred these persons: keys first, then ciphertext rows; returns the photo blobs to delete after commit. */
export async function shredPersons(trx: Db, personIds: readonly string[], log: { reason: string; at: string }): Promise<string[]> {
  // 1. The wrapped data keys: after this statement nothing of theirs can be decrypted, even with the vault key.
  await trx.deleteFrom('person_keys').where('person_id', 'in', personIds).execute();
  const patients = (await trx.selectFrom('patients').select('id').where('person_id', 'in', personIds).execute()).map((p) => p.id);
  const blobs: string[] = [];
  if (patients.length > 0) {
    blobs.push(...(await trx.selectFrom('photos').select('blob_key').where('patient_id', 'in', patients).execute()).map((p) => p.blob_key));
    const invoices = (await trx.selectFrom('invoices').select('id').where('patient_id', 'in', patients).execute()).map((i) => i.id);
    if (invoices.length > 0) await trx.deleteFrom('payments').where('invoice_id', 'in', invoices).execute();
    for (const table of ['invoices', 'clinical_notes', 'procedures', 'consents', 'photo_consents', 'consent_links', 'appointments', 'photos'] as const) await trx.deleteFrom(table).where('patient_id', 'in', patients).execute();
    await trx.deleteFrom('patients').where('id', 'in', patients).execute();
  }
  await trx.deleteFrom('enquiries').where('person_id', 'in', personIds).execute();
  for (const table of ['restricted_access', 'care_relationships', 'break_glass_grants', 'read_approvals', 'acknowledgement_days'] as const) await trx.deleteFrom(table).where('person_id', 'in', personIds).execute();
  await trx.deleteFrom('persons').where('id', 'in', personIds).execute();
  // 2. The shred log (ids only): restoring an older backup replays it, so a shredded person stays shredded.
  for (let i = 0; i < personIds.length; i += 500) {
    await trx.insertInto('shred_log').values(personIds.slice(i, i + 500).map((id) => ({ person_id: id, shredded_at: log.at, reason: log.reason }))).onConflict((oc) => oc.column('person_id').doNothing()).execute();
  }
  return blobs;
}

/** Delete shredded photos' blobs (image and thumbnail), after the shredding transaction committed. */
export async function deletePhotoBlobs(blobs: BlobStore, blobKeys: readonly string[]): Promise<void> {
  for (const key of blobKeys) await Promise.all([blobs.delete(`${key}/image`), blobs.delete(`${key}/thumb`)]);
}
