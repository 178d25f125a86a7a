/** Response shapes for enquiries (never raw rows). */
import { z } from 'zod';
import type { EnquiryDetail, EnquirySummary } from '../door/enquiry-door.js';
import { SlaState, slaState } from '../pipeline/front-desk.presenter.js';

/** A list row: metadata only, no personal data. */
export const EnquiryRow = z.object({ id: z.string(), reference: z.string(), clinic: z.object({ slug: z.string(), name: z.string() }), status: z.string(), source: z.string(), channel: z.string(), assignedTo: z.string().nullable(), receivedAt: z.string() });
export type EnquiryRow = z.infer<typeof EnquiryRow>;

/** A page, newest first; `nextCursor` asks for the next (`?cursor=`), null on the last page. */
export const EnquiryList = z.object({ enquiries: z.array(EnquiryRow), nextCursor: z.string().nullable() });
export type EnquiryList = z.infer<typeof EnquiryList>;

/** An opened enquiry: who asked (contact) and what (procedure, message). */
export const EnquiryView = z.object({
  id: z.string(),
  reference: z.string(),
  personId: z.string(),
  clinic: z.object({ slug: z.string(), name: z.string() }),
  status: z.string(),
  source: z.string(),
  receivedAt: z.string(),
  contact: z.object({ name: z.string(), email: z.string(), phone: z.string(), dateOfBirth: z.string().nullable(), address: z.string().nullable() }),
  procedure: z.string(),
  message: z.string(),
  contactConsent: z.boolean(),
  channel: z.string(),
  assignedTo: z.string().nullable(),
  sla: z.object({ state: SlaState, dueAt: z.string().nullable() }),
  lostReason: z.string().nullable(),
  /** This person's enquiries (repeat enquiries join one timeline), notes and calls, follow-ups and what happened, in the clinics the reader may see. */
  timeline: z.object({
    enquiries: z.array(z.object({ id: z.string(), reference: z.string(), clinicId: z.string(), status: z.string(), receivedAt: z.string(), channel: z.string(), procedure: z.string(), message: z.string() })),
    notes: z.array(z.object({ id: z.string(), enquiryId: z.string(), staffId: z.string(), at: z.string(), kind: z.string(), callOutcome: z.string().nullable(), text: z.string() })),
    followUps: z.array(z.object({ id: z.string(), enquiryId: z.string(), kind: z.string(), dueAt: z.string(), assigneeId: z.string().nullable(), doneAt: z.string().nullable(), note: z.string().nullable() })),
    events: z.array(z.object({ enquiryId: z.string(), at: z.string(), staffId: z.string().nullable(), kind: z.string(), detail: z.string().nullable() })),
  }),
});
export type EnquiryView = z.infer<typeof EnquiryView>;

/** The status an enquiry was moved to. */
export const EnquiryStatus = z.object({ status: z.string() });
export type EnquiryStatus = z.infer<typeof EnquiryStatus>;

/** A break-glass grant just given: until when it lasts. */
export const BreakGlassGranted = z.object({ id: z.string(), expiresAt: z.string() });
export type BreakGlassGranted = z.infer<typeof BreakGlassGranted>;

/** JSON for a list row. */
export function presentSummary(summary: EnquirySummary): EnquiryRow {
  return { id: summary.id, reference: summary.reference || reference(summary.id), clinic: summary.clinic, status: summary.status, source: summary.source, channel: summary.channel, assignedTo: summary.assignedTo, receivedAt: summary.receivedAt };
}

/** JSON for an opened enquiry. */
export function presentDetail(detail: EnquiryDetail, nowIso: string): EnquiryView {
  return {
    id: detail.id,
    reference: detail.reference || reference(detail.id),
    personId: detail.personId,
    clinic: { slug: detail.clinic.slug, name: detail.clinic.name },
    status: detail.status,
    source: detail.source,
    receivedAt: detail.receivedAt,
    contact: {
      name: detail.contact.name,
      email: detail.contact.email,
      phone: detail.contact.phone,
      dateOfBirth: detail.contact.dob ?? null,
      address: detail.contact.address ?? null,
    },
    procedure: detail.body.procedure,
    message: detail.body.message,
    contactConsent: detail.body.consent,
    channel: detail.channel,
    assignedTo: detail.assignedTo,
    sla: { state: slaState(detail.firstResponseAt, detail.slaDueAt, nowIso), dueAt: detail.slaDueAt },
    lostReason: detail.lostReason,
    timeline: { enquiries: [...detail.timeline.enquiries], notes: [...detail.timeline.notes], followUps: [...detail.timeline.followUps], events: [...detail.timeline.events] },
  };
}

/** Short human reference for an enquiry id (not secret, not personal). */
export function reference(id: string): string {
  return `ENQ-${id.replace(/-/g, '').slice(0, 8).toUpperCase()}`;
}
