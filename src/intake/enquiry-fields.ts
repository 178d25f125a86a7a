/**
 * The enquiry form's fields and their rules, shared by the no-JS intake path
 * (validated on arrival, before sealing) and the core ingest (validated after
 * opening, because a browser-sealed body is never seen by intake).
 */
import { z } from 'zod';

const trimmed = (max: number) => z.string().trim().max(max);

function isPastIsoDate(value: string): boolean {
  const date = new Date(`${value}T00:00:00Z`);
  return !Number.isNaN(date.getTime()) && date.toISOString().startsWith(value) && date.getTime() < Date.now() && date.getUTCFullYear() >= 1900;
}

/** Fields of an enquiry as submitted. */
export const enquiryFieldsSchema = z.object({
  sid: z.string().regex(/^[A-Za-z0-9_-]{8,64}$/),
  name: trimmed(200).min(1),
  email: trimmed(254).pipe(z.email()),
  phone: trimmed(40).regex(/^\+?[0-9 ().-]{6,40}$/),
  dob: trimmed(10)
    .refine((value) => value === '' || isPastIsoDate(value), 'date of birth must be a past date (YYYY-MM-DD)')
    .optional(),
  address: trimmed(500).optional(),
  procedure: trimmed(100).min(1),
  message: trimmed(5000).default(''),
  consent: z.literal(true),
  /** The person asked for an e-mail acknowledging their enquiry (reference, what happens next). */
  acknowledge: z.boolean().default(false),
  /** Where the person came from, captured by the form (sealed with everything else; the core keeps only a coarse channel in the clear). */
  origin: z
    .object({
      utmSource: trimmed(200).optional(),
      utmMedium: trimmed(200).optional(),
      utmCampaign: trimmed(200).optional(),
      utmTerm: trimmed(200).optional(),
      utmContent: trimmed(200).optional(),
      referrer: trimmed(2000).optional(),
      page: trimmed(2000).optional(),
    })
    .strict()
    .optional(),
});

/** A validated enquiry. */
export type EnquiryFields = z.infer<typeof enquiryFieldsSchema>;

/** Field names that failed validation (never their values). */
export function invalidFieldNames(error: z.ZodError): string[] {
  return [...new Set(error.issues.map((issue) => String(issue.path[0] ?? 'body')))];
}
