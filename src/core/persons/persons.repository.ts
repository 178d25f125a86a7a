/** Persons and their wrapped data keys. Every personal field is an envelope. */
import { blindIndex } from '../../crypto/blind-index.js';
import type { Keyring } from '../../crypto/keyring.js';
import type { Domain } from '../../crypto/key-material.js';
import type { Db } from '../../db/database.js';
import type { ContactRecord } from '../door/records.js';
import { normaliseEmail, normalisePhone, normaliseSurnameDob } from './normalise.js';

/** Blind indexes of a person. */
export interface PersonIndexes {
  readonly emailBi: string | null;
  readonly phoneBi: string | null;
  readonly surnameDobBi: string | null;
}

/** The blind indexes of a contact record (what ingest matches on and search finds by). */
export function indexesFor(keyring: Keyring, contact: ContactRecord): PersonIndexes {
  const phone = normalisePhone(contact.phone);
  const surnameDob = normaliseSurnameDob(contact.name, contact.dob);
  return {
    emailBi: blindIndex(keyring.blindIndexKeys, 'email', normaliseEmail(contact.email)),
    phoneBi: phone ? blindIndex(keyring.blindIndexKeys, 'phone', phone) : null,
    surnameDobBi: surnameDob ? blindIndex(keyring.blindIndexKeys, 'surname-dob', surnameDob) : null,
  };
}

/** A stored person (ciphertext only). */
export interface PersonRow {
  readonly id: string;
  readonly contactEnvelope: string;
  readonly emailBi: string | null;
  readonly phoneBi: string | null;
}

/** Persons whose email or phone blind index matches, in one organisation. */
export async function findPersonsByIndexes(db: Db, organisationId: string, emailBis: readonly string[], phoneBis: readonly string[]): Promise<PersonRow[]> {
  // Two lookups, one per blind index, rather than one `email_bi IN … OR phone_bi IN …`:
  // each uses its (organisation_id, column) index, where the OR made both engines scan
  // every person of the organisation (1 s a query at 175k people). Deduplicated by id.
  const byId = new Map<string, PersonRow>();
  for (const [column, values] of [['email_bi', emailBis], ['phone_bi', phoneBis]] as const) {
    if (values.length === 0) continue;
    const rows = await db.selectFrom('persons').select(['id', 'contact_envelope', 'email_bi', 'phone_bi']).where('organisation_id', '=', organisationId).where(column, 'in', values).execute();
    for (const row of rows) byId.set(row.id, { id: row.id, contactEnvelope: row.contact_envelope, emailBi: row.email_bi, phoneBi: row.phone_bi });
  }
  return [...byId.values()];
}

/** Persons with a given blind index value (exact-match search). */
export async function findPersonIdsByIndex(db: Db, organisationId: string, column: 'email_bi' | 'phone_bi' | 'surname_dob_bi', value: string): Promise<string[]> {
  const rows = await db.selectFrom('persons').select('id').where('organisation_id', '=', organisationId).where(column, '=', value).execute();
  return rows.map((row) => row.id);
}

/** Replace a person's contact envelope and indexes. */
export async function updatePersonContact(db: Db, personId: string, contactEnvelope: string, indexes: PersonIndexes, at: string): Promise<void> {
  await db
    .updateTable('persons')
    .set({ contact_envelope: contactEnvelope, email_bi: indexes.emailBi, phone_bi: indexes.phoneBi, surname_dob_bi: indexes.surnameDobBi, updated_at: at })
    .where('id', '=', personId)
    .execute();
}

/** Add a wrapped key for a domain the person did not have yet. */
export async function insertPersonKey(db: Db, personId: string, key: { domain: Domain; wrappingKeyId: string; wrapped: string }, at: string): Promise<void> {
  await db.insertInto('person_keys').values({ person_id: personId, domain: key.domain, wrapping_key_id: key.wrappingKeyId, wrapped_dek: key.wrapped, created_at: at }).execute();
}

/** A person's wrapped DEKs by domain. */
export async function findPersonKeys(db: Db, personIds: readonly string[]): Promise<Map<string, Map<string, string>>> {
  const result = new Map<string, Map<string, string>>();
  if (personIds.length === 0) return result;
  const rows = await db.selectFrom('person_keys').select(['person_id', 'domain', 'wrapped_dek']).where('person_id', 'in', personIds).execute();
  for (const row of rows) {
    const byDomain = result.get(row.person_id) ?? new Map<string, string>();
    byDomain.set(row.domain, row.wrapped_dek);
    result.set(row.person_id, byDomain);
  }
  return result;
}

/** The person's wrapped DEKs for these domains (those the person has). */
export async function findWrappedKeys(db: Db, personId: string, domains: readonly Domain[]): Promise<{ domain: string; wrapped_dek: string }[]> {
  return db.selectFrom('person_keys').select(['domain', 'wrapped_dek']).where('person_id', '=', personId).where('domain', 'in', [...domains]).execute();
}

/** The person's wrapped DEK for one domain, if created. */
export async function findWrappedKey(db: Db, personId: string, domain: Domain): Promise<string | undefined> {
  const row = await db.selectFrom('person_keys').select('wrapped_dek').where('person_id', '=', personId).where('domain', '=', domain).executeTakeFirst();
  return row?.wrapped_dek;
}

/** Store a new wrapped key unless the person already has one for the domain (a concurrent first write may have won). */
export async function insertPersonKeyIfAbsent(db: Db, personId: string, key: { domain: Domain; wrappingKeyId: string; wrapped: string }, at: string): Promise<void> {
  await db
    .insertInto('person_keys')
    .values({ person_id: personId, domain: key.domain, wrapping_key_id: key.wrappingKeyId, wrapped_dek: key.wrapped, created_at: at })
    .onConflict((oc) => oc.columns(['person_id', 'domain']).doNothing())
    .execute();
}

/** A person's sealed contact record (the person must exist). */
export async function findContactEnvelope(db: Db, personId: string): Promise<string> {
  const row = await db.selectFrom('persons').select('contact_envelope').where('id', '=', personId).executeTakeFirstOrThrow();
  return row.contact_envelope;
}

/** A person's organisation and restricted flag (no personal data). */
export async function findPersonFlags(db: Db, personId: string): Promise<{ id: string; organisation_id: string; is_restricted: number } | undefined> {
  return db.selectFrom('persons').select(['id', 'organisation_id', 'is_restricted']).where('id', '=', personId).executeTakeFirst();
}
