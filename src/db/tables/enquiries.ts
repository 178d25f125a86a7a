/** Enquiries ingested from the intake's inbox, and the envelopes that did not open (0001_initial). */
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
}
