/**
 * Counts-only enquiry reports, computed from grouped counts and response
 * times (report.repository.ts): per group (clinic, channel or both) the
 * enquiries received, the first-response median and 90th percentile and the
 * share answered within the SLA, how many reached each stage or beyond, and
 * the lost reasons. Percentiles are nearest rank (the median of n answers
 * is the ceil(n/2)-th shortest, the 90th percentile the ceil(0.9n)-th),
 * computed by the database. Pure: the same figures feed the JSON and the CSV.
 */
import type { Stage } from '../pipeline/stages.js';
import type { ReportCountRow, ResponsePercentileRow } from './report.repository.js';

export const REPORT_GROUPINGS = ['clinic', 'channel', 'both'] as const;
export type ReportGrouping = (typeof REPORT_GROUPINGS)[number];

/** The figures of one group (or of the whole report: clinicId and channel null). */
export interface ReportFigures {
  readonly clinicId: string | null;
  readonly channel: string | null;
  readonly received: number;
  readonly firstResponse: {
    readonly answered: number;
    readonly medianSeconds: number | null;
    readonly p90Seconds: number | null;
    /** Enquiries whose SLA has been decided: answered ones with an SLA, and unanswered ones past it. */
    readonly slaDecided: number;
    readonly withinSla: number;
    readonly withinSlaShare: number | null;
  };
  /** The open and won stages in order: how many reached the stage or a later one, and their share of those received. */
  readonly stages: readonly { readonly key: string; readonly reached: number; readonly share: number | null }[];
  readonly lost: { readonly total: number; readonly reasons: readonly { readonly code: string; readonly count: number }[] };
}

const share = (part: number, whole: number) => (whole === 0 ? null : part / whole);

interface Accumulator {
  clinicId: string | null;
  channel: string | null;
  received: number;
  reachedAtLeast: number[];
  lost: Map<string, number>;
  answered: number;
  slaDecided: number;
  withinSla: number;
}

/** Build the report's groups (sorted by clinic then channel, as `order` gives clinics) and its total. */
export function buildReport(input: {
  readonly stages: readonly Stage[];
  readonly grouping: ReportGrouping;
  readonly counts: readonly ReportCountRow[];
  /** Per group, keyed by the grouped dimensions ('' for one not grouped by). */
  readonly percentiles: readonly ResponsePercentileRow[];
  /** Over everything. */
  readonly totalPercentiles: ResponsePercentileRow | undefined;
  /** Clinic ids in display order. */
  readonly clinicOrder: readonly string[];
}): { groups: ReportFigures[]; total: ReportFigures } {
  const ladder = input.stages.filter((s) => s.kind !== 'lost');
  const lostKeys = new Set(input.stages.filter((s) => s.kind === 'lost').map((s) => s.key));
  const rank = new Map(ladder.map((s, i) => [s.key, i]));
  const groups = new Map<string, Accumulator>();
  const fresh = (clinicId: string | null, channel: string | null): Accumulator => ({ clinicId, channel, received: 0, reachedAtLeast: ladder.map(() => 0), lost: new Map(), answered: 0, slaDecided: 0, withinSla: 0 });
  const total = fresh(null, null);
  const keyOf = (clinicId: string, channel: string) => (input.grouping === 'clinic' ? clinicId : input.grouping === 'channel' ? channel : `${clinicId}\u0000${channel}`);
  const groupOf = (clinicId: string, channel: string): Accumulator => {
    const key = keyOf(clinicId, channel);
    let group = groups.get(key);
    if (!group) {
      group = fresh(input.grouping === 'channel' ? null : clinicId, input.grouping === 'clinic' ? null : channel);
      groups.set(key, group);
    }
    return group;
  };

  for (const row of input.counts) {
    // The furthest stage reached: the recorded one, or the current stage if some older path set only that.
    const reached = Math.max(rank.get(row.furthest_stage ?? '') ?? 0, rank.get(row.status) ?? 0);
    for (const group of [groupOf(row.clinic_id, row.channel), total]) {
      group.received += row.count;
      for (let i = 0; i <= reached && i < ladder.length; i++) group.reachedAtLeast[i] = (group.reachedAtLeast[i] ?? 0) + row.count;
      if (lostKeys.has(row.status)) group.lost.set(row.lost_reason ?? 'unknown', (group.lost.get(row.lost_reason ?? 'unknown') ?? 0) + row.count);
      group.answered += row.answered;
      group.withinSla += row.within_sla;
      group.slaDecided += row.sla_decided;
    }
  }
  const percentiles = new Map(input.percentiles.map((row) => [keyOf(row.clinic_id, row.channel), row]));

  const figures = (group: Accumulator, times: ResponsePercentileRow | undefined): ReportFigures => {
    return {
      clinicId: group.clinicId,
      channel: group.channel,
      received: group.received,
      firstResponse: { answered: group.answered, medianSeconds: times?.median ?? null, p90Seconds: times?.p90 ?? null, slaDecided: group.slaDecided, withinSla: group.withinSla, withinSlaShare: share(group.withinSla, group.slaDecided) },
      stages: ladder.map((stage, i) => ({ key: stage.key, reached: group.reachedAtLeast[i] ?? 0, share: share(group.reachedAtLeast[i] ?? 0, group.received) })),
      lost: { total: [...group.lost.values()].reduce((a, b) => a + b, 0), reasons: [...group.lost].map(([code, count]) => ({ code, count })).sort((a, b) => b.count - a.count || a.code.localeCompare(b.code)) },
    };
  };
  const clinicIndex = new Map(input.clinicOrder.map((id, i) => [id, i]));
  const ordered = [...groups.values()].sort((a, b) => (clinicIndex.get(a.clinicId ?? '') ?? 0) - (clinicIndex.get(b.clinicId ?? '') ?? 0) || b.received - a.received || (a.channel ?? '').localeCompare(b.channel ?? ''));
  return { groups: ordered.map((group) => figures(group, percentiles.get(keyOf(group.clinicId ?? '', group.channel ?? '')))), total: figures(total, input.totalPercentiles) };
}
