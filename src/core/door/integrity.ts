/**
 * After a restore: prove that every person's keys and contact record open,
 * and that every photo blob is present, matches the backup manifest and
 * decrypts. A system check through the gate's system entrance (each page's
 * keys recorded in the restored audit log before any of them opens), a page
 * of persons at a time so memory stays bounded; it returns counts, never
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
import { countPhotos, listContactsAfter, listPersonKeysOf, listPhotoBlobsOf } from './system-reads.repository.js';

export class IntegrityError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'IntegrityError';
  }
}

/** Persons verified (and admitted, in one audit record set) at a time: bounds memory whatever the installation's size. */
export const VERIFY_PAGE = 500;

/**
 * Verify every restored person and photo, `VERIFY_PAGE` persons at a time:
 * each page's keys are recorded through the system entrance, then unwrapped,
 * its contact records opened and its photos hashed against the backup's
 * signed manifest (`manifestOf` looks up a page's blob keys) and decrypted.
 * Throws IntegrityError (or the opening error) at the first that fails.
 */
export async function verifyRestoredRecords(deps: { db: Db; dialect: Dialect; blobs: BlobStore; keyring: Keyring }, manifestOf: (blobKeys: readonly string[]) => Promise<ReadonlyMap<string, string>>): Promise<{ persons: number; photos: number }> {
  const { db } = deps;
  // The check's own record goes into the restored chain (verified right after).
  const audit = createAuditLog({ dialect: deps.dialect, clock: systemClock, db });
  let persons = 0;
  let photos = 0;
  let after: string | undefined;
  for (;;) {
    const page = await listContactsAfter(db, after, VERIFY_PAGE);
    if (page.length === 0) break;
    const ids = page.map((person) => person.id);
    const keys = await listPersonKeysOf(db, ids);
    const byPerson = new Map<string, { domain: string; wrapped: string }[]>();
    for (const k of keys) byPerson.set(k.person_id, [...(byPerson.get(k.person_id) ?? []), { domain: k.domain, wrapped: k.wrapped_dek }]);
    // Every key is unwrapped (and so recorded, with its domain, before it opens), each contact record and each photo decrypted.
    const admission = await admitSystem({ db, audit }, deps.keyring, { actor: 'system:restore' }, { action: 'restore.verify', purpose: 'restore-verification', keys: keys.map((k) => ({ personId: k.person_id, domain: k.domain as Domain, wrapped: k.wrapped_dek })) });
    for (const person of page) {
      const mine = byPerson.get(person.id) ?? [];
      for (const k of mine) admission.personKey(person.id, k.domain as Domain);
      if (!mine.some((k) => k.domain === 'contact')) throw new IntegrityError('a restored person has no contact key');
      admission.open(person.id, 'contact', RECORD.contact, person.id, person.contact_envelope);
    }
    const pagePhotos = await listPhotoBlobsOf(db, ids);
    const manifest = await manifestOf(pagePhotos.flatMap((photo) => [`${photo.blob_key}/image`, `${photo.blob_key}/thumb`]));
    for (const photo of pagePhotos) {
      if (!byPerson.get(photo.person_id)?.some((k) => k.domain === 'photo')) throw new IntegrityError('a restored photo has no key');
      const fileKey = admission.fileKey(photo.person_id, 'photo', photo.id);
      for (const variant of ['image', 'thumb']) {
        const key = `${photo.blob_key}/${variant}`;
        const hasher = sha256Hasher();
        for await (const chunk of await deps.blobs.get(key)) hasher.update(chunk as Buffer);
        if (manifest.get(key) !== hasher.hex()) throw new IntegrityError('a photo in the blob store differs from the backup manifest');
        for await (const chunk of await getDecrypted(deps.blobs, key, fileKey)) void chunk;
      }
      photos += 1;
    }
    persons += page.length;
    after = page.at(-1)?.id;
    if (page.length < VERIFY_PAGE) break;
  }
  // Photos are reached through their persons; one reached by none would have gone unverified.
  if (photos !== (await countPhotos(db))) throw new IntegrityError('a restored photo belongs to no restored person');
  return { persons, photos };
}
