/**
 * Authorisation decisions, default deny. Pure functions over the actor and
 * the facts of a record, so that they read like the spec and are tested as such.
 */
import type { StaffActor } from './actor.js';
import { type ClinicPermission, clinicRoleGrants, type OrgPermission, orgRoleGrants } from './roles.js';

/** Does the actor hold an organisation permission? */
export function hasOrgPermission(actor: StaffActor, permission: OrgPermission): boolean {
  return actor.orgRole !== null && orgRoleGrants(actor.orgRole, permission);
}

/** Does the actor hold a clinic permission in this clinic? */
export function hasClinicPermission(actor: StaffActor, permission: ClinicPermission, clinicId: string): boolean {
  const role = actor.clinicRoles.get(clinicId);
  return role !== undefined && clinicRoleGrants(role, permission);
}

/** The clinics in which the actor holds a permission. */
export function clinicsWith(actor: StaffActor, permission: ClinicPermission): string[] {
  return [...actor.clinicRoles].filter(([, role]) => clinicRoleGrants(role, permission)).map(([clinicId]) => clinicId);
}

/** The facts about one person that decide access to them. */
export interface PersonFacts {
  readonly organisationId: string;
  /** Clinics through which the person is known (enquiries, appointments). */
  readonly clinicIds: readonly string[];
  readonly isRestricted: boolean;
  /** Staff named on the restricted person's access list. */
  readonly isOnRestrictedList: boolean;
  /** An unexpired break-glass grant of this actor for this person. */
  readonly hasBreakGlass: boolean;
  /** The actor is in this person's care team. */
  readonly isInCareTeam: boolean;
}

/**
 * May the actor use `permission` on this person? Clinical data and photos
 * additionally need the care relationship for practitioners; restricted
 * persons need the named list or a live break-glass grant. Break-glass
 * overrides tenancy and care, never the role's field-level limits.
 */
export function canAccessPerson(actor: StaffActor, permission: ClinicPermission, person: PersonFacts): boolean {
  if (person.organisationId !== actor.organisationId) return false;
  if (person.isRestricted && !person.isOnRestrictedList && !person.hasBreakGlass) return false;
  const clinics = person.hasBreakGlass ? [...actor.clinicRoles.keys()] : person.clinicIds;
  return clinics.some((clinicId) => {
    if (!hasClinicPermission(actor, permission, clinicId)) return false;
    const isClinical = permission === 'clinical.read' || permission === 'clinical.write' || permission === 'photo.read' || permission === 'photo.write';
    if (isClinical && actor.clinicRoles.get(clinicId) === 'practitioner') return person.isInCareTeam || person.hasBreakGlass;
    return true;
  });
}

/** Step-up (re-authentication) is fresh for this long. */
export const STEP_UP_FRESH_MS = 5 * 60_000;

/** Was a step-up at `steppedUpAtMs` (0 = never) fresh at `nowMs`? */
export function isStepUpFresh(steppedUpAtMs: number, nowMs: number): boolean {
  return steppedUpAtMs > 0 && nowMs - steppedUpAtMs <= STEP_UP_FRESH_MS;
}

export function hasFreshStepUp(actor: StaffActor, nowMs: number): boolean {
  return isStepUpFresh(actor.steppedUpAt, nowMs);
}

/**
 * The clinics whose counts-only reports the actor may see: clinic managers
 * their own (`report.read`), administrators every clinic of the
 * organisation (`report.read-all`). Receptionists and practitioners none.
 */
export function reportClinics(actor: StaffActor, organisationClinicIds: readonly string[]): string[] {
  if (hasOrgPermission(actor, 'report.read-all')) return [...organisationClinicIds];
  const own = new Set(clinicsWith(actor, 'report.read'));
  return organisationClinicIds.filter((id) => own.has(id));
}
