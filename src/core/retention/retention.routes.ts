/** Retention for the DPO: the schedule, what expires next, runs, and legal holds. */
import type { FastifyInstance } from 'fastify';
import { uuidParams } from '../../platform/http/schemas.js';
import type { RouteContext } from '../http/core-app.js';
import { RETENTION_CATEGORIES, RETENTION_DEFAULTS, type RetentionCategory } from './retention.service.js';

export function registerRetentionRoutes(app: FastifyInstance, ctx: RouteContext): void {
  const { retention } = ctx;
  const access = { access: 'retention.manage' as const };

  app.get('/api/v1/retention', { config: access }, async (request) => {
    const actor = ctx.actorOf(request);
    const schedule = await retention.schedule(actor.organisationId);
    return {
      schedule: RETENTION_CATEGORIES.map((category) => ({ category, months: schedule[category], label: RETENTION_DEFAULTS[category].label, defaultMonths: RETENTION_DEFAULTS[category].months })),
      upcoming: await retention.upcoming(actor.organisationId),
      runs: await retention.runs(actor.organisationId),
    };
  });

  app.put<{ Body: { category: RetentionCategory; months: number } }>(
    '/api/v1/retention/rules',
    { config: access, schema: { body: { type: 'object', additionalProperties: false, required: ['category', 'months'], properties: { category: { type: 'string', enum: [...RETENTION_CATEGORIES] }, months: { type: 'integer', minimum: 1, maximum: 600 } } } } },
    async (request) => {
      await ctx.requireStepUp(request);
      await retention.setRule(ctx.actorOf(request), request.body.category, request.body.months);
      return { status: 'saved' };
    },
  );

  app.post('/api/v1/retention/run', { config: access }, async (request) => {
    await ctx.requireStepUp(request);
    return retention.run(ctx.actorOf(request).organisationId);
  });

  app.post<{ Params: { id: string }; Body: { reason: string } }>(
    '/api/v1/persons/:id/legal-hold',
    { config: access, schema: { params: uuidParams, body: { type: 'object', additionalProperties: false, required: ['reason'], properties: { reason: { type: 'string', minLength: 5, maxLength: 500 } } } } },
    async (request) => {
      await retention.hold(ctx.actorOf(request), request.params.id, request.body.reason);
      return { status: 'held' };
    },
  );

  app.delete<{ Params: { id: string } }>('/api/v1/persons/:id/legal-hold', { config: access, schema: { params: uuidParams } }, async (request) => {
    await retention.release(ctx.actorOf(request), request.params.id);
    return { status: 'released' };
  });
}
