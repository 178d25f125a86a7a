/**
 * The "needs attention" API: what the ingest could not accept, listed per
 * clinic (metadata only), opened through the quarantine door, corrected and
 * accepted, or discarded with a reason. Staff holding `enquiry.update`
 * (receptionists, clinic managers); anyone else gets 404 from the people gate.
 */
import type { FastifyInstance } from 'fastify';
import { CURSOR_PATTERN, decodeCursor } from '../../db/keyset.js';
import type { Clock } from '../../platform/clock.js';
import { responseSchema, UUID_PATTERN, uuidParams } from '../../platform/http/schemas.js';
import { DISCARD_REASONS, type DiscardReason, EDITABLE_FIELDS, type EditableField, type QuarantineDoor } from '../door/quarantine-door.js';
import type { RouteHttp } from '../http/route-http.js';
import { presentAccepted, presentItem, presentView, QuarantineAccepted, QuarantineCount, QuarantineDiscarded, QuarantineList, QuarantineView } from './quarantine.presenter.js';

/** The quarantine door, a clock (ages) and the HTTP layer. */
export interface QuarantineRouteDeps {
  readonly quarantine: QuarantineDoor;
  readonly clock: Clock;
  readonly http: RouteHttp;
}

const TEXT_LIMITS: Readonly<Record<string, number>> = { name: 200, email: 254, phone: 40, dob: 10, address: 500, procedure: 100, message: 5000 };
const fieldProperties = Object.fromEntries(EDITABLE_FIELDS.map((field) => [field, field === 'consent' || field === 'acknowledge' ? { type: 'boolean' } : { type: 'string', maxLength: TEXT_LIMITS[field] ?? 200 }]));

/** Register the needs-attention routes. */
export function registerQuarantineRoutes(app: FastifyInstance, deps: QuarantineRouteDeps): void {
  const { quarantine, http } = deps;
  const now = () => deps.clock.now().getTime();

  app.get<{ Querystring: { cursor?: string; limit?: number } }>(
    '/api/v1/needs-attention',
    {
      config: { access: 'enquiry.update' },
      schema: { querystring: { type: 'object', additionalProperties: false, properties: { cursor: { type: 'string', pattern: CURSOR_PATTERN }, limit: { type: 'integer', minimum: 1, maximum: 200, default: 50 } } }, response: { 200: responseSchema(QuarantineList) } },
    },
    async (request) => {
      const page = await quarantine.list(http.actorOf(request), { limit: request.query.limit ?? 50, ...(request.query.cursor ? { after: decodeCursor(request.query.cursor) } : {}) });
      return { items: page.items.map((item) => presentItem(item, now())), nextCursor: page.nextCursor };
    },
  );

  app.get('/api/v1/needs-attention/count', { config: { access: 'enquiry.update' }, schema: { response: { 200: responseSchema(QuarantineCount) } } }, async (request) => ({ count: await quarantine.count(http.actorOf(request)) }));

  app.get<{ Params: { id: string } }>('/api/v1/needs-attention/:id', { config: { access: 'enquiry.update' }, schema: { params: uuidParams, response: { 200: responseSchema(QuarantineView) } } }, async (request) =>
    presentView(await quarantine.open(http.actorOf(request), request.params.id), now()),
  );

  app.post<{ Params: { id: string }; Body: { clinicId?: string; fields: Partial<Record<EditableField, string | boolean>> } }>(
    '/api/v1/needs-attention/:id/accept',
    {
      config: { access: 'enquiry.update' },
      schema: {
        params: uuidParams,
        body: { type: 'object', required: ['fields'], additionalProperties: false, properties: { clinicId: { type: 'string', pattern: UUID_PATTERN }, fields: { type: 'object', additionalProperties: false, properties: fieldProperties } } },
        response: { 201: responseSchema(QuarantineAccepted) },
      },
    },
    async (request, reply) => {
      const result = await quarantine.accept(http.actorOf(request), request.params.id, { fields: request.body.fields, ...(request.body.clinicId ? { clinicId: request.body.clinicId } : {}) });
      return reply.status(201).send(presentAccepted(result));
    },
  );

  app.post<{ Params: { id: string }; Body: { reason: DiscardReason } }>(
    '/api/v1/needs-attention/:id/discard',
    { config: { access: 'enquiry.update' }, schema: { params: uuidParams, body: { type: 'object', required: ['reason'], additionalProperties: false, properties: { reason: { type: 'string', enum: [...DISCARD_REASONS] } } }, response: { 200: responseSchema(QuarantineDiscarded) } } },
    async (request) => {
      await quarantine.discard(http.actorOf(request), request.params.id, request.body.reason);
      return { discarded: true as const };
    },
  );
}
