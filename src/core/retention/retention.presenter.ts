/** Response shapes of the retention API: the schedule, counts of who expires (never who), runs and legal holds. */
import { z } from 'zod';
import { RETENTION_CATEGORIES, RETENTION_DEFAULTS, type RetentionCategory } from './retention.service.js';

const PerCategory = z.record(z.string(), z.number());

export const RetentionRun = z.object({ id: z.string(), startedAt: z.string(), finishedAt: z.string().nullable(), shredded: PerCategory, held: z.number() });
export type RetentionRun = z.infer<typeof RetentionRun>;

export const RetentionOverview = z.object({
  schedule: z.array(z.object({ category: z.string(), months: z.number(), label: z.string(), defaultMonths: z.number() })),
  /** Per category: how many people would be shredded now, and how many more within 30 days. */
  upcoming: z.record(z.string(), z.object({ now: z.number(), next: z.number() })),
  runs: z.array(RetentionRun),
});
export type RetentionOverview = z.infer<typeof RetentionOverview>;

/** The result of running the schedule now (counts per category, never who). */
export const RetentionRunResult = z.object({ id: z.string(), shredded: PerCategory, held: z.number() });

export const RuleSaved = z.object({ status: z.literal('saved') });
export const HoldPlaced = z.object({ status: z.literal('held') });
export const HoldReleased = z.object({ status: z.literal('released') });

/** The DPO's page: each category's rule beside its default, who expires now and soon (counts), and recent runs. */
export function presentRetentionOverview(schedule: Record<RetentionCategory, number>, upcoming: Record<RetentionCategory, { now: number; next: number }>, runs: RetentionRun[]): RetentionOverview {
  return {
    schedule: RETENTION_CATEGORIES.map((category) => ({ category, months: schedule[category], label: RETENTION_DEFAULTS[category].label, defaultMonths: RETENTION_DEFAULTS[category].months })),
    upcoming,
    runs,
  };
}
