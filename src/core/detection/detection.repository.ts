/**
 * The detection rules' own tables: the networks each staff member has used,
 * the per-day count of people opened (the baseline), and the account lock of
 * containment. Ids and counts only.
 */
import type { Db } from '../../db/database.js';

/** The networks `staffId` has used before. */
export async function listStaffNetworks(db: Db, staffId: string): Promise<string[]> {
  return (await db.selectFrom('staff_networks').select('network').where('staff_id', '=', staffId).execute()).map((k) => k.network);
}

/** Remember a network for `staffId` (once). */
export async function addStaffNetwork(db: Db, staffId: string, network: string, at: string): Promise<void> {
  await db.insertInto('staff_networks').values({ staff_id: staffId, network, first_seen_at: at }).onConflict((oc) => oc.columns(['staff_id', 'network']).doNothing()).execute();
}

/** Store the day's count for a staff member, only ever raising it. */
export async function recordDailyReads(db: Db, row: { staffId: string; day: string; role: string; persons: number }): Promise<void> {
  await db
    .insertInto('detection_daily_reads')
    .values({ staff_id: row.staffId, day: row.day, role: row.role, persons: row.persons })
    .onConflict((oc) => oc.columns(['staff_id', 'day']).doUpdateSet((eb) => ({ persons: eb.ref('excluded.persons'), role: eb.ref('excluded.role') })).where('detection_daily_reads.persons', '<', (eb) => eb.ref('excluded.persons')))
    .execute();
}

/** Forget the days before `day`. */
export async function deleteDailyReadsBefore(db: Db, day: string): Promise<void> {
  await db.deleteFrom('detection_daily_reads').where('day', '<', day).execute();
}

/** Day counts in `role` from `fromDay` up to (not including) `toDay`, of `staffId` and their colleagues in the same organisation. */
export async function listRoleDailyReads(db: Db, staffId: string, role: string, fromDay: string, toDay: string): Promise<{ staff_id: string; persons: number }[]> {
  return db
    .selectFrom('detection_daily_reads')
    .innerJoin('staff', 'staff.id', 'detection_daily_reads.staff_id')
    .select(['detection_daily_reads.staff_id', 'detection_daily_reads.persons'])
    .where('detection_daily_reads.role', '=', role)
    .where('detection_daily_reads.day', '>=', fromDay)
    .where('detection_daily_reads.day', '<', toDay)
    // Peers are colleagues in the same organisation.
    .where('staff.organisation_id', '=', (eb) => eb.selectFrom('staff as me').select('me.organisation_id').where('me.id', '=', staffId))
    .execute();
}

/** Lock an account for `reason` and freeze its exports. */
export async function lockStaffAccount(trx: Db, staffId: string, reason: string, at: string): Promise<void> {
  await trx.updateTable('staff').set({ locked_at: at, lock_reason: reason, exports_frozen_at: at }).where('id', '=', staffId).execute();
}

/** Revoke every session of `staffId`. Returns how many there were. */
export async function revokeStaffSessions(trx: Db, staffId: string): Promise<number> {
  return Number((await trx.deleteFrom('sessions').where('staff_id', '=', staffId).executeTakeFirst()).numDeletedRows);
}
