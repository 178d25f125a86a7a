/**
 * The front desk (ADR 0019): enquiries get a reference a person can quote,
 * a coarse channel (where they came from, no personal data), an assignee,
 * pipeline timestamps (first response, stage change, last activity, SLA due,
 * escalation, re-engagement) and a lost reason. Around them: per-organisation
 * pipeline stages, an event trail (metadata only: reports are computed from
 * it), notes and call outcomes sealed under the person's enquiry key,
 * follow-up tasks, and who is on shift where (round-robin routing).
 *
 * Old statuses map onto the default stages: booked → consultation_booked,
 * closed → lost (reason "closed").
 */
import { type Kysely, sql } from 'kysely';

/** The default pipeline when this migration was written (frozen here; new organisations get core/pipeline/stages.ts). */
const DEFAULT_STAGES = [
  { key: 'new', label: 'New', kind: 'open' },
  { key: 'contacted', label: 'Contacted', kind: 'open' },
  { key: 'consultation_booked', label: 'Consultation booked', kind: 'open' },
  { key: 'consultation_attended', label: 'Consultation attended', kind: 'open' },
  { key: 'treatment_booked', label: 'Treatment booked', kind: 'open' },
  { key: 'won', label: 'Won', kind: 'won' },
  { key: 'lost', label: 'Lost', kind: 'lost' },
] as const;

export async function up(db: Kysely<unknown>): Promise<void> {
  const columns: [string, string][] = [
    ['reference', 'text'],
    ['assigned_to', 'text'],
    ['assigned_at', 'text'],
    ['first_response_at', 'text'],
    ['stage_changed_at', 'text'],
    ['last_activity_at', 'text'],
    ['sla_due_at', 'text'],
    ['escalated_at', 'text'],
    ['reengaged_at', 'text'],
    ['lost_reason', 'text'],
  ];
  for (const [name, type] of columns) await db.schema.alterTable('enquiries').addColumn(name, sql.raw(type)).execute();
  await db.schema.alterTable('enquiries').addColumn('channel', 'text', (c) => c.notNull().defaultTo('direct')).execute();
  // Enquiries from before references were derived from the submission id keep the old form (from their id).
  await sql`UPDATE enquiries SET reference = 'ENQ-' || upper(substr(replace(id, '-', ''), 1, 8)), stage_changed_at = received_at, last_activity_at = received_at`.execute(db);
  await sql`UPDATE enquiries SET status = 'consultation_booked' WHERE status = 'booked'`.execute(db);
  await sql`UPDATE enquiries SET status = 'lost', lost_reason = 'closed' WHERE status = 'closed'`.execute(db);
  await sql`UPDATE enquiries SET first_response_at = received_at WHERE status <> 'new'`.execute(db);

  await db.schema.createIndex('enquiries_reference_idx').on('enquiries').column('reference').execute();
  // My queue: an assignee's open enquiries (partial: won and lost ones leave the queue, however many a person has closed).
  await db.schema.createIndex('enquiries_queue_idx').on('enquiries').columns(['assigned_to', 'received_at', 'id']).where(sql<boolean>`status NOT IN ('won', 'lost')`).execute();
  // A clinic's unassigned pool of open enquiries.
  await db.schema.createIndex('enquiries_pool_idx').on('enquiries').columns(['clinic_id', 'received_at', 'id']).where(sql<boolean>`assigned_to IS NULL AND status NOT IN ('won', 'lost')`).execute();
  // SLA watch: first responses still owed, by when.
  await db.schema.createIndex('enquiries_sla_idx').on('enquiries').column('sla_due_at').where(sql.ref('first_response_at'), 'is', null).execute();
  // Re-engagement: enquiries by their last activity.
  await db.schema.createIndex('enquiries_idle_idx').on('enquiries').columns(['last_activity_at']).execute();
  // Reports: counts per clinic, channel and stage read from the index alone.
  await db.schema.createIndex('enquiries_report_idx').on('enquiries').columns(['clinic_id', 'channel', 'status', 'received_at']).execute();

  await db.schema
    .createTable('pipeline_stages')
    .addColumn('organisation_id', 'text', (c) => c.notNull())
    .addColumn('key', 'text', (c) => c.notNull())
    .addColumn('label', 'text', (c) => c.notNull())
    .addColumn('position', 'integer', (c) => c.notNull())
    .addColumn('kind', 'text', (c) => c.notNull())
    .addPrimaryKeyConstraint('pipeline_stages_pk', ['organisation_id', 'key'])
    .execute();
  const organisations = await sql<{ id: string }>`SELECT id FROM organisations`.execute(db);
  for (const org of organisations.rows) {
    for (const [position, stage] of DEFAULT_STAGES.entries()) {
      await sql`INSERT INTO pipeline_stages (organisation_id, key, label, position, kind) VALUES (${org.id}, ${stage.key}, ${stage.label}, ${position}, ${stage.kind})`.execute(db);
    }
  }

  // What happened to an enquiry, by whom: ids, stage keys and outcome codes only (reports read this).
  await db.schema
    .createTable('enquiry_events')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('enquiry_id', 'text', (c) => c.notNull())
    .addColumn('clinic_id', 'text', (c) => c.notNull())
    .addColumn('at', 'text', (c) => c.notNull())
    .addColumn('staff_id', 'text')
    .addColumn('kind', 'text', (c) => c.notNull())
    .addColumn('detail', 'text')
    .execute();
  await db.schema.createIndex('enquiry_events_enquiry_idx').on('enquiry_events').columns(['enquiry_id', 'at']).execute();
  await db.schema.createIndex('enquiry_events_clinic_idx').on('enquiry_events').columns(['clinic_id', 'kind', 'at']).execute();

  // Notes and call outcomes: the text sealed under the person's enquiry key; the outcome code in the clear.
  await db.schema
    .createTable('enquiry_notes')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('enquiry_id', 'text', (c) => c.notNull())
    .addColumn('person_id', 'text', (c) => c.notNull())
    .addColumn('staff_id', 'text', (c) => c.notNull())
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('kind', 'text', (c) => c.notNull())
    .addColumn('call_outcome', 'text')
    .addColumn('body_envelope', 'text', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('enquiry_notes_person_idx').on('enquiry_notes').columns(['person_id', 'created_at']).execute();

  // Follow-ups: what to do for an enquiry, by whom, by when (kind is a code; any free text is sealed).
  await db.schema
    .createTable('follow_ups')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('enquiry_id', 'text', (c) => c.notNull())
    .addColumn('clinic_id', 'text', (c) => c.notNull())
    .addColumn('person_id', 'text', (c) => c.notNull())
    .addColumn('assignee_id', 'text')
    .addColumn('kind', 'text', (c) => c.notNull())
    .addColumn('due_at', 'text', (c) => c.notNull())
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('created_by', 'text')
    .addColumn('done_at', 'text')
    .addColumn('note_envelope', 'text')
    .execute();
  await db.schema.createIndex('follow_ups_open_idx').on('follow_ups').columns(['assignee_id', 'due_at']).where(sql.ref('done_at'), 'is', null).execute();
  await db.schema.createIndex('follow_ups_enquiry_idx').on('follow_ups').columns(['enquiry_id', 'due_at']).execute();

  // Who is on shift in which clinic (a row while on shift), and when each was last given an enquiry (round robin).
  await db.schema
    .createTable('staff_shifts')
    .addColumn('staff_id', 'text', (c) => c.notNull())
    .addColumn('clinic_id', 'text', (c) => c.notNull())
    .addColumn('started_at', 'text', (c) => c.notNull())
    .addColumn('last_assigned_at', 'text')
    .addPrimaryKeyConstraint('staff_shifts_pk', ['staff_id', 'clinic_id'])
    .execute();
  await db.schema.createIndex('staff_shifts_clinic_idx').on('staff_shifts').columns(['clinic_id', 'last_assigned_at']).execute();
}
