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

export interface ScopedPerson {
  readonly personId: string;
  readonly categories: string[];
  readonly records: number;
  readonly unintelligible: boolean;
  readonly reason: string;
}

export interface ScopeResult {
  readonly persons: number;
  readonly records: number;
  readonly categories: Record<string, number>;
  readonly unintelligible: number;
  readonly intelligible: number;
  readonly list: ScopedPerson[];
  readonly exposedKeys: string[];
  readonly computedMs: number;
}

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
  const head = await db.selectFrom('audit_events').select((eb) => [eb.fn.min('seq').as('lo'), eb.fn.max('seq').as('hi')]).executeTakeFirst();
  const lo0 = Number(head?.lo ?? 0);
  const hi0 = Number(head?.hi ?? 0);
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

interface Exposure {
  readonly categories: Map<string, number>;
  clear: boolean;
  readonly reasons: Set<string>;
}

const READ_ACTIONS = Object.keys(READ_CATEGORIES);

/** Compute the scope of an incident in an organisation. */
export async function computeScope(db: Db, dialect: Dialect, organisationId: string, indicators: readonly Indicator[]): Promise<ScopeResult> {
  const started = performance.now();
  const exposures = new Map<string, Exposure>();
  const expose = (personId: string, category: string, records: number, clear: boolean, reason: string) => {
    let entry = exposures.get(personId);
    if (!entry) {
      entry = { categories: new Map(), clear: false, reasons: new Set() };
      exposures.set(personId, entry);
    }
    entry.categories.set(category, (entry.categories.get(category) ?? 0) + records);
    if (clear) entry.clear = true;
    entry.reasons.add(reason);
  };
  const orgPersons = new Set((await db.selectFrom('persons').select('id').where('organisation_id', '=', organisationId).execute()).map((p) => p.id));

  // 1. Reads through the application, from the audit log.
  for (const indicator of indicators) {
    if (indicator.kind === 'component') continue;
    const range = await seqRange(db, indicator.from, indicator.to);
    if (!range) continue;
    let query = db.selectFrom('audit_events').select(['person_ids', 'action', 'ip']).where('outcome', '=', 'success').where('action', 'in', READ_ACTIONS).where('seq', '>=', range[0]).where('seq', '<=', range[1]);
    if (indicator.kind === 'staff') query = query.where('actor', '=', `staff:${indicator.value}`);
    if (indicator.kind === 'session') query = query.where('session_id', '=', indicator.value);
    const matches = indicator.kind === 'ip-range' ? ipMatcher(indicator.value) : () => true;
    const reason = { staff: 'read in clear through the application with the compromised staff account', session: 'read in clear in the compromised session', 'ip-range': 'read in clear from the suspect address range', window: 'read in clear during the incident window' }[indicator.kind];
    for (const row of await query.execute()) {
      if (!matches(row.ip)) continue;
      for (const personId of JSON.parse(row.person_ids) as string[]) {
        if (!orgPersons.has(personId)) continue;
        for (const category of READ_CATEGORIES[row.action] ?? []) expose(personId, category, 1, true, reason);
      }
    }
  }

  // 2. Copies of stored data, judged by key custody.
  const components = new Set(indicators.filter((i) => i.kind === 'component' && i.value !== 'key' && !i.value.startsWith('key:')).map((i) => i.value));
  const exposedKeys = indicators.filter((i) => i.kind === 'component' && i.value.startsWith('key:')).map((i) => i.value.slice(4));
  const vaultExposed = exposedKeys.includes('vault');
  const stored = components.has('database-copy') || components.has('backup');
  if (stored || components.has('intake-tier') || components.has('blob-store')) {
    const agg = dialect === 'postgres' ? sql<string>`string_agg(person_keys.domain || '=' || person_keys.wrapping_key_id, ',')` : sql<string>`group_concat(person_keys.domain || '=' || person_keys.wrapping_key_id, ',')`;
    const keyRows = await db.selectFrom('person_keys').innerJoin('persons', 'persons.id', 'person_keys.person_id').select(['person_keys.person_id', agg.as('keys')]).where('persons.organisation_id', '=', organisationId).groupBy('person_keys.person_id').execute();
    const keysOf = new Map(keyRows.map((row) => [row.person_id, new Map(String(row.keys).split(',').map((pair) => pair.split('=') as [string, string]))]));
    const isClear = (personId: string, domain: string) => vaultExposed || exposedKeys.includes(keysOf.get(personId)?.get(domain) ?? '\u0000');
    const counts = async (table: 'enquiries' | 'clinical_notes' | 'procedures' | 'invoices' | 'photos' | 'consents', personColumn: 'person_id' | 'patient_id') => {
      const rows =
        personColumn === 'person_id'
          ? await db.selectFrom('enquiries').select((eb) => ['person_id', eb.fn.countAll<number>().as('n')]).groupBy('person_id').execute()
          : await db
              .selectFrom(table)
              .innerJoin('patients', 'patients.id', `${table}.patient_id` as 'photos.patient_id')
              .select((eb) => ['patients.person_id', eb.fn.countAll<number>().as('n')])
              .groupBy('patients.person_id')
              .execute();
      return new Map(rows.map((r) => [r.person_id, Number(r.n)]));
    };
    if (stored) {
      const perDomain: [string, Map<string, number>][] = [
        ['enquiry', await counts('enquiries', 'person_id')],
        ['clinical', await counts('clinical_notes', 'patient_id')],
        ['clinical', await counts('procedures', 'patient_id')],
        ['clinical', await counts('consents', 'patient_id')],
        ['financial', await counts('invoices', 'patient_id')],
        ['photo', await counts('photos', 'patient_id')],
      ];
      for (const personId of orgPersons) {
        const clearContact = isClear(personId, 'contact');
        expose(personId, 'contact', 1, clearContact, clearContact ? 'database copied with the key that opens contact details' : 'database copied: contact details are ciphertext under a per-person key; its wrapping keys were not exposed');
        for (const [domain, byPerson] of perDomain) {
          const n = byPerson.get(personId);
          if (!n) continue;
          const clear = isClear(personId, domain);
          expose(personId, domain, n, clear, clear ? `database copied with the key that opens ${domain} data` : `database copied: ${domain} data is ciphertext under a per-person key; its wrapping keys were not exposed`);
        }
      }
    }
    if (components.has('intake-tier')) {
      const intakeKeyExposed = vaultExposed || exposedKeys.some((k) => k.startsWith('intake.'));
      for (const [personId, n] of await counts('enquiries', 'person_id')) {
        if (!orgPersons.has(personId)) continue;
        const reason = intakeKeyExposed ? 'intake tier copied with the intake private key' : 'intake tier copied: it holds sealed enquiries only (HPKE to a key whose private half never leaves the core)';
        expose(personId, 'contact', n, intakeKeyExposed, reason);
        expose(personId, 'enquiry', n, intakeKeyExposed, reason);
      }
    }
    if (components.has('blob-store')) {
      for (const [personId, n] of await counts('photos', 'patient_id')) {
        const clear = stored && isClear(personId, 'photo');
        expose(personId, 'photo', n, clear, clear ? 'photo store and the photo keys exposed' : 'photo store copied: every photo is ciphertext under a per-file key derived from a per-person key that was not exposed');
      }
    }
  }

  const list: ScopedPerson[] = [];
  const categories: Record<string, number> = {};
  let records = 0;
  let unintelligible = 0;
  for (const [personId, exposure] of exposures) {
    const cats = [...exposure.categories.keys()].sort();
    for (const c of cats) categories[c] = (categories[c] ?? 0) + 1;
    const n = [...exposure.categories.values()].reduce((a, b) => a + b, 0);
    records += n;
    if (!exposure.clear) unintelligible += 1;
    list.push({ personId, categories: cats, records: n, unintelligible: !exposure.clear, reason: [...exposure.reasons].join('; ') });
  }
  return { persons: list.length, records, categories, unintelligible, intelligible: list.length - unintelligible, list, exposedKeys, computedMs: Math.round(performance.now() - started) };
}
