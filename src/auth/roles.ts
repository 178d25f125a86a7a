/**
 * Roles and what they permit — the authorisation spec in one table.
 *
 * Clinic roles hold only in the clinic they are granted for (tenancy).
 * Organisation roles (administrator, DPO) run the organisation; they do not
 * by themselves open anyone's personal data.
 */

export const CLINIC_ROLES = ['receptionist', 'nurse', 'practitioner', 'clinic_manager'] as const;
export type ClinicRole = (typeof CLINIC_ROLES)[number];

export const ORG_ROLES = ['administrator', 'dpo'] as const;
export type OrgRole = (typeof ORG_ROLES)[number];

/** Permissions held in a clinic: all but `access.review` (re-certifying the clinic's staff), `acknowledgement.manage` (the clinic's acknowledgement e-mail) and `report.read` (counts-only reports) open that clinic's people. */
export const CLINIC_PERMISSIONS = [
  'enquiry.read',
  'enquiry.update',
  'enquiry.assign',
  'contact.read',
  'patient.write',
  'consent.manage',
  'clinical.read',
  'clinical.write',
  'photo.read',
  'photo.write',
  'photo.export',
  'financial.read',
  'financial.write',
  'access.review',
  'acknowledgement.manage',
  'report.read',
] as const;
export type ClinicPermission = (typeof CLINIC_PERMISSIONS)[number];

/** Clinic permissions that reach patients' personal data (everything but reviewing staff access and editing the acknowledgement e-mail). */
export function isPersonalDataPermission(permission: string): boolean {
  return (CLINIC_PERMISSIONS as readonly string[]).includes(permission) && permission !== 'access.review' && permission !== 'acknowledgement.manage' && permission !== 'report.read';
}

/** Permissions held across the organisation: administration and oversight, no personal data. */
export const ORG_PERMISSIONS = ['staff.manage', 'restricted.manage', 'break-glass.review', 'audit.read', 'alerts.manage', 'consent.forms', 'incident.manage', 'retention.manage', 'compliance.manage', 'rights.manage', 'report.read-all'] as const;
export type OrgPermission = (typeof ORG_PERMISSIONS)[number];

export type Permission = ClinicPermission | OrgPermission;

/**
 * SECURITY: field-level rules live here. Receptionists see contact details
 * and enquiries, never clinical notes or photos; practitioners' clinical
 * access is further limited to their own patients (care relationship, see policy.ts).
 */
const CLINIC_GRANTS: Readonly<Record<ClinicRole, readonly ClinicPermission[]>> = {
  receptionist: ['enquiry.read', 'enquiry.update', 'contact.read', 'patient.write', 'consent.manage'],
  nurse: ['enquiry.read', 'contact.read', 'patient.write', 'consent.manage', 'clinical.read', 'clinical.write', 'photo.read', 'photo.write'],
  practitioner: ['enquiry.read', 'contact.read', 'patient.write', 'consent.manage', 'clinical.read', 'clinical.write', 'photo.read', 'photo.write', 'photo.export'],
  // Managers approve photo exports (second person) and run the money; they do not see clinical content.
  // Managers see their clinics' counts-only reports (report.read).
  // Managers also hand enquiries out (enquiry.assign): reassigning is rate-limited like claiming (front-desk-config.ts).
  clinic_manager: ['enquiry.read', 'enquiry.update', 'enquiry.assign', 'contact.read', 'patient.write', 'consent.manage', 'photo.export', 'financial.read', 'financial.write', 'access.review', 'acknowledgement.manage', 'report.read'],
};

const ORG_GRANTS: Readonly<Record<OrgRole, readonly OrgPermission[]>> = {
  // Administrators see the counts-only reports of every clinic (report.read-all): counts, durations and codes, nobody's data.
  administrator: ['staff.manage', 'alerts.manage', 'consent.forms', 'incident.manage', 'compliance.manage', 'report.read-all'],
  // The DPO fulfils data-subject requests: opening a person's data needs an open request for that person (see door/subject-access.ts).
  dpo: ['restricted.manage', 'break-glass.review', 'audit.read', 'alerts.manage', 'consent.forms', 'incident.manage', 'retention.manage', 'compliance.manage', 'rights.manage'],
};

/** Roles whose holders must use a passkey (phishing-resistant) as their factor. */
export const PASSKEY_REQUIRED_ROLES: readonly OrgRole[] = ['administrator', 'dpo'];

export function clinicRoleGrants(role: ClinicRole, permission: ClinicPermission): boolean {
  return CLINIC_GRANTS[role].includes(permission);
}

export function orgRoleGrants(role: OrgRole, permission: OrgPermission): boolean {
  return ORG_GRANTS[role].includes(permission);
}

export function isClinicRole(value: string): value is ClinicRole {
  return (CLINIC_ROLES as readonly string[]).includes(value);
}

export function isOrgRole(value: string): value is OrgRole {
  return (ORG_ROLES as readonly string[]).includes(value);
}

export function isOrgPermission(value: string): value is OrgPermission {
  return (ORG_PERMISSIONS as readonly string[]).includes(value);
}

/** Every permission an organisation role and a set of clinic roles grant (in at least one clinic), in catalogue order. */
export function permissionsOf(orgRole: OrgRole | null, clinicRoles: Iterable<ClinicRole>): Permission[] {
  const roles = [...clinicRoles];
  return [...ORG_PERMISSIONS.filter((p) => orgRole && orgRoleGrants(orgRole, p)), ...CLINIC_PERMISSIONS.filter((p) => roles.some((role) => clinicRoleGrants(role, p)))];
}
