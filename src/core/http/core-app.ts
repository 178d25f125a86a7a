/**
 * The core tier's HTTP app (staff network only): unseal, sign-in, enquiry
 * list and detail as JSON and as pages. Every route declares its access;
 * staff routes get an actor from a verified session; personal data comes
 * only from the door.
 */
import cookie from '@fastify/cookie';
import formbody from '@fastify/formbody';
import rateLimit from '@fastify/rate-limit';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { StaffActor } from '../../auth/actor.js';
import type { LoginService } from '../../auth/login.service.js';
import type { SessionService } from '../../auth/session.service.js';
import type { Db } from '../../db/database.js';
import { AppError, appError } from '../../platform/errors.js';
import { createHttpApp } from '../../platform/http/http-app.js';
import type { Logger } from '../../platform/logger.js';
import { readAsset } from '../../platform/paths.js';
import type { PersonalDataDoor } from '../door/personal-data-door.js';
import { enquiryDetailPage, enquiryListPage, loginPage, messagePage } from '../enquiries/enquiry.pages.js';
import { presentDetail, presentSummary } from '../enquiries/enquiry.presenter.js';
import { clinicIdsForStaff, findStaffById, listClinics } from '../org/org.repository.js';
import type { VaultService } from '../vault/vault.service.js';

/** What the core app is built from. */
export interface CoreAppDeps {
  readonly db: Db;
  readonly logger: Logger;
  readonly vault: VaultService;
  readonly door: PersonalDataDoor;
  readonly sessions: SessionService;
  readonly logins: LoginService;
  readonly cookieSecure: boolean;
  readonly sessionAbsoluteMs: number;
  /** Called after a successful unseal (e.g. to start ingest at once). */
  readonly onUnsealed?: () => void;
}

declare module 'fastify' {
  interface FastifyRequest {
    actor?: StaffActor;
  }
}

const CSP = "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self'; connect-src 'self'; form-action 'self'; base-uri 'none'; frame-ancestors 'none'";
const ID = '^[0-9a-f-]{36}$';

/** Host of an Origin header; undefined for 'null' or anything unparsable (which then fails the check). */
function originHost(origin: string): string | undefined {
  try {
    return new URL(origin).host;
  } catch {
    return undefined;
  }
}

function wantsHtml(request: FastifyRequest): boolean {
  return !request.url.startsWith('/api/');
}

/** Pages turn auth, sealed and not-found errors into something a person can act on. */
function renderPageError(error: AppError, request: FastifyRequest, reply: FastifyReply): boolean {
  if (!wantsHtml(request)) return false;
  if (error.code === 'UNAUTHENTICATED') {
    void reply.redirect('/login', 303);
    return true;
  }
  if (error.code === 'VAULT_SEALED' || error.code === 'NOT_FOUND' || error.code === 'RATE_LIMITED') {
    void reply.status(error.status).type('text/html; charset=utf-8').send(messagePage(error.code === 'NOT_FOUND' ? 'Not found' : 'Unavailable', error.message));
    return true;
  }
  return false;
}

/** Build the core HTTP app. */
export async function createCoreApp(deps: CoreAppDeps): Promise<FastifyInstance> {
  const { db, door, vault } = deps;
  const cookieName = deps.cookieSecure ? '__Host-tacet_session' : 'tacet_session';
  const staffCss = readAsset('src/core/http/staff.css', 'git checkout src/core/http/staff.css');
  const app = createHttpApp({ logger: deps.logger, bodyLimit: 16_384, contentSecurityPolicy: CSP, renderError: renderPageError });
  await app.register(cookie);
  await app.register(formbody, { bodyLimit: 16_384 });
  await app.register(rateLimit, { global: false, errorResponseBuilder: () => appError('RATE_LIMITED') });
  const authLimit = { max: 10, timeWindow: 60_000 };

  // CSRF: SameSite=Strict cookies plus a same-origin check on every state change.
  app.addHook('onRequest', async (request) => {
    if (request.method === 'GET' || request.method === 'HEAD') return;
    const site = request.headers['sec-fetch-site'];
    if (typeof site === 'string' && site !== 'same-origin' && site !== 'none') throw appError('FORBIDDEN_ORIGIN');
    const origin = request.headers.origin;
    if (typeof origin === 'string' && originHost(origin) !== request.headers.host) throw appError('FORBIDDEN_ORIGIN');
  });

  // Authenticate staff routes: no session, no entry.
  app.addHook('preHandler', async (request) => {
    if (request.routeOptions.config.access !== 'staff') return;
    const token = request.cookies[cookieName];
    const staffId = token ? await deps.sessions.resolve(token) : undefined;
    const staff = staffId ? await findStaffById(db, staffId) : undefined;
    if (!staff || staff.disabled_at) throw appError('UNAUTHENTICATED');
    request.actor = { kind: 'staff', staffId: staff.id, organisationId: staff.organisation_id, isAdmin: staff.is_admin === 1, clinicIds: new Set(await clinicIdsForStaff(db, staff)), ip: request.ip };
  });

  const actorOf = (request: FastifyRequest): StaffActor => {
    if (!request.actor) throw appError('UNAUTHENTICATED');
    return request.actor;
  };
  const setSession = (reply: FastifyReply, token: string): void => {
    void reply.setCookie(cookieName, token, { path: '/', httpOnly: true, secure: deps.cookieSecure, sameSite: 'strict', maxAge: Math.floor(deps.sessionAbsoluteMs / 1000) });
  };

  app.get('/healthz', { config: { access: 'public' } }, async () => ({ status: 'ok' }));
  app.get('/staff.css', { config: { access: 'public' } }, async (_request, reply) => reply.type('text/css; charset=utf-8').header('Cache-Control', 'public, max-age=300').send(staffCss));
  app.get('/', { config: { access: 'public' } }, async (_request, reply) => reply.redirect('/enquiries'));

  app.get('/api/v1/vault', { config: { access: 'public' } }, async () => vault.status());
  app.post<{ Body: { passphrase?: string; share?: string } }>(
    '/api/v1/vault/unseal',
    {
      config: { access: 'public', rateLimit: authLimit },
      schema: { body: { type: 'object', additionalProperties: false, properties: { passphrase: { type: 'string', minLength: 1, maxLength: 1024 }, share: { type: 'string', minLength: 1, maxLength: 1024 } } } },
    },
    async (request) => {
      if (request.body.passphrase) await vault.unsealWithPassphrase(request.body.passphrase, request.ip);
      else if (request.body.share) await vault.submitShare(request.body.share, request.ip);
      else throw appError('VALIDATION_FAILED', ['passphrase']);
      if (vault.isUnsealed()) deps.onUnsealed?.();
      return vault.status();
    },
  );

  const credentials = { type: 'object', required: ['email', 'password'], properties: { email: { type: 'string', maxLength: 254 }, password: { type: 'string', maxLength: 1024 } } } as const;
  app.post<{ Body: { email: string; password: string } }>('/api/v1/session', { config: { access: 'public', rateLimit: authLimit }, schema: { body: credentials } }, async (request, reply) => {
    setSession(reply, await deps.sessions.create(await deps.logins.login(request.body.email, request.body.password, request.ip)));
    return { status: 'signed-in' };
  });
  app.get('/login', { config: { access: 'public' } }, async (_request, reply) => reply.type('text/html; charset=utf-8').send(loginPage()));
  app.post<{ Body: { email?: string; password?: string } }>('/login', { config: { access: 'public', rateLimit: authLimit } }, async (request, reply) => {
    try {
      const staffId = await deps.logins.login(String(request.body?.email ?? ''), String(request.body?.password ?? ''), request.ip);
      setSession(reply, await deps.sessions.create(staffId));
      return reply.redirect('/enquiries', 303);
    } catch (error) {
      if (error instanceof AppError && error.code === 'LOGIN_FAILED') return reply.status(401).type('text/html; charset=utf-8').send(loginPage(error.message));
      throw error;
    }
  });
  app.post('/logout', { config: { access: 'staff' } }, async (request, reply) => {
    const token = request.cookies[cookieName];
    if (token) await deps.sessions.revoke(token);
    void reply.clearCookie(cookieName, { path: '/', secure: deps.cookieSecure, httpOnly: true, sameSite: 'strict' });
    return reply.redirect('/login', 303);
  });

  interface ListQuery {
    clinic?: string;
    status?: string;
    before?: string;
    limit?: number;
  }
  const listSchema = {
    type: 'object',
    additionalProperties: false,
    properties: {
      clinic: { type: 'string', pattern: `^$|${ID}` },
      status: { type: 'string', enum: ['', 'new', 'contacted', 'booked', 'closed'] },
      before: { type: 'string', maxLength: 30 },
      limit: { type: 'integer', minimum: 1, maximum: 200, default: 50 },
    },
  } as const;
  const listFilter = (query: ListQuery) => ({ limit: query.limit ?? 50, ...(query.clinic ? { clinicId: query.clinic } : {}), ...(query.status ? { status: query.status } : {}), ...(query.before ? { before: query.before } : {}) });

  app.get<{ Querystring: ListQuery }>('/api/v1/enquiries', { config: { access: 'staff' }, schema: { querystring: listSchema } }, async (request) => {
    const rows = await door.listEnquiries(actorOf(request), listFilter(request.query));
    return { enquiries: rows.map(presentSummary) };
  });
  app.get<{ Params: { id: string } }>('/api/v1/enquiries/:id', { config: { access: 'staff' }, schema: { params: { type: 'object', properties: { id: { type: 'string', pattern: ID } } } } }, async (request) =>
    presentDetail(await door.readEnquiry(actorOf(request), request.params.id, { purpose: 'enquiry-follow-up' })),
  );

  app.get<{ Querystring: ListQuery }>('/enquiries', { config: { access: 'staff' }, schema: { querystring: listSchema } }, async (request, reply) => {
    const actor = actorOf(request);
    const rows = await door.listEnquiries(actor, listFilter(request.query));
    const clinics = (await listClinics(db)).filter((c) => actor.clinicIds.has(c.id));
    return reply.type('text/html; charset=utf-8').send(enquiryListPage({ rows, clinics, ...(request.query.clinic ? { clinicId: request.query.clinic } : {}), ...(request.query.status ? { status: request.query.status } : {}) }));
  });
  app.get<{ Params: { id: string } }>('/enquiries/:id', { config: { access: 'staff' } }, async (request, reply) => {
    if (!new RegExp(ID).test(request.params.id)) throw appError('NOT_FOUND');
    const detail = await door.readEnquiry(actorOf(request), request.params.id, { purpose: 'enquiry-follow-up' });
    return reply.type('text/html; charset=utf-8').send(enquiryDetailPage(detail));
  });

  return app;
}
