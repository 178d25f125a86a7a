/** Sign-in failure counters as stored, one row per (hashed) key. */
import type { Selectable } from 'kysely';
import type { Db } from '../db/database.js';
import type { AuthThrottleTable } from '../db/tables.js';

export type ThrottleRow = Selectable<AuthThrottleTable>;

export async function findThrottle(db: Db, key: string): Promise<ThrottleRow | undefined> {
  return db.selectFrom('auth_throttle').selectAll().where('key', '=', key).executeTakeFirst();
}

export async function deleteThrottle(db: Db, key: string): Promise<void> {
  await db.deleteFrom('auth_throttle').where('key', '=', key).execute();
}

export async function deleteThrottles(db: Db, keys: readonly string[]): Promise<void> {
  await db.deleteFrom('auth_throttle').where('key', 'in', keys).execute();
}

/** Count one more failure (an upsert, so concurrent first failures do not collide); returns the counter after it. */
export async function countThrottleFailure(db: Db, key: string, at: string): Promise<ThrottleRow> {
  await db
    .insertInto('auth_throttle')
    .values({ key, failures: 1, first_failure_at: at, locked_at: null })
    .onConflict((oc) => oc.column('key').doUpdateSet((eb) => ({ failures: eb('auth_throttle.failures', '+', 1) })))
    .execute();
  return db.selectFrom('auth_throttle').selectAll().where('key', '=', key).executeTakeFirstOrThrow();
}

export async function lockThrottle(db: Db, key: string, at: string): Promise<void> {
  await db.updateTable('auth_throttle').set({ locked_at: at }).where('key', '=', key).execute();
}
