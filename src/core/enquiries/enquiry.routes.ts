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
import { findEnquiryLocation, markEnquiryStatus } from './enquiry.repository.js';

export const ENQUIRY_STATUSES = ['new', 'contacted', 'booked', 'closed'] as const;

interface ListQuery {
  clinic?: string;
  status?: string;
  cursor?: string;
  limit?: number;
}

/** The enquiry door, the HTTP layer, and what a break-glass grant needs (its database and audit serve the status change too). */
export interface EnquiryRouteDeps extends BreakGlassDeps {
  readonly enquiries: EnquiryDoor;
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
      status: { type: 'string', enum: ['', ...ENQUIRY_STATUSES] },
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
      ...(query.cursor ? { after: decodeCursor(query.cursor) } : {}),
    });
    return { enquiries: page.enquiries.map(presentSummary), nextCursor: page.nextCursor };
  });

  app.get<{ Params: { id: string } }>('/api/v1/enquiries/:id', { config: { access: 'enquiry.read' }, schema: { params: uuidParams, response: { 200: responseSchema(EnquiryView) } } }, async (request) =>
    presentDetail(await enquiries.readEnquiry(http.actorOf(request), request.params.id, { purpose: 'enquiry-follow-up' })),
  );

  app.put<{ Params: { id: string }; Body: { status: string } }>(
    '/api/v1/enquiries/:id/status',
    { config: { access: 'enquiry.update' }, schema: { params: uuidParams, body: { type: 'object', required: ['status'], additionalProperties: false, properties: { status: { type: 'string', enum: [...ENQUIRY_STATUSES] } } }, response: { 200: responseSchema(EnquiryStatus) } } },
    async (request) => {
      // Authorised (and audited) exactly like a read: the door decides who may touch this enquiry.
      const detail = await enquiries.readEnquiry(http.actorOf(request), request.params.id, { purpose: 'enquiry-status-change' });
      await db.transaction().execute(async (trx) => {
        await markEnquiryStatus(trx, detail.id, request.body.status);
        await deps.audit.append(trx, [http.eventFor(request, { action: 'enquiry.update', recordRefs: [`enquiry:${detail.id}`], personIds: [detail.personId], purpose: `status:${request.body.status}`, outcome: 'success' })]);
      });
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
