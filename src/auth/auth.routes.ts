/**
 * Sign-in, second factor, enrolment, step-up and session management routes.
 *
 * Flow: password → pending session (new token) → second factor (or, at first
 * login, enrolment of one) → full session (new token again). In a full
 * session the same factor routes perform a step-up (re-authentication), which
 * changing factors and other sensitive acts require.
 */
import type { AuthenticationResponseJSON, RegistrationResponseJSON } from '@simplewebauthn/server';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { RouteContext } from '../core/http/core-app.js';
import { clinicRolesOf, findStaffById, listClinics } from '../core/org/org.repository.js';
import { hashPassword, verifyPassword } from '../crypto/passphrase.js';
import type { StaffRow } from '../db/tables.js';
import { appError } from '../platform/errors.js';
import { checkPassword, normalisePassword } from './password-policy.js';
import { isStepUpFresh } from './policy.js';
import { CLINIC_PERMISSIONS, clinicRoleGrants, isOrgRole, ORG_PERMISSIONS, orgRoleGrants, PASSKEY_REQUIRED_ROLES } from './roles.js';
import type { SessionRow } from './session.service.js';
import { passwordSubject } from './throttle.js';

const CHALLENGE_TTL_MS = 5 * 60_000;
const codeBody = { type: 'object', required: ['code'], additionalProperties: false, properties: { code: { type: 'string', minLength: 1, maxLength: 64 } } } as const;
const webauthnBody = { type: 'object', required: ['response'], additionalProperties: false, properties: { response: { type: 'object' } } } as const;
const idParams = { type: 'object', properties: { id: { type: 'string', minLength: 1, maxLength: 512 } } } as const;

function requiresPasskey(staff: StaffRow): boolean {
  return staff.org_role !== null && isOrgRole(staff.org_role) && PASSKEY_REQUIRED_ROLES.includes(staff.org_role);
}

/** Register the auth routes. */
export function registerAuthRoutes(app: FastifyInstance, ctx: RouteContext): void {
  const { mfa, sessions, throttle, clock } = ctx;
  const authLimit = { max: ctx.authRateMax, timeWindow: 60_000 };
  const staffOf = (request: FastifyRequest): StaffRow => request.staff as StaffRow;
  const sessionOf = (request: FastifyRequest): SessionRow => request.session as SessionRow;
  const isFresh = (steppedUpAt: string | null) => steppedUpAt !== null && isStepUpFresh(new Date(steppedUpAt).getTime(), clock.now().getTime());

  async function state(staff: StaffRow | undefined, session: SessionRow | undefined) {
    if (!staff || !session) return { stage: 'signed-out' as const };
    const status = await mfa.status(staff.id);
    const hasFactor = status.passkeys.length > 0 || status.hasTotp;
    const stage = session.mfa_at ? 'signed-in' : hasFactor ? 'second-factor' : 'enrol';
    const clinicRoles = await clinicRolesOf(ctx.db, staff.id);
    const clinics = new Map((await listClinics(ctx.db)).map((c) => [c.id, c.name]));
    const orgRole = staff.org_role && isOrgRole(staff.org_role) ? staff.org_role : null;
    const permissions = [
      ...ORG_PERMISSIONS.filter((p) => orgRole && orgRoleGrants(orgRole, p)),
      ...CLINIC_PERMISSIONS.filter((p) => [...clinicRoles.values()].some((role) => clinicRoleGrants(role, p))),
    ];
    return {
      stage,
      staff: { id: staff.id, name: staff.display_name, email: staff.email, orgRole, clinicRoles: [...clinicRoles].map(([clinicId, role]) => ({ clinicId, clinicName: clinics.get(clinicId) ?? '', role })), permissions },
      factors: { passkey: status.passkeys.length > 0, totp: status.hasTotp && !requiresPasskey(staff), recovery: status.recoveryCodesLeft > 0 },
      passkeyRequired: requiresPasskey(staff),
      steppedUp: isFresh(session.stepped_up_at),
      // What keeps this person from patient data (the UI shows "My tasks" instead of patient pages).
      blocks: stage === 'signed-in' ? await ctx.compliance.blocksFor(staff) : [],
    };
  }

  /** After a verified factor: finish sign-in (new token) or record a step-up. */
  async function factorVerified(request: FastifyRequest, reply: FastifyReply, method: string): Promise<void> {
    const session = sessionOf(request);
    if (session.mfa_at) {
      await sessions.markSteppedUp(session);
      await ctx.record(request, { action: 'auth.step-up', outcome: 'success', purpose: method });
    } else {
      ctx.setSessionCookie(reply, await sessions.completeMfa(session));
      await ctx.record(request, { action: 'auth.login.second-factor', outcome: 'success', purpose: method });
    }
  }

  async function factorFailed(request: FastifyRequest, kind: 'totp' | 'recovery' | 'passkey', method: string): Promise<never> {
    const isNowLocked = await throttle.fail(kind, staffOf(request).id);
    await ctx.record(request, { action: sessionOf(request).mfa_at ? 'auth.step-up' : 'auth.login.second-factor', outcome: 'failure', purpose: isNowLocked ? `${method}-locked` : method });
    throw appError(isNowLocked ? 'FACTOR_LOCKED' : 'MFA_FAILED');
  }

  async function refuseIfLocked(request: FastifyRequest, kind: 'totp' | 'recovery' | 'passkey'): Promise<void> {
    if (await throttle.isLocked(kind, staffOf(request).id)) {
      await ctx.record(request, { action: 'auth.login.second-factor', outcome: 'denied', purpose: `${kind}-locked` });
      throw appError('FACTOR_LOCKED');
    }
  }

  /** Enrolling a factor: at first login (no factor yet), or later after a fresh step-up. */
  async function assertMayEnrol(request: FastifyRequest): Promise<void> {
    const session = sessionOf(request);
    if (!session.mfa_at) {
      if (await mfa.hasAnyFactor(staffOf(request).id)) throw appError('MFA_REQUIRED');
      return;
    }
    await assertSteppedUp(request);
  }

  async function assertSteppedUp(request: FastifyRequest): Promise<void> {
    const session = sessionOf(request);
    if (!session.mfa_at || !isFresh(session.stepped_up_at)) {
      await ctx.record(request, { action: 'auth.step-up.required', outcome: 'denied', purpose: request.routeOptions.url ?? '' });
      throw appError('STEP_UP_REQUIRED');
    }
  }

  /** First factor enrolled at first login: complete sign-in and hand out recovery codes once. */
  async function factorEnrolled(request: FastifyRequest, reply: FastifyReply, method: string): Promise<{ recoveryCodes?: string[] }> {
    const staff = staffOf(request);
    await ctx.record(request, { action: 'auth.factor.add', outcome: 'success', purpose: method });
    const hasCodes = (await mfa.status(staff.id)).recoveryCodesLeft > 0;
    const recoveryCodes = hasCodes ? undefined : await mfa.issueRecoveryCodes(staff.id);
    if (!sessionOf(request).mfa_at) ctx.setSessionCookie(reply, await sessions.completeMfa(sessionOf(request)));
    return recoveryCodes ? { recoveryCodes } : {};
  }

  app.get('/api/v1/auth/state', { config: { access: 'public' } }, async (request) => {
    const token = request.cookies[ctx.cookieName];
    const session = token ? await sessions.resolve(token) : undefined;
    const staff = session ? await findStaffById(ctx.db, session.staff_id) : undefined;
    return state(staff && !staff.disabled_at ? staff : undefined, session);
  });

  const credentials = { type: 'object', required: ['email', 'password'], additionalProperties: false, properties: { email: { type: 'string', maxLength: 254 }, password: { type: 'string', maxLength: 1024 } } } as const;
  app.post<{ Body: { email: string; password: string } }>('/api/v1/auth/login', { config: { access: 'public', rateLimit: authLimit }, schema: { body: credentials } }, async (request, reply) => {
    const staff = await ctx.logins.login(request.body.email, request.body.password, request.ip);
    const token = await sessions.create(staff.id, { ip: request.ip, userAgent: request.headers['user-agent'] ?? null });
    ctx.setSessionCookie(reply, token);
    return state(staff, await sessions.resolve(token));
  });

  app.post<{ Body: { code: string } }>('/api/v1/auth/totp', { config: { access: 'authenticating', rateLimit: authLimit }, schema: { body: codeBody } }, async (request, reply) => {
    if (requiresPasskey(staffOf(request))) throw appError('PASSKEY_REQUIRED');
    await refuseIfLocked(request, 'totp');
    if (!(await mfa.verifyTotp(staffOf(request).id, request.body.code))) return factorFailed(request, 'totp', 'totp');
    await throttle.succeed('totp', staffOf(request).id);
    await factorVerified(request, reply, 'totp');
    return { status: 'verified' };
  });

  app.post<{ Body: { code: string } }>('/api/v1/auth/recovery', { config: { access: 'authenticating', rateLimit: authLimit }, schema: { body: codeBody } }, async (request, reply) => {
    await refuseIfLocked(request, 'recovery');
    if (!(await mfa.useRecoveryCode(staffOf(request).id, request.body.code))) return factorFailed(request, 'recovery', 'recovery-code');
    await throttle.succeed('recovery', staffOf(request).id);
    await factorVerified(request, reply, 'recovery-code');
    const left = (await mfa.status(staffOf(request).id)).recoveryCodesLeft;
    return { status: 'verified', recoveryCodesLeft: left };
  });

  app.post('/api/v1/auth/passkey/options', { config: { access: 'authenticating', rateLimit: authLimit } }, async (request) => {
    const options = await mfa.passkeyAuthenticationOptions(staffOf(request).id);
    await sessions.setChallenge(sessionOf(request), options.challenge, CHALLENGE_TTL_MS);
    return options;
  });

  app.post<{ Body: { response: AuthenticationResponseJSON } }>('/api/v1/auth/passkey', { config: { access: 'authenticating', rateLimit: authLimit }, schema: { body: webauthnBody } }, async (request, reply) => {
    await refuseIfLocked(request, 'passkey');
    const challenge = await sessions.takeChallenge(sessionOf(request));
    if (!challenge) {
      await ctx.record(request, { action: 'auth.passkey', outcome: 'denied', purpose: 'challenge-expired' });
      throw appError('CHALLENGE_EXPIRED');
    }
    if (!(await mfa.verifyPasskey(staffOf(request).id, request.body.response, challenge))) return factorFailed(request, 'passkey', 'passkey');
    await throttle.succeed('passkey', staffOf(request).id);
    await factorVerified(request, reply, 'passkey');
    return { status: 'verified' };
  });

  app.post('/api/v1/auth/logout', { config: { access: 'authenticating' } }, async (request, reply) => {
    const token = request.cookies[ctx.cookieName];
    if (token) await sessions.revoke(token);
    await ctx.record(request, { action: 'auth.logout', outcome: 'success' });
    ctx.clearSessionCookie(reply);
    return { status: 'signed-out' };
  });

  app.post('/api/v1/auth/logout-everywhere', { config: { access: 'staff' } }, async (request, reply) => {
    const count = await sessions.revokeAll(staffOf(request).id);
    await ctx.record(request, { action: 'auth.logout.everywhere', outcome: 'success', purpose: `sessions:${count}` });
    ctx.clearSessionCookie(reply);
    return { status: 'signed-out', sessionsRevoked: count };
  });

  // Enrolment and factor management.
  app.post('/api/v1/me/factors/totp/start', { config: { access: 'authenticating' } }, async (request) => {
    await assertMayEnrol(request);
    if (requiresPasskey(staffOf(request))) throw appError('PASSKEY_REQUIRED');
    return mfa.startTotp(staffOf(request));
  });

  app.post<{ Body: { code: string } }>('/api/v1/me/factors/totp/confirm', { config: { access: 'authenticating', rateLimit: authLimit }, schema: { body: codeBody } }, async (request, reply) => {
    await assertMayEnrol(request);
    if (!(await mfa.confirmTotp(staffOf(request).id, request.body.code))) {
      await ctx.record(request, { action: 'auth.factor.add', outcome: 'failure', purpose: 'totp' });
      throw appError('MFA_FAILED');
    }
    return { status: 'enrolled', ...(await factorEnrolled(request, reply, 'totp')) };
  });

  app.post('/api/v1/me/factors/passkey/options', { config: { access: 'authenticating' } }, async (request) => {
    await assertMayEnrol(request);
    const options = await mfa.passkeyRegistrationOptions(staffOf(request));
    await sessions.setChallenge(sessionOf(request), options.challenge, CHALLENGE_TTL_MS);
    return options;
  });

  app.post<{ Body: { response: RegistrationResponseJSON } }>('/api/v1/me/factors/passkey', { config: { access: 'authenticating', rateLimit: authLimit }, schema: { body: webauthnBody } }, async (request, reply) => {
    await assertMayEnrol(request);
    const challenge = await sessions.takeChallenge(sessionOf(request));
    if (!challenge) {
      await ctx.record(request, { action: 'auth.factor.add', outcome: 'denied', purpose: 'challenge-expired' });
      throw appError('CHALLENGE_EXPIRED');
    }
    if (!(await mfa.registerPasskey(staffOf(request).id, request.body.response, challenge))) {
      await ctx.record(request, { action: 'auth.factor.add', outcome: 'failure', purpose: 'passkey' });
      throw appError('MFA_FAILED');
    }
    return { status: 'enrolled', ...(await factorEnrolled(request, reply, 'passkey')) };
  });

  app.get('/api/v1/me/factors', { config: { access: 'staff' } }, async (request) => mfa.status(staffOf(request).id));

  app.delete<{ Params: { id: string } }>('/api/v1/me/factors/passkey/:id', { config: { access: 'staff' }, schema: { params: idParams } }, async (request) => {
    await assertSteppedUp(request);
    const staff = staffOf(request);
    const status = await mfa.status(staff.id);
    const remainingAfter = status.passkeys.filter((p) => p.id !== request.params.id).length + (status.hasTotp && !requiresPasskey(staff) ? 1 : 0);
    if (remainingAfter === 0) throw appError('LAST_FACTOR');
    if (!(await mfa.removePasskey(staff.id, request.params.id))) {
      await ctx.record(request, { action: 'auth.factor.remove', outcome: 'denied', purpose: 'not-found' });
      throw appError('NOT_FOUND');
    }
    await ctx.record(request, { action: 'auth.factor.remove', outcome: 'success', purpose: 'passkey' });
    return { status: 'removed' };
  });

  app.delete('/api/v1/me/factors/totp', { config: { access: 'staff' } }, async (request) => {
    await assertSteppedUp(request);
    const status = await mfa.status(staffOf(request).id);
    if (status.passkeys.length === 0) throw appError('LAST_FACTOR');
    await mfa.removeTotp(staffOf(request).id);
    await ctx.record(request, { action: 'auth.factor.remove', outcome: 'success', purpose: 'totp' });
    return { status: 'removed' };
  });

  app.post('/api/v1/me/recovery-codes', { config: { access: 'staff' } }, async (request) => {
    await assertSteppedUp(request);
    const recoveryCodes = await mfa.issueRecoveryCodes(staffOf(request).id);
    await ctx.record(request, { action: 'auth.factor.add', outcome: 'success', purpose: 'recovery-codes' });
    return { recoveryCodes };
  });

  const passwordBody = { type: 'object', required: ['current', 'next'], additionalProperties: false, properties: { current: { type: 'string', maxLength: 1024 }, next: { type: 'string', maxLength: 1024 } } } as const;
  app.put<{ Body: { current: string; next: string } }>('/api/v1/me/password', { config: { access: 'staff', rateLimit: authLimit }, schema: { body: passwordBody } }, async (request) => {
    await assertSteppedUp(request);
    const staff = staffOf(request);
    if (!(await verifyPassword(staff.password_hash, normalisePassword(request.body.current)))) {
      await throttle.fail('password', passwordSubject(staff.email));
      await ctx.record(request, { action: 'auth.password.change', outcome: 'failure' });
      throw appError('LOGIN_FAILED');
    }
    const organisation = await ctx.db.selectFrom('organisations').select('name').where('id', '=', staff.organisation_id).executeTakeFirst();
    const clinics = (await listClinics(ctx.db)).map((c) => c.name);
    const problems = checkPassword(request.body.next, { hasMfa: true, context: [staff.display_name, staff.email, organisation?.name ?? '', ...clinics] });
    if (problems.length > 0) throw appError('PASSWORD_REJECTED', problems);
    await ctx.db.updateTable('staff').set({ password_hash: await hashPassword(normalisePassword(request.body.next)) }).where('id', '=', staff.id).execute();
    const revoked = await sessions.revokeAll(staff.id, sessionOf(request).id_hash);
    await ctx.record(request, { action: 'auth.password.change', outcome: 'success', purpose: `other-sessions-revoked:${revoked}` });
    return { status: 'changed', otherSessionsRevoked: revoked };
  });

  app.get('/api/v1/me/sessions', { config: { access: 'staff' } }, async (request) => ({ sessions: await sessions.list(staffOf(request).id, sessionOf(request).id_hash) }));

  app.delete<{ Params: { id: string } }>('/api/v1/me/sessions/:id', { config: { access: 'staff' }, schema: { params: idParams } }, async (request) => {
    if (!(await sessions.revokeById(staffOf(request).id, request.params.id))) {
      await ctx.record(request, { action: 'auth.session.revoke', outcome: 'denied', purpose: 'not-found' });
      throw appError('NOT_FOUND');
    }
    await ctx.record(request, { action: 'auth.session.revoke', outcome: 'success' });
    return { status: 'revoked' };
  });
}
