/** Acknowledgement e-mails (0019_acknowledgements): the templates clinics edit and the once-a-day key per person. */

/** A clinic's acknowledgement template, or (clinic_id null) its organisation's default. Template text only: no personal data. */
export interface AcknowledgementTemplatesTable {
  /** The clinic's id, or the organisation's for its default. */
  scope_id: string;
  organisation_id: string;
  clinic_id: string | null;
  subject: string;
  body: string;
  /** The clinic's "what happens next" text ({nextSteps}). */
  next_steps: string;
  /** The clinic's opening hours ({openingHours}). */
  opening_hours: string;
  updated_at: string;
  updated_by: string;
}

/** One row per person acknowledged on a day (YYYY-MM-DD in TACET_TIMEZONE): at most one e-mail a day. */
export interface AcknowledgementDaysTable {
  person_id: string;
  day: string;
}
