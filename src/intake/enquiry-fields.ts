/**
 * The enquiry form's fields and their rules: the ONE schema, used by the
 * browser form (web/form/form.ts, before anything is sealed), the no-JS
 * intake path (validated on arrival, before sealing) and the core ingest
 * (validated after opening). Its messages are shown to the person next to
 * the field, so they are written for them.
 *
 * Written with `zod/mini` so the browser bundle stays small (zod's classic
 * API would add about 440 KB to form.js, mini about 16 KB).
 */
import * as z from 'zod/mini';

function text(max: number, required?: string) {
  const tooLong = `Use at most ${max} characters`;
  return z.string(required ?? tooLong).check(z.trim(), ...(required ? [z.minLength(1, required)] : []), z.maxLength(max, tooLong));
}

function isIsoDate(value: string): boolean {
  const date = new Date(`${value}T00:00:00Z`);
  return /^\d{4}-\d{2}-\d{2}$/.test(value) && !Number.isNaN(date.getTime()) && date.toISOString().startsWith(value);
}

const isBlankOr = (check: (value: string) => boolean) => (value: string) => value === '' || check(value);

/** What the person is told about each field (also used by tests, which check the page shows them). */
export const FIELD_MESSAGES = {
  sid: 'This form is incomplete. Please reload the page and try again.',
  name: 'Enter your full name',
  email: 'Enter an e-mail address, e.g. name@example.com',
  phone: 'Enter a phone number, e.g. 020 7946 0000',
  dob: 'Enter a real date of birth, e.g. 27 March 1985',
  dobFuture: 'Date of birth must be in the past',
  dobTooOld: 'Enter a date of birth after 1900',
  procedure: 'Enter the procedure you are interested in, e.g. a consultation',
  consent: 'Tick the box to agree that the clinic may contact you about this enquiry',
  /** Not a sealed field (the clinic travels in the clear): the intake checks it against its publication. */
  clinic: 'Choose the clinic you are enquiring at',
} as const;

/** Fields of an enquiry as submitted. */
export const enquiryFieldsSchema = z.object({
  sid: z.string(FIELD_MESSAGES.sid).check(z.regex(/^[A-Za-z0-9_-]{8,64}$/, FIELD_MESSAGES.sid)),
  name: text(200, FIELD_MESSAGES.name),
  email: z.pipe(text(254, FIELD_MESSAGES.email), z.email(FIELD_MESSAGES.email)),
  phone: text(40, FIELD_MESSAGES.phone).check(z.regex(/^\+?[0-9 ().-]{6,40}$/, FIELD_MESSAGES.phone)),
  dob: z.optional(
    text(10).check(
      z.refine(isBlankOr(isIsoDate), FIELD_MESSAGES.dob),
      z.refine(isBlankOr((value) => !isIsoDate(value) || new Date(`${value}T00:00:00Z`).getTime() < Date.now()), FIELD_MESSAGES.dobFuture),
      z.refine(isBlankOr((value) => !isIsoDate(value) || Number(value.slice(0, 4)) >= 1900), FIELD_MESSAGES.dobTooOld),
    ),
  ),
  address: z.optional(text(500)),
  procedure: text(100, FIELD_MESSAGES.procedure),
  message: z._default(text(5000), ''),
  consent: z.literal(true, FIELD_MESSAGES.consent),
  /** The person asked for an e-mail acknowledging their enquiry (reference, what happens next). */
  acknowledge: z._default(z.boolean(), false),
  /** Where the person came from, captured by the form (sealed with everything else; the core keeps only a coarse channel in the clear). */
  origin: z.optional(
    z.strictObject({
      utmSource: z.optional(text(200)),
      utmMedium: z.optional(text(200)),
      utmCampaign: z.optional(text(200)),
      utmTerm: z.optional(text(200)),
      utmContent: z.optional(text(200)),
      referrer: z.optional(text(2000)),
      page: z.optional(text(2000)),
    }),
  ),
});

/** A validated enquiry. */
export type EnquiryFields = z.infer<typeof enquiryFieldsSchema>;

/** The longest value each origin field keeps (the form cuts what it captures to fit, rather than refuse the person). */
export const ORIGIN_MAX = { utmSource: 200, utmMedium: 200, utmCampaign: 200, utmTerm: 200, utmContent: 200, referrer: 2000, page: 2000 } as const;

/** What a failed parse reports (zod's error, in the shape these helpers read). */
export interface FieldIssues {
  readonly issues: readonly { readonly path: readonly PropertyKey[]; readonly message: string }[];
}

/** Field names that failed validation (never their values). */
export function invalidFieldNames(error: FieldIssues): string[] {
  return [...new Set(error.issues.map((issue) => String(issue.path[0] ?? 'body')))];
}

/** The first message for each field that failed, by field name: what the form shows beside the field. */
export function fieldErrors(error: FieldIssues): Record<string, string> {
  const errors: Record<string, string> = {};
  for (const issue of error.issues) {
    const name = String(issue.path[0] ?? 'body');
    errors[name] ??= issue.message;
  }
  return errors;
}

/** What the person is told after sending, beside their reference (the no-JS page and the browser script say the same). */
export const NEXT_STEPS = 'The clinic team will call you, usually within one working hour. Quote this reference.';

/** The page-URL query parameters the form captures, and the origin field each fills. */
export const UTM_PARAMS = [
  ['utm_source', 'utmSource'],
  ['utm_medium', 'utmMedium'],
  ['utm_campaign', 'utmCampaign'],
  ['utm_term', 'utmTerm'],
  ['utm_content', 'utmContent'],
] as const;

/** An enquiry's origin as the form captures it, cut to the lengths the schema keeps (a long campaign name must not stop a person). */
export function captureOrigin(raw: Readonly<Partial<Record<keyof typeof ORIGIN_MAX, string | null | undefined>>>): EnquiryFields['origin'] {
  const origin: Partial<Record<keyof typeof ORIGIN_MAX, string>> = {};
  for (const key of Object.keys(ORIGIN_MAX) as (keyof typeof ORIGIN_MAX)[]) {
    const value = raw[key]?.trim();
    if (value) origin[key] = value.slice(0, ORIGIN_MAX[key]);
  }
  return Object.keys(origin).length > 0 ? origin : undefined;
}
