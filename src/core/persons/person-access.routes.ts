/**
 * Access rules beyond roles, managed by the data-protection officer:
 * restricted persons (only a named list may open them) and the review of
 * break-glass grants. (Care relationships are assigned with patient records.)
 */
import type { FastifyInstance } from 'fastify';
import type { AuditLog } from '../../audit/audit-log.js';
import type { Db } from '../../db/database.js';
import type { Clock } from '../../platform/clock.js';
import { appError } from '../../platform/errors.js';
import { responseSchema, UUID_PATTERN, uuidParams } from '../../platform/http/schemas.js';
import type { RouteHttp } from '../http/route-http.js';
import type { VaultService } from '../vault/vault.service.js';
import { findBreakGlassGrant, markBreakGlassReviewed } from './break-glass.repository.js';
import { listBreakGlass } from './break-glass.service.js';
import { BreakGlassGrantList, BreakGlassReviewed, RestrictionUpdated } from './person-access.presenter.js';
import { findPersonFlags } from './persons.repository.js';
import { findStaffIdsInOrganisation, replaceRestriction } from './restriction.repository.js';

export interface PersonAccessRouteDeps {
  readonly db: Db;
  readonly clock: Clock;
  readonly audit: AuditLog;
  readonly vault: VaultService;
  readonly http: RouteHttp;
}

/** Register restricted-person and break-glass review routes. */
export function registerPersonAccessRoutes(app: FastifyInstance, deps: PersonAccessRouteDeps): void {
  const { db, http } = deps;

  app.put<{ Params: { id: string }; Body: { isRestricted: boolean; staffIds: string[] } }>(
    '/api/v1/persons/:id/restriction',
    {
      config: { access: 'restricted.manage' },
      schema: {
        params: uuidParams,
        body: { type: 'object', required: ['isRestricted', 'staffIds'], additionalProperties: false, properties: { isRestricted: { type: 'boolean' }, staffIds: { type: 'array', maxItems: 50, items: { type: 'string', pattern: UUID_PATTERN } } } },
        response: { 200: responseSchema(RestrictionUpdated) },
      },
    },
    async (request) => {
      const actor = http.actorOf(request);
      const person = await findPersonFlags(db, request.params.id);
      if (!person || person.organisation_id !== actor.organisationId) throw appError('NOT_FOUND');
      const staffIds = await findStaffIdsInOrganisation(db, actor.organisationId, request.body.staffIds);
      if (staffIds.length !== new Set(request.body.staffIds).size) throw appError('VALIDATION_FAILED', ['staffIds']);
      const at = deps.clock.now().toISOString();
      await db.transaction().execute(async (trx) => {
        await replaceRestriction(trx, person.id, request.body.isRestricted, staffIds, at);
        await deps.audit.append(trx, [http.eventFor(request, { action: 'person.restriction.change', personIds: [person.id], recordRefs: staffIds.map((id) => `staff:${id}`), purpose: request.body.isRestricted ? 'restricted' : 'unrestricted', outcome: 'success' })]);
      });
      return { status: 'updated' };
    },
  );

  app.get<{ Querystring: { pending?: boolean } }>(
    '/api/v1/break-glass',
    { config: { access: 'break-glass.review' }, schema: { querystring: { type: 'object', additionalProperties: false, properties: { pending: { type: 'boolean', default: true } } }, response: { 200: responseSchema(BreakGlassGrantList) } } },
    async (request) => {
      const actor = http.actorOf(request);
      const grants = await listBreakGlass(deps, actor.organisationId, request.query.pending ?? true);
      await http.record(request, { action: 'break-glass.review.list', outcome: 'success', recordRefs: grants.map((g) => `break-glass:${g.id}`) });
      return { grants };
    },
  );

  app.post<{ Params: { id: string }; Body: { outcome: 'justified' | 'unjustified' } }>(
    '/api/v1/break-glass/:id/review',
    { config: { access: 'break-glass.review' }, schema: { params: uuidParams, body: { type: 'object', required: ['outcome'], additionalProperties: false, properties: { outcome: { type: 'string', enum: ['justified', 'unjustified'] } } }, response: { 200: responseSchema(BreakGlassReviewed) } } },
    async (request) => {
      const actor = http.actorOf(request);
      const grant = await findBreakGlassGrant(db, request.params.id);
      if (!grant || grant.organisation_id !== actor.organisationId) throw appError('NOT_FOUND');
      await markBreakGlassReviewed(db, grant.id, { reviewerId: actor.staffId, at: deps.clock.now().toISOString(), outcome: request.body.outcome });
      await http.record(request, { action: 'break-glass.review', outcome: 'success', recordRefs: [`break-glass:${grant.id}`], purpose: request.body.outcome });
      return { status: 'reviewed' };
    },
  );
}
