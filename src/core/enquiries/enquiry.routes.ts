/**
 * Enquiry API for the staff UI: list (metadata only), open (through the
 * door), move along the pipeline, and break-glass when an enquiry is out of
 * the actor's reach.
 */
import type { FastifyInstance } from 'fastify';
import { UUID_PATTERN, uuidParams } from '../../platform/http/schemas.js';
import { appError } from '../../platform/errors.js';
import type { RouteContext } from '../http/core-app.js';
import { requestBreakGlass } from '../persons/break-glass.service.js';
import { presentDetail, presentSummary } from './enquiry.presenter.js';

export const ENQUIRY_STATUSES = ['new', 'contacted', 'booked', 'closed'] as const;

interface ListQuery {
  clinic?: string;
  status?: string;
  before?: string;
  limit?: number;
}

/** Register the enquiry routes. */
export function registerEnquiryRoutes(app: FastifyInstance, ctx: RouteContext): void {
  const { door, db } = ctx;
  const listSchema = {
    type: 'object',
    additionalProperties: false,
    properties: {
      clinic: { type: 'string', pattern: `^$|${UUID_PATTERN}` },
      status: { type: 'string', enum: ['', ...ENQUIRY_STATUSES] },
      before: { type: 'string', maxLength: 30 },
      limit: { type: 'integer', minimum: 1, maximum: 200, default: 50 },
    },
  } as const;

  app.get<{ Querystring: ListQuery }>('/api/v1/enquiries', { config: { access: 'enquiry.read' }, schema: { querystring: listSchema } }, async (request) => {
    const query = request.query;
    const rows = await door.listEnquiries(ctx.actorOf(request), {
      limit: query.limit ?? 50,
      ...(query.clinic ? { clinicId: query.clinic } : {}),
      ...(query.status ? { status: query.status } : {}),
      ...(query.before ? { before: query.before } : {}),
    });
    return { enquiries: rows.map(presentSummary) };
  });

  app.get<{ Params: { id: string } }>('/api/v1/enquiries/:id', { config: { access: 'enquiry.read' }, schema: { params: uuidParams } }, async (request) =>
    presentDetail(await door.readEnquiry(ctx.actorOf(request), request.params.id, { purpose: 'enquiry-follow-up' })),
  );

  app.put<{ Params: { id: string }; Body: { status: string } }>(
    '/api/v1/enquiries/:id/status',
    { config: { access: 'enquiry.update' }, schema: { params: uuidParams, body: { type: 'object', required: ['status'], additionalProperties: false, properties: { status: { type: 'string', enum: [...ENQUIRY_STATUSES] } } } } },
    async (request) => {
      const actor = ctx.actorOf(request);
      // Authorised (and audited) exactly like a read: the door decides who may touch this enquiry.
      const detail = await door.readEnquiry(actor, request.params.id, { purpose: 'enquiry-status-change' });
      await db.transaction().execute(async (trx) => {
        await trx.updateTable('enquiries').set({ status: request.body.status }).where('id', '=', detail.id).execute();
        await ctx.audit.append(trx, [{ actor: `staff:${actor.staffId}`, action: 'enquiry.update', recordRefs: [`enquiry:${detail.id}`], personIds: [detail.personId], purpose: `status:${request.body.status}`, outcome: 'success', ip: actor.ip }]);
      });
      return { status: request.body.status };
    },
  );

  app.post<{ Params: { id: string }; Body: { justification: string } }>(
    '/api/v1/enquiries/:id/break-glass',
    { config: { access: 'staff' }, schema: { params: uuidParams, body: { type: 'object', required: ['justification'], additionalProperties: false, properties: { justification: { type: 'string', minLength: 20, maxLength: 2000 } } } } },
    async (request, reply) => {
      const actor = ctx.actorOf(request);
      const enquiry = await db.selectFrom('enquiries').innerJoin('persons', 'persons.id', 'enquiries.person_id').select(['enquiries.person_id', 'persons.organisation_id']).where('enquiries.id', '=', request.params.id).executeTakeFirst();
      if (!enquiry || enquiry.organisation_id !== actor.organisationId) throw appError('NOT_FOUND');
      const grant = await requestBreakGlass(ctx, actor, enquiry.person_id, request.body.justification, `enquiry:${request.params.id}`);
      return reply.status(201).send(grant);
    },
  );
}
