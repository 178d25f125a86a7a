/** What the jobs read and write: leases (job_leases), the record of periodic runs (job_runs), and the organisations the daily job runs for. */
import { sql } from 'kysely';
import type { Db } from '../../db/database.js';

/** Create the lease `name` for `holder` unless it exists (the first INSERT; taking it is `takeLease`). */
export async function insertLeaseIfAbsent(db: Db, name: string, holder: string, expiresAt: number): Promise<void> {
  await db.insertInto('job_leases').values({ name, holder, expires_at: expiresAt }).onConflict((oc) => oc.column('name').doNothing()).execute();
}

/** Take or renew the lease `name` until `expiresAt` if `holder` holds it or it expired before `now`: one conditional UPDATE. Returns whether it was taken. */
export async function takeLease(db: Db, name: string, holder: string, now: number, expiresAt: number): Promise<boolean> {
  const taken = await db
    .updateTable('job_leases')
    .set({ holder, expires_at: expiresAt })
    .where('name', '=', name)
    .where((eb) => eb.or([eb('holder', '=', holder), eb('expires_at', '<', now)]))
    .executeTakeFirst();
  return Number(taken.numUpdatedRows) === 1;
}

/** Give up the lease `name` if `holder` still holds it. */
export async function releaseLease(db: Db, name: string, holder: string): Promise<void> {
  await db.deleteFrom('job_leases').where('name', '=', name).where('holder', '=', holder).execute();
}

/** Whether the job `name` has a recorded run for `period`. */
export async function hasJobRun(db: Db, name: string, period: string): Promise<boolean> {
  return (await db.selectFrom('job_runs').select('holder').where('name', '=', name).where('period', '=', period).executeTakeFirst()) !== undefined;
}

/** Record that `holder` finished the job `name` for `period`. */
export async function insertJobRun(db: Db, run: { name: string; period: string; holder: string; finishedAt: string }): Promise<void> {
  await db.insertInto('job_runs').values({ name: run.name, period: run.period, holder: run.holder, finished_at: run.finishedAt }).execute();
}

/** For tests and operators: the leases held now. */
export async function heldLeases(db: Db): Promise<{ name: string; holder: string; expiresAt: number }[]> {
  const rows = await sql<{ name: string; holder: string; expires_at: number }>`SELECT name, holder, expires_at FROM job_leases`.execute(db);
  return rows.rows.map((r) => ({ name: r.name, holder: r.holder, expiresAt: Number(r.expires_at) }));
}

/** The id of every organisation (the daily job runs for each). */
export async function listOrganisationIds(db: Db): Promise<string[]> {
  return (await db.selectFrom('organisations').select('id').execute()).map((org) => org.id);
}
