/**
 * The CSV download of a report: the same figures as the JSON, one line per
 * group and a last line for the total, written by csv-stringify (quoting
 * and formula-looking cells handled by the library, never by hand).
 *
 * Small-number suppression: a file leaves the system (mailed to an agency,
 * put in a slide), so counts from 1 to 4 are shown as "<5", as are shares
 * whose count is under 5 and response times of fewer than 5 answers.
 * Nothing in a report is a personal attribute, but a handful of enquiries
 * from one source at one clinic in one week could be matched to people
 * by someone who knows who enquired; the screen (for the clinic's own
 * managers, who see the pipeline anyway) shows the exact figures.
 */
import { stringify } from 'csv-stringify/sync';
import type { EnquiryReportView, ReportFiguresView } from './report.presenter.js';

/** Counts below this are suppressed in exports. */
export const SUPPRESS_BELOW = 5;

const isSmall = (n: number) => n > 0 && n < SUPPRESS_BELOW;
const count = (n: number) => (isSmall(n) ? `<${SUPPRESS_BELOW}` : String(n));
const ratio = (part: number, value: number | null) => (value === null ? '' : isSmall(part) ? `<${SUPPRESS_BELOW}` : value.toFixed(4));
const duration = (answered: number, seconds: number | null) => (seconds === null ? '' : isSmall(answered) ? `<${SUPPRESS_BELOW}` : String(seconds));

/** The CSV text of a report. */
export function reportCsv(report: EnquiryReportView): string {
  const ladder = report.stages.filter((s) => s.kind !== 'lost');
  const header = [
    'from',
    'to',
    'clinic',
    'channel',
    'received',
    'answered',
    'first_response_median_seconds',
    'first_response_p90_seconds',
    'sla_decided',
    'within_sla',
    'within_sla_share',
    ...ladder.flatMap((s) => [`reached_${s.key}`, `reached_${s.key}_share`]),
    'lost',
    ...report.lostReasons.map((code) => `lost_${code}`),
  ];
  const line = (group: ReportFiguresView) => {
    const reasons = new Map(group.lost.reasons.map((r) => [r.code, r.count]));
    const f = group.firstResponse;
    return [
      report.from,
      report.to,
      group.clinic?.slug ?? 'all',
      group.channel ?? 'all',
      count(group.received),
      count(f.answered),
      duration(f.answered, f.medianSeconds),
      duration(f.answered, f.p90Seconds),
      count(f.slaDecided),
      count(f.withinSla),
      ratio(f.withinSla, f.withinSlaShare),
      ...group.stages.flatMap((s) => [count(s.reached), ratio(s.reached, s.share)]),
      count(group.lost.total),
      ...report.lostReasons.map((code) => count(reasons.get(code) ?? 0)),
    ];
  };
  return stringify([header, ...report.groups.map(line), line(report.total)], { escape_formulas: true });
}
