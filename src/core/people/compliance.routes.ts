/**
 * The people side over HTTP: my tasks (training, policies) for every staff
 * member — reachable while the gate blocks patient data, since they are how
 * one gets unblocked — module and policy authoring and the overview, chase
 * and dashboard for the DPO, and access reviews for clinic managers.
 */
import type { FastifyInstance } from 'fastify';
import { hasOrgPermission } from '../../auth/policy.js';
import { responseSchema, UUID_PATTERN, uuidParams } from '../../platform/http/schemas.js';
import type { RouteHttp } from '../http/route-http.js';
import type { AccessReviewService } from './access-review.service.js';
import { complianceDashboard, type ComplianceDashboardDeps } from './compliance-dashboard.js';
import {
  AccessReviewList,
  ActStatus,
  ChaseResult,
  ComplianceDashboard,
  ComplianceStatus,
  Policy,
  PolicyStatusList,
  presentTrainingModule,
  QuizResult,
  ReviewsOpened,
  StaffComplianceList,
  TrainingModuleList,
  Versioned,
} from './compliance.presenter.js';
import type { ComplianceService } from './compliance.service.js';

const quizSchema = {
  type: 'array',
  minItems: 1,
  maxItems: 30,
  items: {
    type: 'object',
    additionalProperties: false,
    required: ['question', 'options', 'answer'],
    properties: { question: { type: 'string', minLength: 3, maxLength: 500 }, options: { type: 'array', minItems: 2, maxItems: 6, items: { type: 'string', minLength: 1, maxLength: 300 } }, answer: { type: 'integer', minimum: 0, maximum: 5 } },
  },
} as const;
const moduleBody = {
  type: 'object',
  additionalProperties: false,
  required: ['title', 'content', 'quiz', 'passMark'],
  properties: { title: { type: 'string', minLength: 3, maxLength: 200 }, content: { type: 'string', minLength: 10, maxLength: 50_000 }, quiz: quizSchema, passMark: { type: 'integer', minimum: 1, maximum: 100 } },
} as const;

/** What the people routes use. */
export interface ComplianceRouteDeps extends ComplianceDashboardDeps {
  readonly compliance: ComplianceService;
  readonly reviews: AccessReviewService;
  /** Called after reminders were queued (delivers them at once). */
  readonly onQueued?: (() => void) | undefined;
  readonly http: RouteHttp;
}

type ModuleBody = { title: string; content: string; quiz: { question: string; options: string[]; answer: number }[]; passMark: number };
const ok = (schema: Parameters<typeof responseSchema>[0]) => ({ response: { 200: responseSchema(schema) } });
const created = (schema: Parameters<typeof responseSchema>[0]) => ({ response: { 201: responseSchema(schema) } });

export function registerComplianceRoutes(app: FastifyInstance, deps: ComplianceRouteDeps): void {
  const { compliance, reviews, http } = deps;
  const manage = { access: 'compliance.manage' as const };

  // ---- My tasks (any signed-in staff member) ----
  app.get('/api/v1/me/compliance', { config: { access: 'staff' }, schema: ok(ComplianceStatus) }, async (request) => {
    if (!request.staff) throw new Error('staff missing');
    return compliance.statusOf(request.staff);
  });

  app.get('/api/v1/training/modules', { config: { access: 'staff' }, schema: ok(TrainingModuleList) }, async (request) => {
    const actor = http.actorOf(request);
    const canEdit = hasOrgPermission(actor, 'compliance.manage');
    return (await compliance.modules(actor.organisationId)).map((m) => presentTrainingModule(m, canEdit));
  });

  app.post<{ Params: { id: string }; Body: { answers: number[] } }>(
    '/api/v1/training/modules/:id/attempts',
    {
      config: { access: 'staff' },
      schema: { params: uuidParams, body: { type: 'object', additionalProperties: false, required: ['answers'], properties: { answers: { type: 'array', maxItems: 30, items: { type: 'integer', minimum: 0, maximum: 5 } } } }, ...ok(QuizResult) },
    },
    async (request) => compliance.takeQuiz(http.actorOf(request), request.params.id, request.body.answers),
  );

  app.get('/api/v1/policies', { config: { access: 'staff' }, schema: ok(PolicyStatusList) }, async (request) => {
    if (!request.staff) throw new Error('staff missing');
    return (await compliance.statusOf(request.staff)).policies;
  });

  app.get<{ Params: { id: string } }>('/api/v1/policies/:id', { config: { access: 'staff' }, schema: { params: uuidParams, ...ok(Policy) } }, async (request) => compliance.policy(http.actorOf(request).organisationId, request.params.id));

  app.post<{ Params: { id: string } }>('/api/v1/policies/:id/acknowledge', { config: { access: 'staff' }, schema: { params: uuidParams, ...ok(ActStatus) } }, async (request) => {
    await compliance.acknowledge(http.actorOf(request), request.params.id);
    return { status: 'acknowledged' };
  });

  // ---- Authoring and oversight (DPO, administrator) ----
  app.post<{ Body: ModuleBody }>('/api/v1/training/modules', { config: manage, schema: { body: moduleBody, ...created(Versioned) } }, async (request, reply) =>
    reply.status(201).send(await compliance.saveModule(http.actorOf(request), request.body)),
  );

  app.put<{ Params: { id: string }; Body: ModuleBody }>('/api/v1/training/modules/:id', { config: manage, schema: { params: uuidParams, body: moduleBody, ...ok(Versioned) } }, async (request) =>
    compliance.saveModule(http.actorOf(request), request.body, request.params.id),
  );

  app.delete<{ Params: { id: string } }>('/api/v1/training/modules/:id', { config: manage, schema: { params: uuidParams, ...ok(ActStatus) } }, async (request) => {
    await compliance.retireModule(http.actorOf(request), request.params.id);
    return { status: 'retired' };
  });

  app.post<{ Body: { slug: string; title: string; body: string } }>(
    '/api/v1/policies',
    {
      config: manage,
      schema: {
        body: { type: 'object', additionalProperties: false, required: ['slug', 'title', 'body'], properties: { slug: { type: 'string', pattern: '^[a-z0-9][a-z0-9-]{1,60}$' }, title: { type: 'string', minLength: 3, maxLength: 200 }, body: { type: 'string', minLength: 10, maxLength: 100_000 } } },
        ...created(Versioned),
      },
    },
    async (request, reply) => reply.status(201).send(await compliance.publishPolicy(http.actorOf(request), request.body)),
  );

  app.get('/api/v1/compliance/staff', { config: manage, schema: ok(StaffComplianceList) }, async (request) => compliance.overview(http.actorOf(request).organisationId));

  app.post<{ Body: { staffIds?: string[] } }>(
    '/api/v1/compliance/chase',
    { config: manage, schema: { body: { type: 'object', additionalProperties: false, properties: { staffIds: { type: 'array', maxItems: 1000, items: { type: 'string', pattern: UUID_PATTERN } } } }, ...ok(ChaseResult) } },
    async (request) => {
      const queued = await compliance.chase(http.actorOf(request), request.body.staffIds ?? 'all');
      deps.onQueued?.();
      return { queued };
    },
  );

  app.get('/api/v1/compliance/dashboard', { config: manage, schema: ok(ComplianceDashboard) }, async (request) => complianceDashboard(deps, http.actorOf(request)));

  // ---- Access reviews ----
  app.get('/api/v1/access-reviews', { config: { access: 'staff' }, schema: ok(AccessReviewList) }, async (request) => reviews.list(http.actorOf(request)));

  app.post('/api/v1/access-reviews/open', { config: manage, schema: ok(ReviewsOpened) }, async (request) => {
    const { organisationId } = http.actorOf(request);
    const opened = await reviews.openDue(organisationId);
    const { suspended } = await reviews.enforce(organisationId);
    return { opened, suspended };
  });

  app.post<{ Params: { id: string; staffId: string }; Body: { decision: 'kept' | 'removed' } }>(
    '/api/v1/access-reviews/:id/items/:staffId',
    {
      // Clinic managers (access.review) and the DPO/administrator: checked per review, refusals audited.
      config: { access: 'staff' },
      schema: {
        params: { type: 'object', properties: { id: { type: 'string', pattern: UUID_PATTERN }, staffId: { type: 'string', pattern: UUID_PATTERN } } },
        body: { type: 'object', additionalProperties: false, required: ['decision'], properties: { decision: { type: 'string', enum: ['kept', 'removed'] } } },
        ...ok(ActStatus),
      },
    },
    async (request) => {
      await reviews.decide(http.actorOf(request), request.params.id, request.params.staffId, request.body.decision);
      return { status: request.body.decision };
    },
  );
}
