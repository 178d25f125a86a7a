/**
 * Sign-in: password, second factor, sign-out; and (my-security.routes.ts)
 * enrolment, step-up and the account's own factors, password and sessions.
 *
 * Flow: password → pending session (new token) → second factor (or, at first
 * login, enrolment of one) → full session (new token again). In a full
 * session the same factor routes perform a step-up (re-authentication), which
 * changing factors and other sensitive acts require.
 */
import type { AuthenticationResponseJSON } from '@simplewebauthn/server';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { LoginService } from '../../auth/login.service.js';
import { isOrgRole } from '../../auth/roles.js';
import type { SessionRow } from '../../auth/session.service.js';
import { clinicRolesOf, findStaffById } from '../../auth/staff.repository.js';
import type { StaffRow } from '../../db/tables.js';
import { appError } from '../../platform/errors.js';
import { responseSchema } from '../../platform/http/schemas.js';
import { listClinics } from '../org/org.repository.js';
import type { ComplianceService } from '../people/compliance.service.js';
import { type MySecurityRouteDeps, registerMySecurityRoutes } from './my-security.routes.js';
import { CHALLENGE_TTL_MS, codeBody, isSteppedUpNow, requiresPasskey, sessionOf, staffOf, webauthnBody } from './sign-in-request.js';
import { FactorVerified, PasskeyRequestOptions, presentSignInState, SignedOut, SignInState } from './sign-in.presenter.js';

/** What the sign-in routes use (and pass on to the own-security routes). */
export interface SignInRouteDeps extends MySecurityRouteDeps {
  readonly logins: LoginService;
  /** Only asked what blocks a signed-in person from personal data. */
  readonly compliance: Pick<ComplianceService, 'blocksFor'>;
}

const credentials = { type: 'object', required: ['email', 'password'], additionalProperties: false, properties: { email: { type: 'string', maxLength: 254 }, password: { type: 'string', maxLength: 1024 } } } as const;
const stateResponse = { response: { 200: responseSchema(SignInState) } };
const verifiedResponse = { response: { 200: responseSchema(FactorVerified) } };
const signedOutResponse = { response: { 200: responseSchema(SignedOut) } };

/** Register the sign-in routes and the own-security routes. */
export function registerSignInRoutes(app: FastifyInstance, deps: SignInRouteDeps): void {
  const { db, mfa, sessions, throttle, clock, http, cookie } = deps;
  const authLimit = { max: deps.authRateMax, timeWindow: 60_000 };

  async function state(staff: StaffRow | undefined, session: SessionRow | undefined): Promise<SignInState> {
    if (!staff || !session) return { stage: 'signed-out' };
    const factors = await mfa.status(staff.id);
    const hasFactor = factors.passkeys.length > 0 || factors.hasTotp;
    const stage = session.mfa_at ? 'signed-in' : hasFactor ? 'second-factor' : 'enrol';
    const clinicRoles = await clinicRolesOf(db, staff.id);
    const clinicNames = new Map((await listClinics(db)).map((c) => [c.id, c.name]));
    return presentSignInState({
      staff,
      stage,
      factors,
      clinicRoles,
      clinicNames,
      orgRole: staff.org_role && isOrgRole(staff.org_role) ? staff.org_role : null,
      isPasskeyRequired: requiresPasskey(staff),
      isSteppedUp: isSteppedUpNow(clock, session.stepped_up_at),
      blocks: stage === 'signed-in' ? await deps.compliance.blocksFor(staff) : [],
    });
  }

  /** After a verified factor: finish sign-in (new token) or record a step-up. */
  async function factorVerified(request: FastifyRequest, reply: FastifyReply, method: string): Promise<void> {
    const session = sessionOf(request);
    if (session.mfa_at) {
      await sessions.markSteppedUp(session);
      await http.record(request, { action: 'auth.step-up', outcome: 'success', purpose: method });
    } else {
      cookie.set(reply, await sessions.completeMfa(session));
      await http.record(request, { action: 'auth.login.second-factor', outcome: 'success', purpose: method });
    }
  }

  async function factorFailed(request: FastifyRequest, kind: 'totp' | 'recovery' | 'passkey', method: string): Promise<never> {
    const isNowLocked = await throttle.fail(kind, staffOf(request).id);
    await http.record(request, { action: sessionOf(request).mfa_at ? 'auth.step-up' : 'auth.login.second-factor', outcome: 'failure', purpose: isNowLocked ? `${method}-locked` : method });
    throw appError(isNowLocked ? 'FACTOR_LOCKED' : 'MFA_FAILED');
  }

  async function refuseIfLocked(request: FastifyRequest, kind: 'totp' | 'recovery' | 'passkey'): Promise<void> {
    if (await throttle.isLocked(kind, staffOf(request).id)) {
      await http.record(request, { action: 'auth.login.second-factor', outcome: 'denied', purpose: `${kind}-locked` });
      throw appError('FACTOR_LOCKED');
    }
  }

  app.get('/api/v1/auth/state', { config: { access: 'public' }, schema: stateResponse }, async (request) => {
    const token = request.cookies[cookie.name];
    const session = token ? await sessions.resolve(token) : undefined;
    const staff = session ? await findStaffById(db, session.staff_id) : undefined;
    return state(staff && !staff.disabled_at ? staff : undefined, session);
  });

  app.post<{ Body: { email: string; password: string } }>('/api/v1/auth/login', { config: { access: 'public', rateLimit: authLimit }, schema: { body: credentials, ...stateResponse } }, async (request, reply) => {
    const staff = await deps.logins.login(request.body.email, request.body.password, request.ip);
    const token = await sessions.create(staff.id, { ip: request.ip, userAgent: request.headers['user-agent'] ?? null });
    cookie.set(reply, token);
    return state(staff, await sessions.resolve(token));
  });

  app.post<{ Body: { code: string } }>('/api/v1/auth/totp', { config: { access: 'authenticating', rateLimit: authLimit }, schema: { body: codeBody, ...verifiedResponse } }, async (request, reply): Promise<FactorVerified> => {
    if (requiresPasskey(staffOf(request))) throw appError('PASSKEY_REQUIRED');
    await refuseIfLocked(request, 'totp');
    if (!(await mfa.verifyTotp(staffOf(request).id, request.body.code))) return factorFailed(request, 'totp', 'totp');
    await throttle.succeed('totp', staffOf(request).id);
    await factorVerified(request, reply, 'totp');
    return { status: 'verified' };
  });

  app.post<{ Body: { code: string } }>('/api/v1/auth/recovery', { config: { access: 'authenticating', rateLimit: authLimit }, schema: { body: codeBody, ...verifiedResponse } }, async (request, reply): Promise<FactorVerified> => {
    await refuseIfLocked(request, 'recovery');
    if (!(await mfa.useRecoveryCode(staffOf(request).id, request.body.code))) return factorFailed(request, 'recovery', 'recovery-code');
    await throttle.succeed('recovery', staffOf(request).id);
    await factorVerified(request, reply, 'recovery-code');
    const left = (await mfa.status(staffOf(request).id)).recoveryCodesLeft;
    return { status: 'verified', recoveryCodesLeft: left };
  });

  app.post('/api/v1/auth/passkey/options', { config: { access: 'authenticating', rateLimit: authLimit }, schema: { response: { 200: responseSchema(PasskeyRequestOptions) } } }, async (request) => {
    const options = await mfa.passkeyAuthenticationOptions(staffOf(request).id);
    await sessions.setChallenge(sessionOf(request), options.challenge, CHALLENGE_TTL_MS);
    return options;
  });

  app.post<{ Body: { response: AuthenticationResponseJSON } }>(
    '/api/v1/auth/passkey',
    { config: { access: 'authenticating', rateLimit: authLimit }, schema: { body: webauthnBody, ...verifiedResponse } },
    async (request, reply): Promise<FactorVerified> => {
      await refuseIfLocked(request, 'passkey');
      const challenge = await sessions.takeChallenge(sessionOf(request));
      if (!challenge) {
        await http.record(request, { action: 'auth.passkey', outcome: 'denied', purpose: 'challenge-expired' });
        throw appError('CHALLENGE_EXPIRED');
      }
      if (!(await mfa.verifyPasskey(staffOf(request).id, request.body.response, challenge))) return factorFailed(request, 'passkey', 'passkey');
      await throttle.succeed('passkey', staffOf(request).id);
      await factorVerified(request, reply, 'passkey');
      return { status: 'verified' };
    },
  );

  app.post('/api/v1/auth/logout', { config: { access: 'authenticating' }, schema: signedOutResponse }, async (request, reply): Promise<SignedOut> => {
    const token = request.cookies[cookie.name];
    if (token) await sessions.revoke(token);
    await http.record(request, { action: 'auth.logout', outcome: 'success' });
    cookie.clear(reply);
    return { status: 'signed-out' };
  });

  app.post('/api/v1/auth/logout-everywhere', { config: { access: 'staff' }, schema: signedOutResponse }, async (request, reply): Promise<SignedOut> => {
    const count = await sessions.revokeAll(staffOf(request).id);
    await http.record(request, { action: 'auth.logout.everywhere', outcome: 'success', purpose: `sessions:${count}` });
    cookie.clear(reply);
    return { status: 'signed-out', sessionsRevoked: count };
  });

  registerMySecurityRoutes(app, deps);
}
