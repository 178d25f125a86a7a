/**
 * Enquiry API for the staff UI: list (metadata only), open (through the
 * door), move along the pipeline, and break-glass when an enquiry is out of
 * the actor's reach.
 */
import type { FastifyInstance } from 'fastify';
import { responseSchema, UUID_PATTERN, uuidParams } from '../../platform/http/schemas.js';
import { CURSOR_PATTERN, decodeCursor } from '../../db/keyset.js';
import { appError } from '../../platform/errors.js';
import type { EnquiryDoor } from '../door/enquiry-door.js';
import type { RouteHttp } from '../http/route-http.js';
import { type BreakGlassDeps, requestBreakGlass } from '../persons/break-glass.service.js';
import { BreakGlassGranted, EnquiryList, EnquiryStatus, EnquiryView, presentDetail, presentSummary } from './enquiry.presenter.js';
import { findEnquiryLocation } from './enquiry.repository.js';
import type { FrontDesk } from '../pipeline/front-desk.service.js';
import { DEFAULT_STAGES, LOST_REASONS } from '../pipeline/stages.js';

/** The default stage keys (an organisation's own are in pipeline_stages; the stage route checks against those). */
export const ENQUIRY_STATUSES = DEFAULT_STAGES.map((stage) => stage.key);

interface ListQuery {
  clinic?: string;
  status?: string;
  reference?: string;
  cursor?: string;
  limit?: number;
}

/** The enquiry door, the HTTP layer, and what a break-glass grant needs (its database and audit serve the status change too). */
export interface EnquiryRouteDeps extends BreakGlassDeps {
  readonly enquiries: EnquiryDoor;
  readonly desk: FrontDesk;
  readonly http: RouteHttp;
}

/** Register the enquiry routes. */
export function registerEnquiryRoutes(app: FastifyInstance, deps: EnquiryRouteDeps): void {
  const { enquiries, db, http } = deps;
  const listSchema = {
    type: 'object',
    additionalProperties: false,
    properties: {
      clinic: { type: 'string', pattern: `^$|${UUID_PATTERN}` },
      status: { type: 'string', pattern: '^$|^[a-z_]{1,40}$' },
      reference: { type: 'string', pattern: '^$|^ENQ-[0-9A-Za-z-]{4,20}$' },
      cursor: { type: 'string', pattern: CURSOR_PATTERN },
      limit: { type: 'integer', minimum: 1, maximum: 200, default: 50 },
    },
  } as const;

  app.get<{ Querystring: ListQuery }>('/api/v1/enquiries', { config: { access: 'enquiry.read' }, schema: { querystring: listSchema, response: { 200: responseSchema(EnquiryList) } } }, async (request) => {
    const query = request.query;
    const page = await enquiries.listEnquiries(http.actorOf(request), {
      limit: query.limit ?? 50,
      ...(query.clinic ? { clinicId: query.clinic } : {}),
      ...(query.status ? { status: query.status } : {}),
      ...(query.reference ? { reference: query.reference.toUpperCase() } : {}),
      ...(query.cursor ? { after: decodeCursor(query.cursor) } : {}),
    });
    return { enquiries: page.enquiries.map(presentSummary), nextCursor: page.nextCursor };
  });

  app.get<{ Params: { id: string } }>('/api/v1/enquiries/:id', { config: { access: 'enquiry.read' }, schema: { params: uuidParams, response: { 200: responseSchema(EnquiryView) } } }, async (request) =>
    presentDetail(await enquiries.readEnquiry(http.actorOf(request), request.params.id, { purpose: 'enquiry-follow-up' }), deps.clock.now().toISOString()),
  );

  app.put<{ Params: { id: string }; Body: { status: string; lostReason?: (typeof LOST_REASONS)[number] } }>(
    '/api/v1/enquiries/:id/status',
    {
      config: { access: 'enquiry.update' },
      schema: {
        params: uuidParams,
        body: { type: 'object', required: ['status'], additionalProperties: false, properties: { status: { type: 'string', pattern: '^[a-z_]{1,40}$' }, lostReason: { type: 'string', enum: [...LOST_REASONS] } } },
        response: { 200: responseSchema(EnquiryStatus) },
      },
    },
    async (request) => {
      // Authorised against the enquiry's person like a read (refused = not found, counted as a denial) and audited; nothing is decrypted.
      await deps.desk.moveStage(http.actorOf(request), [request.params.id], request.body.status, request.body.lostReason);
      return { status: request.body.status };
    },
  );

  app.post<{ Params: { id: string }; Body: { justification: string } }>(
    '/api/v1/enquiries/:id/break-glass',
    { config: { access: 'staff' }, schema: { params: uuidParams, body: { type: 'object', required: ['justification'], additionalProperties: false, properties: { justification: { type: 'string', minLength: 20, maxLength: 2000 } } }, response: { 201: responseSchema(BreakGlassGranted) } } },
    async (request, reply) => {
      const actor = http.actorOf(request);
      const enquiry = await findEnquiryLocation(db, request.params.id);
      if (!enquiry || enquiry.organisation_id !== actor.organisationId) throw appError('NOT_FOUND');
      const grant = await requestBreakGlass(deps, actor, enquiry.person_id, request.body.justification, `enquiry:${request.params.id}`);
      return reply.status(201).send(grant);
    },
  );
}
