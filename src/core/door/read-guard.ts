/**
 * First detection rule at the door: a per-actor ceiling on distinct persons
 * opened in a sliding window, so a stolen login cannot walk the whole list.
 * In-process; the audit/detection issue adds shared counters and more rules.
 */
import type { Clock } from '../../platform/clock.js';

/** Decides whether an actor may open one more person now. */
export interface ReadGuard {
  /** Records the read and answers whether it is within the ceiling. */
  readonly allow: (actorId: string, personId: string) => boolean;
}

/** Distinct-person ceiling per actor over `windowMs`. */
export function createReadGuard(deps: { clock: Clock; maxDistinctPersons: number; windowMs: number }): ReadGuard {
  const seen = new Map<string, Map<string, number>>();
  return {
    allow(actorId, personId) {
      const now = deps.clock.now().getTime();
      const reads = seen.get(actorId) ?? new Map<string, number>();
      for (const [id, at] of reads) if (now - at > deps.windowMs) reads.delete(id);
      if (!reads.has(personId) && reads.size >= deps.maxDistinctPersons) return false;
      reads.set(personId, now);
      seen.set(actorId, reads);
      return true;
    },
  };
}
