/**
 * What the sign-in and own-security routes share: the session cookie, the
 * staff row and session the authentication hook put on the request, and
 * whether a session's step-up is fresh. These routes work on the session
 * itself (many run before the second factor, when there is no actor yet).
 */
import type { FastifyReply, FastifyRequest } from 'fastify';
import { isStepUpFresh } from '../../auth/policy.js';
import { isOrgRole, PASSKEY_REQUIRED_ROLES } from '../../auth/roles.js';
import type { SessionRow } from '../../auth/session.service.js';
import type { StaffRow } from '../../db/tables.js';
import type { Clock } from '../../platform/clock.js';

/** The session cookie, as the core app sets it (name, flags, lifetime). */
export interface SessionCookie {
  readonly name: string;
  readonly set: (reply: FastifyReply, token: string) => void;
  readonly clear: (reply: FastifyReply) => void;
}

/** How long a WebAuthn challenge stays valid. */
export const CHALLENGE_TTL_MS = 5 * 60_000;

/** Body of a route that takes a TOTP or recovery code. */
export const codeBody = { type: 'object', required: ['code'], additionalProperties: false, properties: { code: { type: 'string', minLength: 1, maxLength: 64 } } } as const;
/** Body of a route that takes a browser's WebAuthn response (checked by @simplewebauthn/server). */
export const webauthnBody = { type: 'object', required: ['response'], additionalProperties: false, properties: { response: { type: 'object' } } } as const;

/** The staff member of a route with access 'authenticating' or stricter (set by the authentication hook). */
export function staffOf(request: FastifyRequest): StaffRow {
  return request.staff as StaffRow;
}

/** The session of a route with access 'authenticating' or stricter (set by the authentication hook). */
export function sessionOf(request: FastifyRequest): SessionRow {
  return request.session as SessionRow;
}

/** Administrators and DPOs sign in with a passkey only. */
export function requiresPasskey(staff: StaffRow): boolean {
  return staff.org_role !== null && isOrgRole(staff.org_role) && PASSKEY_REQUIRED_ROLES.includes(staff.org_role);
}

/** Whether a session's last step-up (or sign-in) is recent enough for a sensitive act. */
export function isSteppedUpNow(clock: Clock, steppedUpAt: string | null): boolean {
  return steppedUpAt !== null && isStepUpFresh(new Date(steppedUpAt).getTime(), clock.now().getTime());
}
