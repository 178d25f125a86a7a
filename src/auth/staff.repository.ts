/**
 * The staff records sign-in needs: lookups by email and id, a member's clinic
 * roles, and the password hash. Administration of staff (create, roles,
 * disable) is the core's (core/org/org.repository.ts).
 */
import type { Db } from '../db/database.js';
import type { StaffRow } from '../db/tables.js';
import { type ClinicRole, isClinicRole } from './roles.js';

/** Find an enabled staff member by email. */
export async function findStaffByEmail(db: Db, email: string): Promise<StaffRow | undefined> {
  return db.selectFrom('staff').selectAll().where('email', '=', email.trim().toLowerCase()).where('disabled_at', 'is', null).executeTakeFirst();
}

/** Find a staff member by id (disabled ones too). */
export async function findStaffById(db: Db, id: string): Promise<StaffRow | undefined> {
  return db.selectFrom('staff').selectAll().where('id', '=', id).executeTakeFirst();
}

/** Clinic roles of a staff member, by clinic id. */
export async function clinicRolesOf(db: Db, staffId: string): Promise<Map<string, ClinicRole>> {
  // A role suspended by an overdue access review grants nothing until re-certified.
  const rows = await db.selectFrom('staff_clinic_roles').select(['clinic_id', 'role']).where('staff_id', '=', staffId).where('suspended_at', 'is', null).execute();
  return new Map(rows.flatMap((row) => (isClinicRole(row.role) ? [[row.clinic_id, row.role] as const] : [])));
}

/** Replace a staff member's password hash. */
export async function setPasswordHash(db: Db, staffId: string, passwordHash: string): Promise<void> {
  await db.updateTable('staff').set({ password_hash: passwordHash }).where('id', '=', staffId).execute();
}
