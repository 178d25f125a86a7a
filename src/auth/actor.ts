import type { ClinicRole, OrgRole } from './roles.js';

/** What keeps a signed-in staff member from personal data: no second factor, training not current, a policy version not acknowledged. */
export type ComplianceBlock = 'mfa' | 'training' | 'policy';

/** Who is acting, as established by a verified session (password and second factor). */
export interface StaffActor {
  readonly kind: 'staff';
  readonly staffId: string;
  readonly organisationId: string;
  readonly orgRole: OrgRole | null;
  /** Role per clinic id (tenancy: no entry, no access to that clinic's people). */
  readonly clinicRoles: ReadonlyMap<string, ClinicRole>;
  readonly sessionId: string;
  /** When the session last re-authenticated (step-up), ms since epoch; 0 if never. */
  readonly steppedUpAt: number;
  readonly ip: string | null;
  /** SECURITY: while non-empty, the door admits no personal-data read or write (see core/people/compliance.service.ts). */
  readonly blocks: readonly ComplianceBlock[];
}

/** Audit actor label: ids only. */
export function actorLabel(actor: StaffActor): string {
  return `staff:${actor.staffId}`;
}

/** The fields of an audit event a staff member's act carries (who, from where, which session); the one place they are built. */
export interface ActorEventFields {
  readonly actor: string;
  readonly ip: string | null;
  readonly sessionId: string | null;
}

/** Audit fields for an act by `actor` (ids only). Spread into an AuditEvent: `{ ...actorEvent(actor), action, ... }`. */
export function actorEvent(actor: StaffActor): ActorEventFields {
  return { actor: actorLabel(actor), ip: actor.ip, sessionId: actor.sessionId };
}
