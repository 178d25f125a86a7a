/**
 * Name and date-of-birth search over patients: an in-memory index, built
 * when the vault is unsealed (one audited system read of every patient's
 * contact record) and kept current as patients are added or corrected. It
 * lives only in the core process's memory and is dropped when the vault is
 * sealed. Email and phone search use the stored blind indexes instead.
 *
 * The index only nominates patient ids: every result shown to a person goes
 * through the door like any other read.
 */
import type { AuditLog } from '../../audit/audit-log.js';
import type { Db } from '../../db/database.js';
import type { Clock } from '../../platform/clock.js';
import type { VaultService } from '../vault/vault.service.js';
import { admitSystem } from './system-admission.js';
import { type ContactRecord, RECORD } from './records.js';
import { listIndexablePatients } from './system-reads.repository.js';

interface Entry {
  readonly patientId: string;
  readonly clinicId: string;
  readonly tokens: readonly string[];
  readonly dob: string | undefined;
}

/** A patient the index nominates for a query. */
export interface IndexMatch {
  readonly patientId: string;
  /**
   * The query named this patient exactly: every word of the name, whole, and
   * the date of birth. An ordinary search (a prefix, a surname, a date alone)
   * is not exact.
   */
  readonly isExact: boolean;
}

/** Case- and accent-folded words of a name. */
export function nameTokens(name: string): string[] {
  return name
    .normalize('NFKD')
    .replace(/\p{M}/gu, '')
    .toLowerCase()
    .split(/[^\p{L}\p{N}]+/u)
    .filter((word) => word.length > 0);
}

export interface PatientIndex {
  readonly isReady: () => boolean;
  /** Rebuild from the database (at unseal). Returns the number of patients indexed. */
  readonly rebuild: () => Promise<number>;
  /** Take in patients created or people changed since the last build or refresh (by any core instance). */
  readonly refresh: () => Promise<number>;
  readonly put: (patientId: string, clinicId: string, contact: Pick<ContactRecord, 'name' | 'dob'>) => void;
  readonly remove: (patientId: string) => void;
  /** Patients of `clinicIds` whose name words start with every query word (and whose DOB matches, if given), at most `limit`. */
  readonly search: (query: { readonly name?: string; readonly dob?: string }, clinicIds: readonly string[], limit: number) => IndexMatch[];
  readonly clear: () => void;
}

export function createPatientIndex(deps: { db: Db; vault: VaultService; audit: AuditLog; clock: Clock }): PatientIndex {
  let entries = new Map<string, Entry>();
  let ready = false;
  // High-water mark of what the index has seen (another instance may add patients or correct names meanwhile).
  let syncedAt = '';

  const rowsSince = (since: string | undefined) => listIndexablePatients(deps.db, since);
  // Through the gate's system entrance: the contact keys opened are recorded (person ids, in events of 500) before they open.
  const take = async (target: Map<string, Entry>, rows: Awaited<ReturnType<typeof rowsSince>>, action: string, purpose: string) => {
    const admission = await admitSystem(deps, deps.vault.keyring(), { actor: 'system:patient-index' }, { action, purpose, keys: rows.map((row) => ({ personId: row.person_id, domain: 'contact' as const, wrapped: row.wrapped_dek })) });
    for (const row of rows) {
      const contact = admission.open<ContactRecord>(row.person_id, 'contact', RECORD.contact, row.person_id, row.contact_envelope);
      target.set(row.id, { patientId: row.id, clinicId: row.clinic_id, tokens: nameTokens(contact.name), dob: contact.dob });
      for (const at of [row.created_at, row.updated_at]) if (at > syncedAt) syncedAt = at;
    }
  };

  return {
    isReady: () => ready,
    async rebuild() {
      const next = new Map<string, Entry>();
      syncedAt = '';
      const rows = await rowsSince(undefined);
      await take(next, rows, 'patient-index.rebuild', `patients:${rows.length}`);
      entries = next;
      ready = true;
      return next.size;
    },
    async refresh() {
      if (!ready) return 0;
      const rows = await rowsSince(syncedAt);
      if (rows.length === 0) return 0;
      await take(entries, rows, 'patient-index.refresh', `patients:${rows.length}`);
      return rows.length;
    },
    put(patientId, clinicId, contact) {
      entries.set(patientId, { patientId, clinicId, tokens: nameTokens(contact.name), dob: contact.dob });
    },
    remove(patientId) {
      entries.delete(patientId);
    },
    search(query, clinicIds, limit) {
      const words = query.name ? nameTokens(query.name) : [];
      if (words.length === 0 && !query.dob) return [];
      const clinics = new Set(clinicIds);
      const found: IndexMatch[] = [];
      for (const entry of entries.values()) {
        if (!clinics.has(entry.clinicId)) continue;
        if (query.dob && entry.dob !== query.dob) continue;
        if (!words.every((word) => entry.tokens.some((token) => token.startsWith(word)))) continue;
        const isExact = Boolean(query.dob) && words.length === entry.tokens.length && entry.tokens.every((token) => words.includes(token));
        found.push({ patientId: entry.patientId, isExact });
        if (found.length >= limit) break;
      }
      return found;
    },
    clear() {
      entries = new Map();
      ready = false;
    },
  };
}
