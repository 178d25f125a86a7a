/** Response shapes for the "needs attention" list (never raw rows). */
import { z } from 'zod';
import type { AcceptResult, QuarantineDetail, QuarantineSummary } from '../door/quarantine-door.js';

/** Each quarantine reason in plain words, for staff. */
export const REASON_TEXT: Readonly<Record<string, string>> = {
  'invalid-fields': 'Some answers did not pass the form’s rules (for example a date of birth in the future). Correct them and accept.',
  'unknown-clinic': 'The form named a clinic Tacet does not know (perhaps one taken off the form). Choose the clinic and accept.',
  'invalid-json': 'The form sent something that is not an enquiry. Read what it says, fill in the fields, or discard it.',
  'unknown-key': 'It was sealed with a key this installation does not hold, so it cannot be opened. Keep it (the key may be restored) or discard it.',
  'open-failed': 'The sealed envelope did not open: it was damaged or changed on the way. It can only be discarded.',
};

const Clinic = z.object({ id: z.string(), name: z.string() });

/** A list row: metadata only, no personal data. */
export const QuarantineItem = z.object({
  id: z.string(),
  clinic: Clinic.nullable(),
  clinicSlug: z.string(),
  receivedAt: z.string(),
  quarantinedAt: z.string(),
  reason: z.string(),
  reasonText: z.string(),
  /** Whole minutes since the envelope arrived: how long this person has waited. */
  ageMinutes: z.number().int(),
});

export type QuarantineItem = z.infer<typeof QuarantineItem>;

/** A page, newest first; `nextCursor` asks for the next, null on the last page. */
export const QuarantineList = z.object({ items: z.array(QuarantineItem), nextCursor: z.string().nullable() });
export type QuarantineList = z.infer<typeof QuarantineList>;

/** How many rows the reader may work on (the menu's badge). */
export const QuarantineCount = z.object({ count: z.number().int() });
export type QuarantineCount = z.infer<typeof QuarantineCount>;

const FieldValue = z.union([z.string(), z.boolean()]);

/** One quarantined enquiry, opened through the door (or what is known of an unopenable one). */
export const QuarantineView = QuarantineItem.extend({
  canOpen: z.boolean(),
  fields: z.record(z.string(), FieldValue).nullable(),
  issues: z.array(z.object({ field: z.string(), message: z.string() })),
  text: z.string().nullable(),
  reference: z.string().nullable(),
  clinicChoices: z.array(Clinic),
});
export type QuarantineView = z.infer<typeof QuarantineView>;

/** What an accept stored. */
export const QuarantineAccepted = z.object({ enquiryId: z.string().nullable(), reference: z.string(), isDuplicate: z.boolean() });
export type QuarantineAccepted = z.infer<typeof QuarantineAccepted>;

/** A discard done. */
export const QuarantineDiscarded = z.object({ discarded: z.literal(true) });

/** JSON for a list row. */
export function presentItem(item: QuarantineSummary, nowMs: number): z.infer<typeof QuarantineItem> {
  return { ...item, reasonText: REASON_TEXT[item.reason] ?? item.reason, ageMinutes: Math.max(0, Math.floor((nowMs - new Date(item.receivedAt).getTime()) / 60_000)) };
}

/** JSON for an opened row. */
export function presentView(detail: QuarantineDetail, nowMs: number): z.infer<typeof QuarantineView> {
  return { ...presentItem(detail, nowMs), canOpen: detail.canOpen, fields: detail.fields, issues: [...detail.issues], text: detail.text, reference: detail.reference, clinicChoices: [...detail.clinicChoices] };
}

/** JSON for an accept. */
export function presentAccepted(result: AcceptResult): z.infer<typeof QuarantineAccepted> {
  return { enquiryId: result.enquiryId, reference: result.reference, isDuplicate: result.isDuplicate };
}
