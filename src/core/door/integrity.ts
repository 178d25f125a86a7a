/**
 * After a restore: prove that every person's keys and contact record open,
 * and that every photo blob is present, matches the backup manifest and
 * decrypts. A system check inside the door (the only code that opens person
 * records); it returns counts, never what it opened.
 */
import { sha256Hasher } from '../../crypto/digest.js';
import { type Domain, type Keyring, openPersonKey, openPersonRecord, personFileKey } from '../../crypto/keyring.js';
import type { Db } from '../../db/database.js';
import { type BlobStore, getDecrypted } from '../../storage/blob-store.js';
import { RECORD } from './records.js';

export class IntegrityError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'IntegrityError';
  }
}

export async function verifyRestoredRecords(deps: { db: Db; blobs: BlobStore; keyring: Keyring }, manifest: readonly { key: string; sha256: string }[]): Promise<{ persons: number; photos: number }> {
  const { db, keyring } = deps;
  const persons = await db.selectFrom('persons').select(['id', 'contact_envelope']).execute();
  const keys = await db.selectFrom('person_keys').select(['person_id', 'domain', 'wrapped_dek']).execute();
  const byPerson = new Map<string, { domain: string; wrapped: string }[]>();
  for (const k of keys) byPerson.set(k.person_id, [...(byPerson.get(k.person_id) ?? []), { domain: k.domain, wrapped: k.wrapped_dek }]);
  for (const person of persons) {
    const mine = byPerson.get(person.id) ?? [];
    for (const k of mine) openPersonKey(keyring, person.id, k.domain as Domain, k.wrapped);
    const contact = mine.find((k) => k.domain === 'contact');
    if (!contact) throw new IntegrityError('a restored person has no contact key');
    openPersonRecord(openPersonKey(keyring, person.id, 'contact', contact.wrapped), RECORD.contact, person.id, person.contact_envelope);
  }
  const hashes = new Map(manifest.map((m) => [m.key, m.sha256]));
  const photos = await db.selectFrom('photos').innerJoin('patients', 'patients.id', 'photos.patient_id').select(['photos.id', 'photos.blob_key', 'patients.person_id']).execute();
  for (const photo of photos) {
    const photoKey = byPerson.get(photo.person_id)?.find((k) => k.domain === 'photo');
    if (!photoKey) throw new IntegrityError('a restored photo has no key');
    const fileKey = personFileKey(openPersonKey(keyring, photo.person_id, 'photo', photoKey.wrapped), photo.id);
    for (const variant of ['image', 'thumb']) {
      const key = `${photo.blob_key}/${variant}`;
      const hasher = sha256Hasher();
      for await (const chunk of await deps.blobs.get(key)) hasher.update(chunk as Buffer);
      if (hashes.get(key) !== hasher.hex()) throw new IntegrityError('a photo in the blob store differs from the backup manifest');
      for await (const chunk of await getDecrypted(deps.blobs, key, fileKey)) void chunk;
    }
  }
  return { persons: persons.length, photos: photos.length };
}
