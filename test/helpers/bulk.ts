/**
 * Bulk-generated people for scale tests and benchmarks: persons with two
 * person keys (contact, enquiry) and one enquiry each, written in SQL.
 * Ciphertext columns hold placeholders: what is measured (retention, scope)
 * works on ids, key rows and timestamps, never on plaintext.
 */
import { sql } from 'kysely';
import type { Db, Dialect } from '../../src/db/database.js';

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
