/**
 * The baseline rule's memory: how many distinct people each staff member
 * opened on each working day (counts only, never which), and the median day
 * of a staff member and of their same-role peers over the last weeks. A
 * thief who keeps under every fixed cap still reads far more people a day
 * than the person whose login they hold, or anyone in that role.
 */
import type { Db } from '../../db/database.js';
import { deleteDailyReadsBefore, listRoleDailyReads, recordDailyReads } from './detection.repository.js';

/** Median days (undefined: too few days recorded to speak of a baseline). */
export interface Medians {
  readonly own: number | undefined;
  readonly peers: number | undefined;
}

export interface ReadBaseline {
  /** `staffId`, reading as `role`, has opened `persons` distinct people on `day` (YYYY-MM-DD) so far. */
  readonly record: (staffId: string, role: string, day: string, persons: number) => Promise<void>;
  /** The medians over the `days` days before `day` (computed once per staff member and day). */
  readonly medians: (staffId: string, role: string, day: string) => Promise<Medians>;
}

/** Fewer recorded days than this are not yet a baseline. */
const MIN_DAYS = 5;

export function median(values: readonly number[]): number | undefined {
  if (values.length < MIN_DAYS) return undefined;
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? (sorted[middle] as number) : ((sorted[middle - 1] as number) + (sorted[middle] as number)) / 2;
}

/** YYYY-MM-DD `days` before `day`. */
function daysBefore(day: string, days: number): string {
  return new Date(Date.parse(`${day}T00:00:00Z`) - days * 86_400_000).toISOString().slice(0, 10);
}

export function createReadBaseline(deps: { db: Db; days: number }): ReadBaseline {
  const { db, days } = deps;
  const cache = new Map<string, Medians>();
  let cachedDay = '';
  return {
    async record(staffId, role, day, persons) {
      await recordDailyReads(db, { staffId, day, role, persons });
    },
    async medians(staffId, role, day) {
      if (day !== cachedDay) {
        cache.clear();
        cachedDay = day;
        // Once a day: what no baseline needs any more goes.
        await deleteDailyReadsBefore(db, daysBefore(day, days * 2));
      }
      const key = `${staffId}|${role}`;
      const known = cache.get(key);
      if (known) return known;
      const rows = await listRoleDailyReads(db, staffId, role, daysBefore(day, days), day);
      const result = { own: median(rows.filter((r) => r.staff_id === staffId).map((r) => r.persons)), peers: median(rows.filter((r) => r.staff_id !== staffId).map((r) => r.persons)) };
      cache.set(key, result);
      return result;
    },
  };
}
