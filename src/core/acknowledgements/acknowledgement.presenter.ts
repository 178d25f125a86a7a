/** Response shapes of the acknowledgement-template API: template text and clinic names only, never anyone's personal data. */
import { z } from 'zod';
import { PLACEHOLDERS } from './acknowledgement-template.js';
import type { AcknowledgementOverview as Overview } from './acknowledgement.service.js';

export const AcknowledgementTemplateView = z.object({ subject: z.string(), body: z.string(), nextSteps: z.string(), openingHours: z.string() });

export const AcknowledgementOverview = z.object({
  /** False without an SMTP server (TACET_SMTP_URL): nothing is queued. */
  isSendingEnabled: z.boolean(),
  from: z.string(),
  placeholders: z.array(z.string()),
  organisationDefault: z.object({ template: AcknowledgementTemplateView, isBuiltIn: z.boolean(), canEdit: z.boolean() }),
  clinics: z.array(z.object({ clinicId: z.string(), name: z.string(), template: AcknowledgementTemplateView, isOwn: z.boolean(), canEdit: z.boolean() })),
});
export type AcknowledgementOverview = z.infer<typeof AcknowledgementOverview>;

export const AcknowledgementPreview = z.object({ subject: z.string(), text: z.string() });
export type AcknowledgementPreview = z.infer<typeof AcknowledgementPreview>;
export const AcknowledgementTemplateSaved = z.object({ status: z.enum(['saved', 'reset']) });

export function presentOverview(overview: Overview): AcknowledgementOverview {
  return { ...overview, placeholders: PLACEHOLDERS.map((p) => `{${p}}`), clinics: [...overview.clinics] };
}
