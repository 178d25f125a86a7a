/**
 * The core tier's HTTP app (staff network only). Every route declares its
 * access; the authentication hook turns a session cookie into an actor only
 * when the second factor is proven; personal data comes only from the door.
 * The staff UI is a static React application served from web/staff/dist.
 */
import fastifyCookie from '@fastify/cookie';
import rateLimit from '@fastify/rate-limit';
import type { FastifyInstance } from 'fastify';
import type { Redis } from 'ioredis';
import type { StaffActor } from '../../auth/actor.js';
import type { LoginService } from '../../auth/login.service.js';
import type { MfaService } from '../../auth/mfa.service.js';
import { clinicsWith, hasFreshStepUp, hasOrgPermission } from '../../auth/policy.js';
import { isOrgPermission, isPersonalDataPermission } from '../../auth/roles.js';
import type { SessionRow, SessionService } from '../../auth/session.service.js';
import type { Throttle } from '../../auth/throttle.js';
import type { AuditLog } from '../../audit/audit-log.js';
import type { Db } from '../../db/database.js';
import type { StaffRow } from '../../db/tables.js';
import type { Clock } from '../../platform/clock.js';
import { appError } from '../../platform/errors.js';
import { createHttpApp } from '../../platform/http/http-app.js';
import type { Logger } from '../../platform/logger.js';
import type { EnquiryDoor } from '../door/enquiry-door.js';
import type { AlertService } from '../detection/alert.service.js';
import { registerEnquiryRoutes } from '../enquiries/enquiry.routes.js';
import { registerQuarantineRoutes } from '../quarantine/quarantine.routes.js';
import type { QuarantineDoor } from '../door/quarantine-door.js';
import type { FrontDesk } from '../pipeline/front-desk.service.js';
import { registerFrontDeskRoutes } from '../pipeline/front-desk.routes.js';
import { findStaffById } from '../../auth/staff.repository.js';
import { staffActorFor } from '../org/org.repository.js';
import { registerStaffRoutes } from '../people/staff.routes.js';
import { registerDetectionRoutes } from '../detection/detection.routes.js';
import { registerPersonAccessRoutes } from '../persons/person-access.routes.js';
import type { VaultService } from '../vault/vault.service.js';
import { registerSignInRoutes } from './sign-in.routes.js';
import type { SessionCookie } from './sign-in-request.js';
import { registerStaffUi } from './staff-ui.js';
import { registerApiReference } from './api-reference.js';
import { registerOpenApi } from './openapi.js';
import type { RouteHttp } from './route-http.js';
import { ROUTE_PERMISSIONS } from './route-access.js';
import { registerReportRoutes } from '../reports/report.routes.js';
import { registerOperationsRoutes } from './operations.js';
import multipart from '@fastify/multipart';
import { registerPatientRoutes } from '../patients/patients.routes.js';
import type { PatientService } from '../patients/patients.service.js';
import { registerConsentRoutes } from '../consents/consent.routes.js';
import type { ConsentService } from '../consents/consent.service.js';
import { registerPhotoRoutes } from '../photos/photo.routes.js';
import type { PhotoService } from '../photos/photo.service.js';
import { DEFAULT_PHOTO_LIMITS } from '../photos/photo-intake.js';
import type { PatientDoor } from '../door/patient-door.js';
import { registerIncidentRoutes } from '../incidents/incident.routes.js';
import type { IncidentService } from '../incidents/incident.service.js';
import { registerKeyRoutes } from '../vault/keys.routes.js';
import { registerVaultRoutes } from '../vault/vault.routes.js';
import type { RewrapService } from '../vault/rewrap.service.js';
import { registerRetentionRoutes } from '../retention/retention.routes.js';
import type { RetentionService } from '../retention/retention.service.js';
import { registerComplianceRoutes } from '../people/compliance.routes.js';
import type { ComplianceService } from '../people/compliance.service.js';
import type { AccessReviewService } from '../people/access-review.service.js';
import { registerRightsRoutes } from '../rights/rights.routes.js';
import type { RightsService } from '../rights/rights.service.js';
import { registerAcknowledgementRoutes } from '../acknowledgements/acknowledgement.routes.js';
import type { AcknowledgementService } from '../acknowledgements/acknowledgement.service.js';

/** What the core app is built from. */
export interface CoreAppDeps {
  readonly db: Db;
  readonly logger: Logger;
  readonly clock: Clock;
  readonly audit: AuditLog;
  readonly vault: VaultService;
  readonly door: EnquiryDoor;
  readonly quarantine: QuarantineDoor;
  readonly desk: FrontDesk;
  /** A shift nobody ended is over after this long. */
  readonly shiftMaxMs: number;
  readonly patients: PatientDoor;
  readonly patientService: PatientService;
  readonly consents: ConsentService;
  readonly photos: PhotoService;
  readonly incidents: IncidentService;
  readonly rewrap: RewrapService;
  readonly retention: RetentionService;
  readonly compliance: ComplianceService;
  readonly reviews: AccessReviewService;
  readonly rights: RightsService;
  readonly acknowledgements: AcknowledgementService;
  readonly sessions: SessionService;
  readonly logins: LoginService;
  readonly mfa: MfaService;
  readonly throttle: Throttle;
  readonly alerts: AlertService;
  readonly cookieSecure: boolean;
  readonly sessionAbsoluteMs: number;
  /** Requests per minute per IP on each sign-in route (on top of the per-account factor locks). */
  readonly authRateMax: number;
  /** Called after a successful unseal (e.g. to start ingest at once). */
  readonly onUnsealed?: () => void;
  /** Called after the intake publication changed (a rotated intake key): rewrite the file the intake follows. */
  readonly onPublicationChanged?: () => Promise<void>;
  /** Called after notifications were queued (delivers them at once). */
  readonly onQueued?: () => void;
  /** Bearer token for /metrics (TACET_METRICS_TOKEN); without it /metrics answers loopback only. */
  readonly metricsToken?: string | undefined;
  /** Shared rate-limit counters across instances (REDIS_URL); in-process without it. */
  readonly redis?: { readonly client: Redis; readonly prefix: string };
}

declare module 'fastify' {
  interface FastifyRequest {
    actor?: StaffActor;
    session?: SessionRow;
    staff?: StaffRow;
  }
}

const CSP = "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; font-src 'self'; form-action 'self'; base-uri 'none'; frame-ancestors 'none'";

/** Host of an Origin header; undefined for 'null' or anything unparsable (which then fails the check). */
function originHost(origin: string): string | undefined {
  try {
    return new URL(origin).host;
  } catch {
    return undefined;
  }
}

/** Build the core HTTP app. */
export async function createCoreApp(deps: CoreAppDeps): Promise<FastifyInstance> {
  const { db, audit } = deps;
  const cookieName = deps.cookieSecure ? '__Host-tacet_session' : 'tacet_session';
  const app = createHttpApp({ logger: deps.logger, bodyLimit: 65_536, contentSecurityPolicy: CSP, permissions: ROUTE_PERMISSIONS });
  await app.register(fastifyCookie);
  // Photo uploads: one file, streamed. The photo intake refuses anything over its own limit first (a clear error).
  await app.register(multipart, { limits: { files: 1, fields: 10, fieldSize: 1_000, parts: 12, fileSize: DEFAULT_PHOTO_LIMITS.maxBytes + 1 } });
  await app.register(rateLimit, { global: false, errorResponseBuilder: () => appError('RATE_LIMITED'), ...(deps.redis ? { redis: deps.redis.client, nameSpace: `${deps.redis.prefix}rate:` } : {}) });
  // The published contract sees every route registered after it (GET /api/openapi.json, GET /api/reference).
  await registerOpenApi(app, { cookieName });

  // The one place a request's audit event gets its actor, address and session.
  const eventFor: RouteHttp['eventFor'] = (request, event) => ({
    actor: request.staff ? `staff:${request.staff.id}` : 'anonymous',
    ip: request.ip,
    sessionId: request.session?.public_id ?? null,
    recordRefs: [],
    personIds: [],
    ...event,
  });
  const record: RouteHttp['record'] = async (request, event) => {
    await db.transaction().execute((trx) => audit.append(trx, [eventFor(request, event)]));
  };

  // CSRF: SameSite=Strict cookies plus a same-origin check on every state change.
  app.addHook('onRequest', async (request) => {
    if (request.method === 'GET' || request.method === 'HEAD') return;
    const site = request.headers['sec-fetch-site'];
    const origin = request.headers.origin;
    const isCrossSite = (typeof site === 'string' && site !== 'same-origin' && site !== 'none') || (typeof origin === 'string' && originHost(origin) !== request.headers.host);
    if (isCrossSite) {
      await record(request, { action: 'http.cross-site-request', outcome: 'denied', purpose: request.routeOptions.url ?? 'unknown-route' });
      throw appError('FORBIDDEN_ORIGIN');
    }
  });

  // Authentication and route-level authorisation (default deny: see platform/http/access.ts).
  // preValidation, so that nobody learns a route's input schema before being allowed to use it.
  app.addHook('preValidation', async (request) => {
    const access = request.routeOptions.config.access;
    if (access === 'public' || access === undefined) return; // undefined: Fastify's own 404 handler (every route declares access)
    const token = request.cookies[cookieName];
    const session = token ? await deps.sessions.resolve(token) : undefined;
    const staff = session ? await findStaffById(db, session.staff_id) : undefined;
    if (!session || !staff || staff.disabled_at || staff.locked_at) {
      // Audited either way: a forged or expired cookie, or no session at all on a protected route.
      await record(request, { action: token ? 'auth.session.invalid' : 'http.unauthenticated', outcome: 'denied', purpose: request.routeOptions.url ?? '' });
      throw appError('UNAUTHENTICATED');
    }
    request.session = session;
    request.staff = staff;
    if (access === 'authenticating') return;
    if (!session.mfa_at) throw appError((await deps.mfa.hasAnyFactor(staff.id)) ? 'MFA_REQUIRED' : 'ENROLMENT_REQUIRED');
    const actor = await staffActorFor(db, staff, session, request.ip, await deps.compliance.blocksFor(staff));
    request.actor = actor;
    if (access === 'staff') return;
    const isAllowed = isOrgPermission(access) ? hasOrgPermission(actor, access) : clinicsWith(actor, access).length > 0;
    if (!isAllowed) {
      // SECURITY: a route the actor may not use looks like one that does not exist.
      await record(request, { action: 'http.route', outcome: 'denied', purpose: access });
      throw appError('NOT_FOUND');
    }
    if ((isPersonalDataPermission(access) || access === 'rights.manage') && actor.blocks.length > 0) {
      // SECURITY: the people gate — training, policies, second factor — before any route that reaches personal data.
      await record(request, { action: 'http.route', outcome: 'denied', purpose: `compliance:${actor.blocks.join(',')}` });
      throw appError('COMPLIANCE_REQUIRED', actor.blocks);
    }
  });

  const actorOf: RouteHttp['actorOf'] = (request) => {
    if (!request.actor) throw appError('UNAUTHENTICATED');
    return request.actor;
  };
  const http: RouteHttp = {
    actorOf,
    record,
    eventFor,
    async requireStepUp(request) {
      const actor = actorOf(request);
      if (hasFreshStepUp(actor, deps.clock.now().getTime())) return;
      await record(request, { action: 'auth.step-up.required', outcome: 'denied', purpose: request.routeOptions.url ?? '' });
      throw appError('STEP_UP_REQUIRED');
    },
  };
  const cookie: SessionCookie = {
    name: cookieName,
    set(reply, token) {
      void reply.setCookie(cookieName, token, { path: '/', httpOnly: true, secure: deps.cookieSecure, sameSite: 'strict', maxAge: Math.floor(deps.sessionAbsoluteMs / 1000) });
    },
    clear(reply) {
      void reply.clearCookie(cookieName, { path: '/', secure: deps.cookieSecure, httpOnly: true, sameSite: 'strict' });
    },
  };

  registerOperationsRoutes(app, { db, vault: deps.vault, redis: deps.redis?.client, metricsToken: deps.metricsToken });
  registerVaultRoutes(app, { vault: deps.vault, authRateMax: deps.authRateMax, onUnsealed: deps.onUnsealed });

  registerSignInRoutes(app, { db, clock: deps.clock, sessions: deps.sessions, logins: deps.logins, mfa: deps.mfa, throttle: deps.throttle, compliance: deps.compliance, authRateMax: deps.authRateMax, cookie, http });
  registerStaffRoutes(app, { db, clock: deps.clock, mfa: deps.mfa, sessions: deps.sessions, throttle: deps.throttle, http });
  registerFrontDeskRoutes(app, { db, clock: deps.clock, door: deps.door, desk: deps.desk, shiftMaxMs: deps.shiftMaxMs, audit, http });
  registerReportRoutes(app, { db, clock: deps.clock, http });
  registerEnquiryRoutes(app, { enquiries: deps.door, desk: deps.desk, db, clock: deps.clock, vault: deps.vault, audit, alerts: deps.alerts, logger: deps.logger, http });
  registerQuarantineRoutes(app, { quarantine: deps.quarantine, clock: deps.clock, http });
  registerPersonAccessRoutes(app, { db, clock: deps.clock, audit, vault: deps.vault, http });
  registerDetectionRoutes(app, { db: deps.db, clock: deps.clock, door: deps.door, http });
  registerPatientRoutes(app, { db, clock: deps.clock, patients: deps.patients, patientService: deps.patientService, http });
  registerConsentRoutes(app, { consents: deps.consents, http, authRateMax: deps.authRateMax });
  registerPhotoRoutes(app, { photos: deps.photos, patients: deps.patients, http });
  const keyRotation = { vault: deps.vault, rewrap: deps.rewrap, logger: deps.logger, onPublicationChanged: deps.onPublicationChanged };
  registerIncidentRoutes(app, { incidents: deps.incidents, http, keyRotation });
  registerKeyRoutes(app, { ...keyRotation, http });
  registerRetentionRoutes(app, { retention: deps.retention, http });
  registerComplianceRoutes(app, { db, clock: deps.clock, compliance: deps.compliance, reviews: deps.reviews, retention: deps.retention, onQueued: deps.onQueued, http });
  registerRightsRoutes(app, { rights: deps.rights, http });
  registerAcknowledgementRoutes(app, { acknowledgements: deps.acknowledgements, http });
  registerStaffUi(app);
  registerApiReference(app);
  return app;
}
