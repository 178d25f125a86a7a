/** Data lifecycle: retention rules, legal holds and retention runs (0006_lifecycle), and the shred log (0009_shred_log). */

/** Months to keep a data category after the person's last activity in it. */
export interface RetentionRulesTable {
  organisation_id: string;
  /** 'unconverted-enquiry' | 'patient-record' */
  category: string;
  months: number;
  updated_at: string;
  updated_by: string;
}

/** A person whose data must not be shredded (litigation, regulator, complaint); reason is organisation text. */
export interface LegalHoldsTable {
  person_id: string;
  reason: string;
  created_at: string;
  created_by: string;
}

/** One retention run: counts per category (JSON), never who. */
export interface RetentionRunsTable {
  id: string;
  organisation_id: string;
  started_at: string;
  finished_at: string | null;
  shredded: string;
  held: number;
}

export interface ShredLogTable {
  person_id: string;
  shredded_at: string;
  /** retention:<category> | erasure:<request id> */
  reason: string;
}
