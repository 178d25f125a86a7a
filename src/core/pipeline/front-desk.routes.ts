/**
 * Front-desk API: Today, my queue (names and procedures, each an audited
 * read counted against the assigned-work allowance), the clinic pools and
 * claiming, reassignment, the pipeline board and table, stage changes (one
 * or many), notes and calls, follow-ups and shifts.
 */
import type { FastifyInstance } from 'fastify';
import { clinicsWith, hasClinicPermission } from '../../auth/policy.js';
import type { AuditLog } from '../../audit/audit-log.js';
import type { Db } from '../../db/database.js';
import { CURSOR_PATTERN, decodeCursor, encodeCursor } from '../../db/keyset.js';
import type { Clock } from '../../platform/clock.js';
import { appError } from '../../platform/errors.js';
import { responseSchema, UUID_PATTERN, uuidParams } from '../../platform/http/schemas.js';
import type { EnquiryDoor } from '../door/enquiry-door.js';
import type { RouteHttp } from '../http/route-http.js';
import { findClinicLabels } from '../org/org.repository.js';
import { type FrontDesk, MAX_BULK } from './front-desk.service.js';
import { Board, Claimed, Created, DeskPage, Done, presentDeskRow, presentQueueItem, QueuePage, Reassigned, StaffChoices, Today, Vocabulary } from './front-desk.presenter.js';
import { countByStage, countPools, countQueue, type DeskRow, findStaffNames, listAppointmentsBetween, listBoardRows, listClinicStaff, listOpenFollowUps, listOverdueIn, listPoolRows, listStages, renameStage } from './queue.repository.js';
import { listShiftsOf } from './routing.repository.js';
import { CALL_OUTCOMES, FOLLOW_UP_KINDS, LOST_REASONS } from './stages.js';

export interface FrontDeskRouteDeps {
  readonly db: Db;
  readonly clock: Clock;
  readonly door: EnquiryDoor;
  readonly desk: FrontDesk;
  readonly shiftMaxMs: number;
  readonly audit: AuditLog;
  readonly http: RouteHttp;
}

const ids = { type: 'array', minItems: 1, maxItems: MAX_BULK, items: { type: 'string', pattern: UUID_PATTERN } } as const;
const clinicQuery = { type: 'string', pattern: UUID_PATTERN } as const;
const cursor = { type: 'string', pattern: CURSOR_PATTERN } as const;
const limit = (max: number, fallback: number) => ({ type: 'integer', minimum: 1, maximum: max, default: fallback }) as const;

export function registerFrontDeskRoutes(app: FastifyInstance, deps: FrontDeskRouteDeps): void {
  const { db, desk, http } = deps;
  const nowIso = () => deps.clock.now().toISOString();

  /** Clinic labels (with ids) for rows of these clinics. */
  async function labels(clinicIds: readonly string[]) {
    const found = await findClinicLabels(db, [...new Set(clinicIds)]);
    return (id: string) => ({ id, ...(found.get(id) ?? { slug: '', name: '' }) });
  }

  /** The organisation's stages and the fixed codes (lost reasons, call outcomes, follow-up kinds). */
  async function vocabularyOf(organisationId: string) {
    const stages = await listStages(db, organisationId);
    return { stages: stages.map((s) => ({ key: s.key, label: s.label, kind: s.kind })), lostReasons: [...LOST_REASONS], callOutcomes: [...CALL_OUTCOMES], followUpKinds: [...FOLLOW_UP_KINDS] };
  }

  async function presentRows(rows: readonly DeskRow[]) {
    const [clinic, names] = await Promise.all([labels(rows.map((r) => r.clinic_id)), findStaffNames(db, rows.flatMap((r) => (r.assigned_to ? [r.assigned_to] : [])))]);
    const now = nowIso();
    return rows.map((row) => presentDeskRow(row, clinic(row.clinic_id), names, now));
  }

  app.get('/api/v1/desk/vocabulary', { config: { access: 'staff' }, schema: { response: { 200: responseSchema(Vocabulary) } } }, async (request) => {
    return vocabularyOf(http.actorOf(request).organisationId);
  });

  app.put<{ Body: { stages: { key: string; label: string }[] } }>(
    '/api/v1/desk/stages',
    {
      config: { access: 'staff.manage' },
      schema: {
        body: {
          type: 'object',
          required: ['stages'],
          additionalProperties: false,
          properties: { stages: { type: 'array', minItems: 1, maxItems: 20, items: { type: 'object', required: ['key', 'label'], additionalProperties: false, properties: { key: { type: 'string', pattern: '^[a-z_]{1,40}$' }, label: { type: 'string', minLength: 1, maxLength: 60 } } } } },
        },
        response: { 200: responseSchema(Vocabulary) },
      },
    },
    async (request) => {
      const actor = http.actorOf(request);
      const known = new Set((await listStages(db, actor.organisationId)).map((s) => s.key));
      const unknown = request.body.stages.filter((s) => !known.has(s.key)).map((s) => `stages.${s.key}`);
      if (unknown.length > 0) throw appError('VALIDATION_FAILED', unknown);
      await db.transaction().execute(async (trx) => {
        for (const stage of request.body.stages) await renameStage(trx, actor.organisationId, stage.key, stage.label.trim());
        await deps.audit.append(trx, [http.eventFor(request, { action: 'pipeline.stages', recordRefs: request.body.stages.map((s) => `stage:${s.key}`), personIds: [], outcome: 'success' })]);
      });
      return vocabularyOf(actor.organisationId);
    },
  );

  app.get('/api/v1/desk/today', { config: { access: 'enquiry.read' }, schema: { response: { 200: responseSchema(Today) } } }, async (request) => {
    const actor = http.actorOf(request);
    const now = deps.clock.now();
    const workClinics = clinicsWith(actor, 'enquiry.update');
    const managed = clinicsWith(actor, 'enquiry.assign');
    const startOfDay = new Date(now);
    startOfDay.setUTCHours(0, 0, 0, 0);
    const [total, followUps, pools, shifts, escalations, appointments] = await Promise.all([
      countQueue(db, actor.staffId),
      listOpenFollowUps(db, actor.staffId, 50),
      countPools(db, workClinics),
      listShiftsOf(db, actor.staffId, new Date(now.getTime() - deps.shiftMaxMs).toISOString()),
      listOverdueIn(db, managed, now.toISOString(), 50),
      listAppointmentsBetween(db, clinicsWith(actor, 'contact.read'), startOfDay.toISOString(), new Date(startOfDay.getTime() + 86_400_000).toISOString(), 100),
    ]);
    const clinic = await labels([...workClinics, ...followUps.map((f) => f.clinic_id), ...appointments.map((a) => a.clinic_id)]);
    const practitioners = await findStaffNames(db, appointments.flatMap((a) => (a.practitioner_id ? [a.practitioner_id] : [])));
    const onShift = new Set(shifts.map((s) => s.clinic_id));
    return {
      queue: { total },
      followUps: followUps.map((f) => ({ id: f.id, enquiryId: f.enquiry_id, reference: f.reference ?? '', clinic: clinic(f.clinic_id), kind: f.kind, dueAt: f.due_at, isOverdue: f.due_at < now.toISOString() })),
      pools: workClinics.map((id) => ({ clinic: clinic(id), unassigned: pools.get(id) ?? 0, onShift: onShift.has(id) })),
      escalations: await presentRows(escalations),
      appointments: appointments.map((a) => ({ id: a.id, patientId: a.patient_id, clinic: clinic(a.clinic_id), kind: a.kind, startsAt: a.starts_at, endsAt: a.ends_at, status: a.status, practitioner: a.practitioner_id ? (practitioners.get(a.practitioner_id) ?? null) : null })),
    };
  });

  app.get<{ Querystring: { cursor?: string; limit?: number } }>(
    '/api/v1/desk/queue',
    { config: { access: 'enquiry.read' }, schema: { querystring: { type: 'object', additionalProperties: false, properties: { cursor, limit: limit(100, 25) } }, response: { 200: responseSchema(QueuePage) } } },
    async (request) => {
      const actor = http.actorOf(request);
      const page = await deps.door.readQueue(actor, { limit: request.query.limit ?? 25, ...(request.query.cursor ? { after: decodeCursor(request.query.cursor) } : {}) });
      const clinic = await labels(page.items.map((i) => i.clinicId));
      const now = nowIso();
      return { items: page.items.map((item) => presentQueueItem(item, clinic(item.clinicId), now)), nextCursor: page.nextCursor, total: await countQueue(db, actor.staffId) };
    },
  );

  app.get<{ Querystring: { clinic: string; cursor?: string; limit?: number } }>(
    '/api/v1/desk/pool',
    { config: { access: 'enquiry.update' }, schema: { querystring: { type: 'object', required: ['clinic'], additionalProperties: false, properties: { clinic: clinicQuery, cursor, limit: limit(100, 25) } }, response: { 200: responseSchema(DeskPage) } } },
    async (request) => {
      const actor = http.actorOf(request);
      if (!hasClinicPermission(actor, 'enquiry.update', request.query.clinic)) throw appError('NOT_FOUND');
      const size = request.query.limit ?? 25;
      const rows = await listPoolRows(db, actor, request.query.clinic, { limit: size, ...(request.query.cursor ? { after: decodeCursor(request.query.cursor) } : {}) });
      const last = rows.at(-1);
      return { rows: await presentRows(rows), nextCursor: rows.length === size && last ? encodeCursor({ at: last.received_at, id: last.id }) : null };
    },
  );

  app.get<{ Querystring: { clinic: string; stage?: string; assignee?: string; channel?: string; overdue?: boolean; order?: 'newest' | 'oldest'; cursor?: string; limit?: number } }>(
    '/api/v1/desk/board',
    {
      config: { access: 'enquiry.read' },
      schema: {
        querystring: {
          type: 'object',
          required: ['clinic'],
          additionalProperties: false,
          properties: {
            clinic: clinicQuery,
            stage: { type: 'string', pattern: '^$|^[a-z_]{1,40}$' },
            assignee: { type: 'string', pattern: `^$|^none$|${UUID_PATTERN}` },
            channel: { type: 'string', pattern: '^$|^[a-z0-9._-]{1,40}$' },
            overdue: { type: 'boolean' },
            order: { type: 'string', enum: ['newest', 'oldest'], default: 'newest' },
            cursor,
            limit: limit(200, 50),
          },
        },
        response: { 200: responseSchema(Board) },
      },
    },
    async (request) => {
      const actor = http.actorOf(request);
      const q = request.query;
      if (!hasClinicPermission(actor, 'enquiry.read', q.clinic)) throw appError('NOT_FOUND');
      const size = q.limit ?? 50;
      const [stages, counts, rows] = await Promise.all([
        listStages(db, actor.organisationId),
        countByStage(db, q.clinic),
        listBoardRows(db, actor, q.clinic, {
          order: q.order ?? 'newest',
          limit: size,
          ...(q.stage ? { stage: q.stage } : {}),
          ...(q.assignee ? { assignee: q.assignee } : {}),
          ...(q.channel ? { channel: q.channel } : {}),
          ...(q.overdue ? { overdueAt: nowIso() } : {}),
          ...(q.cursor ? { after: decodeCursor(q.cursor) } : {}),
        }),
      ]);
      const last = rows.at(-1);
      return { stages: stages.map((s) => ({ key: s.key, label: s.label, kind: s.kind, count: counts.get(s.key) ?? 0 })), rows: await presentRows(rows), nextCursor: rows.length === size && last ? encodeCursor({ at: last.received_at, id: last.id }) : null };
    },
  );

  app.get<{ Querystring: { clinic: string } }>(
    '/api/v1/desk/staff',
    { config: { access: 'enquiry.assign' }, schema: { querystring: { type: 'object', required: ['clinic'], additionalProperties: false, properties: { clinic: clinicQuery } }, response: { 200: responseSchema(StaffChoices) } } },
    async (request) => {
      if (!hasClinicPermission(http.actorOf(request), 'enquiry.assign', request.query.clinic)) throw appError('NOT_FOUND');
      return { staff: (await listClinicStaff(db, request.query.clinic)).map((s) => ({ id: s.id, name: s.display_name, role: s.role })) };
    },
  );

  app.post<{ Body: { clinic: string; onShift: boolean } }>(
    '/api/v1/desk/shift',
    { config: { access: 'enquiry.update' }, schema: { body: { type: 'object', required: ['clinic', 'onShift'], additionalProperties: false, properties: { clinic: clinicQuery, onShift: { type: 'boolean' } } }, response: { 200: responseSchema(Done) } } },
    async (request) => {
      const actor = http.actorOf(request);
      if (request.body.onShift) await desk.startShift(actor, request.body.clinic);
      else await desk.endShift(actor, request.body.clinic);
      return { ok: true as const };
    },
  );

  app.post<{ Body: { enquiryIds?: string[]; clinic?: string; next?: number } }>(
    '/api/v1/desk/claim',
    {
      config: { access: 'enquiry.update' },
      schema: { body: { type: 'object', additionalProperties: false, properties: { enquiryIds: ids, clinic: clinicQuery, next: { type: 'integer', minimum: 1, maximum: 25 } } }, response: { 200: responseSchema(Claimed) } },
    },
    async (request) => {
      const body = request.body;
      if (!body.enquiryIds && !(body.clinic && body.next)) throw appError('VALIDATION_FAILED', ['enquiryIds']);
      const claimed = await desk.claim(http.actorOf(request), body.enquiryIds ? { enquiryIds: body.enquiryIds } : { clinicId: body.clinic as string, next: body.next as number });
      return { claimed };
    },
  );

  app.post<{ Body: { enquiryIds: string[]; assigneeId: string | null } }>(
    '/api/v1/desk/reassign',
    {
      config: { access: 'enquiry.assign' },
      schema: { body: { type: 'object', required: ['enquiryIds', 'assigneeId'], additionalProperties: false, properties: { enquiryIds: ids, assigneeId: { type: ['string', 'null'], pattern: UUID_PATTERN } } }, response: { 200: responseSchema(Reassigned) } },
    },
    async (request) => ({ reassigned: await desk.reassign(http.actorOf(request), request.body.enquiryIds, request.body.assigneeId) }),
  );

  app.post<{ Params: { id: string } }>('/api/v1/enquiries/:id/release', { config: { access: 'enquiry.update' }, schema: { params: uuidParams, response: { 200: responseSchema(Done) } } }, async (request) => {
    await desk.release(http.actorOf(request), request.params.id);
    return { ok: true as const };
  });

  app.post<{ Body: { enquiryIds: string[]; stage: string; lostReason?: (typeof LOST_REASONS)[number] } }>(
    '/api/v1/desk/stage',
    {
      config: { access: 'enquiry.update' },
      schema: { body: { type: 'object', required: ['enquiryIds', 'stage'], additionalProperties: false, properties: { enquiryIds: ids, stage: { type: 'string', pattern: '^[a-z_]{1,40}$' }, lostReason: { type: 'string', enum: [...LOST_REASONS] } } }, response: { 200: responseSchema(Done) } },
    },
    async (request) => {
      await desk.moveStage(http.actorOf(request), request.body.enquiryIds, request.body.stage, request.body.lostReason);
      return { ok: true as const };
    },
  );

  app.post<{ Params: { id: string }; Body: { kind: 'note' | 'call'; callOutcome?: (typeof CALL_OUTCOMES)[number]; text: string } }>(
    '/api/v1/enquiries/:id/notes',
    {
      config: { access: 'enquiry.update' },
      schema: {
        params: uuidParams,
        body: { type: 'object', required: ['kind', 'text'], additionalProperties: false, properties: { kind: { type: 'string', enum: ['note', 'call'] }, callOutcome: { type: 'string', enum: [...CALL_OUTCOMES] }, text: { type: 'string', maxLength: 5000 } } },
        response: { 201: responseSchema(Created) },
      },
    },
    async (request, reply) => {
      if (request.body.kind === 'call' && !request.body.callOutcome) throw appError('VALIDATION_FAILED', ['callOutcome']);
      if (request.body.kind === 'note' && !request.body.text.trim()) throw appError('VALIDATION_FAILED', ['text']);
      return reply.status(201).send(await desk.addNote(http.actorOf(request), request.params.id, { kind: request.body.kind, text: request.body.text.trim(), ...(request.body.callOutcome ? { callOutcome: request.body.callOutcome } : {}) }));
    },
  );

  app.post<{ Params: { id: string }; Body: { kind: (typeof FOLLOW_UP_KINDS)[number]; dueAt: string; assigneeId?: string | null; note?: string } }>(
    '/api/v1/enquiries/:id/follow-ups',
    {
      config: { access: 'enquiry.update' },
      schema: {
        params: uuidParams,
        body: {
          type: 'object',
          required: ['kind', 'dueAt'],
          additionalProperties: false,
          properties: { kind: { type: 'string', enum: [...FOLLOW_UP_KINDS] }, dueAt: { type: 'string', format: 'date-time' }, assigneeId: { type: ['string', 'null'], pattern: UUID_PATTERN }, note: { type: 'string', maxLength: 2000 } },
        },
        response: { 201: responseSchema(Created) },
      },
    },
    async (request, reply) => {
      const { kind, dueAt, assigneeId, note } = request.body;
      return reply.status(201).send(await desk.addFollowUp(http.actorOf(request), request.params.id, { kind, dueAt, ...(assigneeId !== undefined ? { assigneeId } : {}), ...(note ? { note } : {}) }));
    },
  );

  app.post<{ Params: { id: string } }>('/api/v1/follow-ups/:id/done', { config: { access: 'enquiry.update' }, schema: { params: uuidParams, response: { 200: responseSchema(Done) } } }, async (request) => {
    await desk.completeFollowUp(http.actorOf(request), request.params.id);
    return { ok: true as const };
  });
}
