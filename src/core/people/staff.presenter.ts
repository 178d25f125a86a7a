/** Response shapes for clinics and staff administration (never raw rows: no password hash leaves). */
import { z } from 'zod';
import { type ClinicRole, ORG_ROLES, orgRoleGrants } from '../../auth/roles.js';
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
  /** Sign-in factors locked after repeated failures (password, totp, recovery, passkey). */
  lockedFactors: z.array(z.string()),
  /** The organisation roles whose holders may unlock this account (and the factors). */
  unlockRoles: z.array(z.string()),
});
export type StaffMember = z.infer<typeof StaffMember>;

export const StaffList = z.object({ staff: z.array(StaffMember) });
export type StaffList = z.infer<typeof StaffList>;

/** One entry of the staff directory (what a name picker offers): no email, no roles. */
export const StaffDirectoryEntry = z.object({ id: z.string(), name: z.string(), isDisabled: z.boolean() });
export const StaffDirectory = z.object({ staff: z.array(StaffDirectoryEntry) });
export type StaffDirectory = z.infer<typeof StaffDirectory>;

export const StaffCreated = z.object({ id: z.string() });
export type StaffCreated = z.infer<typeof StaffCreated>;

/** An administrative act's answer: `updated`, `unlocked`, `enabled`; `disabled` also says how many sessions ended. */
export const StaffActResult = z.object({ status: z.string(), sessionsRevoked: z.number().optional() });
export type StaffActResult = z.infer<typeof StaffActResult>;

export function presentClinic(clinic: ClinicRow): Clinic {
  return { id: clinic.id, slug: clinic.slug, name: clinic.name };
}

/** The organisation roles that hold staff.manage: who may unlock an account (the unlock route's access). */
export const UNLOCK_ROLES: readonly string[] = ORG_ROLES.filter((role) => orgRoleGrants(role, 'staff.manage'));

export function presentStaffMember(row: StaffRow, roles: ReadonlyMap<string, ClinicRole>, factors: { passkeys: readonly unknown[]; hasTotp: boolean }, lockedFactors: readonly string[]): StaffMember {
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
    lockedFactors: [...lockedFactors],
    unlockRoles: [...UNLOCK_ROLES],
  };
}
