/** Response shapes of the person-access API (person-access.routes.ts). */
import { z } from 'zod';

export const RestrictionUpdated = z.object({ status: z.literal('updated') });
export type RestrictionUpdated = z.infer<typeof RestrictionUpdated>;

/** A break-glass grant as the DPO reviews it (the justification opened). */
export const BreakGlassGrant = z.object({
  id: z.string(),
  staff: z.object({ id: z.string(), name: z.string() }),
  personId: z.string(),
  justification: z.string(),
  createdAt: z.string(),
  expiresAt: z.string(),
  reviewedAt: z.string().nullable(),
  outcome: z.string().nullable(),
});
export type BreakGlassGrant = z.infer<typeof BreakGlassGrant>;

export const BreakGlassGrantList = z.object({ grants: z.array(BreakGlassGrant) });
export type BreakGlassGrantList = z.infer<typeof BreakGlassGrantList>;

export const BreakGlassReviewed = z.object({ status: z.literal('reviewed') });
export type BreakGlassReviewed = z.infer<typeof BreakGlassReviewed>;
