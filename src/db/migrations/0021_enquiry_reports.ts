/**
 * Counts-only reports (ADR 0019, docs/features.md "Reports"): each enquiry
 * keeps the furthest pipeline stage it has reached (a stage key, never
 * `lost`: losing an enquiry does not take it further), so conversion counts
 * read one row per enquiry instead of its whole event trail; and one
 * covering index serves every report over a date range of received_at.
 *
 * Backfill: the furthest of the enquiry's current stage and every stage its
 * events moved it to, by the organisation's stage positions.
 */
import { type Kysely, sql } from 'kysely';

export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable('enquiries').addColumn('furthest_stage', 'text').execute();
  await sql`
    UPDATE enquiries SET furthest_stage = (
      SELECT ps.key FROM pipeline_stages ps JOIN clinics c ON c.organisation_id = ps.organisation_id
      WHERE c.id = enquiries.clinic_id AND ps.kind <> 'lost'
        AND (ps.key = enquiries.status OR ps.key IN (SELECT ev.detail FROM enquiry_events ev WHERE ev.enquiry_id = enquiries.id AND ev.kind = 'stage'))
      ORDER BY ps.position DESC LIMIT 1)`.execute(db);
  // Reports: one clinic's (or every clinic's) enquiries received in a range, with all the report reads, from the index alone.
  await db.schema
    .createIndex('enquiries_report_range_idx')
    .on('enquiries')
    .columns(['clinic_id', 'received_at', 'channel', 'furthest_stage', 'status', 'lost_reason', 'first_response_at', 'sla_due_at'])
    .execute();
}
