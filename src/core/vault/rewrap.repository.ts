/** What the re-wrap job reads and moves: person keys by wrapping key version, and what an old intake key still has to open. */
import type { Db } from '../../db/database.js';

/** How many person keys of `domain` there are. */
export async function countPersonKeys(db: Db, domain: string): Promise<number> {
  const row = await db.selectFrom('person_keys').select((eb) => eb.fn.countAll<number>().as('n')).where('domain', '=', domain).executeTakeFirst();
  return Number(row?.n ?? 0);
}

/**
 * The other versions of `domain`'s key (key_material holds a handful of rows):
 * person keys are then sought by equality on person_keys_domain_version_idx.
 * A `<>` on the version is a range neither planner trusts under a LIMIT
 * (PostgreSQL chose to read every person key to find none).
 */
async function otherVersions(db: Db, domain: string, activeId: string): Promise<string[]> {
  return (await db.selectFrom('key_material').select('id').where('kind', '=', 'domain').where('domain', '=', domain).where('id', '<>', activeId).execute()).map((k) => k.id);
}

/** How many person keys of `domain` are wrapped by a version other than `activeId`. */
export async function countPersonKeysToRewrap(db: Db, domain: string, activeId: string): Promise<number> {
  const others = await otherVersions(db, domain, activeId);
  if (others.length === 0) return 0;
  const row = await db.selectFrom('person_keys').select((eb) => eb.fn.countAll<number>().as('n')).where('domain', '=', domain).where('wrapping_key_id', 'in', others).executeTakeFirst();
  return Number(row?.n ?? 0);
}

/** Up to `limit` person keys of `domain` wrapped by a version other than `activeId`. */
export async function listPersonKeysToRewrap(db: Db, domain: string, activeId: string, limit: number): Promise<{ person_id: string; wrapped_dek: string }[]> {
  const others = await otherVersions(db, domain, activeId);
  if (others.length === 0) return [];
  // In the index's order: SQLite's statistics say each (domain, version) holds half the keys, so under a bare LIMIT it would scan.
  return db.selectFrom('person_keys').select(['person_id', 'wrapped_dek']).where('domain', '=', domain).where('wrapping_key_id', 'in', others).orderBy('domain').orderBy('wrapping_key_id').limit(limit).execute();
}

/** Replace a person key's wrapping, only if it is still `previous` (a concurrent writer wins). */
export async function replacePersonKeyIfUnchanged(trx: Db, key: { personId: string; domain: string; previous: string; wrapped: string; wrappingKeyId: string }): Promise<void> {
  await trx.updateTable('person_keys').set({ wrapped_dek: key.wrapped, wrapping_key_id: key.wrappingKeyId }).where('person_id', '=', key.personId).where('domain', '=', key.domain).where('wrapped_dek', '=', key.previous).execute();
}

/** Is anything still sealed to intake key `keyId`, in the inbox or held in quarantine? */
export async function isIntakeKeyStillNeeded(db: Db, keyId: string): Promise<boolean> {
  const waiting = await db.selectFrom('enquiry_inbox').select('id').where('key_id', '=', keyId).executeTakeFirst();
  const held = await db.selectFrom('inbox_quarantine').select('id').where('key_id', '=', keyId).executeTakeFirst();
  return Boolean(waiting || held);
}
