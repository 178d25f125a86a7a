/**
 * The acknowledgement e-mail's template: its placeholders, its validation
 * and its rendering. Pure functions.
 *
 * SECURITY: the message says who received the enquiry and how to quote it,
 * never what it was about. By construction: `render` is given only
 * `AcknowledgementValues` (the clinic's name, the reference, and the
 * clinic's own texts), never the enquiry's fields, so no template can print
 * a procedure, a message, a phone number or even the person's name; and a
 * placeholder outside PLACEHOLDERS is refused when the template is saved.
 */

/** Every placeholder a template may use. */
export const PLACEHOLDERS = ['clinic', 'reference', 'nextSteps', 'openingHours'] as const;
export type Placeholder = (typeof PLACEHOLDERS)[number];

/** What a rendered message is made from: nothing the enquirer typed. */
export type AcknowledgementValues = Readonly<Record<Placeholder, string>>;

/** A template as a clinic edits it. */
export interface AcknowledgementTemplate {
  readonly subject: string;
  readonly body: string;
  /** What happens next, in the clinic's words ({nextSteps}). */
  readonly nextSteps: string;
  /** When the clinic answers the phone ({openingHours}); may be empty. */
  readonly openingHours: string;
}

/** The organisation's default until someone edits it. */
export const DEFAULT_TEMPLATE: AcknowledgementTemplate = {
  subject: 'We have received your enquiry ({reference})',
  body: `Thank you for contacting {clinic}.

We have received your enquiry. Your reference is {reference}: please quote it if you contact us.

What happens next
{nextSteps}

{openingHours}

This message was sent because you asked for an acknowledgement. It does not repeat what you wrote, to keep it private. If you did not contact {clinic}, you can ignore it.`,
  nextSteps: 'A member of our team will call or e-mail you, usually within one working day, to answer your questions and, if you wish, arrange a consultation.',
  openingHours: '',
};

/** Limits on each part (characters). */
export const TEMPLATE_LIMITS = { subject: 200, body: 5000, nextSteps: 1000, openingHours: 500 } as const;

/** The problems with a template, as `part: what` strings (template text only, never personal data); empty when it is valid. */
export function templateProblems(template: AcknowledgementTemplate): string[] {
  const problems: string[] = [];
  const part = (name: keyof AcknowledgementTemplate, text: string, placeholders: readonly string[]) => {
    if (text.length > TEMPLATE_LIMITS[name]) problems.push(`${name}: longer than ${TEMPLATE_LIMITS[name]} characters`);
    for (const match of text.matchAll(/\{([^{}]*)\}/g)) {
      const key = match[1] ?? '';
      if (!placeholders.includes(key)) problems.push(`${name}: unknown placeholder {${key.slice(0, 40)}}`);
    }
    // A brace that is not part of a {placeholder}: a typo that would be sent as it is.
    if (/[{}]/.test(text.replace(/\{[^{}]*\}/g, ''))) problems.push(`${name}: a brace outside a placeholder`);
  };
  if (template.subject.trim() === '') problems.push('subject: empty');
  if (/[\r\n]/.test(template.subject)) problems.push('subject: a line break');
  if (template.body.trim() === '') problems.push('body: empty');
  if (!template.body.includes('{reference}')) problems.push('body: must include {reference}');
  part('subject', template.subject, PLACEHOLDERS);
  part('body', template.body, PLACEHOLDERS);
  // The clinic's own texts are plain text: no placeholders inside them.
  part('nextSteps', template.nextSteps, []);
  part('openingHours', template.openingHours, []);
  return [...new Set(problems)];
}

function fill(text: string, values: AcknowledgementValues): string {
  return text.replace(/\{(clinic|reference|nextSteps|openingHours)\}/g, (_whole, key: Placeholder) => values[key]);
}

/** The e-mail for one enquiry. `values.nextSteps` and `values.openingHours` are the template's own. */
export function render(template: AcknowledgementTemplate, values: Pick<AcknowledgementValues, 'clinic' | 'reference'>): { subject: string; text: string } {
  const all: AcknowledgementValues = { ...values, nextSteps: template.nextSteps.trim(), openingHours: template.openingHours.trim() };
  return {
    subject: fill(template.subject, all).replace(/[\r\n]+/g, ' ').trim(),
    // An empty {openingHours} line leaves no gap of blank lines behind.
    text: `${fill(template.body, all).replace(/\n{3,}/g, '\n\n').trim()}\n`,
  };
}

/** The reference a preview shows (the form of a real one, never a real one). */
export const SAMPLE_REFERENCE = 'ENQ-00000-00000';
