/**
 * Who edits the acknowledgement e-mail, as a spec: the administrator edits
 * the organisation's default and any clinic's own template; a clinic manager
 * (`acknowledgement.manage`) edits the template of the clinics they manage
 * and sees the default they start from. Nobody else sees the page. Editing a
 * template opens nobody's personal data.
 */
import type { StaffActor } from '../../auth/actor.js';
import { clinicsWith, hasClinicPermission } from '../../auth/policy.js';

export function isAdministrator(actor: StaffActor): boolean {
  return actor.orgRole === 'administrator';
}

/** May the actor edit the organisation's default? */
export function canEditDefault(actor: StaffActor): boolean {
  return isAdministrator(actor);
}

/** May the actor edit this clinic's own template? (The clinic must be in the actor's organisation: the caller checks.) */
export function canEditClinic(actor: StaffActor, clinicId: string): boolean {
  return isAdministrator(actor) || hasClinicPermission(actor, 'acknowledgement.manage', clinicId);
}

/** May the actor open the acknowledgement page at all? */
export function canManageAcknowledgements(actor: StaffActor): boolean {
  return isAdministrator(actor) || clinicsWith(actor, 'acknowledgement.manage').length > 0;
}
