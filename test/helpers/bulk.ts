/**
 * Bulk-generated people for scale tests and benchmarks: persons with two
 * person keys (contact, enquiry) and one enquiry each, written in SQL.
 * Ciphertext columns hold placeholders: what is measured (retention, scope)
 * works on ids, key rows and timestamps, never on plaintext.
 */
import { type Insertable, sql } from 'kysely';
import { RECORD } from '../../src/core/door/records.js';
import { createPersonKey, type Keyring, sealPersonRecord } from '../../src/crypto/keyring.js';
import type { Db, Dialect } from '../../src/db/database.js';
import type { Database } from '../../src/db/tables.js';

/** Ids look like UUIDs with a numeric tail: `<prefix>-0000-4000-8000-<12 digits>`. */
export async function generatePeople(db: Db, dialect: Dialect, options: { readonly prefix: string; readonly count: number; readonly organisationId: string; readonly clinicId: string; readonly receivedAt: string }): Promise<void> {
  const pid = (x: string) => (dialect === 'postgres' ? sql`${options.prefix + '-0000-4000-8000-'} || lpad((${sql.raw(x)})::text, 12, '0')` : sql`${options.prefix + '-0000-4000-8000-'} || printf('%012d', ${sql.raw(x)})`);
  const series = (from: number, to: number) => (dialect === 'postgres' ? sql`SELECT g AS x FROM generate_series(${sql.lit(from)}::bigint, ${sql.lit(to)}::bigint) g` : sql`WITH RECURSIVE c(x) AS (SELECT ${sql.lit(from)} UNION ALL SELECT x + 1 FROM c WHERE x < ${sql.lit(to)}) SELECT x FROM c`);
  for (let from = 0; from < options.count; from += 250_000) {
    const to = Math.min(options.count, from + 250_000) - 1;
    await sql`INSERT INTO persons (id, organisation_id, created_at, updated_at, contact_envelope, email_bi, phone_bi, surname_dob_bi, is_restricted) SELECT ${pid('x')}, ${options.organisationId}, ${options.receivedAt}, ${options.receivedAt}, 'sealed', NULL, NULL, NULL, 0 FROM (${series(from, to)}) s`.execute(db);
    for (const domain of ['contact', 'enquiry']) {
      await sql`INSERT INTO person_keys (person_id, domain, wrapping_key_id, wrapped_dek, created_at) SELECT ${pid('x')}, ${domain}, ${`${domain}.v1`}, 'wrapped', ${options.receivedAt} FROM (${series(from, to)}) s`.execute(db);
    }
    await sql`INSERT INTO enquiries (id, person_id, clinic_id, status, source, received_at, created_at, submission_hash, body_envelope) SELECT ${pid('x')}, ${pid('x')}, ${options.clinicId}, 'new', 'js', ${options.receivedAt}, ${options.receivedAt}, ${options.prefix} || '-h' || x, 'sealed' FROM (${series(from, to)}) s`.execute(db);
  }
}

/**
 * Bulk-generated people a restore can verify: each person's contact and
 * enquiry keys are real DEKs wrapped under the installation's domain keys,
 * the contact record is sealed under its key (a fixed synthetic value, never
 * real data; `contactPadding` characters of filler make records larger for
 * memory tests), and one enquiry each with a sealed body. Written 500 people
 * to a statement. Ids as `generatePeople`.
 */
export async function generateSealedPeople(db: Db, keyring: Keyring, options: { readonly prefix: string; readonly count: number; readonly organisationId: string; readonly clinicId: string; readonly receivedAt: string; readonly contactPadding?: number }): Promise<void> {
  const at = options.receivedAt;
  const filler = 'x'.repeat(options.contactPadding ?? 0);
  for (let from = 0; from < options.count; from += 500) {
    const persons: Insertable<Database['persons']>[] = [];
    const keys: Insertable<Database['person_keys']>[] = [];
    const enquiries: Insertable<Database['enquiries']>[] = [];
    for (let i = from; i < Math.min(options.count, from + 500); i++) {
      const id = `${options.prefix}-0000-4000-8000-${String(i).padStart(12, '0')}`;
      const contact = createPersonKey(keyring, id, 'contact');
      const enquiry = createPersonKey(keyring, id, 'enquiry');
      persons.push({ id, organisation_id: options.organisationId, created_at: at, updated_at: at, contact_envelope: sealPersonRecord(contact.key, RECORD.contact, id, { name: `Person ${i}`, email: `person${i}@example.test`, filler }), email_bi: null, phone_bi: null, surname_dob_bi: null, is_restricted: 0 });
      keys.push({ person_id: id, domain: 'contact', wrapping_key_id: contact.wrappingKeyId, wrapped_dek: contact.wrapped, created_at: at }, { person_id: id, domain: 'enquiry', wrapping_key_id: enquiry.wrappingKeyId, wrapped_dek: enquiry.wrapped, created_at: at });
      enquiries.push({ id, person_id: id, clinic_id: options.clinicId, status: 'new', source: 'js', received_at: at, created_at: at, submission_hash: `${options.prefix}-h${i}`, body_envelope: sealPersonRecord(enquiry.key, RECORD.enquiryBody, id, { message: `Synthetic enquiry ${i} about a consultation.` }) });
    }
    await db.transaction().execute(async (trx) => {
      await trx.insertInto('persons').values(persons).execute();
      for (let k = 0; k < keys.length; k += 500) await trx.insertInto('person_keys').values(keys.slice(k, k + 500)).execute();
      await trx.insertInto('enquiries').values(enquiries).execute();
    });
  }
}
