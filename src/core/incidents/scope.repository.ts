/**
 * The scope engine's queries: the audit log by seq range, the people a copy
 * of stored data exposed (as SQL aggregates over person_keys, enquiries and
 * photos), and the per-person rows of a computed scope (incident_persons).
 * SECURITY: these decide who is told about a breach; bench/scope.ts measures
 * them at 10 million events and 500,000 persons, so keep their shape
 * (primary-key ranges, batches of 500, one aggregate per question).
 */
import { sql } from 'kysely';
import type { Db } from '../../db/database.js';
import { CATEGORY_BITS, CATEGORY_ORDER, type CopySpec, LEGACY_READ_ACTIONS, maskOf, type ScopeRow } from './scope-model.js';

/**
 * First and last seq whose `at` lies in [from, to]: events are appended in
 * time order (the time is taken inside the serialised append), so a binary
 * search on the primary key finds them without an index on time.
 */
export async function findAuditSeqRange(db: Db, from: string | undefined, to: string | undefined): Promise<[number, number] | undefined> {
  // Two queries: SQLite answers a lone min() or max() from the index, but not both in one.
  const lo0 = Number((await db.selectFrom('audit_events').select((eb) => eb.fn.min('seq').as('lo')).executeTakeFirst())?.lo ?? 0);
  const hi0 = Number((await db.selectFrom('audit_events').select((eb) => eb.fn.max('seq').as('hi')).executeTakeFirst())?.hi ?? 0);
  if (hi0 === 0) return undefined;
  const atOf = async (seq: number) => (await db.selectFrom('audit_events').select('at').where('seq', '>=', seq).orderBy('seq').limit(1).executeTakeFirst())?.at ?? '\uffff';
  // Smallest seq with at >= from.
  let lo = lo0;
  let hi = hi0 + 1;
  if (from) {
    while (lo < hi) {
      const mid = Math.floor((lo + hi) / 2);
      if ((await atOf(mid)) < from) lo = mid + 1;
      else hi = mid;
    }
  }
  const first = lo;
  // Largest seq with at <= to.
  lo = first;
  hi = hi0 + 1;
  if (to) {
    while (lo < hi) {
      const mid = Math.floor((lo + hi) / 2);
      if ((await atOf(mid)) <= to) lo = mid + 1;
      else hi = mid;
    }
  }
  const last = to ? lo - 1 : hi0;
  return first <= last ? [first, last] : undefined;
}

/** Successful events in a seq range that opened personal data (named domains, or a legacy read action), optionally by one actor or session. */
export async function listDataOpeningEvents(db: Db, range: readonly [number, number], by: { actor?: string; sessionId?: string }) {
  let query = db
    .selectFrom('audit_events')
    .select(['person_ids', 'action', 'ip', 'domains'])
    .where('outcome', '=', 'success')
    .where((eb) => eb.or([eb.and([eb('domains', 'is not', null), eb('domains', '!=', '[]')]), eb.and([eb('domains', 'is', null), eb('action', 'in', LEGACY_READ_ACTIONS)])]))
    .where('seq', '>=', range[0])
    .where('seq', '<=', range[1]);
  if (by.actor !== undefined) query = query.where('actor', '=', by.actor);
  if (by.sessionId !== undefined) query = query.where('session_id', '=', by.sessionId);
  return query.execute();
}

/** Which of these person ids (one batch) exist in the organisation. */
export async function listPersonIdsInOrganisation(db: Db, personIds: readonly string[], organisationId: string): Promise<Set<string>> {
  return new Set((await db.selectFrom('persons').select('id').where('id', 'in', personIds).where('organisation_id', '=', organisationId).execute()).map((r) => r.id));
}

/** Forget an incident's per-person rows (before recomputing them). */
export async function deleteIncidentPersons(trx: Db, incidentId: string): Promise<void> {
  await trx.deleteFrom('incident_persons').where('incident_id', '=', incidentId).execute();
}

/** Store one batch of the people reached through the application (read in clear). */
export async function insertIncidentPersons(trx: Db, incidentId: string, rows: readonly ScopeRow[]): Promise<void> {
  await trx.insertInto('incident_persons').values(rows.map((r) => ({ incident_id: incidentId, person_id: r.personId, category_mask: r.mask, records: r.records, unintelligible: 0, reason: r.reason }))).execute();
}

/** An incident's per-person rows, in person-id order, optionally after one id. */
export async function listIncidentPersons(db: Db, incidentId: string, after: string | undefined): Promise<{ personId: string; mask: number; records: number; reason: string }[]> {
  let query = db.selectFrom('incident_persons').selectAll().where('incident_id', '=', incidentId).orderBy('person_id');
  if (after) query = query.where('person_id', '>', after);
  return (await query.execute()).map((r) => ({ personId: r.person_id, mask: Number(r.category_mask), records: Number(r.records), reason: r.reason }));
}

/**
 * The per-person rows are derived data (recomputed at will), so on
 * PostgreSQL their commit need not wait for the disk. Inside `trx` only.
 */
export async function relaxCommitDurability(trx: Db): Promise<void> {
  await sql`SET LOCAL synchronous_commit = off`.execute(trx);
}

/** True when this installation holds one organisation (then no per-organisation filter is needed). */
export async function isSoleOrganisation(db: Db): Promise<boolean> {
  return Number((await db.selectFrom('organisations').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow()).n) === 1;
}

type Column = ReturnType<typeof sql.ref>;

const inOrganisation = (sole: boolean, organisationId: string) => (column: Column) => (sole ? sql`1 = 1` : sql`${column} IN (SELECT id FROM persons WHERE organisation_id = ${organisationId})`);

const domainBit = sql`CASE pk.domain ${sql.join(
  CATEGORY_ORDER.map((c) => sql`WHEN ${sql.lit(c)} THEN ${sql.lit(CATEGORY_BITS[c] as number)}`),
  sql` `,
)} ELSE 0 END`;

/**
 * The people a copy exposed, as SQL (one row per person: id, category mask,
 * records, unintelligible 0/1, reason code), optionally limited to some ids,
 * to those still intelligible, or to a page.
 */
export async function listCopyRows(db: Db, organisationId: string, copy: CopySpec, filter: { personIds?: readonly string[]; onlyIntelligible?: boolean; after?: string; limit?: number }): Promise<ScopeRow[]> {
  const inOrg = inOrganisation(await isSoleOrganisation(db), organisationId);
  const only = (column: Column) => (filter.personIds ? (filter.personIds.length === 0 ? sql`1 = 0` : sql`${column} IN (${sql.join(filter.personIds)})`) : sql`1 = 1`);
  const after = (column: Column) => (filter.after ? sql`${column} > ${filter.after}` : sql`1 = 1`);
  const vault = copy.exposedKeys.includes('vault');
  const keyIn = copy.exposedKeys.length > 0 ? sql`pk.wrapping_key_id IN (${sql.join([...copy.exposedKeys])})` : sql`1 = 0`;
  let source;
  if (copy.stored) {
    const clear = vault ? sql`0` : sql`min(CASE WHEN ${keyIn} THEN 0 ELSE 1 END)`;
    source = sql`SELECT pk.person_id AS person_id, sum(${domainBit}) AS mask, count(*) AS records, ${clear} AS unintelligible, CASE WHEN ${clear} = 1 THEN 'copy-sealed' ELSE 'copy-key' END AS reason
      FROM person_keys pk WHERE ${inOrg(sql.ref('pk.person_id'))} AND ${only(sql.ref('pk.person_id'))} AND ${after(sql.ref('pk.person_id'))} GROUP BY pk.person_id`;
  } else {
    const intakeOpen = vault || copy.exposedKeys.some((k) => k.startsWith('intake.'));
    const parts = [];
    if (copy.intake) parts.push(sql`SELECT e.person_id AS person_id, ${sql.lit(maskOf(['contact', 'enquiry']))} AS mask, 1 AS records, ${sql.lit(intakeOpen ? 0 : 1)} AS unintelligible, ${intakeOpen ? 'intake-key' : 'intake-sealed'} AS reason FROM enquiries e WHERE ${inOrg(sql.ref('e.person_id'))} AND ${only(sql.ref('e.person_id'))} AND ${after(sql.ref('e.person_id'))}`);
    if (copy.blob) parts.push(sql`SELECT pa.person_id AS person_id, ${sql.lit(maskOf(['photo']))} AS mask, 1 AS records, 1 AS unintelligible, 'blob-sealed' AS reason FROM photos ph INNER JOIN patients pa ON pa.id = ph.patient_id WHERE ${inOrg(sql.ref('pa.person_id'))} AND ${only(sql.ref('pa.person_id'))} AND ${after(sql.ref('pa.person_id'))}`);
    if (parts.length === 0) return [];
    source = sql`SELECT person_id, max(mask) | min(mask) AS mask, sum(records) AS records, min(unintelligible) AS unintelligible, min(reason) AS reason FROM (${sql.join(parts, sql` UNION ALL `)}) u GROUP BY person_id`;
  }
  const rows = await sql<{ person_id: string; mask: number; records: number; unintelligible: number; reason: string }>`SELECT person_id, mask, records, unintelligible, reason FROM (${source}) c
    WHERE ${filter.onlyIntelligible ? sql`unintelligible = 0` : sql`1 = 1`} ORDER BY person_id ${filter.limit ? sql`LIMIT ${sql.lit(filter.limit)}` : sql``}`.execute(db);
  return rows.rows.map((r) => ({ personId: r.person_id, mask: Number(r.mask), records: Number(r.records), unintelligible: Number(r.unintelligible) === 1, reason: r.reason }));
}

// A stored copy's aggregates (database copy or backup), each one query; `sole` from isSoleOrganisation.

/** Person keys in the organisation by domain. Each person has at most one key per domain, so this counts people by category. */
export async function countPersonKeysByDomain(db: Db, organisationId: string, sole: boolean): Promise<{ domain: string; n: number }[]> {
  return (await sql<{ domain: string; n: number }>`SELECT pk.domain AS domain, count(*) AS n FROM person_keys pk WHERE ${inOrganisation(sole, organisationId)(sql.ref('pk.person_id'))} GROUP BY pk.domain`.execute(db)).rows;
}

/** Persons in the organisation. */
export async function countPersons(db: Db, organisationId: string, sole: boolean): Promise<number> {
  return Number((await sql<{ n: number }>`SELECT count(*) AS n FROM persons ${sole ? sql`` : sql`WHERE organisation_id = ${organisationId}`}`.execute(db)).rows[0]?.n ?? 0);
}

/** Persons in the organisation with at least one key wrapped by one of `wrappingKeyIds` (at least one id). */
export async function countPersonsUnderKeys(db: Db, organisationId: string, wrappingKeyIds: readonly string[], sole: boolean): Promise<number> {
  return Number((await sql<{ n: number }>`SELECT count(DISTINCT pk.person_id) AS n FROM person_keys pk WHERE pk.wrapping_key_id IN (${sql.join([...wrappingKeyIds])}) AND ${inOrganisation(sole, organisationId)(sql.ref('pk.person_id'))}`.execute(db)).rows[0]?.n ?? 0);
}
