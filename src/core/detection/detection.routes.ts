/**
 * Alerts for the DPO and administrators (list, acknowledge, resolve) and the
 * second-person approvals that lockdown requires before a read.
 */
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { responseSchema, uuidParams } from '../../platform/http/schemas.js';
import { canAccessPerson, clinicsWith } from '../../auth/policy.js';
import { newId } from '../../crypto/random.js';
import type { Db } from '../../db/database.js';
import type { Clock } from '../../platform/clock.js';
import { appError } from '../../platform/errors.js';
import type { EnquiryDoor } from '../door/enquiry-door.js';
import type { RouteHttp } from '../http/route-http.js';
import { listAlerts, updateAlertStatus } from './alert.repository.js';
import { AlertList, AlertStepResult, ApprovalCreated, ApprovalRequestList, ApprovalResult, LockdownState, presentAlert, presentApprovalRequest } from './detection.presenter.js';
import { isLockdown } from './lockdown.js';
import { approveRequest, findPendingApproval, insertApprovalRequest, listPendingApprovals } from './lockdown.repository.js';

export const APPROVAL_MS = 30 * 60_000;

/** What the detection routes use. */
export interface DetectionRouteDeps {
  readonly db: Db;
  readonly clock: Clock;
  readonly door: Pick<EnquiryDoor, 'locateEnquiry'>;
  readonly http: RouteHttp;
}

export function registerDetectionRoutes(app: FastifyInstance, deps: DetectionRouteDeps): void {
  const { db, clock, door, http } = deps;

  app.get<{ Querystring: { status?: string } }>(
    '/api/v1/alerts',
    {
      config: { access: 'alerts.manage' },
      schema: { querystring: { type: 'object', additionalProperties: false, properties: { status: { type: 'string', enum: ['open', 'acknowledged', 'resolved', 'all'], default: 'open' } } }, response: { 200: responseSchema(AlertList) } },
    },
    async (request): Promise<AlertList> => ({ alerts: (await listAlerts(db, request.query.status ?? 'open')).map(presentAlert) }),
  );

  for (const step of ['acknowledge', 'resolve'] as const) {
    app.post<{ Params: { id: string } }>(`/api/v1/alerts/:id/${step}`, { config: { access: 'alerts.manage' }, schema: { params: uuidParams, response: { 200: responseSchema(AlertStepResult) } } }, async (request): Promise<AlertStepResult> => {
      const actor = http.actorOf(request);
      const at = clock.now().toISOString();
      const changes = step === 'acknowledge' ? ({ status: 'acknowledged', acknowledged_by: actor.staffId, acknowledged_at: at } as const) : ({ status: 'resolved', resolved_by: actor.staffId, resolved_at: at } as const);
      if (!(await updateAlertStatus(db, request.params.id, changes))) {
        await http.record(request, { action: `alert.${step}`, outcome: 'denied', purpose: 'not-found' });
        throw appError('NOT_FOUND');
      }
      await http.record(request, { action: `alert.${step}`, outcome: 'success', recordRefs: [`alert:${request.params.id}`] });
      return { status: changes.status };
    });
  }

  app.get('/api/v1/lockdown', { config: { access: 'staff' }, schema: { response: { 200: responseSchema(LockdownState) } } }, async (): Promise<LockdownState> => ({ lockdown: await isLockdown(db) }));

  /** An enquiry the actor could open but for lockdown (else 404, audited). */
  async function reachableEnquiry(request: FastifyRequest, enquiryId: string, action: string) {
    const actor = http.actorOf(request);
    const found = await door.locateEnquiry(actor, enquiryId);
    // Approval is for reads the actor's role already allows; break-glass does not extend to asking colleagues.
    if (!found || !canAccessPerson(actor, 'enquiry.read', { ...found.facts, hasBreakGlass: false, isInCareTeam: false })) {
      await http.record(request, { action, outcome: 'denied', recordRefs: [`enquiry:${enquiryId}`] });
      throw appError('NOT_FOUND');
    }
    return { actor, row: { id: found.enquiryId, person_id: found.personId } };
  }

  app.post<{ Params: { id: string } }>('/api/v1/enquiries/:id/approval-requests', { config: { access: 'enquiry.read' }, schema: { params: uuidParams, response: { 201: responseSchema(ApprovalCreated) } } }, async (request, reply) => {
    const { actor, row } = await reachableEnquiry(request, request.params.id, 'approval.request');
    const id = newId();
    await insertApprovalRequest(db, { id, requesterId: actor.staffId, enquiryId: row.id, personId: row.person_id, at: clock.now().toISOString() });
    await http.record(request, { action: 'approval.request', outcome: 'success', recordRefs: [`enquiry:${row.id}`, `approval:${id}`], personIds: [row.person_id] });
    const created: ApprovalCreated = { id };
    return reply.status(201).send(created);
  });

  app.get('/api/v1/approval-requests', { config: { access: 'enquiry.read' }, schema: { response: { 200: responseSchema(ApprovalRequestList) } } }, async (request): Promise<ApprovalRequestList> => {
    const actor = http.actorOf(request);
    const rows = await listPendingApprovals(db, actor.staffId, clinicsWith(actor, 'enquiry.read'));
    return { requests: rows.map(presentApprovalRequest) };
  });

  app.post<{ Params: { id: string } }>('/api/v1/approval-requests/:id/approve', { config: { access: 'enquiry.read' }, schema: { params: uuidParams, response: { 200: responseSchema(ApprovalResult) } } }, async (request): Promise<ApprovalResult> => {
    const approval = await findPendingApproval(db, request.params.id);
    const { actor } = await reachableEnquiry(request, approval?.enquiry_id ?? '00000000-0000-4000-8000-000000000000', 'approval.approve');
    // SECURITY: the second person must be a different person.
    if (!approval || approval.requester_id === actor.staffId) {
      await http.record(request, { action: 'approval.approve', outcome: 'denied', recordRefs: [`approval:${request.params.id}`] });
      throw appError('NOT_FOUND');
    }
    const now = clock.now();
    await approveRequest(db, approval.id, { approverId: actor.staffId, at: now.toISOString(), expiresAt: new Date(now.getTime() + APPROVAL_MS).toISOString() });
    await http.record(request, { action: 'approval.approve', outcome: 'success', recordRefs: [`approval:${approval.id}`, `enquiry:${approval.enquiry_id}`], personIds: [approval.person_id] });
    return { status: 'approved' };
  });
}
