/**
 * After a restore: prove that every person's keys and contact record open,
 * and that every photo blob is present, matches the backup manifest and
 * decrypts. A system check through the gate's system entrance (recorded in
 * the restored audit log before any key opens); it returns counts, never
 * what it opened.
 */
import { sha256Hasher } from '../../crypto/digest.js';
import { createAuditLog } from '../../audit/audit-log.js';
import type { Keyring } from '../../crypto/keyring.js';
import type { Domain } from '../../crypto/key-material.js';
import type { Db, Dialect } from '../../db/database.js';
import { systemClock } from '../../platform/clock.js';
import { type BlobStore, getDecrypted } from '../../storage/blob-store.js';
import { admitSystem } from './system-admission.js';
import { RECORD } from './records.js';
import { listAllContacts, listAllPersonKeys, listAllPhotoBlobs } from './system-reads.repository.js';

export class IntegrityError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'IntegrityError';
  }
}

export async function verifyRestoredRecords(deps: { db: Db; dialect: Dialect; blobs: BlobStore; keyring: Keyring }, manifest: readonly { key: string; sha256: string }[]): Promise<{ persons: number; photos: number }> {
  const { db } = deps;
  // The check's own record goes into the restored chain (verified right after).
  const audit = createAuditLog({ dialect: deps.dialect, clock: systemClock, db });
  const persons = await listAllContacts(db);
  const keys = await listAllPersonKeys(db);
  const byPerson = new Map<string, { domain: string; wrapped: string }[]>();
  for (const k of keys) byPerson.set(k.person_id, [...(byPerson.get(k.person_id) ?? []), { domain: k.domain, wrapped: k.wrapped_dek }]);
  const photos = await listAllPhotoBlobs(db);
  // Every key is unwrapped (and so recorded, with its domain, before it opens), each contact record and each photo decrypted.
  const admission = await admitSystem({ db, audit }, deps.keyring, { actor: 'system:restore' }, { action: 'restore.verify', purpose: 'restore-verification', keys: keys.map((k) => ({ personId: k.person_id, domain: k.domain as Domain, wrapped: k.wrapped_dek })) });
  for (const person of persons) {
    const mine = byPerson.get(person.id) ?? [];
    for (const k of mine) admission.personKey(person.id, k.domain as Domain);
    if (!mine.some((k) => k.domain === 'contact')) throw new IntegrityError('a restored person has no contact key');
    admission.open(person.id, 'contact', RECORD.contact, person.id, person.contact_envelope);
  }
  const hashes = new Map(manifest.map((m) => [m.key, m.sha256]));
  for (const photo of photos) {
    if (!byPerson.get(photo.person_id)?.some((k) => k.domain === 'photo')) throw new IntegrityError('a restored photo has no key');
    const fileKey = admission.fileKey(photo.person_id, 'photo', photo.id);
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
