/**
 * Jobs that must run once across core instances (ingest, outbox, checkpoints,
 * key re-wrap, the daily retention/access-review job) take a lease in the
 * database first. A lease names its holder and expires unless renewed; while
 * the job runs it is renewed every third of its lifetime, so a long job keeps
 * it and a crashed instance loses it within one lifetime. Acquiring is one
 * conditional UPDATE (or the first INSERT), atomic on SQLite and PostgreSQL.
 */
import { newId } from '../../crypto/random.js';
import type { Db } from '../../db/database.js';
import type { Clock } from '../../platform/clock.js';
import { hasJobRun, insertJobRun, insertLeaseIfAbsent, releaseLease, takeLease } from './jobs.repository.js';

export { heldLeases } from './jobs.repository.js';

export interface Leases {
  /** This instance's id (in job_leases.holder and job_runs.holder). */
  readonly holder: string;
  /** Run `job` if this instance gets the lease `name`; otherwise skip it (returns undefined). */
  readonly exclusive: <T>(name: string, ttlMs: number, job: () => Promise<T>) => Promise<T | undefined>;
  /** Run `job` once for `period` across all instances (under the lease; recorded when it succeeds). */
  readonly oncePer: (name: string, period: string, ttlMs: number, job: () => Promise<void>) => Promise<boolean>;
}

export function createLeases(deps: { db: Db; clock: Clock; holder?: string }): Leases {
  const { db, clock } = deps;
  const holder = deps.holder ?? newId();

  async function acquire(name: string, ttlMs: number): Promise<boolean> {
    const now = clock.now().getTime();
    await insertLeaseIfAbsent(db, name, holder, now + ttlMs);
    return takeLease(db, name, holder, now, now + ttlMs);
  }

  async function release(name: string): Promise<void> {
    await releaseLease(db, name, holder);
  }

  async function exclusive<T>(name: string, ttlMs: number, job: () => Promise<T>): Promise<T | undefined> {
    if (!(await acquire(name, ttlMs))) return undefined;
    const renew = setInterval(() => void acquire(name, ttlMs).catch(() => undefined), Math.max(1_000, Math.floor(ttlMs / 3)));
    renew.unref();
    try {
      return await job();
    } finally {
      clearInterval(renew);
      await release(name);
    }
  }

  return {
    holder,
    exclusive,
    async oncePer(name, period, ttlMs, job) {
      const ran = await exclusive(`${name}:${period}`, ttlMs, async () => {
        if (await hasJobRun(db, name, period)) return false;
        await job();
        await insertJobRun(db, { name, period, holder, finishedAt: clock.now().toISOString() });
        return true;
      });
      return ran === true;
    },
  };
}
