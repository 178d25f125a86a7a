/**
 * The front desk's work: shifts, taking enquiries from the pool, handing
 * them out, moving them along the pipeline (one or many), notes and call
 * outcomes (sealed under the person's enquiry key), follow-ups, and the jobs
 * that escalate overdue first responses and re-engage idle enquiries.
 *
 * Nothing here decrypts. Every change is authorised against the enquiry's
 * person exactly as a read would be (tenancy, restricted list, care), refused
 * as NOT_FOUND and counted as a denial when it is not, and audited in the
 * transaction that makes it. Taking work into a queue is counted against the
 * claim limits (detection.beforeAssign): the queue's read allowance is only
 * as large as what a person can put in it (ADR 0019).
 */
import { actorEvent, type StaffActor } from '../../auth/actor.js';
import { canAccessPerson, hasClinicPermission } from '../../auth/policy.js';
import type { ClinicPermission } from '../../auth/roles.js';
import type { AuditEvent, AuditLog } from '../../audit/audit-log.js';
import { newId } from '../../crypto/random.js';
import type { Db } from '../../db/database.js';
import type { EnquiryEventsTable } from '../../db/tables.js';
import type { Clock } from '../../platform/clock.js';
import { appError } from '../../platform/errors.js';
import type { Detection } from '../detection/detection.service.js';
import type { Gate } from '../door/admission.js';
import { RECORD } from '../door/records.js';
import { sealerFor } from '../door/sealer.js';
import type { VaultService } from '../vault/vault.service.js';
import {
  assignEnquiries,
  completeFollowUp,
  findDeskTargets,
  findFollowUp,
  findPoolHead,
  insertDeskEvents,
  insertFollowUp,
  insertNote,
  listClinicStaff,
  listClinicManagerEmails,
  listIdle,
  listOverdueUnescalated,
  listStages,
  markEscalated,
  markFirstResponse,
  markReengaged,
  moveToStage,
} from './queue.repository.js';
import { endShift, startShift } from './routing.repository.js';
import { queueNotifications } from '../detection/outbox.repository.js';
import { findClinicLabels } from '../org/org.repository.js';
import type { CallOutcome, FollowUpKind, LostReason } from './stages.js';

/** What the front desk is built from. */
export interface FrontDeskDeps {
  readonly db: Db;
  readonly vault: VaultService;
  readonly audit: AuditLog;
  readonly clock: Clock;
  readonly gate: Gate;
  readonly detection: Detection;
  readonly reengageMs: number;
  /** With an SMTP server, escalations are also e-mailed to the clinic's managers (counts and clinic only). */
  readonly isMailConfigured: boolean;
  /** Called after notifications were queued (delivers them at once). */
  readonly onQueued?: () => void;
}

/** At most this many enquiries in one bulk action. */
export const MAX_BULK = 100;

type Target = Awaited<ReturnType<typeof findDeskTargets>>[number];

export interface FrontDesk {
  readonly startShift: (actor: StaffActor, clinicId: string) => Promise<void>;
  readonly endShift: (actor: StaffActor, clinicId?: string) => Promise<void>;
  /** Take these unassigned enquiries (or, with `next`, the clinic's oldest `next`) into one's own queue; returns the ids taken. */
  readonly claim: (actor: StaffActor, request: { readonly enquiryIds?: readonly string[]; readonly clinicId?: string; readonly next?: number }) => Promise<string[]>;
  /** Give one's own enquiry back to the clinic's pool. */
  readonly release: (actor: StaffActor, enquiryId: string) => Promise<void>;
  /** A clinic manager hands enquiries to a staff member with a role in their clinic, or back to the pool (null). */
  readonly reassign: (actor: StaffActor, enquiryIds: readonly string[], assigneeId: string | null) => Promise<string[]>;
  readonly moveStage: (actor: StaffActor, enquiryIds: readonly string[], stage: string, lostReason?: LostReason) => Promise<void>;
  readonly addNote: (actor: StaffActor, enquiryId: string, note: { readonly kind: 'note' | 'call'; readonly callOutcome?: CallOutcome; readonly text: string }) => Promise<{ id: string }>;
  readonly addFollowUp: (actor: StaffActor, enquiryId: string, followUp: { readonly kind: FollowUpKind; readonly dueAt: string; readonly assigneeId?: string | null; readonly note?: string }) => Promise<{ id: string }>;
  readonly completeFollowUp: (actor: StaffActor, followUpId: string) => Promise<void>;
  /** Escalate first responses now overdue (once each): an event per enquiry; the managers' Today page lists them. Returns how many. */
  readonly escalateOverdue: () => Promise<number>;
  /** Give every open enquiry idle for the re-engagement period a follow-up (once per idle spell). Returns how many. */
  readonly reengageIdle: () => Promise<number>;
}

export function createFrontDesk(deps: FrontDeskDeps): FrontDesk {
  const { db, gate, clock } = deps;
  const now = () => clock.now().toISOString();

  /** The enquiries, each authorised for `permission` against its person; any refused: a denial for each, then NOT_FOUND. */
  async function authorise(actor: StaffActor, enquiryIds: readonly string[], permission: ClinicPermission, action: string): Promise<Target[]> {
    const unique = [...new Set(enquiryIds)];
    if (unique.length === 0) return [];
    if (unique.length > MAX_BULK) throw appError('VALIDATION_FAILED', [`at most ${MAX_BULK} enquiries at once`]);
    const targets = await findDeskTargets(db, unique);
    const byId = new Map(targets.map((t) => [t.id, t]));
    for (const id of unique) {
      const target = byId.get(id);
      const allowed =
        target !== undefined &&
        canAccessPerson(actor, permission, await gate.facts(actor, { personId: target.person_id, organisationId: target.organisation_id, isRestricted: target.is_restricted === 1, clinicIds: [target.clinic_id] }));
      if (!allowed) await gate.deny(actor, action, [`enquiry:${id}`], target ? [target.person_id] : []);
    }
    return unique.map((id) => byId.get(id) as Target);
  }

  function auditEvent(actor: StaffActor, action: string, targets: readonly Target[], purpose?: string): AuditEvent {
    return { ...actorEvent(actor), action, recordRefs: targets.map((t) => `enquiry:${t.id}`), personIds: [...new Set(targets.map((t) => t.person_id))], outcome: 'success', ...(purpose ? { purpose } : {}) };
  }

  function deskEvent(target: { id: string; clinic_id: string }, actor: StaffActor | null, kind: string, detail: string | null, at: string): EnquiryEventsTable {
    return { id: newId(), enquiry_id: target.id, clinic_id: target.clinic_id, at, staff_id: actor?.staffId ?? null, kind, detail };
  }

  async function stageOf(actor: StaffActor, key: string) {
    const stage = (await listStages(db, actor.organisationId)).find((s) => s.key === key);
    if (!stage) throw appError('VALIDATION_FAILED', ['stage']);
    return stage;
  }

  return {
    async startShift(actor, clinicId) {
      if (!hasClinicPermission(actor, 'enquiry.update', clinicId)) throw appError('NOT_FOUND');
      await db.transaction().execute(async (trx) => {
        await startShift(trx, actor.staffId, clinicId, now());
        await deps.audit.append(trx, [{ ...actorEvent(actor), action: 'shift.start', recordRefs: [`clinic:${clinicId}`], outcome: 'success' }]);
      });
    },

    async endShift(actor, clinicId) {
      await db.transaction().execute(async (trx) => {
        await endShift(trx, actor.staffId, clinicId);
        await deps.audit.append(trx, [{ ...actorEvent(actor), action: 'shift.end', recordRefs: clinicId ? [`clinic:${clinicId}`] : [], outcome: 'success' }]);
      });
    },

    async claim(actor, request) {
      let ids = request.enquiryIds ?? [];
      if (request.next !== undefined) {
        if (!request.clinicId || !hasClinicPermission(actor, 'enquiry.update', request.clinicId)) throw appError('NOT_FOUND');
        ids = await findPoolHead(db, actor, request.clinicId, Math.min(request.next, MAX_BULK));
      }
      const targets = await authorise(actor, ids, 'enquiry.update', 'enquiry.claim');
      const free = targets.filter((t) => t.assigned_to === null && t.status !== 'won' && t.status !== 'lost');
      if (free.length === 0) return [];
      // Counted before anything moves; refused whole past a limit.
      for (const [clinicId, group] of groupBy(free, (t) => t.clinic_id)) await deps.detection.beforeAssign(actor, { kind: 'claim', count: group.length, toSelf: true, clinicId });
      const at = now();
      return db.transaction().execute(async (trx) => {
        // Only those still unassigned: a colleague may have taken one a moment ago.
        const taken = new Set(await assignEnquiries(trx, free.map((t) => t.id), actor.staffId, at, { unassigned: true }));
        const claimed = free.filter((t) => taken.has(t.id));
        await insertDeskEvents(trx, claimed.map((t) => deskEvent(t, actor, 'claimed', actor.staffId, at)));
        if (claimed.length > 0) await deps.audit.append(trx, [auditEvent(actor, 'enquiry.claim', claimed)]);
        return claimed.map((t) => t.id);
      });
    },

    async release(actor, enquiryId) {
      const [target] = await authorise(actor, [enquiryId], 'enquiry.update', 'enquiry.release');
      if (!target || target.assigned_to !== actor.staffId) throw appError('NOT_FOUND');
      const at = now();
      await db.transaction().execute(async (trx) => {
        await assignEnquiries(trx, [target.id], null, at);
        await insertDeskEvents(trx, [deskEvent(target, actor, 'released', null, at)]);
        await deps.audit.append(trx, [auditEvent(actor, 'enquiry.release', [target])]);
      });
    },

    async reassign(actor, enquiryIds, assigneeId) {
      const targets = await authorise(actor, enquiryIds, 'enquiry.assign', 'enquiry.reassign');
      for (const [clinicId, group] of groupBy(targets, (t) => t.clinic_id)) {
        if (assigneeId !== null && !(await listClinicStaff(db, clinicId)).some((s) => s.id === assigneeId)) throw appError('VALIDATION_FAILED', ['assignee']);
        await deps.detection.beforeAssign(actor, { kind: 'reassign', count: group.length, toSelf: assigneeId === actor.staffId, clinicId });
      }
      const at = now();
      await db.transaction().execute(async (trx) => {
        await assignEnquiries(trx, targets.map((t) => t.id), assigneeId, at);
        await insertDeskEvents(trx, targets.map((t) => deskEvent(t, actor, assigneeId ? 'reassigned' : 'released', assigneeId, at)));
        await deps.audit.append(trx, [auditEvent(actor, 'enquiry.reassign', targets, assigneeId ? `to:staff:${assigneeId}` : 'to:pool')]);
      });
      return targets.map((t) => t.id);
    },

    async moveStage(actor, enquiryIds, stageKey, lostReason) {
      const stage = await stageOf(actor, stageKey);
      if (stage.kind === 'lost' && !lostReason) throw appError('VALIDATION_FAILED', ['lostReason']);
      const targets = await authorise(actor, enquiryIds, 'enquiry.update', 'enquiry.update');
      const at = now();
      await db.transaction().execute(async (trx) => {
        await moveToStage(trx, targets.map((t) => t.id), stage.key, stage.kind === 'lost' ? (lostReason ?? null) : null, at);
        await insertDeskEvents(trx, targets.map((t) => deskEvent(t, actor, 'stage', stage.key, at)));
        await deps.audit.append(trx, [auditEvent(actor, 'enquiry.update', targets, `stage:${stage.key}${stage.kind === 'lost' ? `:${lostReason}` : ''}`)]);
      });
    },

    async addNote(actor, enquiryId, note) {
      const [target] = await authorise(actor, [enquiryId], 'enquiry.update', 'enquiry.note');
      if (!target) throw appError('NOT_FOUND');
      const id = newId();
      const at = now();
      const sealer = await sealerFor(deps, target.person_id, 'enquiry');
      const envelope = sealer.seal(RECORD.enquiryNote, id, { text: note.text });
      await db.transaction().execute(async (trx) => {
        await insertNote(trx, { id, enquiry_id: target.id, person_id: target.person_id, staff_id: actor.staffId, created_at: at, kind: note.kind, call_outcome: note.kind === 'call' ? (note.callOutcome ?? null) : null, body_envelope: envelope });
        await markFirstResponse(trx, [target.id], at);
        await insertDeskEvents(trx, [deskEvent(target, actor, note.kind, note.kind === 'call' ? (note.callOutcome ?? null) : null, at)]);
        await deps.audit.append(trx, [{ ...auditEvent(actor, `enquiry.${note.kind}`, [target]), recordRefs: [`enquiry:${target.id}`, `enquiry-note:${id}`] }]);
      });
      return { id };
    },

    async addFollowUp(actor, enquiryId, followUp) {
      const [target] = await authorise(actor, [enquiryId], 'enquiry.update', 'enquiry.follow-up');
      if (!target) throw appError('NOT_FOUND');
      const assignee = followUp.assigneeId === undefined ? (target.assigned_to ?? actor.staffId) : followUp.assigneeId;
      if (assignee !== null && assignee !== actor.staffId && !(await listClinicStaff(db, target.clinic_id)).some((s) => s.id === assignee)) throw appError('VALIDATION_FAILED', ['assignee']);
      const id = newId();
      const at = now();
      const note = followUp.note?.trim() ? (await sealerFor(deps, target.person_id, 'enquiry')).seal(RECORD.followUpNote, id, { text: followUp.note.trim() }) : null;
      await db.transaction().execute(async (trx) => {
        await insertFollowUp(trx, { id, enquiry_id: target.id, clinic_id: target.clinic_id, person_id: target.person_id, assignee_id: assignee, kind: followUp.kind, due_at: new Date(followUp.dueAt).toISOString(), created_at: at, created_by: actor.staffId, done_at: null, note_envelope: note });
        await insertDeskEvents(trx, [deskEvent(target, actor, 'follow-up', followUp.kind, at)]);
        await deps.audit.append(trx, [{ ...auditEvent(actor, 'enquiry.follow-up', [target]), recordRefs: [`enquiry:${target.id}`, `follow-up:${id}`] }]);
      });
      return { id };
    },

    async completeFollowUp(actor, followUpId) {
      const followUp = await findFollowUp(db, followUpId);
      if (!followUp) throw appError('NOT_FOUND');
      const [target] = await authorise(actor, [followUp.enquiry_id], 'enquiry.update', 'enquiry.follow-up');
      if (!target) throw appError('NOT_FOUND');
      const at = now();
      await db.transaction().execute(async (trx) => {
        await completeFollowUp(trx, followUpId, at);
        await markFirstResponse(trx, [target.id], at);
        await insertDeskEvents(trx, [deskEvent(target, actor, 'follow-up-done', followUp.kind, at)]);
        await deps.audit.append(trx, [{ ...auditEvent(actor, 'enquiry.follow-up.done', [target]), recordRefs: [`enquiry:${target.id}`, `follow-up:${followUpId}`] }]);
      });
    },

    async escalateOverdue() {
      const at = now();
      const overdue = await listOverdueUnescalated(db, at, 500);
      if (overdue.length === 0) return 0;
      await db.transaction().execute(async (trx) => {
        await markEscalated(trx, overdue.map((e) => e.id), at);
        if (deps.isMailConfigured) {
          for (const [clinicId, group] of groupBy(overdue, (e) => e.clinic_id)) {
            const clinic = (await findClinicLabels(trx, [clinicId])).get(clinicId)?.name ?? 'a clinic';
            const message = {
              subject: `[Tacet] ${group.length} ${group.length === 1 ? 'enquiry is' : 'enquiries are'} past the first-response time at ${clinic}`,
              text: `${group.length} new ${group.length === 1 ? 'enquiry has' : 'enquiries have'} not been answered within the first-response time at ${clinic}.\n\nOpen Tacet → Today to see them and assign them. This message contains no patient data.`,
            };
            const rows = (await listClinicManagerEmails(trx, clinicId)).map((email) => ({ id: newId(), alert_id: null, channel: 'staff-email', target: email, payload: JSON.stringify(message), created_at: at, next_attempt_at: at, sent_at: null, last_error: null }));
            if (rows.length > 0) await queueNotifications(trx, rows);
          }
        }
        await insertDeskEvents(trx, overdue.map((e) => deskEvent(e, null, 'escalated', 'first-response-overdue', at)));
        await deps.audit.append(trx, [{ actor: 'system:front-desk', action: 'enquiry.escalate', recordRefs: overdue.map((e) => `enquiry:${e.id}`), purpose: 'first-response-overdue', outcome: 'success' }]);
      });
      if (deps.isMailConfigured && deps.onQueued) setImmediate(deps.onQueued);
      return overdue.length;
    },

    async reengageIdle() {
      const at = now();
      const idle = await listIdle(db, new Date(clock.now().getTime() - deps.reengageMs).toISOString(), 500);
      if (idle.length === 0) return 0;
      await db.transaction().execute(async (trx) => {
        for (const e of idle) await insertFollowUp(trx, { id: newId(), enquiry_id: e.id, clinic_id: e.clinic_id, person_id: e.person_id, assignee_id: e.assigned_to, kind: 're-engage', due_at: at, created_at: at, created_by: null, done_at: null, note_envelope: null });
        await markReengaged(trx, idle.map((e) => e.id), at);
        await insertDeskEvents(trx, idle.map((e) => deskEvent(e, null, 'reengage', null, at)));
        await deps.audit.append(trx, [{ actor: 'system:front-desk', action: 'enquiry.reengage', recordRefs: idle.map((e) => `enquiry:${e.id}`), purpose: 'idle', outcome: 'success' }]);
      });
      return idle.length;
    },
  };
}

function groupBy<T>(items: readonly T[], keyOf: (item: T) => string): Map<string, T[]> {
  const groups = new Map<string, T[]>();
  for (const item of items) groups.set(keyOf(item), [...(groups.get(keyOf(item)) ?? []), item]);
  return groups;
}
