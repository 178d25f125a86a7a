/**
 * What reports read: counts of enquiries received in a range, grouped by
 * clinic, channel, furthest stage, current stage and lost reason, and the
 * first-response times of those answered. Ids, codes and times only: no
 * personal data is selected here (SECURITY: keep it that way; reports never
 * pass the door because they never open anyone).
 */
import { type RawBuilder, sql } from 'kysely';
import { type Db, rawSqliteOf } from '../../db/database.js';

/** Which enquiries a report counts: received in [from, to) at these clinics (and this channel, if given). */
export interface ReportFilter {
  readonly clinicIds: readonly string[];
  readonly from: string;
  readonly to: string;
  readonly channel?: string;
}

/** Enquiries with the same clinic, channel, furthest stage, stage and lost reason. */
export interface ReportCountRow {
  readonly clinic_id: string;
  readonly channel: string;
  readonly furthest_stage: string | null;
  readonly status: string;
  readonly lost_reason: string | null;
  readonly count: number;
}

/** One answered enquiry: how long its first response took, and whether that met its SLA (null: no SLA). */
export interface ResponseTimeRow {
  readonly clinic_id: string;
  readonly channel: string;
  readonly seconds: number;
  readonly is_within_sla: number | null;
}

function filtered(db: Db, filter: ReportFilter) {
  let query = db.selectFrom('enquiries').where('clinic_id', 'in', [...filter.clinicIds]).where('received_at', '>=', filter.from).where('received_at', '<', filter.to);
  if (filter.channel !== undefined) query = query.where('channel', '=', filter.channel);
  return query;
}

/** Counts of the filter's enquiries by clinic, channel, furthest stage, stage and lost reason. */
export async function countForReport(db: Db, filter: ReportFilter): Promise<ReportCountRow[]> {
  if (filter.clinicIds.length === 0) return [];
  const rows = await filtered(db, filter)
    .select((eb) => ['clinic_id', 'channel', 'furthest_stage', 'status', 'lost_reason', eb.fn.countAll<number | string>().as('count')])
    .groupBy(['clinic_id', 'channel', 'furthest_stage', 'status', 'lost_reason'])
    .execute();
  return rows.map((row) => ({ ...row, count: Number(row.count) }));
}

/** First-response times (whole seconds) of the filter's answered enquiries. */
export async function listResponseTimes(db: Db, filter: ReportFilter): Promise<ResponseTimeRow[]> {
  if (filter.clinicIds.length === 0) return [];
  const isSqlite = rawSqliteOf(db) !== undefined;
  // Times are ISO-8601 UTC text on both databases.
  const seconds = isSqlite
    ? sql<number>`CAST(round((julianday(first_response_at) - julianday(received_at)) * 86400) AS integer)`
    : sql<number>`CAST(round(extract(epoch FROM (CAST(first_response_at AS timestamptz) - CAST(received_at AS timestamptz)))) AS integer)`;
  const withinSla = sql<number | null>`CASE WHEN sla_due_at IS NULL THEN NULL WHEN first_response_at <= sla_due_at THEN 1 ELSE 0 END`;
  const rows = await filtered(db, filter).where('first_response_at', 'is not', null).select(['clinic_id', 'channel', seconds.as('seconds'), withinSla.as('is_within_sla')]).execute();
  return rows.map((row) => ({ ...row, seconds: Number(row.seconds), is_within_sla: row.is_within_sla === null ? null : Number(row.is_within_sla) }));
}

/** Enquiries still unanswered after their SLA ran out at `nowIso`, by clinic and channel (misses, for the share within the SLA). */
export async function countOverdueUnanswered(db: Db, filter: ReportFilter, nowIso: string): Promise<{ clinic_id: string; channel: string; count: number }[]> {
  if (filter.clinicIds.length === 0) return [];
  const rows = await filtered(db, filter)
    .where('first_response_at', 'is', null)
    .where('sla_due_at', '<', nowIso)
    .select((eb) => ['clinic_id', 'channel', eb.fn.countAll<number | string>().as('count')])
    .groupBy(['clinic_id', 'channel'])
    .execute();
  return rows.map((row) => ({ ...row, count: Number(row.count) }));
}

/** The clinics of an organisation (ids). */
export async function listOrganisationClinicIds(db: Db, organisationId: string): Promise<string[]> {
  const rows = await db.selectFrom('clinics').select('id').where('organisation_id', '=', organisationId).orderBy('name').execute();
  return rows.map((row) => row.id);
}

/**
 * Record that these enquiries reached `stageKey` when it is an open or won
 * stage of their organisation further than their furthest so far (a lost
 * stage changes nothing). Called with every stage move, in its transaction.
 */
export async function advanceFurthestStage(db: Db, enquiryIds: readonly string[], stageKey: string): Promise<void> {
  if (enquiryIds.length === 0) return;
  const positionOf = (key: RawBuilder<unknown> | string) =>
    sql<number | null>`(SELECT ps.position FROM pipeline_stages ps JOIN clinics c ON c.organisation_id = ps.organisation_id WHERE c.id = enquiries.clinic_id AND ps.key = ${key} AND ps.kind <> 'lost')`;
  await db
    .updateTable('enquiries')
    .set({ furthest_stage: stageKey })
    .where('id', 'in', [...enquiryIds])
    .where(positionOf(stageKey), 'is not', null)
    .where(sql<number>`coalesce(${positionOf(sql.ref('enquiries.furthest_stage'))}, -1)`, '<', positionOf(stageKey))
    .execute();
}
