/** Response shapes for clinics and staff administration (never raw rows: no password hash leaves). */
import { z } from 'zod';
import type { ClinicRole } from '../../auth/roles.js';
import type { ClinicRow, StaffRow } from '../../db/tables.js';

export const Clinic = z.object({ id: z.string(), slug: z.string(), name: z.string() });
export type Clinic = z.infer<typeof Clinic>;

export const ClinicList = z.object({ clinics: z.array(Clinic) });
export type ClinicList = z.infer<typeof ClinicList>;

export const StaffMember = z.object({
  id: z.string(),
  email: z.string(),
  name: z.string(),
  orgRole: z.string().nullable(),
  clinicRoles: z.array(z.object({ clinicId: z.string(), role: z.string() })),
  disabledAt: z.string().nullable(),
  lockedAt: z.string().nullable(),
  lockReason: z.string().nullable(),
  /** How many passkeys, and whether an authenticator app is enrolled. */
  factors: z.object({ passkeys: z.number(), totp: z.boolean() }),
});
export type StaffMember = z.infer<typeof StaffMember>;

export const StaffList = z.object({ staff: z.array(StaffMember) });
export type StaffList = z.infer<typeof StaffList>;

export const StaffCreated = z.object({ id: z.string() });
export type StaffCreated = z.infer<typeof StaffCreated>;

/** An administrative act's answer: `updated`, `unlocked`; `disabled` also says how many sessions ended. */
export const StaffActResult = z.object({ status: z.string(), sessionsRevoked: z.number().optional() });
export type StaffActResult = z.infer<typeof StaffActResult>;

export function presentClinic(clinic: ClinicRow): Clinic {
  return { id: clinic.id, slug: clinic.slug, name: clinic.name };
}

export function presentStaffMember(row: StaffRow, roles: ReadonlyMap<string, ClinicRole>, factors: { passkeys: readonly unknown[]; hasTotp: boolean }): StaffMember {
  return {
    id: row.id,
    email: row.email,
    name: row.display_name,
    orgRole: row.org_role,
    clinicRoles: [...roles].map(([clinicId, role]) => ({ clinicId, role })),
    disabledAt: row.disabled_at,
    lockedAt: row.locked_at,
    lockReason: row.lock_reason,
    factors: { passkeys: factors.passkeys.length, totp: factors.hasTotp },
  };
}
