/**
 * The scope engine: from an incident's indicators, exactly which people and
 * which categories of their data were exposed, how many records, and for
 * each person whether what was exposed stayed encrypted under keys that were
 * not exposed (Art. 34(3)(a) "rendered unintelligible").
 *
 * Two sources of truth:
 *  - the audit log, for anything done through the application (a stolen
 *    login, a hijacked session, an address range, a time window): every
 *    successful personal-data read names its persons; what was read was
 *    shown in clear, so it is intelligible;
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

/** Which categories an audited read exposed. */
const READ_CATEGORIES: Record<string, readonly string[]> = {
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

const READ_ACTIONS = Object.keys(READ_CATEGORIES);
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

/** Summary of a computed scope (the per-person rows are in incident_persons). */
export interface ScopeSummary {
  readonly persons: number;
  readonly records: number;
  readonly categories: Record<string, number>;
  readonly unintelligible: number;
  readonly intelligible: number;
  readonly exposedKeys: string[];
  readonly computedMs: number;
}

/** A person found through the audit log, with the categories read in clear. */
interface ClearRead {
  readonly categories: Set<string>;
  records: number;
  readonly reasons: Set<string>;
}

/**
 * Compute an incident's scope and store it, one row per person, in
 * incident_persons (inside `trx`). Copies of stored data are scoped in SQL
 * (the database does the work for hundreds of thousands of people); reads
 * through the application come from the audit log and are merged in.
 */
export async function computeScope(trx: Db, dialect: Dialect, organisationId: string, incidentId: string, indicators: readonly Indicator[]): Promise<ScopeSummary> {
  const started = performance.now();
  await trx.deleteFrom('incident_persons').where('incident_id', '=', incidentId).execute();

  // 1. Copies of stored data, judged by key custody, materialised in SQL.
  const components = new Set(indicators.filter((i) => i.kind === 'component' && !i.value.startsWith('key:')).map((i) => i.value));
  const exposedKeys = indicators.filter((i) => i.kind === 'component' && i.value.startsWith('key:')).map((i) => i.value.slice(4));
  const vaultExposed = exposedKeys.includes('vault');
  const stored = components.has('database-copy') || components.has('backup');
  const keyIn = exposedKeys.length > 0 ? sql`pk.wrapping_key_id IN (${sql.join(exposedKeys)})` : sql`1 = 0`;
  // Most installations hold one organisation: then every person is in it and the join can go.
  const soleOrganisation = Number((await trx.selectFrom('organisations').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow()).n) === 1;
  const inOrganisation = (personColumn: ReturnType<typeof sql.ref>) => (soleOrganisation ? sql`1 = 1` : sql`${personColumn} IN (SELECT id FROM persons WHERE organisation_id = ${organisationId})`);
  if (stored) {
    const clear = vaultExposed ? sql`0` : sql`min(CASE WHEN ${keyIn} THEN 0 ELSE 1 END)`;
    await sql`INSERT INTO incident_persons (incident_id, person_id, category_mask, records, unintelligible, reason)
      SELECT ${incidentId}, pk.person_id, sum(${domainBit}), count(*), ${clear},
        CASE WHEN ${clear} = 1 THEN 'copy-sealed' ELSE 'copy-key' END
      FROM person_keys pk
      WHERE ${inOrganisation(sql.ref('pk.person_id'))}
      GROUP BY pk.person_id`.execute(trx);
  }
  if (components.has('intake-tier') && !stored) {
    const open = vaultExposed || exposedKeys.some((k) => k.startsWith('intake.'));
    await sql`INSERT INTO incident_persons (incident_id, person_id, category_mask, records, unintelligible, reason)
      SELECT ${incidentId}, e.person_id, ${sql.lit(maskOf(['contact', 'enquiry']))}, count(*), ${open ? 0 : 1},
        ${open ? 'intake-key' : 'intake-sealed'}
      FROM enquiries e
      WHERE ${inOrganisation(sql.ref('e.person_id'))}
      GROUP BY e.person_id`.execute(trx);
  }
  if (components.has('blob-store') && !stored) {
    await sql`INSERT INTO incident_persons (incident_id, person_id, category_mask, records, unintelligible, reason)
      SELECT ${incidentId}, pa.person_id, ${sql.lit(maskOf(['photo']))}, count(*), 1, 'blob-sealed'
      FROM photos ph INNER JOIN patients pa ON pa.id = ph.patient_id INNER JOIN persons p ON p.id = pa.person_id
      WHERE p.organisation_id = ${organisationId}
      GROUP BY pa.person_id
      ON CONFLICT (incident_id, person_id) DO UPDATE SET category_mask = ${sql.lit(maskOf(['contact', 'enquiry', 'photo']))}, records = incident_persons.records + excluded.records, reason = incident_persons.reason || ';' || excluded.reason`.execute(trx);
  }

  // 2. Reads through the application, from the audit log: shown in clear.
  const reads = new Map<string, ClearRead>();
  for (const indicator of indicators) {
    if (indicator.kind === 'component') continue;
    const range = await seqRange(trx, indicator.from, indicator.to);
    if (!range) continue;
    let query = trx.selectFrom('audit_events').select(['person_ids', 'action', 'ip']).where('outcome', '=', 'success').where('action', 'in', READ_ACTIONS).where('seq', '>=', range[0]).where('seq', '<=', range[1]);
    if (indicator.kind === 'staff') query = query.where('actor', '=', `staff:${indicator.value}`);
    if (indicator.kind === 'session') query = query.where('session_id', '=', indicator.value);
    const matches = indicator.kind === 'ip-range' ? ipMatcher(indicator.value) : () => true;
    const reason = `read-${indicator.kind}`;
    for (const row of await query.execute()) {
      if (!matches(row.ip)) continue;
      for (const personId of JSON.parse(row.person_ids) as string[]) {
        const entry = reads.get(personId) ?? { categories: new Set<string>(), records: 0, reasons: new Set<string>() };
        for (const category of READ_CATEGORIES[row.action] ?? []) entry.categories.add(category);
        entry.records += 1;
        entry.reasons.add(reason);
        reads.set(personId, entry);
      }
    }
  }
  if (reads.size > 0) {
    const ids = [...reads.keys()];
    for (let i = 0; i < ids.length; i += 500) {
      const batch = ids.slice(i, i + 500);
      // Only people of this organisation; merged with what a copy exposed, if anything.
      const known = new Set((await trx.selectFrom('persons').select('id').where('id', 'in', batch).where('organisation_id', '=', organisationId).execute()).map((r) => r.id));
      const existing = new Map((await trx.selectFrom('incident_persons').selectAll().where('incident_id', '=', incidentId).where('person_id', 'in', batch).execute()).map((r) => [r.person_id, r]));
      for (const personId of batch) {
        if (!known.has(personId)) continue;
        const read = reads.get(personId) as ClearRead;
        const before = existing.get(personId);
        const mask = maskOf(read.categories) | (before ? Number(before.category_mask) : 0);
        const reason = [...(before ? [before.reason] : []), ...read.reasons].join(';');
        if (before) {
          await trx.updateTable('incident_persons').set({ category_mask: mask, records: Number(before.records) + read.records, unintelligible: 0, reason }).where('incident_id', '=', incidentId).where('person_id', '=', personId).execute();
        } else {
          await trx.insertInto('incident_persons').values({ incident_id: incidentId, person_id: personId, category_mask: mask, records: read.records, unintelligible: 0, reason }).execute();
        }
      }
    }
  }

  // 3. The summary, from what was stored.
  const counts = await trx
    .selectFrom('incident_persons')
    .select((eb) => [
      eb.fn.countAll<number>().as('persons'),
      eb.fn.sum<number>('records').as('records'),
      eb.fn.sum<number>('unintelligible').as('unintelligible'),
      ...CATEGORY_ORDER.map((c) => eb.fn.sum<number>(sql<number>`CASE WHEN (category_mask & ${sql.lit(CATEGORY_BITS[c] as number)}) <> 0 THEN 1 ELSE 0 END`).as(`c_${c}`)),
    ])
    .where('incident_id', '=', incidentId)
    .executeTakeFirstOrThrow();
  const row = counts as unknown as Record<string, number | string | null>;
  const persons = Number(row['persons'] ?? 0);
  const unintelligible = Number(row['unintelligible'] ?? 0);
  const categories: Record<string, number> = {};
  for (const c of CATEGORY_ORDER) if (Number(row[`c_${c}`] ?? 0) > 0) categories[c] = Number(row[`c_${c}`]);
  return { persons, records: Number(row['records'] ?? 0), categories, unintelligible, intelligible: persons - unintelligible, exposedKeys, computedMs: Math.round(performance.now() - started) };
}
