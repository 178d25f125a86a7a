/**
 * The scope engine: from an incident's indicators, exactly which people and
 * which categories of their data were exposed, how many records, and for
 * each person whether what was exposed stayed encrypted under keys that were
 * not exposed (Art. 34(3)(a) "rendered unintelligible").
 *
 * Two sources of truth:
 *  - the audit log, for anything done through the application (a stolen
 *    login, a hijacked session, an address range, a time window): every
 *    event by which the door opened personal data names its persons and
 *    the key domains it opened (`domains`), whatever the action was called
 *    (a staff read, a subject-access export, notice contacts, ingest, the
 *    name index); what was opened was in clear, so it is intelligible;
 *  - key custody, for copies of stored data (the intake tier, a database
 *    copy or backup, the blob store): everything stored is ciphertext under
 *    per-person keys wrapped by domain keys wrapped by the vault key, which
 *    is never stored (passphrase or Shamir shares); a copy is intelligible
 *    only for domains whose key (or the vault key) is also exposed.
 *
 * Output is ids, counts and categories only.
 */
import { sql } from 'kysely';
import type { Db, Dialect } from '../../db/database.js';

export const CATEGORY_LABELS: Record<string, string> = {
  contact: 'Identity and contact details (name, email, phone, date of birth, address)',
  enquiry: 'Enquiry content: procedure of interest and messages (health-related)',
  clinical: 'Health data: clinical notes, procedures and signed consents',
  photo: 'Clinical photographs (health data; may be intimate images)',
  financial: 'Financial data: invoices and payments',
};

/** Why a person is in scope, stored as short codes (a row per person, hundreds of thousands of rows). */
export const REASONS: Record<string, string> = {
  'copy-sealed': 'database copied: every record is ciphertext under per-person keys whose wrapping keys (and the vault key) were not exposed',
  'copy-key': "database copied together with a key that opens some of this person's data",
  'intake-sealed': 'intake tier copied: it holds sealed enquiries only (HPKE to a key whose private half never leaves the core)',
  'intake-key': 'intake tier copied with the intake private key',
  'blob-sealed': 'photo store copied: every photo is ciphertext under a per-file key derived from a per-person key that was not exposed',
  'read-staff': 'read in clear through the application with the compromised staff account',
  'read-session': 'read in clear in the compromised session',
  'read-ip-range': 'read in clear from the suspect address range',
  'read-window': 'read in clear during the incident window',
};

/** The stored reason codes as text. */
export function reasonText(codes: string): string {
  return codes
    .split(';')
    .map((code) => REASONS[code] ?? code)
    .join('; ');
}

/**
 * Events written before the door recorded domains carry none: for those
 * (and only those) the categories come from the action's name, as they did
 * then. Every newer door event names its domains, `[]` when it opened none.
 */
const LEGACY_READ_CATEGORIES: Record<string, readonly string[]> = {
  'enquiry.read': ['contact', 'enquiry'],
  'patient.read': ['contact'],
  'patient.search-result': ['contact'],
  'patient.clinical.read': ['clinical'],
  'patient.financial.read': ['financial'],
  'photo.list': ['photo'],
  'photo.thumb': ['photo'],
  'photo.view': ['photo'],
  'photo.download': ['photo'],
  'photo.export': ['photo'],
};

export const COMPONENTS = ['intake-tier', 'database-copy', 'backup', 'blob-store', 'key'] as const;
export type Component = (typeof COMPONENTS)[number];

export type Indicator =
  | { readonly kind: 'staff'; readonly value: string; readonly from?: string; readonly to?: string }
  | { readonly kind: 'session'; readonly value: string; readonly from?: string; readonly to?: string }
  | { readonly kind: 'ip-range'; readonly value: string; readonly from?: string; readonly to?: string }
  | { readonly kind: 'window'; readonly value: string; readonly from: string; readonly to: string }
  | { readonly kind: 'component'; readonly value: string };

/** IPv4 CIDR or a single address; IPv6 by prefix match on the text form (/48, /64 style). */
export function ipMatcher(cidr: string): (ip: string | null) => boolean {
  const [base, bitsText] = cidr.split('/');
  if (!base) throw new Error('bad address range');
  if (base.includes(':')) {
    const groups = Math.floor(Number(bitsText ?? 128) / 16);
    const prefix = base.split(':').slice(0, groups).join(':');
    return (ip) => ip !== null && ip.includes(':') && ip.startsWith(prefix);
  }
  const toInt = (text: string) => text.split('.').reduce((acc, part) => (acc << 8) + Number(part), 0) >>> 0;
  const bits = Number(bitsText ?? 32);
  if (!/^\d{1,3}(\.\d{1,3}){3}$/.test(base) || !(bits >= 0 && bits <= 32)) throw new Error('bad address range');
  const mask = bits === 0 ? 0 : (~0 << (32 - bits)) >>> 0;
  const net = toInt(base) & mask;
  return (ip) => {
    const v4 = ip?.replace(/^::ffff:/, '');
    return v4 !== undefined && /^\d{1,3}(\.\d{1,3}){3}$/.test(v4) && (toInt(v4) & mask) >>> 0 === net >>> 0;
  };
}

/**
 * First and last seq whose `at` lies in [from, to]: events are appended in
 * time order (the time is taken inside the serialised append), so a binary
 * search on the primary key finds them without an index on time.
 */
async function seqRange(db: Db, from: string | undefined, to: string | undefined): Promise<[number, number] | undefined> {
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

const LEGACY_READ_ACTIONS = Object.keys(LEGACY_READ_CATEGORIES);

/** The categories an audited event exposed in clear: the domains it opened, or for an older event its action's. */
function categoriesRead(row: { action: string; domains: string | null }): readonly string[] {
  if (row.domains === null) return LEGACY_READ_CATEGORIES[row.action] ?? [];
  return (JSON.parse(row.domains) as string[]).filter((d) => d in CATEGORY_LABELS);
}
const CATEGORY_ORDER = Object.keys(CATEGORY_LABELS);

/** One bit per category in incident_persons.category_mask (integers sum and filter fast at 500,000 rows). */
export const CATEGORY_BITS: Record<string, number> = Object.fromEntries(CATEGORY_ORDER.map((c, i) => [c, 1 << i]));

export function categoriesOf(mask: number): string[] {
  return CATEGORY_ORDER.filter((c) => (mask & (CATEGORY_BITS[c] as number)) !== 0);
}

export function maskOf(categories: Iterable<string>): number {
  let mask = 0;
  for (const c of categories) mask |= CATEGORY_BITS[c] ?? 0;
  return mask;
}

const domainBit = sql`CASE pk.domain ${sql.join(
  CATEGORY_ORDER.map((c) => sql`WHEN ${sql.lit(c)} THEN ${sql.lit(CATEGORY_BITS[c] as number)}`),
  sql` `,
)} ELSE 0 END`;

/** What a copy of stored data exposed: the components taken and the keys taken with them. */
export interface CopySpec {
  readonly stored: boolean;
  readonly intake: boolean;
  readonly blob: boolean;
  readonly exposedKeys: readonly string[];
}

/** Summary of a computed scope. People reached through the application are rows in incident_persons; people in a copy are defined by `copy`. */
export interface ScopeSummary {
  readonly persons: number;
  readonly records: number;
  readonly categories: Record<string, number>;
  readonly unintelligible: number;
  readonly intelligible: number;
  readonly exposedKeys: string[];
  readonly copy: CopySpec | null;
  readonly computedMs: number;
}

/** One person in scope. */
export interface ScopeRow {
  readonly personId: string;
  readonly mask: number;
  readonly records: number;
  readonly unintelligible: boolean;
  readonly reason: string;
}

/** A person found through the audit log, with the categories read in clear. */
interface ClearRead {
  readonly categories: Set<string>;
  records: number;
  readonly reasons: Set<string>;
}

async function soleOrganisation(db: Db): Promise<boolean> {
  return Number((await db.selectFrom('organisations').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow()).n) === 1;
}

/**
 * The people a copy exposed, as SQL (one row per person: id, category mask,
 * records, unintelligible 0/1, reason code), optionally limited to some ids,
 * to those still intelligible, or to a page.
 */
async function copyRows(db: Db, organisationId: string, copy: CopySpec, filter: { personIds?: readonly string[]; onlyIntelligible?: boolean; after?: string; limit?: number }): Promise<ScopeRow[]> {
  const sole = await soleOrganisation(db);
  const inOrg = (column: ReturnType<typeof sql.ref>) => (sole ? sql`1 = 1` : sql`${column} IN (SELECT id FROM persons WHERE organisation_id = ${organisationId})`);
  const only = (column: ReturnType<typeof sql.ref>) => (filter.personIds ? (filter.personIds.length === 0 ? sql`1 = 0` : sql`${column} IN (${sql.join(filter.personIds)})`) : sql`1 = 1`);
  const after = (column: ReturnType<typeof sql.ref>) => (filter.after ? sql`${column} > ${filter.after}` : sql`1 = 1`);
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

/** Aggregates of a copy without listing its people (fast at hundreds of thousands). */
async function copySummary(db: Db, organisationId: string, copy: CopySpec): Promise<{ persons: number; records: number; unintelligible: number; categories: Record<string, number> }> {
  const sole = await soleOrganisation(db);
  const inOrg = (column: ReturnType<typeof sql.ref>) => (sole ? sql`1 = 1` : sql`${column} IN (SELECT id FROM persons WHERE organisation_id = ${organisationId})`);
  const vault = copy.exposedKeys.includes('vault');
  if (copy.stored) {
    // Each person has at most one key per domain, so counting keys by domain counts people by category.
    const byDomain = await sql<{ domain: string; n: number }>`SELECT pk.domain AS domain, count(*) AS n FROM person_keys pk WHERE ${inOrg(sql.ref('pk.person_id'))} GROUP BY pk.domain`.execute(db);
    const persons = Number((await sql<{ n: number }>`SELECT count(*) AS n FROM persons ${sole ? sql`` : sql`WHERE organisation_id = ${organisationId}`}`.execute(db)).rows[0]?.n ?? 0);
    const categories: Record<string, number> = {};
    let records = 0;
    for (const row of byDomain.rows) {
      categories[row.domain] = Number(row.n);
      records += Number(row.n);
    }
    let clear = 0;
    if (vault) clear = persons;
    else if (copy.exposedKeys.length > 0) clear = Number((await sql<{ n: number }>`SELECT count(DISTINCT pk.person_id) AS n FROM person_keys pk WHERE pk.wrapping_key_id IN (${sql.join([...copy.exposedKeys])}) AND ${inOrg(sql.ref('pk.person_id'))}`.execute(db)).rows[0]?.n ?? 0);
    return { persons, records, unintelligible: persons - clear, categories };
  }
  // Intake and/or photo store only: few enough combinations to count from the rows.
  const rows = await copyRows(db, organisationId, copy, {});
  const categories: Record<string, number> = {};
  for (const row of rows) for (const c of categoriesOf(row.mask)) categories[c] = (categories[c] ?? 0) + 1;
  return { persons: rows.length, records: rows.reduce((a, r) => a + r.records, 0), unintelligible: rows.filter((r) => r.unintelligible).length, categories };
}

/** Merge what the audit log shows (read in clear) into a copy's row. */
function merge(copyRow: ScopeRow | undefined, read: { mask: number; records: number; reason: string }, personId: string): ScopeRow {
  return { personId, mask: read.mask | (copyRow?.mask ?? 0), records: read.records + (copyRow?.records ?? 0), unintelligible: false, reason: [...(copyRow ? [copyRow.reason] : []), read.reason].join(';') };
}

/**
 * Compute an incident's scope. People reached through the application are
 * stored, one row each, in incident_persons (inside `trx`); a copy of stored
 * data is kept as its definition (which components, which keys) and counted
 * in SQL, so hundreds of thousands of people cost a few aggregate queries.
 */
export async function computeScope(trx: Db, dialect: Dialect, organisationId: string, incidentId: string, indicators: readonly Indicator[]): Promise<ScopeSummary> {
  void dialect;
  const started = performance.now();
  await trx.deleteFrom('incident_persons').where('incident_id', '=', incidentId).execute();
  const components = new Set(indicators.filter((i) => i.kind === 'component' && !i.value.startsWith('key:')).map((i) => i.value));
  const exposedKeys = indicators.filter((i) => i.kind === 'component' && i.value.startsWith('key:')).map((i) => i.value.slice(4));
  const stored = components.has('database-copy') || components.has('backup');
  const copy: CopySpec | null = stored || components.has('intake-tier') || components.has('blob-store') ? { stored, intake: components.has('intake-tier'), blob: components.has('blob-store'), exposedKeys } : null;

  // Reads through the application, from the audit log: shown in clear.
  const reads = new Map<string, ClearRead>();
  for (const indicator of indicators) {
    if (indicator.kind === 'component') continue;
    const range = await seqRange(trx, indicator.from, indicator.to);
    if (!range) continue;
    let query = trx
      .selectFrom('audit_events')
      .select(['person_ids', 'action', 'ip', 'domains'])
      .where('outcome', '=', 'success')
      .where((eb) => eb.or([eb.and([eb('domains', 'is not', null), eb('domains', '!=', '[]')]), eb.and([eb('domains', 'is', null), eb('action', 'in', LEGACY_READ_ACTIONS)])]))
      .where('seq', '>=', range[0])
      .where('seq', '<=', range[1]);
    if (indicator.kind === 'staff') query = query.where('actor', '=', `staff:${indicator.value}`);
    if (indicator.kind === 'session') query = query.where('session_id', '=', indicator.value);
    const matches = indicator.kind === 'ip-range' ? ipMatcher(indicator.value) : () => true;
    const reason = `read-${indicator.kind}`;
    for (const row of await query.execute()) {
      if (!matches(row.ip)) continue;
      const categories = categoriesRead(row);
      if (categories.length === 0) continue;
      for (const personId of JSON.parse(row.person_ids) as string[]) {
        const entry = reads.get(personId) ?? { categories: new Set<string>(), records: 0, reasons: new Set<string>() };
        for (const category of categories) entry.categories.add(category);
        entry.records += 1;
        entry.reasons.add(reason);
        reads.set(personId, entry);
      }
    }
  }
  const read: ScopeRow[] = [];
  const ids = [...reads.keys()];
  for (let i = 0; i < ids.length; i += 500) {
    const batch = ids.slice(i, i + 500);
    const known = new Set((await trx.selectFrom('persons').select('id').where('id', 'in', batch).where('organisation_id', '=', organisationId).execute()).map((r) => r.id));
    for (const personId of batch) {
      if (!known.has(personId)) continue;
      const entry = reads.get(personId) as ClearRead;
      read.push({ personId, mask: maskOf(entry.categories), records: entry.records, unintelligible: false, reason: [...entry.reasons].join(';') });
    }
  }
  for (let i = 0; i < read.length; i += 500) {
    await trx.insertInto('incident_persons').values(read.slice(i, i + 500).map((r) => ({ incident_id: incidentId, person_id: r.personId, category_mask: r.mask, records: r.records, unintelligible: 0, reason: r.reason }))).execute();
  }

  // The summary: the copy's aggregates, adjusted for the people the audit log adds or makes intelligible.
  const summary = copy ? await copySummary(trx, organisationId, copy) : { persons: 0, records: 0, unintelligible: 0, categories: {} as Record<string, number> };
  const overlap = new Map<string, ScopeRow>();
  if (copy) for (let i = 0; i < read.length; i += 500) for (const row of await copyRows(trx, organisationId, copy, { personIds: read.slice(i, i + 500).map((r) => r.personId) })) overlap.set(row.personId, row);
  for (const row of read) {
    const inCopy = overlap.get(row.personId);
    summary.records += row.records;
    if (!inCopy) summary.persons += 1;
    else if (inCopy.unintelligible) summary.unintelligible -= 1;
    for (const c of categoriesOf(row.mask)) if (!inCopy || (inCopy.mask & (CATEGORY_BITS[c] as number)) === 0) summary.categories[c] = (summary.categories[c] ?? 0) + 1;
  }
  const categories: Record<string, number> = {};
  for (const c of CATEGORY_ORDER) if ((summary.categories[c] ?? 0) > 0) categories[c] = summary.categories[c] as number;
  return { persons: summary.persons, records: summary.records, categories, unintelligible: summary.unintelligible, intelligible: summary.persons - summary.unintelligible, exposedKeys, copy, computedMs: Math.round(performance.now() - started) };
}

/**
 * The people in a stored scope, in person-id order: the copy's people (from
 * its definition) merged with those reached through the application.
 */
export async function scopeRows(db: Db, organisationId: string, incidentId: string, copy: CopySpec | null, filter: { onlyIntelligible?: boolean; after?: string; limit?: number } = {}): Promise<ScopeRow[]> {
  let readQuery = db.selectFrom('incident_persons').selectAll().where('incident_id', '=', incidentId).orderBy('person_id');
  if (filter.after) readQuery = readQuery.where('person_id', '>', filter.after);
  const reads = (await readQuery.execute()).map((r) => ({ personId: r.person_id, mask: Number(r.category_mask), records: Number(r.records), reason: r.reason }));
  const fromCopy = copy ? await copyRows(db, organisationId, copy, { ...(filter.onlyIntelligible ? { onlyIntelligible: true } : {}), ...(filter.after ? { after: filter.after } : {}), ...(filter.limit ? { limit: filter.limit } : {}) }) : [];
  // Copy rows that the audit log makes intelligible but the copy alone does not (filtered out above) come back through `reads`.
  const byId = new Map<string, ScopeRow>(fromCopy.map((r) => [r.personId, r]));
  const readIds = reads.map((r) => r.personId);
  const overlap = copy && filter.onlyIntelligible ? new Map((await copyRows(db, organisationId, copy, { personIds: readIds })).map((r) => [r.personId, r])) : byId;
  const last = filter.limit && fromCopy.length === filter.limit ? fromCopy[fromCopy.length - 1]?.personId : undefined;
  for (const r of reads) {
    if (last && r.personId > last) continue; // belongs to a later page
    byId.set(r.personId, merge(overlap.get(r.personId), r, r.personId));
  }
  const rows = [...byId.values()].sort((a, b) => (a.personId < b.personId ? -1 : a.personId > b.personId ? 1 : 0));
  return filter.limit ? rows.slice(0, filter.limit) : rows;
}
