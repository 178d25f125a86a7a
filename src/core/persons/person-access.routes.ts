/**
 * Access rules beyond roles, managed by the data-protection officer:
 * restricted persons (only a named list may open them) and the review of
 * break-glass grants. (Care relationships are assigned with patient records.)
 */
import type { FastifyInstance } from 'fastify';
import { UUID_PATTERN, uuidParams } from '../../platform/http/schemas.js';
import { appError } from '../../platform/errors.js';
import type { RouteContext } from '../http/core-app.js';
import { listBreakGlass } from './break-glass.service.js';


/** Register restricted-person and break-glass review routes. */
export function registerPersonAccessRoutes(app: FastifyInstance, ctx: RouteContext): void {
  const { db } = ctx;

  app.put<{ Params: { id: string }; Body: { isRestricted: boolean; staffIds: string[] } }>(
    '/api/v1/persons/:id/restriction',
    {
      config: { access: 'restricted.manage' },
      schema: {
        params: uuidParams,
        body: { type: 'object', required: ['isRestricted', 'staffIds'], additionalProperties: false, properties: { isRestricted: { type: 'boolean' }, staffIds: { type: 'array', maxItems: 50, items: { type: 'string', pattern: UUID_PATTERN } } } },
      },
    },
    async (request) => {
      const actor = ctx.actorOf(request);
      const person = await db.selectFrom('persons').select(['id', 'organisation_id']).where('id', '=', request.params.id).executeTakeFirst();
      if (!person || person.organisation_id !== actor.organisationId) throw appError('NOT_FOUND');
      const staff = request.body.staffIds.length === 0 ? [] : await db.selectFrom('staff').select('id').where('id', 'in', request.body.staffIds).where('organisation_id', '=', actor.organisationId).execute();
      if (staff.length !== new Set(request.body.staffIds).size) throw appError('VALIDATION_FAILED', ['staffIds']);
      const at = ctx.clock.now().toISOString();
      await db.transaction().execute(async (trx) => {
        await trx.updateTable('persons').set({ is_restricted: request.body.isRestricted ? 1 : 0 }).where('id', '=', person.id).execute();
        await trx.deleteFrom('restricted_access').where('person_id', '=', person.id).execute();
        if (staff.length > 0) await trx.insertInto('restricted_access').values(staff.map((s) => ({ person_id: person.id, staff_id: s.id, created_at: at }))).execute();
        await ctx.audit.append(trx, [{ actor: `staff:${actor.staffId}`, action: 'person.restriction.change', personIds: [person.id], recordRefs: staff.map((s) => `staff:${s.id}`), purpose: request.body.isRestricted ? 'restricted' : 'unrestricted', outcome: 'success', ip: actor.ip }]);
      });
      return { status: 'updated' };
    },
  );

  app.get<{ Querystring: { pending?: boolean } }>(
    '/api/v1/break-glass',
    { config: { access: 'break-glass.review' }, schema: { querystring: { type: 'object', additionalProperties: false, properties: { pending: { type: 'boolean', default: true } } } } },
    async (request) => {
      const actor = ctx.actorOf(request);
      const grants = await listBreakGlass(ctx, actor.organisationId, request.query.pending ?? true);
      await ctx.record(request, { action: 'break-glass.review.list', outcome: 'success', recordRefs: grants.map((g) => `break-glass:${g.id}`) });
      return { grants };
    },
  );

  app.post<{ Params: { id: string }; Body: { outcome: 'justified' | 'unjustified' } }>(
    '/api/v1/break-glass/:id/review',
    { config: { access: 'break-glass.review' }, schema: { params: uuidParams, body: { type: 'object', required: ['outcome'], additionalProperties: false, properties: { outcome: { type: 'string', enum: ['justified', 'unjustified'] } } } } },
    async (request) => {
      const actor = ctx.actorOf(request);
      const grant = await db.selectFrom('break_glass_grants').innerJoin('staff', 'staff.id', 'break_glass_grants.staff_id').select(['break_glass_grants.id', 'staff.organisation_id']).where('break_glass_grants.id', '=', request.params.id).executeTakeFirst();
      if (!grant || grant.organisation_id !== actor.organisationId) throw appError('NOT_FOUND');
      await db.updateTable('break_glass_grants').set({ reviewed_at: ctx.clock.now().toISOString(), reviewed_by: actor.staffId, review_outcome: request.body.outcome }).where('id', '=', grant.id).execute();
      await ctx.record(request, { action: 'break-glass.review', outcome: 'success', recordRefs: [`break-glass:${grant.id}`], purpose: request.body.outcome });
      return { status: 'reviewed' };
    },
  );
}
