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

/** Enquiries with the same clinic, channel, furthest stage, stage and lost reason, with their first-response and SLA counts. */
export interface ReportCountRow {
  readonly clinic_id: string;
  readonly channel: string;
  readonly furthest_stage: string | null;
  readonly status: string;
  readonly lost_reason: string | null;
  readonly count: number;
  /** Answered (a first response recorded). */
  readonly answered: number;
  /** Answered by their SLA's due time. */
  readonly within_sla: number;
  /** With an SLA that is decided: answered, or unanswered past the due time. */
  readonly sla_decided: number;
}

/** The nearest-rank median and 90th percentile of first-response seconds in a group ('' for a dimension not grouped by). */
export interface ResponsePercentileRow {
  readonly clinic_id: string;
  readonly channel: string;
  readonly median: number;
  readonly p90: number;
}

function filtered(db: Db, filter: ReportFilter) {
  let query = db.selectFrom('enquiries').where('clinic_id', 'in', [...filter.clinicIds]).where('received_at', '>=', filter.from).where('received_at', '<', filter.to);
  if (filter.channel !== undefined) query = query.where('channel', '=', filter.channel);
  return query;
}

/** Counts of the filter's enquiries by clinic, channel, furthest stage, stage and lost reason (SLA decided as of `nowIso`). */
export async function countForReport(db: Db, filter: ReportFilter, nowIso: string): Promise<ReportCountRow[]> {
  if (filter.clinicIds.length === 0) return [];
  const rows = await filtered(db, filter)
    .select((eb) => [
      'clinic_id',
      'channel',
      'furthest_stage',
      'status',
      'lost_reason',
      eb.fn.countAll<number | string>().as('count'),
      eb.fn.count<number | string>('first_response_at').as('answered'),
      sql<number | string>`sum(CASE WHEN first_response_at <= sla_due_at THEN 1 ELSE 0 END)`.as('within_sla'),
      sql<number | string>`sum(CASE WHEN sla_due_at IS NOT NULL AND (first_response_at IS NOT NULL OR sla_due_at < ${nowIso}) THEN 1 ELSE 0 END)`.as('sla_decided'),
    ])
    .groupBy(['clinic_id', 'channel', 'furthest_stage', 'status', 'lost_reason'])
    .execute();
  return rows.map((row) => ({ ...row, count: Number(row.count), answered: Number(row.answered), within_sla: Number(row.within_sla), sla_decided: Number(row.sla_decided) }));
}

/**
 * First-response median and 90th percentile (nearest rank, whole seconds)
 * per group, computed by the database (window functions on both): by
 * clinic and/or channel as asked, or over everything when neither.
 */
export async function responsePercentiles(db: Db, filter: ReportFilter, by: { readonly clinic: boolean; readonly channel: boolean }): Promise<ResponsePercentileRow[]> {
  if (filter.clinicIds.length === 0) return [];
  const isSqlite = rawSqliteOf(db) !== undefined;
  // Times are ISO-8601 UTC text on both databases.
  const seconds = isSqlite
    ? sql`CAST(round((julianday(first_response_at) - julianday(received_at)) * 86400) AS integer)`
    : sql`CAST(round(extract(epoch FROM (CAST(first_response_at AS timestamptz) - CAST(received_at AS timestamptz)))) AS bigint)`;
  const clinic = by.clinic ? sql`clinic_id` : sql`''`;
  const channel = by.channel ? sql`channel` : sql`''`;
  const where = sql.join(
    [
      sql`clinic_id IN (${sql.join(filter.clinicIds.map((id) => sql`${id}`))})`,
      sql`received_at >= ${filter.from}`,
      sql`received_at < ${filter.to}`,
      sql`first_response_at IS NOT NULL`,
      ...(filter.channel === undefined ? [] : [sql`channel = ${filter.channel}`]),
    ],
    sql` AND `,
  );
  // Ranks ceil(n/2) and ceil(9n/10), in integers.
  const result = await sql<{ clinic_id: string; channel: string; median: number | string; p90: number | string }>`
    WITH ranked AS (
      SELECT ${clinic} AS gc, ${channel} AS gch, s, row_number() OVER (PARTITION BY ${clinic}, ${channel} ORDER BY s) AS rn, count(*) OVER (PARTITION BY ${clinic}, ${channel}) AS n
      FROM (SELECT clinic_id, channel, ${seconds} AS s FROM enquiries WHERE ${where}) answered
    )
    SELECT gc AS clinic_id, gch AS channel, max(CASE WHEN rn = (n + 1) / 2 THEN s END) AS median, max(CASE WHEN rn = (9 * n + 9) / 10 THEN s END) AS p90
    FROM ranked WHERE rn = (n + 1) / 2 OR rn = (9 * n + 9) / 10 GROUP BY gc, gch`.execute(db);
  return result.rows.map((row) => ({ clinic_id: row.clinic_id, channel: row.channel, median: Number(row.median), p90: Number(row.p90) }));
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
