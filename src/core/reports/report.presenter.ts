/** Response shape of the counts-only reports (never raw rows): counts, durations in seconds, shares in [0, 1], codes. */
import { z } from 'zod';

const Clinic = z.object({ id: z.string(), slug: z.string(), name: z.string() });

const Figures = z.object({
  clinic: Clinic.nullable(),
  channel: z.string().nullable(),
  received: z.number(),
  firstResponse: z.object({
    answered: z.number(),
    medianSeconds: z.number().nullable(),
    p90Seconds: z.number().nullable(),
    slaDecided: z.number(),
    withinSla: z.number(),
    withinSlaShare: z.number().nullable(),
  }),
  stages: z.array(z.object({ key: z.string(), reached: z.number(), share: z.number().nullable() })),
  lost: z.object({ total: z.number(), reasons: z.array(z.object({ code: z.string(), count: z.number() })) }),
});
export type ReportFiguresView = z.infer<typeof Figures>;

/** An enquiry report: the range (from and to inclusive, UTC dates), the grouping, the stage ladder, one entry per group and the total. */
export const EnquiryReport = z.object({
  from: z.string(),
  to: z.string(),
  groupBy: z.enum(['clinic', 'channel', 'both']),
  clinics: z.array(Clinic),
  stages: z.array(z.object({ key: z.string(), label: z.string(), kind: z.string() })),
  lostReasons: z.array(z.string()),
  groups: z.array(Figures),
  total: Figures,
});
export type EnquiryReportView = z.infer<typeof EnquiryReport>;
