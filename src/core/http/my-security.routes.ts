/**
 * A staff member's own security: enrolling factors (at first login, or later
 * after a fresh step-up), removing them, new recovery codes, changing the
 * password, and the list of their sessions. Registered by sign-in.routes.ts.
 */
import type { RegistrationResponseJSON } from '@simplewebauthn/server';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { MfaService } from '../../auth/mfa.service.js';
import { checkPassword, normalisePassword } from '../../auth/password-policy.js';
import type { SessionService } from '../../auth/session.service.js';
import { setPasswordHash } from '../../auth/staff.repository.js';
import { passwordSubject, type Throttle } from '../../auth/throttle.js';
import { hashPassword, verifyPassword } from '../../crypto/passphrase.js';
import type { Db } from '../../db/database.js';
import type { Clock } from '../../platform/clock.js';
import { appError } from '../../platform/errors.js';
import { responseSchema } from '../../platform/http/schemas.js';
import { passwordContextOf } from '../org/password-context.js';
import { FactorEnrolled, FactorStatus, PasskeyCreationOptions, PasswordChanged, RecoveryCodes, Removed, SessionList, TotpEnrolment } from './my-security.presenter.js';
import type { RouteHttp } from './route-http.js';
import { CHALLENGE_TTL_MS, codeBody, isSteppedUpNow, requiresPasskey, type SessionCookie, sessionOf, staffOf, webauthnBody } from './sign-in-request.js';

/** What the own-security routes use. */
export interface MySecurityRouteDeps {
  readonly db: Db;
  readonly clock: Clock;
  readonly sessions: SessionService;
  readonly mfa: MfaService;
  readonly throttle: Throttle;
  /** Requests per minute per IP on each sign-in route (on top of the per-account factor locks). */
  readonly authRateMax: number;
  readonly cookie: SessionCookie;
  readonly http: RouteHttp;
}

const idParams = { type: 'object', properties: { id: { type: 'string', minLength: 1, maxLength: 512 } } } as const;
const passwordBody = { type: 'object', required: ['current', 'next'], additionalProperties: false, properties: { current: { type: 'string', maxLength: 1024 }, next: { type: 'string', maxLength: 1024 } } } as const;
const ok = (schema: Parameters<typeof responseSchema>[0]) => ({ response: { 200: responseSchema(schema) } });

/** Register the own-security routes. */
export function registerMySecurityRoutes(app: FastifyInstance, deps: MySecurityRouteDeps): void {
  const { db, mfa, sessions, throttle, clock, http, cookie } = deps;
  const authLimit = { max: deps.authRateMax, timeWindow: 60_000 };

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
    if (!session.mfa_at || !isSteppedUpNow(clock, session.stepped_up_at)) {
      await http.record(request, { action: 'auth.step-up.required', outcome: 'denied', purpose: request.routeOptions.url ?? '' });
      throw appError('STEP_UP_REQUIRED');
    }
  }

  /** First factor enrolled at first login: complete sign-in and hand out recovery codes once. */
  async function factorEnrolled(request: FastifyRequest, reply: FastifyReply, method: string): Promise<FactorEnrolled> {
    const staff = staffOf(request);
    await http.record(request, { action: 'auth.factor.add', outcome: 'success', purpose: method });
    const hasCodes = (await mfa.status(staff.id)).recoveryCodesLeft > 0;
    const recoveryCodes = hasCodes ? undefined : await mfa.issueRecoveryCodes(staff.id);
    if (!sessionOf(request).mfa_at) cookie.set(reply, await sessions.completeMfa(sessionOf(request)));
    return recoveryCodes ? { status: 'enrolled', recoveryCodes } : { status: 'enrolled' };
  }

  app.post('/api/v1/me/factors/totp/start', { config: { access: 'authenticating' }, schema: ok(TotpEnrolment) }, async (request): Promise<TotpEnrolment> => {
    await assertMayEnrol(request);
    if (requiresPasskey(staffOf(request))) throw appError('PASSKEY_REQUIRED');
    return mfa.startTotp(staffOf(request));
  });

  app.post<{ Body: { code: string } }>('/api/v1/me/factors/totp/confirm', { config: { access: 'authenticating', rateLimit: authLimit }, schema: { body: codeBody, ...ok(FactorEnrolled) } }, async (request, reply) => {
    await assertMayEnrol(request);
    if (!(await mfa.confirmTotp(staffOf(request).id, request.body.code))) {
      await http.record(request, { action: 'auth.factor.add', outcome: 'failure', purpose: 'totp' });
      throw appError('MFA_FAILED');
    }
    return factorEnrolled(request, reply, 'totp');
  });

  app.post('/api/v1/me/factors/passkey/options', { config: { access: 'authenticating' }, schema: ok(PasskeyCreationOptions) }, async (request) => {
    await assertMayEnrol(request);
    const options = await mfa.passkeyRegistrationOptions(staffOf(request));
    await sessions.setChallenge(sessionOf(request), options.challenge, CHALLENGE_TTL_MS);
    return options;
  });

  app.post<{ Body: { response: RegistrationResponseJSON } }>('/api/v1/me/factors/passkey', { config: { access: 'authenticating', rateLimit: authLimit }, schema: { body: webauthnBody, ...ok(FactorEnrolled) } }, async (request, reply) => {
    await assertMayEnrol(request);
    const challenge = await sessions.takeChallenge(sessionOf(request));
    if (!challenge) {
      await http.record(request, { action: 'auth.factor.add', outcome: 'denied', purpose: 'challenge-expired' });
      throw appError('CHALLENGE_EXPIRED');
    }
    if (!(await mfa.registerPasskey(staffOf(request).id, request.body.response, challenge))) {
      await http.record(request, { action: 'auth.factor.add', outcome: 'failure', purpose: 'passkey' });
      throw appError('MFA_FAILED');
    }
    return factorEnrolled(request, reply, 'passkey');
  });

  app.get('/api/v1/me/factors', { config: { access: 'staff' }, schema: ok(FactorStatus) }, async (request) => mfa.status(staffOf(request).id));

  app.delete<{ Params: { id: string } }>('/api/v1/me/factors/passkey/:id', { config: { access: 'staff' }, schema: { params: idParams, ...ok(Removed) } }, async (request): Promise<Removed> => {
    await assertSteppedUp(request);
    const staff = staffOf(request);
    const status = await mfa.status(staff.id);
    const remainingAfter = status.passkeys.filter((p) => p.id !== request.params.id).length + (status.hasTotp && !requiresPasskey(staff) ? 1 : 0);
    if (remainingAfter === 0) throw appError('LAST_FACTOR');
    if (!(await mfa.removePasskey(staff.id, request.params.id))) {
      await http.record(request, { action: 'auth.factor.remove', outcome: 'denied', purpose: 'not-found' });
      throw appError('NOT_FOUND');
    }
    await http.record(request, { action: 'auth.factor.remove', outcome: 'success', purpose: 'passkey' });
    return { status: 'removed' };
  });

  app.delete('/api/v1/me/factors/totp', { config: { access: 'staff' }, schema: ok(Removed) }, async (request): Promise<Removed> => {
    await assertSteppedUp(request);
    const status = await mfa.status(staffOf(request).id);
    if (status.passkeys.length === 0) throw appError('LAST_FACTOR');
    await mfa.removeTotp(staffOf(request).id);
    await http.record(request, { action: 'auth.factor.remove', outcome: 'success', purpose: 'totp' });
    return { status: 'removed' };
  });

  app.post('/api/v1/me/recovery-codes', { config: { access: 'staff' }, schema: ok(RecoveryCodes) }, async (request): Promise<RecoveryCodes> => {
    await assertSteppedUp(request);
    const recoveryCodes = await mfa.issueRecoveryCodes(staffOf(request).id);
    await http.record(request, { action: 'auth.factor.add', outcome: 'success', purpose: 'recovery-codes' });
    return { recoveryCodes };
  });

  app.put<{ Body: { current: string; next: string } }>('/api/v1/me/password', { config: { access: 'staff', rateLimit: authLimit }, schema: { body: passwordBody, ...ok(PasswordChanged) } }, async (request): Promise<PasswordChanged> => {
    await assertSteppedUp(request);
    const staff = staffOf(request);
    if (!(await verifyPassword(staff.password_hash, normalisePassword(request.body.current)))) {
      await throttle.fail('password', passwordSubject(staff.email));
      await http.record(request, { action: 'auth.password.change', outcome: 'failure' });
      throw appError('LOGIN_FAILED');
    }
    const context = await passwordContextOf(db, { name: staff.display_name, email: staff.email, organisationId: staff.organisation_id });
    const problems = checkPassword(request.body.next, { hasMfa: true, context });
    if (problems.length > 0) throw appError('PASSWORD_REJECTED', problems);
    await setPasswordHash(db, staff.id, await hashPassword(normalisePassword(request.body.next)));
    const revoked = await sessions.revokeAll(staff.id, sessionOf(request).id_hash);
    await http.record(request, { action: 'auth.password.change', outcome: 'success', purpose: `other-sessions-revoked:${revoked}` });
    return { status: 'changed', otherSessionsRevoked: revoked };
  });

  app.get('/api/v1/me/sessions', { config: { access: 'staff' }, schema: ok(SessionList) }, async (request): Promise<SessionList> => ({ sessions: await sessions.list(staffOf(request).id, sessionOf(request).id_hash) }));

  app.delete<{ Params: { id: string } }>('/api/v1/me/sessions/:id', { config: { access: 'staff' }, schema: { params: idParams, ...ok(Removed) } }, async (request): Promise<Removed> => {
    if (!(await sessions.revokeById(staffOf(request).id, request.params.id))) {
      await http.record(request, { action: 'auth.session.revoke', outcome: 'denied', purpose: 'not-found' });
      throw appError('NOT_FOUND');
    }
    await http.record(request, { action: 'auth.session.revoke', outcome: 'success' });
    return { status: 'revoked' };
  });
}
