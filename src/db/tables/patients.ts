/** Patient records: appointments, procedures and notes, invoices and payments, consent forms and consents (0004_patients). */

export interface PatientsTable {
  id: string;
  person_id: string;
  clinic_id: string;
  /** The enquiry this patient came from (kept as a link), if any. */
  enquiry_id: string | null;
  status: string;
  created_at: string;
  created_by: string;
}

/** A slot: only what scheduling needs is plaintext. */
export interface AppointmentsTable {
  id: string;
  patient_id: string;
  clinic_id: string;
  practitioner_id: string | null;
  kind: string;
  starts_at: string;
  ends_at: string;
  status: string;
  created_at: string;
}

/** Procedures and clinical notes share a shape: body under the clinical domain key. */
export interface ClinicalEntryTable {
  id: string;
  patient_id: string;
  appointment_id: string | null;
  author_id: string;
  created_at: string;
  body_envelope: string;
}

export interface InvoicesTable {
  id: string;
  patient_id: string;
  clinic_id: string;
  status: string;
  issued_at: string;
  /** Lines, totals and currency under the financial domain key. */
  body_envelope: string;
}

export interface PaymentsTable {
  id: string;
  invoice_id: string;
  received_at: string;
  body_envelope: string;
}

/** A consent form version: organisation documents, no personal data. */
export interface ConsentFormsTable {
  id: string;
  organisation_id: string;
  kind: string;
  procedure_key: string;
  version: number;
  title: string;
  body: string;
  body_hash: string;
  created_at: string;
  created_by: string;
}

export interface ConsentsTable {
  id: string;
  patient_id: string;
  form_id: string;
  /** JSON array of photo scopes granted by this signature ([] for procedure consents). */
  scopes: string;
  document_hash: string;
  method: string;
  signed_at: string;
  /** Typed name and drawn signature under the clinical domain key. */
  signature_envelope: string;
}

/** Current photo-consent state per scope; withdrawal takes effect at the door at once. */
export interface PhotoConsentsTable {
  patient_id: string;
  scope: string;
  consent_id: string;
  granted_at: string;
  withdrawn_at: string | null;
}

export interface ConsentLinksTable {
  token_hash: string;
  patient_id: string;
  form_id: string;
  created_by: string;
  created_at: string;
  expires_at: string;
  used_at: string | null;
}
