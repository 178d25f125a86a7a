/** Enquiries ingested from the intake's inbox, the envelopes that did not open (0001_initial), and the front desk around them (0016_front_desk). */
import type { ColumnType } from 'kysely';
import type { EnquiryInboxTable } from './intake.js';

/** An envelope that did not open or validate, kept (never dropped) with the reason. */
export interface InboxQuarantineTable extends Omit<EnquiryInboxTable, 'envelope_hash'> {
  reason: string;
  quarantined_at: string;
}

export interface EnquiriesTable {
  id: string;
  person_id: string;
  clinic_id: string;
  status: string;
  source: string;
  received_at: string;
  created_at: string;
  submission_hash: string;
  body_envelope: string;
  /** `ENQ-XXXXX-XXXXX` from the submission id (enquiry-suite.ts); older rows `ENQ-` and 8 hex digits of the id. */
  reference: string | null;
  /** Where the enquiry came from, coarsely (utm_source or the referrer's host, else `direct`): no personal data. */
  channel: ColumnType<string, string | undefined, string>;
  assigned_to: string | null;
  assigned_at: string | null;
  first_response_at: string | null;
  stage_changed_at: string | null;
  last_activity_at: string | null;
  /** When the first response is due (received + the SLA in working time); null once met or for old rows. */
  sla_due_at: string | null;
  escalated_at: string | null;
  reengaged_at: string | null;
  /** A code from LOST_REASONS when the stage is lost. */
  lost_reason: string | null;
  /** The furthest stage reached (a stage key of kind open or won; null = the first stage), for conversion reports (0021). */
  furthest_stage: ColumnType<string | null, string | null | undefined, string | null>;
}

/** An organisation's pipeline stages, in order. */
export interface PipelineStagesTable {
  organisation_id: string;
  key: string;
  label: string;
  position: number;
  /** `open`, `won` or `lost`. */
  kind: string;
}

/** What happened to an enquiry: ids, stage keys and outcome codes only. */
export interface EnquiryEventsTable {
  id: string;
  enquiry_id: string;
  clinic_id: string;
  at: string;
  /** Null for the system (routing, SLA escalation). */
  staff_id: string | null;
  /** assigned, claimed, reassigned, released, stage, note, call, follow-up, follow-up-done, escalated, reengage. */
  kind: string;
  detail: string | null;
}

/** A note or call outcome: its text sealed under the person's enquiry key. */
export interface EnquiryNotesTable {
  id: string;
  enquiry_id: string;
  person_id: string;
  staff_id: string;
  created_at: string;
  /** `note` or `call`. */
  kind: string;
  call_outcome: string | null;
  body_envelope: string;
}

/** A follow-up task on an enquiry. */
export interface FollowUpsTable {
  id: string;
  enquiry_id: string;
  clinic_id: string;
  person_id: string;
  assignee_id: string | null;
  kind: string;
  due_at: string;
  created_at: string;
  created_by: string | null;
  done_at: string | null;
  /** Optional free text, sealed under the person's enquiry key. */
  note_envelope: string | null;
}

/** A staff member on shift in a clinic (the row exists while they are). */
export interface StaffShiftsTable {
  staff_id: string;
  clinic_id: string;
  started_at: string;
  last_assigned_at: string | null;
}
