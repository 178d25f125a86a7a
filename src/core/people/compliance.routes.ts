/**
 * The people side over HTTP: my tasks (training, policies) for every staff
 * member — reachable while the gate blocks patient data, since they are how
 * one gets unblocked — module and policy authoring and the overview, chase
 * and dashboard for the DPO, and access reviews for clinic managers.
 */
import type { FastifyInstance } from 'fastify';
import { hasOrgPermission } from '../../auth/policy.js';
import { UUID_PATTERN, uuidParams } from '../../platform/http/schemas.js';
import type { RouteContext } from '../http/core-app.js';
import { RETENTION_CATEGORIES } from '../retention/retention.service.js';

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

export function registerComplianceRoutes(app: FastifyInstance, ctx: RouteContext): void {
  const { compliance, reviews } = ctx;
  const manage = { access: 'compliance.manage' as const };

  // ---- My tasks (any signed-in staff member) ----
  app.get('/api/v1/me/compliance', { config: { access: 'staff' } }, async (request) => {
    if (!request.staff) throw new Error('staff missing');
    return compliance.statusOf(request.staff);
  });

  app.get('/api/v1/training/modules', { config: { access: 'staff' } }, async (request) => {
    const actor = ctx.actorOf(request);
    const canEdit = hasOrgPermission(actor, 'compliance.manage');
    // SECURITY (integrity of the quiz): only authors see the answers.
    return (await compliance.modules(actor.organisationId)).map((m) => ({ ...m, quiz: m.quiz.map((q) => (canEdit ? q : { question: q.question, options: q.options })) }));
  });

  app.post<{ Params: { id: string }; Body: { answers: number[] } }>(
    '/api/v1/training/modules/:id/attempts',
    { config: { access: 'staff' }, schema: { params: uuidParams, body: { type: 'object', additionalProperties: false, required: ['answers'], properties: { answers: { type: 'array', maxItems: 30, items: { type: 'integer', minimum: 0, maximum: 5 } } } } } },
    async (request) => compliance.takeQuiz(ctx.actorOf(request), request.params.id, request.body.answers),
  );

  app.get('/api/v1/policies', { config: { access: 'staff' } }, async (request) => {
    if (!request.staff) throw new Error('staff missing');
    return (await compliance.statusOf(request.staff)).policies;
  });

  app.get<{ Params: { id: string } }>('/api/v1/policies/:id', { config: { access: 'staff' }, schema: { params: uuidParams } }, async (request) => compliance.policy(ctx.actorOf(request).organisationId, request.params.id));

  app.post<{ Params: { id: string } }>('/api/v1/policies/:id/acknowledge', { config: { access: 'staff' }, schema: { params: uuidParams } }, async (request) => {
    await compliance.acknowledge(ctx.actorOf(request), request.params.id);
    return { status: 'acknowledged' };
  });

  // ---- Authoring and oversight (DPO, administrator) ----
  app.post<{ Body: { title: string; content: string; quiz: { question: string; options: string[]; answer: number }[]; passMark: number } }>('/api/v1/training/modules', { config: manage, schema: { body: moduleBody } }, async (request, reply) =>
    reply.status(201).send(await compliance.saveModule(ctx.actorOf(request), request.body)),
  );

  app.put<{ Params: { id: string }; Body: { title: string; content: string; quiz: { question: string; options: string[]; answer: number }[]; passMark: number } }>('/api/v1/training/modules/:id', { config: manage, schema: { params: uuidParams, body: moduleBody } }, async (request) =>
    compliance.saveModule(ctx.actorOf(request), request.body, request.params.id),
  );

  app.delete<{ Params: { id: string } }>('/api/v1/training/modules/:id', { config: manage, schema: { params: uuidParams } }, async (request) => {
    await compliance.retireModule(ctx.actorOf(request), request.params.id);
    return { status: 'retired' };
  });

  app.post<{ Body: { slug: string; title: string; body: string } }>(
    '/api/v1/policies',
    { config: manage, schema: { body: { type: 'object', additionalProperties: false, required: ['slug', 'title', 'body'], properties: { slug: { type: 'string', pattern: '^[a-z0-9][a-z0-9-]{1,60}$' }, title: { type: 'string', minLength: 3, maxLength: 200 }, body: { type: 'string', minLength: 10, maxLength: 100_000 } } } } },
    async (request, reply) => reply.status(201).send(await compliance.publishPolicy(ctx.actorOf(request), request.body)),
  );

  app.get('/api/v1/compliance/staff', { config: manage }, async (request) => compliance.overview(ctx.actorOf(request).organisationId));

  app.post<{ Body: { staffIds?: string[] } }>(
    '/api/v1/compliance/chase',
    { config: manage, schema: { body: { type: 'object', additionalProperties: false, properties: { staffIds: { type: 'array', maxItems: 1000, items: { type: 'string', pattern: UUID_PATTERN } } } } } },
    async (request) => {
      const queued = await compliance.chase(ctx.actorOf(request), request.body.staffIds ?? 'all');
      ctx.onQueued?.();
      return { queued };
    },
  );

  app.get('/api/v1/compliance/dashboard', { config: manage }, async (request) => {
    const { organisationId } = ctx.actorOf(request);
    const now = ctx.clock.now().toISOString();
    const weekAhead = new Date(ctx.clock.now().getTime() + 7 * 86_400_000).toISOString();
    const staff = await compliance.overview(organisationId);
    const count = (predicate: (s: (typeof staff)[number]) => boolean) => staff.filter(predicate).length;
    const [alerts, incidents, requests, upcoming, reviewList, suspended] = await Promise.all([
      ctx.db.selectFrom('alerts').select(['severity']).where('status', '!=', 'resolved').execute(),
      ctx.db.selectFrom('incidents').select(['status']).where('organisation_id', '=', organisationId).where('status', '!=', 'closed').execute(),
      ctx.db.selectFrom('rights_requests').select(['kind', 'due_at']).where('organisation_id', '=', organisationId).where('status', '=', 'open').execute(),
      ctx.retention.upcoming(organisationId),
      reviews.list(ctx.actorOf(request)),
      reviews.suspended(organisationId),
    ]);
    const trainingStates = { current: 0, due: 0, expired: 0, missing: 0 };
    for (const s of staff) for (const t of s.training) trainingStates[t.state] += 1;
    return {
      staff: {
        total: staff.length,
        trained: count((s) => s.training.every((t) => t.state === 'current')),
        mfa: count((s) => s.mfa.enrolled),
        passkey: count((s) => s.mfa.passkey),
        policiesAcknowledged: count((s) => s.policies.every((p) => p.acknowledgedAt !== null)),
        blocked: count((s) => s.blocks.length > 0),
        overdueAcknowledgements: staff.reduce((n, s) => n + s.policies.filter((p) => p.acknowledgedAt === null).length, 0),
      },
      trainingStates,
      alerts: { open: alerts.length, bySeverity: Object.fromEntries(['critical', 'high', 'medium', 'low'].map((sev) => [sev, alerts.filter((a) => a.severity === sev).length])) },
      incidents: { open: incidents.length },
      requests: { open: requests.length, overdue: requests.filter((r) => r.due_at < now).length, dueThisWeek: requests.filter((r) => r.due_at >= now && r.due_at < weekAhead).length, byKind: Object.fromEntries(['access', 'portability', 'erasure', 'rectification'].map((k) => [k, requests.filter((r) => r.kind === k).length])) },
      expiringData: Object.fromEntries(RETENTION_CATEGORIES.map((c) => [c, upcoming[c]])),
      accessReviews: {
        open: reviewList.filter((r) => r.closedAt === null).length,
        pendingItems: reviewList.reduce((n, r) => n + r.items.filter((i) => i.decision === 'pending').length, 0),
        overdue: reviewList.filter((r) => r.closedAt === null && r.dueAt < now).length,
        suspendedRoles: suspended.length,
      },
    };
  });

  // ---- Access reviews ----
  app.get('/api/v1/access-reviews', { config: { access: 'staff' } }, async (request) => reviews.list(ctx.actorOf(request)));

  app.post('/api/v1/access-reviews/open', { config: manage }, async (request) => {
    const { organisationId } = ctx.actorOf(request);
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
      },
    },
    async (request) => {
      await reviews.decide(ctx.actorOf(request), request.params.id, request.params.staffId, request.body.decision);
      return { status: request.body.decision };
    },
  );
}
