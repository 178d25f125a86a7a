/** Retention for the DPO: the schedule, what expires next, runs, and legal holds. */
import type { FastifyInstance } from 'fastify';
import { responseSchema, uuidParams } from '../../platform/http/schemas.js';
import type { RouteHttp } from '../http/route-http.js';
import { HoldPlaced, HoldReleased, presentRetentionOverview, RetentionOverview, RetentionRunResult, RuleSaved } from './retention.presenter.js';
import { RETENTION_CATEGORIES, type RetentionCategory, type RetentionService } from './retention.service.js';

export interface RetentionRouteDeps {
  readonly retention: RetentionService;
  readonly http: RouteHttp;
}

export function registerRetentionRoutes(app: FastifyInstance, deps: RetentionRouteDeps): void {
  const { retention, http } = deps;
  const access = { access: 'retention.manage' as const };

  app.get('/api/v1/retention', { config: access, schema: { response: { 200: responseSchema(RetentionOverview) } } }, async (request) => {
    const actor = http.actorOf(request);
    const schedule = await retention.schedule(actor.organisationId);
    const upcoming = await retention.upcoming(actor.organisationId);
    return presentRetentionOverview(schedule, upcoming, await retention.runs(actor.organisationId));
  });

  app.put<{ Body: { category: RetentionCategory; months: number } }>(
    '/api/v1/retention/rules',
    { config: access, schema: { body: { type: 'object', additionalProperties: false, required: ['category', 'months'], properties: { category: { type: 'string', enum: [...RETENTION_CATEGORIES] }, months: { type: 'integer', minimum: 1, maximum: 600 } } }, response: { 200: responseSchema(RuleSaved) } } },
    async (request) => {
      await http.requireStepUp(request);
      await retention.setRule(http.actorOf(request), request.body.category, request.body.months);
      return { status: 'saved' };
    },
  );

  app.post('/api/v1/retention/run', { config: access, schema: { response: { 200: responseSchema(RetentionRunResult) } } }, async (request) => {
    await http.requireStepUp(request);
    return retention.run(http.actorOf(request).organisationId);
  });

  app.post<{ Params: { id: string }; Body: { reason: string } }>(
    '/api/v1/persons/:id/legal-hold',
    { config: access, schema: { params: uuidParams, body: { type: 'object', additionalProperties: false, required: ['reason'], properties: { reason: { type: 'string', minLength: 5, maxLength: 500 } } }, response: { 200: responseSchema(HoldPlaced) } } },
    async (request) => {
      await retention.hold(http.actorOf(request), request.params.id, request.body.reason);
      return { status: 'held' };
    },
  );

  app.delete<{ Params: { id: string } }>('/api/v1/persons/:id/legal-hold', { config: access, schema: { params: uuidParams, response: { 200: responseSchema(HoldReleased) } } }, async (request) => {
    await retention.release(http.actorOf(request), request.params.id);
    return { status: 'released' };
  });
}
