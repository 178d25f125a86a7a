/** Data-subject requests and the record of processing, for the DPO. */
import type { FastifyInstance } from 'fastify';
import { responseSchema, UUID_PATTERN, uuidParams } from '../../platform/http/schemas.js';
import type { RouteHttp } from '../http/route-http.js';
import { recordOfProcessingMarkdown } from './data-map.js';
import { ErasureDone, RecordOfProcessing, RectificationDone, RequestClosed, RequestCreated, RequesterMatches, RequestExtended, RightsRequestList } from './rights.presenter.js';
import { ERASURE_EXCEPTIONS, type ErasureException, REQUEST_KINDS, type RequestKind, type RightsService } from './rights.service.js';

const REFUSAL_REASONS = ['manifestly-unfounded', 'excessive', 'identity-not-verified'] as const;

export interface RightsRouteDeps {
  readonly rights: RightsService;
  readonly http: RouteHttp;
}

export function registerRightsRoutes(app: FastifyInstance, deps: RightsRouteDeps): void {
  const { rights, http } = deps;
  const access = { access: 'rights.manage' as const };

  app.get('/api/v1/rights/requests', { config: access, schema: { response: { 200: responseSchema(RightsRequestList) } } }, async (request) => rights.list(http.actorOf(request).organisationId));

  // A lookup is a POST: emails and phone numbers never go in a URL.
  app.post<{ Body: { email?: string; phone?: string } }>(
    '/api/v1/rights/lookup',
    { config: access, schema: { body: { type: 'object', additionalProperties: false, properties: { email: { type: 'string', minLength: 3, maxLength: 254 }, phone: { type: 'string', minLength: 5, maxLength: 40 } } }, response: { 200: responseSchema(RequesterMatches) } } },
    async (request) => rights.lookup(http.actorOf(request), request.body),
  );

  app.post<{ Body: { personId: string; kind: RequestKind; receivedAt?: string } }>(
    '/api/v1/rights/requests',
    {
      config: access,
      schema: { body: { type: 'object', additionalProperties: false, required: ['personId', 'kind'], properties: { personId: { type: 'string', pattern: UUID_PATTERN }, kind: { type: 'string', enum: [...REQUEST_KINDS] }, receivedAt: { type: 'string', pattern: '^\\d{4}-\\d{2}-\\d{2}(T[0-9:.]+Z)?$' } } }, response: { 201: responseSchema(RequestCreated) } },
    },
    async (request, reply) => reply.status(201).send(await rights.create(http.actorOf(request), request.body)),
  );

  app.post<{ Params: { id: string }; Body: { reason: string } }>(
    '/api/v1/rights/requests/:id/extend',
    { config: access, schema: { params: uuidParams, body: { type: 'object', additionalProperties: false, required: ['reason'], properties: { reason: { type: 'string', enum: ['complex', 'numerous'] } } }, response: { 200: responseSchema(RequestExtended) } } },
    async (request) => rights.extend(http.actorOf(request), request.params.id, request.body.reason),
  );

  // Replies with a ZIP stream, not JSON: no response schema.
  app.get<{ Params: { id: string } }>('/api/v1/rights/requests/:id/export', { config: access, schema: { params: uuidParams } }, async (request, reply) => {
    await http.requireStepUp(request);
    const zip = await rights.exportZip(http.actorOf(request), request.params.id);
    void reply.header('content-type', 'application/zip').header('cache-control', 'no-store, private').header('content-disposition', `attachment; filename="subject-access-${request.params.id.slice(0, 8)}.zip"`);
    return reply.send(zip);
  });

  app.post<{ Params: { id: string }; Body: { exceptions: ErasureException[] } }>(
    '/api/v1/rights/requests/:id/erase',
    { config: access, schema: { params: uuidParams, body: { type: 'object', additionalProperties: false, required: ['exceptions'], properties: { exceptions: { type: 'array', uniqueItems: true, items: { type: 'string', enum: Object.keys(ERASURE_EXCEPTIONS) } } } }, response: { 200: responseSchema(ErasureDone) } } },
    async (request) => {
      await http.requireStepUp(request);
      return rights.erase(http.actorOf(request), request.params.id, request.body.exceptions);
    },
  );

  const text = (max: number) => ({ type: 'string', minLength: 1, maxLength: max });
  app.post<{ Params: { id: string }; Body: { name?: string; email?: string; phone?: string; dob?: string; address?: string } }>(
    '/api/v1/rights/requests/:id/rectify',
    {
      config: access,
      schema: { params: uuidParams, body: { type: 'object', additionalProperties: false, minProperties: 1, properties: { name: text(200), email: { type: 'string', pattern: '^[^@\\s]+@[^@\\s]+\\.[^@\\s]+$', maxLength: 254 }, phone: text(40), dob: { type: 'string', pattern: '^\\d{4}-\\d{2}-\\d{2}$' }, address: text(500) } }, response: { 200: responseSchema(RectificationDone) } },
    },
    async (request) => rights.rectify(http.actorOf(request), request.params.id, request.body),
  );

  app.post<{ Params: { id: string }; Body: { status: 'completed' | 'refused'; reason?: (typeof REFUSAL_REASONS)[number] } }>(
    '/api/v1/rights/requests/:id/close',
    { config: access, schema: { params: uuidParams, body: { type: 'object', additionalProperties: false, required: ['status'], properties: { status: { type: 'string', enum: ['completed', 'refused'] }, reason: { type: 'string', enum: [...REFUSAL_REASONS] } } }, response: { 200: responseSchema(RequestClosed) } } },
    async (request) => {
      await rights.close(http.actorOf(request), request.params.id, request.body.status, request.body.reason ?? 'none');
      return { status: request.body.status };
    },
  );

  // format=md replies with Markdown (a string under its own content type, which the JSON schema does not touch).
  app.get<{ Querystring: { format?: 'json' | 'md' } }>(
    '/api/v1/rights/record-of-processing',
    { config: access, schema: { querystring: { type: 'object', additionalProperties: false, properties: { format: { type: 'string', enum: ['json', 'md'], default: 'json' } } }, response: { 200: responseSchema(RecordOfProcessing) } } },
    async (request, reply) => {
      const record = await rights.recordOfProcessing(http.actorOf(request).organisationId);
      if (request.query.format !== 'md') return record;
      return reply.header('content-type', 'text/markdown; charset=utf-8').header('content-disposition', 'attachment; filename="record-of-processing.md"').send(recordOfProcessingMarkdown(record));
    },
  );
}
