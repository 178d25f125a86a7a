/** Response shapes of the front desk (never raw rows). Queue rows carry a name and procedure (opened through the door); every other row is metadata. */
import { z } from 'zod';
import type { QueueItem } from '../door/enquiry-door.js';
import type { DeskRow } from './queue.repository.js';

const Clinic = z.object({ id: z.string(), slug: z.string(), name: z.string() });
type ClinicLabel = z.infer<typeof Clinic>;

/** Where an enquiry's first response stands: `met`, `met-late`, `due` (not yet, in time), `overdue`, or `none` (no SLA: older enquiries). */
export const SlaState = z.enum(['met', 'met-late', 'due', 'overdue', 'none']);
export type SlaState = z.infer<typeof SlaState>;

/** The SLA state at `nowIso`. */
export function slaState(firstResponseAt: string | null, slaDueAt: string | null, nowIso: string): SlaState {
  if (!slaDueAt) return 'none';
  if (firstResponseAt) return firstResponseAt <= slaDueAt ? 'met' : 'met-late';
  return nowIso <= slaDueAt ? 'due' : 'overdue';
}

const Sla = z.object({ state: SlaState, dueAt: z.string().nullable() });

/** A front-desk list row: no personal data. */
export const DeskRowView = z.object({ id: z.string(), reference: z.string(), clinic: Clinic, stage: z.string(), channel: z.string(), receivedAt: z.string(), assignee: z.object({ id: z.string(), name: z.string() }).nullable(), sla: Sla });
export type DeskRowView = z.infer<typeof DeskRowView>;

/** A row of my queue: what the person asked about, opened for its assignee. */
export const QueueRowView = z.object({ id: z.string(), reference: z.string(), clinic: Clinic, stage: z.string(), receivedAt: z.string(), sla: Sla, name: z.string(), procedure: z.string() });

export const QueuePage = z.object({ items: z.array(QueueRowView), nextCursor: z.string().nullable(), total: z.number() });
export const DeskPage = z.object({ rows: z.array(DeskRowView), nextCursor: z.string().nullable() });
export const Board = z.object({ stages: z.array(z.object({ key: z.string(), label: z.string(), kind: z.string(), count: z.number() })), rows: z.array(DeskRowView), nextCursor: z.string().nullable() });
export const Claimed = z.object({ claimed: z.array(z.string()) });
export const Reassigned = z.object({ reassigned: z.array(z.string()) });
export const Done = z.object({ ok: z.literal(true) });
export const Created = z.object({ id: z.string() });
export const Vocabulary = z.object({
  stages: z.array(z.object({ key: z.string(), label: z.string(), kind: z.string() })),
  lostReasons: z.array(z.string()),
  callOutcomes: z.array(z.string()),
  followUpKinds: z.array(z.string()),
});
export const StaffChoices = z.object({ staff: z.array(z.object({ id: z.string(), name: z.string(), role: z.string() })) });

/** The Today page: my queue's size, my follow-ups, the pools I can claim from, overdue first responses (managers), today's appointments, my shifts. */
export const Today = z.object({
  queue: z.object({ total: z.number() }),
  followUps: z.array(z.object({ id: z.string(), enquiryId: z.string(), reference: z.string(), clinic: Clinic, kind: z.string(), dueAt: z.string(), isOverdue: z.boolean() })),
  pools: z.array(z.object({ clinic: Clinic, unassigned: z.number(), onShift: z.boolean() })),
  escalations: z.array(DeskRowView),
  appointments: z.array(z.object({ id: z.string(), patientId: z.string(), clinic: Clinic, kind: z.string(), startsAt: z.string(), endsAt: z.string(), status: z.string(), practitioner: z.string().nullable() })),
});

/** JSON for a metadata row. */
export function presentDeskRow(row: DeskRow, clinic: ClinicLabel, staffNames: ReadonlyMap<string, string>, nowIso: string): DeskRowView {
  return {
    id: row.id,
    reference: row.reference ?? '',
    clinic,
    stage: row.status,
    channel: row.channel,
    receivedAt: row.received_at,
    assignee: row.assigned_to ? { id: row.assigned_to, name: staffNames.get(row.assigned_to) ?? 'Former staff member' } : null,
    sla: { state: slaState(row.first_response_at, row.sla_due_at, nowIso), dueAt: row.sla_due_at },
  };
}

/** JSON for a queue row. */
export function presentQueueItem(item: QueueItem, clinic: ClinicLabel, nowIso: string): z.infer<typeof QueueRowView> {
  return { id: item.id, reference: item.reference, clinic, stage: item.status, receivedAt: item.receivedAt, sla: { state: slaState(item.firstResponseAt, item.slaDueAt, nowIso), dueAt: item.slaDueAt }, name: item.name, procedure: item.procedure };
}

export type QueuePage = z.infer<typeof QueuePage>;
export type DeskPage = z.infer<typeof DeskPage>;
export type Board = z.infer<typeof Board>;
export type Claimed = z.infer<typeof Claimed>;
export type Vocabulary = z.infer<typeof Vocabulary>;
export type StaffChoices = z.infer<typeof StaffChoices>;
export type Today = z.infer<typeof Today>;
