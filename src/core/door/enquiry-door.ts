/**
 * The door for enquiries: the list (metadata only, of the persons the actor
 * may know exist) and the opened enquiry (contact and body). Every opening
 * is admitted by the gate (admission.ts): authorise (tenancy; forbidden =
 * not found) → compliance → lockdown → detection → audit, group-committed
 * before anything decrypts → decrypt.
 *
 * SECURITY: records open only through the gate, the one place that unwraps
 * person keys (test/security/single-door.test.ts).
 */
import type { StaffActor } from '../../auth/actor.js';
import { clinicsWith, type PersonFacts } from '../../auth/policy.js';
import type { Keyset } from '../../db/keyset.js';
import { appError } from '../../platform/errors.js';
import { encodeCursor } from '../../db/keyset.js';
import { findEnquiryForRead, findEnquiryLocation, listEnquiryRows } from '../enquiries/enquiry.repository.js';
import { listEnquiriesOfPerson, listEventsOf, listFollowUpsOf, listNotesOfPerson, listQueueRows } from '../pipeline/queue.repository.js';
import { createGate, type Gate, type GateDeps } from './admission.js';
import { type ContactRecord, type EnquiryBodyRecord, type NoteRecord, RECORD } from './records.js';

/** Open stages are work; won and lost are not anyone's work any more. */
const isOpenStage = (status: string) => status !== 'won' && status !== 'lost';

/** A decrypted enquiry, as the door hands it out. */
export interface EnquiryDetail {
  readonly id: string;
  readonly personId: string;
  readonly clinic: { readonly id: string; readonly slug: string; readonly name: string };
  readonly status: string;
  readonly source: string;
  readonly receivedAt: string;
  readonly contact: ContactRecord;
  readonly body: EnquiryBodyRecord;
  readonly reference: string;
  readonly channel: string;
  readonly assignedTo: string | null;
  readonly firstResponseAt: string | null;
  readonly slaDueAt: string | null;
  readonly lostReason: string | null;
  /** Everything this person asked and what staff did about it, in the clinics the reader may see (same admission: the same person). */
  readonly timeline: Timeline;
}

/** One person's enquiries, notes and calls, follow-ups and the event trail. */
export interface Timeline {
  readonly enquiries: readonly { readonly id: string; readonly reference: string; readonly clinicId: string; readonly status: string; readonly receivedAt: string; readonly channel: string; readonly procedure: string; readonly message: string }[];
  readonly notes: readonly { readonly id: string; readonly enquiryId: string; readonly staffId: string; readonly at: string; readonly kind: string; readonly callOutcome: string | null; readonly text: string }[];
  readonly followUps: readonly { readonly id: string; readonly enquiryId: string; readonly kind: string; readonly dueAt: string; readonly assigneeId: string | null; readonly doneAt: string | null; readonly note: string | null }[];
  readonly events: readonly { readonly enquiryId: string; readonly at: string; readonly staffId: string | null; readonly kind: string; readonly detail: string | null }[];
}

/** A row of my queue: opened through the door (purpose `assigned-work`), the enquiry domain only. */
export interface QueueItem {
  readonly id: string;
  readonly reference: string;
  readonly clinicId: string;
  readonly status: string;
  readonly receivedAt: string;
  readonly firstResponseAt: string | null;
  readonly slaDueAt: string | null;
  /** The name as the person typed it on this enquiry (never the merged contact record: the queue opens only the enquiry). */
  readonly name: string;
  readonly procedure: string;
}

/** Filter for the enquiry list. */
export interface EnquiryListFilter {
  readonly clinicId?: string;
  readonly status?: string;
  /** Exactly this reference (a person quoting it on the phone). */
  readonly reference?: string;
  readonly limit: number;
  /** Where the previous page ended (keyset.ts). */
  readonly after?: Keyset;
}

/** A page of list rows and the cursor of the next (null on the last page). */
export interface EnquiryPage {
  readonly enquiries: EnquirySummary[];
  readonly nextCursor: string | null;
}

/** A list row: metadata only, no personal data. */
export interface EnquirySummary {
  readonly id: string;
  readonly reference: string;
  readonly channel: string;
  readonly assignedTo: string | null;
  readonly clinic: { readonly slug: string; readonly name: string };
  readonly status: string;
  readonly source: string;
  readonly receivedAt: string;
}

/** Why a read is happening, recorded in the audit event. */
export interface ReadContext {
  readonly purpose: string;
}

/** The enquiry door's interface. */
export interface EnquiryDoor {
  readonly listEnquiries: (actor: StaffActor, filter: EnquiryListFilter) => Promise<EnquiryPage>;
  readonly readEnquiry: (actor: StaffActor, enquiryId: string, context: ReadContext) => Promise<EnquiryDetail>;
  /** My queue: each row an audited read of the enquiry domain with the purpose `assigned-work`, counted against the assigned-work allowance. */
  readonly readQueue: (actor: StaffActor, filter: { readonly after?: Keyset; readonly limit: number }) => Promise<{ readonly items: QueueItem[]; readonly nextCursor: string | null }>;
  /** Where an enquiry belongs and the access facts of its person for this actor; no personal data, no audit (the caller records its decision). */
  readonly locateEnquiry: (actor: StaffActor, enquiryId: string) => Promise<{ readonly enquiryId: string; readonly personId: string; readonly clinicId: string; readonly facts: PersonFacts } | undefined>;
}

/** Create the enquiry door (with a gate of its own unless given the shared one). */
export function createEnquiryDoor(deps: GateDeps & { gate?: Gate }): EnquiryDoor & { readonly gate: Gate } {
  const { db } = deps;
  const gate = deps.gate ?? createGate(deps);

  return {
    gate,
    async locateEnquiry(actor, enquiryId) {
      const row = await findEnquiryLocation(db, enquiryId);
      if (!row) return undefined;
      const facts = await gate.facts(actor, { personId: row.person_id, organisationId: row.organisation_id, isRestricted: row.is_restricted === 1, clinicIds: [row.clinic_id] });
      return { enquiryId: row.id, personId: row.person_id, clinicId: row.clinic_id, facts };
    },

    async listEnquiries(actor, filter) {
      const clinicIds = clinicsWith(actor, 'enquiry.read').filter((id) => !filter.clinicId || id === filter.clinicId);
      if (clinicIds.length === 0) return { enquiries: [], nextCursor: null };
      const page = await listEnquiryRows(db, actor, clinicIds, filter);
      return { enquiries: page.rows.map((row) => ({ id: row.id, reference: row.reference ?? '', channel: row.channel, assignedTo: row.assigned_to, clinic: { slug: row.slug, name: row.name }, status: row.status, source: row.source, receivedAt: row.received_at })), nextCursor: page.next };
    },

    async readQueue(actor, filter) {
      const rows = await listQueueRows(db, actor, filter);
      // Concurrent admissions share the audit's group commit.
      const items = await Promise.all(
        rows.map(async (row): Promise<QueueItem> => {
          const location = { personId: row.person_id, organisationId: row.organisation_id, isRestricted: row.is_restricted === 1, clinicIds: [row.clinic_id] };
          const admission = await gate.admit(actor, location, { permission: 'enquiry.read', action: 'enquiry.read', recordRefs: [`enquiry:${row.id}`], purpose: 'assigned-work', domains: ['enquiry'], assignedWork: true });
          const body = admission.open<EnquiryBodyRecord>('enquiry', RECORD.enquiryBody, row.id, row.body_envelope);
          return { id: row.id, reference: row.reference ?? '', clinicId: row.clinic_id, status: row.status, receivedAt: row.received_at, firstResponseAt: row.first_response_at, slaDueAt: row.sla_due_at, name: body.submittedAs?.name ?? '', procedure: body.procedure ?? '' };
        }),
      );
      const last = rows.at(-1);
      return { items, nextCursor: rows.length === filter.limit && last ? encodeCursor({ at: last.received_at, id: last.id }) : null };
    },

    async readEnquiry(actor, enquiryId, context) {
      const row = await findEnquiryForRead(db, enquiryId);
      const location = row ? { personId: row.person_id, organisationId: row.organisation_id, isRestricted: row.is_restricted === 1, clinicIds: [row.clinic_id] } : undefined;
      // SECURITY: whether this is the reader's own work is read from the row, never taken from the caller.
      const assignedWork = row !== undefined && row.assigned_to === actor.staffId && isOpenStage(row.status);
      const admission = await gate.admit(actor, location, { permission: 'enquiry.read', action: 'enquiry.read', recordRefs: [`enquiry:${enquiryId}`], purpose: assignedWork ? `assigned-work:${context.purpose}` : context.purpose, domains: ['contact', 'enquiry'], assignedWork });
      if (!row) throw appError('NOT_FOUND');
      const clinics = clinicsWith(actor, 'enquiry.read');
      const [others, notes] = await Promise.all([listEnquiriesOfPerson(db, row.person_id, clinics), listNotesOfPerson(db, row.person_id)]);
      const enquiryIds = others.map((other) => other.id);
      const [followUps, events] = await Promise.all([listFollowUpsOf(db, enquiryIds), listEventsOf(db, enquiryIds)]);
      const visible = new Set(enquiryIds);
      const timeline: Timeline = {
        enquiries: others.map((other) => {
          const body = admission.open<EnquiryBodyRecord>('enquiry', RECORD.enquiryBody, other.id, other.body_envelope);
          return { id: other.id, reference: other.reference ?? '', clinicId: other.clinic_id, status: other.status, receivedAt: other.received_at, channel: other.channel, procedure: body.procedure ?? '', message: body.message ?? '' };
        }),
        notes: notes
          .filter((note) => visible.has(note.enquiry_id))
          .map((note) => ({ id: note.id, enquiryId: note.enquiry_id, staffId: note.staff_id, at: note.created_at, kind: note.kind, callOutcome: note.call_outcome, text: admission.open<NoteRecord>('enquiry', RECORD.enquiryNote, note.id, note.body_envelope).text })),
        followUps: followUps.map((f) => ({ id: f.id, enquiryId: f.enquiry_id, kind: f.kind, dueAt: f.due_at, assigneeId: f.assignee_id, doneAt: f.done_at, note: f.note_envelope ? admission.open<NoteRecord>('enquiry', RECORD.followUpNote, f.id, f.note_envelope).text : null })),
        events: events.map((e) => ({ enquiryId: e.enquiry_id, at: e.at, staffId: e.staff_id, kind: e.kind, detail: e.detail })),
      };
      return {
        reference: row.reference ?? '',
        channel: row.channel,
        assignedTo: row.assigned_to,
        firstResponseAt: row.first_response_at,
        slaDueAt: row.sla_due_at,
        lostReason: row.lost_reason,
        timeline,
        id: row.id,
        personId: row.person_id,
        clinic: { id: row.clinic_id, slug: row.slug, name: row.name },
        status: row.status,
        source: row.source,
        receivedAt: row.received_at,
        contact: admission.open<ContactRecord>('contact', RECORD.contact, row.person_id, row.contact_envelope),
        body: admission.open<EnquiryBodyRecord>('enquiry', RECORD.enquiryBody, row.id, row.body_envelope),
      };
    },
  };
}
