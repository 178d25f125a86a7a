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
 * Output is ids, counts and categories only. The queries are in
 * scope.repository.ts, the vocabulary in scope-model.ts.
 */
import type { Db, Dialect } from '../../db/database.js';
import { CATEGORY_BITS, CATEGORY_ORDER, categoriesOf, categoriesRead, type CopySpec, type Indicator, ipMatcher, maskOf, type ScopeRow, type ScopeSummary } from './scope-model.js';
import {
  countPersonKeysByDomain,
  countPersons,
  countPersonsUnderKeys,
  deleteIncidentPersons,
  findAuditSeqRange,
  insertIncidentPersons,
  isSoleOrganisation,
  listCopyRows,
  listDataOpeningEvents,
  listIncidentPersons,
  listPersonIdsInOrganisation,
} from './scope.repository.js';

/** A person found through the audit log, with the categories read in clear. */
interface ClearRead {
  readonly categories: Set<string>;
  records: number;
  readonly reasons: Set<string>;
}

/** Aggregates of a copy without listing its people (fast at hundreds of thousands). */
async function copySummary(db: Db, organisationId: string, copy: CopySpec): Promise<{ persons: number; records: number; unintelligible: number; categories: Record<string, number> }> {
  const sole = await isSoleOrganisation(db);
  const vault = copy.exposedKeys.includes('vault');
  if (copy.stored) {
    const byDomain = await countPersonKeysByDomain(db, organisationId, sole);
    const persons = await countPersons(db, organisationId, sole);
    const categories: Record<string, number> = {};
    let records = 0;
    for (const row of byDomain) {
      categories[row.domain] = Number(row.n);
      records += Number(row.n);
    }
    let clear = 0;
    if (vault) clear = persons;
    else if (copy.exposedKeys.length > 0) clear = await countPersonsUnderKeys(db, organisationId, copy.exposedKeys, sole);
    return { persons, records, unintelligible: persons - clear, categories };
  }
  // Intake and/or photo store only: few enough combinations to count from the rows.
  const rows = await listCopyRows(db, organisationId, copy, {});
  const categories: Record<string, number> = {};
  for (const row of rows) for (const c of categoriesOf(row.mask)) categories[c] = (categories[c] ?? 0) + 1;
  return { persons: rows.length, records: rows.reduce((a, r) => a + r.records, 0), unintelligible: rows.filter((r) => r.unintelligible).length, categories };
}

/** Merge what the audit log shows (read in clear) into a copy's row. */
function merge(copyRow: ScopeRow | undefined, read: { mask: number; records: number; reason: string }, personId: string): ScopeRow {
  return { personId, mask: read.mask | (copyRow?.mask ?? 0), records: read.records + (copyRow?.records ?? 0), unintelligible: false, reason: [...(copyRow ? [copyRow.reason] : []), read.reason].join(';') };
}

/** Everyone the audit log shows opened in clear by these indicators (components aside), with what and why. */
async function clearReads(trx: Db, indicators: readonly Indicator[]): Promise<Map<string, ClearRead>> {
  const reads = new Map<string, ClearRead>();
  for (const indicator of indicators) {
    if (indicator.kind === 'component') continue;
    const range = await findAuditSeqRange(trx, indicator.from, indicator.to);
    if (!range) continue;
    const by = indicator.kind === 'staff' ? { actor: `staff:${indicator.value}` } : indicator.kind === 'session' ? { sessionId: indicator.value } : {};
    const matches = indicator.kind === 'ip-range' ? ipMatcher(indicator.value) : () => true;
    const reason = `read-${indicator.kind}`;
    for (const row of await listDataOpeningEvents(trx, range, by)) {
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
  return reads;
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
  await deleteIncidentPersons(trx, incidentId);
  const components = new Set(indicators.filter((i) => i.kind === 'component' && !i.value.startsWith('key:')).map((i) => i.value));
  const exposedKeys = indicators.filter((i) => i.kind === 'component' && i.value.startsWith('key:')).map((i) => i.value.slice(4));
  const stored = components.has('database-copy') || components.has('backup');
  const copy: CopySpec | null = stored || components.has('intake-tier') || components.has('blob-store') ? { stored, intake: components.has('intake-tier'), blob: components.has('blob-store'), exposedKeys } : null;

  // Reads through the application, from the audit log: shown in clear.
  const reads = await clearReads(trx, indicators);
  const read: ScopeRow[] = [];
  const ids = [...reads.keys()];
  for (let i = 0; i < ids.length; i += 500) {
    const batch = ids.slice(i, i + 500);
    const known = await listPersonIdsInOrganisation(trx, batch, organisationId);
    for (const personId of batch) {
      if (!known.has(personId)) continue;
      const entry = reads.get(personId) as ClearRead;
      read.push({ personId, mask: maskOf(entry.categories), records: entry.records, unintelligible: false, reason: [...entry.reasons].join(';') });
    }
  }
  for (let i = 0; i < read.length; i += 500) await insertIncidentPersons(trx, incidentId, read.slice(i, i + 500));

  // The summary: the copy's aggregates, adjusted for the people the audit log adds or makes intelligible.
  const summary = copy ? await copySummary(trx, organisationId, copy) : { persons: 0, records: 0, unintelligible: 0, categories: {} as Record<string, number> };
  const overlap = new Map<string, ScopeRow>();
  if (copy) for (let i = 0; i < read.length; i += 500) for (const row of await listCopyRows(trx, organisationId, copy, { personIds: read.slice(i, i + 500).map((r) => r.personId) })) overlap.set(row.personId, row);
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
  const reads = await listIncidentPersons(db, incidentId, filter.after);
  const fromCopy = copy ? await listCopyRows(db, organisationId, copy, { ...(filter.onlyIntelligible ? { onlyIntelligible: true } : {}), ...(filter.after ? { after: filter.after } : {}), ...(filter.limit ? { limit: filter.limit } : {}) }) : [];
  // Copy rows that the audit log makes intelligible but the copy alone does not (filtered out above) come back through `reads`.
  const byId = new Map<string, ScopeRow>(fromCopy.map((r) => [r.personId, r]));
  const readIds = reads.map((r) => r.personId);
  const overlap = copy && filter.onlyIntelligible ? new Map((await listCopyRows(db, organisationId, copy, { personIds: readIds })).map((r) => [r.personId, r])) : byId;
  const last = filter.limit && fromCopy.length === filter.limit ? fromCopy[fromCopy.length - 1]?.personId : undefined;
  for (const r of reads) {
    if (last && r.personId > last) continue; // belongs to a later page
    byId.set(r.personId, merge(overlap.get(r.personId), r, r.personId));
  }
  const rows = [...byId.values()].sort((a, b) => (a.personId < b.personId ? -1 : a.personId > b.personId ? 1 : 0));
  return filter.limit ? rows.slice(0, filter.limit) : rows;
}
