/**
 * Counts-only enquiry reports for clinic managers (their clinics) and
 * administrators (all): where enquiries come from, how fast they are
 * answered, how far they get, why they are lost. Filters (clinic, dates,
 * grouping), bar charts drawn as SVG, each with the same figures in a table
 * beside it for screen readers and for reading exact numbers, and the CSV
 * download of the same figures. No personal data reaches this page.
 */
import { type FormEvent, useEffect, useState } from 'react';
import type { EnquiryReport, ReportFigures } from '../api-types.js';
import { useResource } from '../hooks.js';
import { ErrorText } from '../components/ErrorText.js';
import { Loading } from '../components/Loading.js';
import { Table } from '../components/Table.js';

type Grouping = EnquiryReport['groupBy'];

/** A duration in staff's words: "45 s", "50 min", "3 h 5 min", "2 d 4 h". */
export function formatDuration(seconds: number | null): string {
  if (seconds === null) return '—';
  if (seconds < 60) return `${seconds} s`;
  const minutes = Math.round(seconds / 60);
  if (minutes < 60) return `${minutes} min`;
  const hours = Math.floor(minutes / 60);
  if (hours < 48) return `${hours} h${minutes % 60 ? ` ${minutes % 60} min` : ''}`;
  return `${Math.floor(hours / 24)} d${hours % 24 ? ` ${hours % 24} h` : ''}`;
}

const percent = (share: number | null) => (share === null ? '—' : `${Math.round(share * 100)}%`);
const groupLabel = (group: ReportFigures) => [group.clinic?.name, group.channel].filter(Boolean).join(' · ') || 'All';

/** Horizontal bars of counts, scaled to the largest; the figure's caption names it and the table beside it carries the numbers. */
function BarChart(props: { id: string; title: string; bars: readonly { label: string; value: number; note?: string }[]; headings: readonly string[] }) {
  const max = Math.max(1, ...props.bars.map((b) => b.value));
  const height = props.bars.length * 30 + 8;
  return (
    <figure className="chart report-chart">
      <figcaption id={`${props.id}-title`}>{props.title}</figcaption>
      <div className="chart-pair">
        {/* The SVG is a picture of the table next to it: hidden from screen readers, which read the table. */}
        <svg aria-hidden="true" focusable="false" viewBox={`0 0 420 ${height}`} width="100%" data-chart={props.id}>
          {props.bars.map((bar, i) => {
            const y = 4 + i * 30;
            return (
              <g key={bar.label}>
                <text x="0" y={y + 16} fontSize="12" fill="currentColor">
                  {bar.label.length > 22 ? `${bar.label.slice(0, 21)}…` : bar.label}
                </text>
                <rect x="150" y={y} width="220" height="22" fill="#8883" rx="3" />
                <rect x="150" y={y} width={(bar.value / max) * 220} height="22" fill="#2f5d62" rx="3" />
                <text x="376" y={y + 16} fontSize="12" fill="currentColor">
                  {bar.value}
                </text>
              </g>
            );
          })}
        </svg>
        <table aria-labelledby={`${props.id}-title`}>
          <thead>
            <tr>
              {props.headings.map((h) => (
                <th key={h} scope="col">
                  {h}
                </th>
              ))}
            </tr>
          </thead>
          <tbody>
            {props.bars.map((bar) => (
              <tr key={bar.label}>
                <th scope="row">{bar.label}</th>
                <td>{bar.value}</td>
                {bar.note !== undefined && <td>{bar.note}</td>}
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </figure>
  );
}

function queryOf(filters: { clinic: string; from: string; to: string; groupBy: Grouping }): string {
  const params = new URLSearchParams({ groupBy: filters.groupBy });
  if (filters.clinic) params.set('clinic', filters.clinic);
  if (filters.from) params.set('from', filters.from);
  if (filters.to) params.set('to', filters.to);
  return params.toString();
}

export function ReportsPage() {
  const [filters, setFilters] = useState({ clinic: '', from: '', to: '', groupBy: 'clinic' as Grouping });
  const query = queryOf(filters);
  const { data, error } = useResource<EnquiryReport>(`/api/v1/reports/enquiries?${query}`);
  // The clinics this person may report on: those of the first answer (no clinic chosen yet).
  const [clinics, setClinics] = useState<EnquiryReport['clinics']>([]);
  useEffect(() => {
    if (data && !filters.clinic && clinics.length === 0) setClinics(data.clinics);
  }, [data, filters.clinic, clinics.length]);

  function apply(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const form = new FormData(event.currentTarget);
    setFilters({ clinic: String(form.get('clinic') ?? ''), from: String(form.get('from') ?? ''), to: String(form.get('to') ?? ''), groupBy: String(form.get('groupBy') ?? 'clinic') as Grouping });
  }

  const ladder = data?.stages.filter((s) => s.kind !== 'lost') ?? [];
  const stageLabel = (key: string) => data?.stages.find((s) => s.key === key)?.label ?? key;
  return (
    <>
      <h1>Reports</h1>
      <p>Where enquiries come from and how far they get: counts, times and codes only, nobody&apos;s details. Dates are when enquiries were received (UTC), both days included.</p>
      <form className="report-filters" onSubmit={apply} aria-label="Report filters">
        <div className="field">
          <label htmlFor="report-clinic">Clinic</label>
          <select id="report-clinic" name="clinic" defaultValue={filters.clinic}>
            <option value="">All my clinics</option>
            {clinics.map((c) => (
              <option key={c.id} value={c.id}>
                {c.name}
              </option>
            ))}
          </select>
        </div>
        <div className="field">
          <label htmlFor="report-from">From</label>
          <input id="report-from" name="from" type="date" defaultValue={data?.from ?? ''} key={`from-${data ? 'set' : 'unset'}`} />
        </div>
        <div className="field">
          <label htmlFor="report-to">To</label>
          <input id="report-to" name="to" type="date" defaultValue={data?.to ?? ''} key={`to-${data ? 'set' : 'unset'}`} />
        </div>
        <div className="field">
          <label htmlFor="report-group">Group by</label>
          <select id="report-group" name="groupBy" defaultValue={filters.groupBy}>
            <option value="clinic">Clinic</option>
            <option value="channel">Source</option>
            <option value="both">Clinic and source</option>
          </select>
        </div>
        <button type="submit">Show</button>
      </form>
      <ErrorText error={error} />
      {!data && !error && <Loading />}
      {data && (
        <>
          <p className="row">
            <span>
              {data.from} to {data.to}: <strong>{data.total.received}</strong> enquiries received.
            </span>
            <a className="button-link" href={`/api/v1/reports/enquiries.csv?${query}`} download>
              Download CSV
            </a>
          </p>
          <p className="hint">In the CSV, counts from 1 to 4 are shown as “&lt;5”, so a file that leaves the clinic cannot single anyone out.</p>
          <div className="charts">
            <BarChart id="received" title={`Enquiries received by ${data.groupBy === 'clinic' ? 'clinic' : data.groupBy === 'channel' ? 'source' : 'clinic and source'}`} headings={['Group', 'Received']} bars={data.groups.map((g) => ({ label: groupLabel(g), value: g.received }))} />
            <BarChart id="conversion" title="How far enquiries got (reached the stage or a later one)" headings={['Stage', 'Reached', 'Of received']} bars={data.total.stages.map((s) => ({ label: stageLabel(s.key), value: s.reached, note: percent(s.share) }))} />
          </div>
          <h2>First response</h2>
          <Table
            headings={['Group', 'Answered', 'Median', '90th percentile', 'Within the SLA']}
            rows={[...data.groups, data.total].map((g, i) => ({
              key: `${i}`,
              cells: [i === data.groups.length ? 'Total' : groupLabel(g), g.firstResponse.answered, formatDuration(g.firstResponse.medianSeconds), formatDuration(g.firstResponse.p90Seconds), `${percent(g.firstResponse.withinSlaShare)} (${g.firstResponse.withinSla} of ${g.firstResponse.slaDecided})`],
            }))}
          />
          <h2>Conversion by group</h2>
          <div className="table-scroll">
            <Table
              headings={['Group', ...ladder.map((s) => s.label)]}
              rows={[...data.groups, data.total].map((g, i) => ({ key: `${i}`, cells: [i === data.groups.length ? 'Total' : groupLabel(g), ...g.stages.map((s) => `${s.reached} (${percent(s.share)})`)] }))}
            />
          </div>
          <h2>Lost reasons</h2>
          {data.total.lost.total === 0 ? <p>No enquiries were lost in this range.</p> : <Table headings={['Reason', 'Enquiries']} rows={data.total.lost.reasons.map((r) => ({ key: r.code, cells: [r.code, r.count] }))} />}
        </>
      )}
    </>
  );
}
