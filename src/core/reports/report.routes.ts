/**
 * Counts-only enquiry reports: GET /api/v1/reports/enquiries (JSON) and
 * /api/v1/reports/enquiries.csv (the same figures as a download). Who may
 * see which clinic is policy.ts `reportClinics`: clinic managers their
 * clinics, administrators all; anyone else, or another clinic, is audited
 * and answered 404 like a route they may not use. Nothing is decrypted and
 * nobody's data is read, so these calls are not reads of personal data
 * (no door, no read counters).
 */
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { reportClinics } from '../../auth/policy.js';
import type { Db } from '../../db/database.js';
import type { Clock } from '../../platform/clock.js';
import { appError } from '../../platform/errors.js';
import { responseSchema, UUID_PATTERN } from '../../platform/http/schemas.js';
import type { RouteHttp } from '../http/route-http.js';
import { findClinicLabels } from '../org/org.repository.js';
import { listStages } from '../pipeline/queue.repository.js';
import { LOST_REASONS, type StageKind } from '../pipeline/stages.js';
import { buildReport, REPORT_GROUPINGS, type ReportFigures, type ReportGrouping } from './report.js';
import { reportCsv } from './report-csv.js';
import { EnquiryReport, type EnquiryReportView, type ReportFiguresView } from './report.presenter.js';
import { countForReport, listOrganisationClinicIds, responsePercentiles } from './report.repository.js';

export interface ReportRouteDeps {
  readonly db: Db;
  readonly clock: Clock;
  readonly http: RouteHttp;
}

/** The default range: the last 90 days, today included. */
export const DEFAULT_RANGE_DAYS = 90;
/** The longest range a report covers (two years). */
export const MAX_RANGE_DAYS = 731;
const DAY_MS = 86_400_000;
const DATE = '^\\d{4}-\\d{2}-\\d{2}$';

interface ReportQuery {
  clinic?: string;
  channel?: string;
  from?: string;
  to?: string;
  groupBy?: ReportGrouping;
}

const querystring = {
  type: 'object',
  additionalProperties: false,
  properties: {
    clinic: { type: 'string', pattern: UUID_PATTERN },
    channel: { type: 'string', pattern: '^[a-z0-9._-]{1,40}$' },
    from: { type: 'string', pattern: DATE },
    to: { type: 'string', pattern: DATE },
    groupBy: { type: 'string', enum: [...REPORT_GROUPINGS], default: 'clinic' },
  },
} as const;

function dayOf(text: string, field: string): number {
  const ms = Date.parse(`${text}T00:00:00Z`);
  if (Number.isNaN(ms) || new Date(ms).toISOString().slice(0, 10) !== text) throw appError('VALIDATION_FAILED', [field]);
  return ms;
}

export function registerReportRoutes(app: FastifyInstance, deps: ReportRouteDeps): void {
  const { db, http } = deps;

  async function report(request: FastifyRequest<{ Querystring: ReportQuery }>): Promise<EnquiryReportView> {
    const actor = http.actorOf(request);
    const query = request.query;
    const allowed = reportClinics(actor, await listOrganisationClinicIds(db, actor.organisationId));
    const clinicIds = query.clinic ? allowed.filter((id) => id === query.clinic) : allowed;
    if (clinicIds.length === 0) {
      // SECURITY: no reports at all, or another clinic's, look like a route that does not exist; audited like one.
      await http.record(request, { action: 'report.read', outcome: 'denied', ...(query.clinic ? { recordRefs: [`clinic:${query.clinic}`] } : {}) });
      throw appError('NOT_FOUND');
    }
    const today = Date.parse(`${deps.clock.now().toISOString().slice(0, 10)}T00:00:00Z`);
    const to = query.to ? dayOf(query.to, 'to') : today;
    const from = query.from ? dayOf(query.from, 'from') : to - (DEFAULT_RANGE_DAYS - 1) * DAY_MS;
    if (from > to || to - from >= MAX_RANGE_DAYS * DAY_MS) throw appError('VALIDATION_FAILED', ['from', 'to']);
    const filter = { clinicIds, from: new Date(from).toISOString(), to: new Date(to + DAY_MS).toISOString(), ...(query.channel ? { channel: query.channel } : {}) };
    const grouping = query.groupBy ?? 'clinic';
    const [stages, counts, percentiles, totalPercentiles, labels] = await Promise.all([
      listStages(db, actor.organisationId),
      countForReport(db, filter, deps.clock.now().toISOString()),
      responsePercentiles(db, filter, { clinic: grouping !== 'channel', channel: grouping !== 'clinic' }),
      responsePercentiles(db, filter, { clinic: false, channel: false }),
      findClinicLabels(db, clinicIds),
    ]);
    const ladder = stages.map((s) => ({ key: s.key, label: s.label, kind: s.kind as StageKind }));
    const built = buildReport({ stages: ladder, grouping, counts, percentiles, totalPercentiles: totalPercentiles[0], clinicOrder: clinicIds });
    const clinicOf = (id: string) => ({ id, ...(labels.get(id) ?? { slug: '', name: '' }) });
    const present = ({ clinicId, stages: reached, lost, ...rest }: ReportFigures): ReportFiguresView => ({
      ...rest,
      clinic: clinicId ? clinicOf(clinicId) : null,
      stages: reached.map((s) => ({ ...s })),
      lost: { total: lost.total, reasons: lost.reasons.map((r) => ({ ...r })) },
    });
    return {
      from: new Date(from).toISOString().slice(0, 10),
      to: new Date(to).toISOString().slice(0, 10),
      groupBy: grouping,
      clinics: clinicIds.map(clinicOf),
      stages: ladder,
      lostReasons: [...LOST_REASONS],
      groups: built.groups.map(present),
      total: present(built.total),
    };
  }

  app.get<{ Querystring: ReportQuery }>('/api/v1/reports/enquiries', { config: { access: 'staff' }, schema: { querystring, response: { 200: responseSchema(EnquiryReport) } } }, async (request) => report(request));

  // Replies with CSV, not JSON: no response schema (the figures are the JSON route's).
  app.get<{ Querystring: ReportQuery }>('/api/v1/reports/enquiries.csv', { config: { access: 'staff' }, schema: { querystring } }, async (request, reply) => {
    const figures = await report(request);
    // SECURITY: the file name carries the grouping and dates only.
    const name = `enquiry-report-by-${figures.groupBy}-${figures.from}-to-${figures.to}.csv`;
    return reply.header('content-type', 'text/csv; charset=utf-8').header('cache-control', 'no-store, private').header('content-disposition', `attachment; filename="${name}"`).send(reportCsv(figures));
  });
}
