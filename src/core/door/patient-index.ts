/**
 * Name and date-of-birth search over patients: an in-memory index
 * (name-index.ts), built when the vault is unsealed and kept current as
 * patients are added or corrected. It lives only in the core process's
 * memory and is dropped when the vault is sealed. Email and phone search use
 * the stored blind indexes instead.
 *
 * Building never holds the event loop: patients are read in pages of the
 * primary key, each page's contact keys admitted through the system entrance
 * (recorded before they open), and opened a slice at a time between yields,
 * so unseal answers at once and the core serves everything else while the
 * index builds. Until it is ready, search answers "index building, n%".
 *
 * Other core instances add patients and correct names too: before a search,
 * the index reads what changed since its watermark (two indexed reads, with
 * a look-back for writes that committed late), not the table.
 *
 * The index only nominates patient ids: every result shown to a person goes
 * through the door like any other read.
 */
import type { AuditLog } from '../../audit/audit-log.js';
import type { Db } from '../../db/database.js';
import type { Clock } from '../../platform/clock.js';
import type { VaultService } from '../vault/vault.service.js';
import { type IndexMatch, NameIndex, type NameQuery } from './name-index.js';
import { admitSystem } from './system-admission.js';
import { type ContactRecord, RECORD } from './records.js';
import { countPatients, type IndexablePatient, listIndexablePatientsChangedSince, listIndexablePatientsPage } from './system-reads.repository.js';

export { type IndexMatch, nameTokens } from './name-index.js';

/** Patients read (and admitted, one audited system read) per page of the build. */
const BUILD_PAGE = 1000;
/** Records opened between two yields to the event loop (about 5 ms of work). */
const OPEN_SLICE = 100;
/** How far back a refresh looks again: writes stamped this long before a read began (commit delay, clock skew between instances) are visible to it. */
const LOOKBACK_MS = 10_000;

/** Where the index stands: ready, or building with this much done (0–100). */
export interface IndexProgress {
  readonly isReady: boolean;
  readonly isBuilding: boolean;
  readonly percent: number;
}

export interface PatientIndex {
  readonly isReady: () => boolean;
  readonly progress: () => IndexProgress;
  /** Build from the database (at unseal), in the background of the event loop. Resolves with the number of patients indexed (0 if sealed meanwhile). */
  readonly rebuild: () => Promise<number>;
  /** Settles when the build under way (if any) has finished. */
  readonly whenBuilt: () => Promise<void>;
  /** Take in patients created or people changed since the last read (by any core instance). */
  readonly refresh: () => Promise<number>;
  readonly put: (patientId: string, clinicId: string, contact: Pick<ContactRecord, 'name' | 'dob'>) => void;
  readonly remove: (patientId: string) => void;
  /** Patients of `clinicIds` whose name words start with every query word (and whose DOB matches, if given), at most `limit`. */
  readonly search: (query: NameQuery, clinicIds: readonly string[], limit: number) => IndexMatch[];
  readonly clear: () => void;
  /** Patients held and the bytes their typed arrays take (the benchmark's bytes per patient). */
  readonly footprint: () => { patients: number; bytes: number };
}

const yieldToLoop = () => new Promise<void>((resolve) => setImmediate(resolve));

/** `pageSize`: patients read per page of the build (BUILD_PAGE unless a test wants many pages of few patients). */
export function createPatientIndex(deps: { db: Db; vault: VaultService; audit: AuditLog; clock: Clock; pageSize?: number }): PatientIndex {
  const pageSize = deps.pageSize ?? BUILD_PAGE;
  let index = new NameIndex();
  let building: { index: NameIndex; done: number; total: number; promise: Promise<number> } | undefined;
  let ready = false;
  // Each build (or seal) starts a new generation; work of an older one stops at its next yield.
  let generation = 0;
  // Where the next refresh reads from (a look-back before the previous read began), and what it took in since then (id → when).
  let watermark = '';
  let recent = new Map<string, string>();
  let refreshing: Promise<number> | undefined;

  const changedAt = (row: IndexablePatient) => (row.created_at > row.updated_at ? row.created_at : row.updated_at);
  const lookBack = (at: string) => new Date(Date.parse(at) - LOOKBACK_MS).toISOString();

  /** Admit a page's contact keys (one audited system read), then open and index it a slice at a time. */
  const take = async (targets: readonly NameIndex[], rows: readonly IndexablePatient[], action: string, isCurrent: () => boolean): Promise<boolean> => {
    if (rows.length === 0) return true;
    const admission = await admitSystem(deps, deps.vault.keyring(), { actor: 'system:patient-index' }, { action, purpose: `patients:${rows.length}`, keys: rows.map((row) => ({ personId: row.person_id, domain: 'contact' as const, wrapped: row.wrapped_dek })) });
    for (let i = 0; i < rows.length; i += OPEN_SLICE) {
      if (i > 0) await yieldToLoop();
      if (!isCurrent()) return false;
      for (const row of rows.slice(i, i + OPEN_SLICE)) {
        const contact = admission.open<ContactRecord>(row.person_id, 'contact', RECORD.contact, row.person_id, row.contact_envelope);
        for (const target of targets) target.put(row.id, row.clinic_id, contact);
      }
    }
    return true;
  };

  const build = async (mine: number, next: NonNullable<typeof building>): Promise<number> => {
    const isCurrent = () => generation === mine;
    // Changes from here on are caught by the first refresh (the look-back covers writes in flight).
    const startedAt = deps.clock.now().toISOString();
    next.total = await countPatients(deps.db);
    let after: string | undefined;
    for (;;) {
      const rows = await listIndexablePatientsPage(deps.db, after, pageSize);
      if (!isCurrent()) return 0;
      if (rows.length === 0) break;
      if (!(await take([next.index], rows, 'patient-index.rebuild', isCurrent))) return 0;
      next.done += rows.length;
      after = rows.at(-1)?.id;
      await yieldToLoop();
    }
    if (!isCurrent()) return 0;
    index = next.index;
    watermark = lookBack(startedAt);
    recent = new Map();
    ready = true;
    building = undefined;
    await refresh();
    return index.size;
  };

  const refresh = (): Promise<number> => {
    if (!ready) return Promise.resolve(0);
    // One refresh at a time: searches arriving together share it.
    refreshing ??= (async () => {
      const mine = generation;
      try {
        const readAt = deps.clock.now().toISOString();
        const rows = (await listIndexablePatientsChangedSince(deps.db, watermark)).filter((row) => recent.get(row.id) !== changedAt(row));
        if (rows.length > 0 && !(await take([index], rows, 'patient-index.refresh', () => generation === mine))) return 0;
        for (const row of rows) recent.set(row.id, changedAt(row));
        // Whatever was stamped a look-back before this read began had committed by then, so it has been read:
        // the next read starts there (a burst is re-read for one look-back at most, never forever), and
        // only what falls after it is remembered.
        const next = lookBack(readAt);
        if (next > watermark) {
          watermark = next;
          for (const [id, at] of recent) if (at < watermark) recent.delete(id);
        }
        return rows.length;
      } finally {
        refreshing = undefined;
      }
    })();
    return refreshing;
  };

  return {
    isReady: () => ready,
    footprint: () => ({ patients: index.size, bytes: index.arrayBytes() }),
    progress: () => (ready ? { isReady: true, isBuilding: false, percent: 100 } : { isReady: false, isBuilding: building !== undefined, percent: building && building.total > 0 ? Math.min(99, Math.floor((100 * building.done) / building.total)) : 0 }),
    rebuild() {
      const mine = ++generation;
      ready = false;
      const next = { index: new NameIndex(), done: 0, total: 0, promise: Promise.resolve(0) };
      building = next;
      next.promise = build(mine, next).catch((error: unknown) => {
        // A failed build leaves the index not ready; the next name search starts another.
        if (building === next) building = undefined;
        throw error;
      });
      return next.promise;
    },
    whenBuilt: async () => {
      await building?.promise.catch(() => undefined);
    },
    refresh,
    put(patientId, clinicId, contact) {
      // A patient added while the index builds goes into the one being built too.
      for (const target of building ? [index, building.index] : [index]) target.put(patientId, clinicId, contact);
    },
    remove(patientId) {
      index.remove(patientId);
      building?.index.remove(patientId);
    },
    search: (query, clinicIds, limit) => index.search(query, clinicIds, limit),
    clear() {
      generation++;
      index = new NameIndex();
      building = undefined;
      ready = false;
      watermark = '';
      recent = new Map();
    },
  };
}
