/** Who is on shift where, and handing new enquiries to them (round robin). */
import type { Db } from '../../db/database.js';

/**
 * Receptionists on shift in `clinicId` whose shift began after `shiftStartedAfter`
 * and whose account and role are in force, the longest since their last
 * enquiry first (never given one: first of all).
 */
export async function listOnShiftReceptionists(db: Db, clinicId: string, shiftStartedAfter: string): Promise<{ staff_id: string; last_assigned_at: string | null }[]> {
  return db
    .selectFrom('staff_shifts')
    .innerJoin('staff', 'staff.id', 'staff_shifts.staff_id')
    .innerJoin('staff_clinic_roles', (join) => join.onRef('staff_clinic_roles.staff_id', '=', 'staff_shifts.staff_id').onRef('staff_clinic_roles.clinic_id', '=', 'staff_shifts.clinic_id'))
    .select(['staff_shifts.staff_id', 'staff_shifts.last_assigned_at'])
    .where('staff_shifts.clinic_id', '=', clinicId)
    .where('staff_shifts.started_at', '>', shiftStartedAfter)
    .where('staff_clinic_roles.role', '=', 'receptionist')
    .where('staff_clinic_roles.suspended_at', 'is', null)
    .where('staff.disabled_at', 'is', null)
    .where('staff.locked_at', 'is', null)
    .orderBy('staff_shifts.last_assigned_at', (ob) => ob.asc().nullsFirst())
    .orderBy('staff_shifts.started_at')
    .execute();
}

/** Remember when a staff member on shift in a clinic was last given an enquiry. */
export async function markAssigned(db: Db, staffId: string, clinicId: string, at: string): Promise<void> {
  await db.updateTable('staff_shifts').set({ last_assigned_at: at }).where('staff_id', '=', staffId).where('clinic_id', '=', clinicId).execute();
}

/** Start (or restart) a shift. */
export async function startShift(db: Db, staffId: string, clinicId: string, at: string): Promise<void> {
  await db
    .insertInto('staff_shifts')
    .values({ staff_id: staffId, clinic_id: clinicId, started_at: at, last_assigned_at: null })
    .onConflict((oc) => oc.columns(['staff_id', 'clinic_id']).doUpdateSet({ started_at: at }))
    .execute();
}

/** End a shift (every clinic when `clinicId` is absent). */
export async function endShift(db: Db, staffId: string, clinicId?: string): Promise<void> {
  let query = db.deleteFrom('staff_shifts').where('staff_id', '=', staffId);
  if (clinicId) query = query.where('clinic_id', '=', clinicId);
  await query.execute();
}

/** The clinics a staff member is on shift in (shifts begun after `startedAfter`). */
export async function listShiftsOf(db: Db, staffId: string, startedAfter: string): Promise<{ clinic_id: string; started_at: string }[]> {
  return db.selectFrom('staff_shifts').select(['clinic_id', 'started_at']).where('staff_id', '=', staffId).where('started_at', '>', startedAfter).execute();
}
