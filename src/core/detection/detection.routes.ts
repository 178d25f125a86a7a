/**
 * Alerts for the DPO and administrators (list, acknowledge, resolve) and the
 * second-person approvals that lockdown requires before a read.
 */
import type { FastifyInstance } from 'fastify';
import { uuidParams } from '../../platform/http/schemas.js';
import { canAccessPerson, clinicsWith } from '../../auth/policy.js';
import { newId } from '../../crypto/random.js';
import { appError } from '../../platform/errors.js';
import type { RouteContext } from '../http/core-app.js';
import { isLockdown } from './lockdown.js';

export const APPROVAL_MS = 30 * 60_000;

export function registerDetectionRoutes(app: FastifyInstance, ctx: RouteContext): void {
  const { db } = ctx;

  app.get<{ Querystring: { status?: string } }>(
    '/api/v1/alerts',
    { config: { access: 'alerts.manage' }, schema: { querystring: { type: 'object', additionalProperties: false, properties: { status: { type: 'string', enum: ['open', 'acknowledged', 'resolved', 'all'], default: 'open' } } } } },
    async (request) => {
      let query = db.selectFrom('alerts').leftJoin('staff', 'staff.id', 'alerts.staff_id').select(['alerts.id', 'alerts.at', 'alerts.severity', 'alerts.rule', 'alerts.staff_id', 'staff.display_name', 'alerts.person_ids', 'alerts.detail', 'alerts.status']).orderBy('alerts.at', 'desc').limit(200);
      if (request.query.status !== 'all') query = query.where('alerts.status', '=', request.query.status ?? 'open');
      const rows = await query.execute();
      return { alerts: rows.map((r) => ({ id: r.id, at: r.at, severity: r.severity, rule: r.rule, staff: r.staff_id ? { id: r.staff_id, name: r.display_name } : null, personCount: (JSON.parse(r.person_ids) as string[]).length, detail: r.detail, status: r.status })) };
    },
  );

  for (const step of ['acknowledge', 'resolve'] as const) {
    app.post<{ Params: { id: string } }>(`/api/v1/alerts/:id/${step}`, { config: { access: 'alerts.manage' }, schema: { params: uuidParams } }, async (request) => {
      const actor = ctx.actorOf(request);
      const at = ctx.clock.now().toISOString();
      const changes = step === 'acknowledge' ? { status: 'acknowledged', acknowledged_by: actor.staffId, acknowledged_at: at } : { status: 'resolved', resolved_by: actor.staffId, resolved_at: at };
      const result = await db.updateTable('alerts').set(changes).where('id', '=', request.params.id).executeTakeFirst();
      if (Number(result.numUpdatedRows) === 0) {
        await ctx.record(request, { action: `alert.${step}`, outcome: 'denied', purpose: 'not-found' });
        throw appError('NOT_FOUND');
      }
      await ctx.record(request, { action: `alert.${step}`, outcome: 'success', recordRefs: [`alert:${request.params.id}`] });
      return { status: changes.status };
    });
  }

  app.get('/api/v1/lockdown', { config: { access: 'staff' } }, async () => ({ lockdown: await isLockdown(db) }));

  /** An enquiry the actor could open but for lockdown (else 404, audited). */
  async function reachableEnquiry(request: Parameters<RouteContext['actorOf']>[0], enquiryId: string, action: string) {
    const actor = ctx.actorOf(request);
    const found = await ctx.door.locateEnquiry(actor, enquiryId);
    // Approval is for reads the actor's role already allows; break-glass does not extend to asking colleagues.
    if (!found || !canAccessPerson(actor, 'enquiry.read', { ...found.facts, hasBreakGlass: false, isInCareTeam: false })) {
      await ctx.record(request, { action, outcome: 'denied', recordRefs: [`enquiry:${enquiryId}`] });
      throw appError('NOT_FOUND');
    }
    return { actor, row: { id: found.enquiryId, person_id: found.personId } };
  }

  app.post<{ Params: { id: string } }>('/api/v1/enquiries/:id/approval-requests', { config: { access: 'enquiry.read' }, schema: { params: uuidParams } }, async (request, reply) => {
    const { actor, row } = await reachableEnquiry(request, request.params.id, 'approval.request');
    const id = newId();
    await db.insertInto('read_approvals').values({ id, requester_id: actor.staffId, enquiry_id: row.id, person_id: row.person_id, created_at: ctx.clock.now().toISOString(), approver_id: null, approved_at: null, expires_at: null }).execute();
    await ctx.record(request, { action: 'approval.request', outcome: 'success', recordRefs: [`enquiry:${row.id}`, `approval:${id}`], personIds: [row.person_id] });
    return reply.status(201).send({ id });
  });

  app.get('/api/v1/approval-requests', { config: { access: 'enquiry.read' } }, async (request) => {
    const actor = ctx.actorOf(request);
    const clinics = clinicsWith(actor, 'enquiry.read');
    const rows = await db
      .selectFrom('read_approvals')
      .innerJoin('enquiries', 'enquiries.id', 'read_approvals.enquiry_id')
      .innerJoin('staff', 'staff.id', 'read_approvals.requester_id')
      .select(['read_approvals.id', 'read_approvals.enquiry_id', 'read_approvals.created_at', 'staff.display_name'])
      .where('read_approvals.approved_at', 'is', null)
      .where('read_approvals.requester_id', '!=', actor.staffId)
      .where('enquiries.clinic_id', 'in', clinics.length > 0 ? clinics : ['-'])
      .orderBy('read_approvals.created_at')
      .execute();
    return { requests: rows.map((r) => ({ id: r.id, enquiryId: r.enquiry_id, requestedAt: r.created_at, requester: r.display_name })) };
  });

  app.post<{ Params: { id: string } }>('/api/v1/approval-requests/:id/approve', { config: { access: 'enquiry.read' }, schema: { params: uuidParams } }, async (request) => {
    const approval = await db.selectFrom('read_approvals').selectAll().where('id', '=', request.params.id).where('approved_at', 'is', null).executeTakeFirst();
    const { actor } = await reachableEnquiry(request, approval?.enquiry_id ?? '00000000-0000-4000-8000-000000000000', 'approval.approve');
    // SECURITY: the second person must be a different person.
    if (!approval || approval.requester_id === actor.staffId) {
      await ctx.record(request, { action: 'approval.approve', outcome: 'denied', recordRefs: [`approval:${request.params.id}`] });
      throw appError('NOT_FOUND');
    }
    const now = ctx.clock.now();
    await db.updateTable('read_approvals').set({ approver_id: actor.staffId, approved_at: now.toISOString(), expires_at: new Date(now.getTime() + APPROVAL_MS).toISOString() }).where('id', '=', approval.id).execute();
    await ctx.record(request, { action: 'approval.approve', outcome: 'success', recordRefs: [`approval:${approval.id}`, `enquiry:${approval.enquiry_id}`], personIds: [approval.person_id] });
    return { status: 'approved' };
  });
}
