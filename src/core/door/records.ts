/** Shapes of the encrypted person records this release stores. */

/** Contact details (contact domain). */
export interface ContactRecord {
  readonly name: string;
  readonly email: string;
  readonly phone: string;
  readonly dob?: string;
  readonly address?: string;
}

/** What was asked in an enquiry (enquiry domain). */
export interface EnquiryBodyRecord {
  readonly procedure: string;
  readonly message: string;
  readonly consent: boolean;
  readonly submittedAs: ContactRecord;
}

/** A front-desk note or call summary, or a follow-up's note (enquiry domain). */
export interface NoteRecord {
  readonly text: string;
}

/** A clinical note (clinical domain). */
export interface ClinicalNoteRecord {
  readonly text: string;
}

/** A planned or performed procedure (clinical domain). */
export interface ProcedureRecord {
  readonly name: string;
  readonly details: string;
  readonly status: 'planned' | 'performed' | 'cancelled';
  readonly performedOn?: string;
}

/** Invoice lines and totals in minor units (financial domain). */
export interface InvoiceRecord {
  readonly currency: string;
  readonly lines: readonly { readonly description: string; readonly amountMinor: number }[];
  readonly totalMinor: number;
}

/** A payment against an invoice (financial domain). */
export interface PaymentRecord {
  readonly amountMinor: number;
  readonly method: string;
}

/** A signature: typed name, drawn signature (PNG data URL) and what was signed (clinical domain). */
export interface SignatureRecord {
  readonly typedName: string;
  readonly drawnSignature: string;
  readonly signedAt: string;
  readonly documentHash: string;
}

/** What a photo shows, beyond its angle (photo domain). */
export interface PhotoMetaRecord {
  readonly bodyArea: string;
  readonly caption: string;
}

/** Record type names, used in key derivation and envelope binding. */
export const RECORD = {
  contact: 'contact',
  enquiryBody: 'enquiry-body',
  clinicalNote: 'clinical-note',
  procedure: 'procedure',
  invoice: 'invoice',
  payment: 'payment',
  signature: 'consent-signature',
  photoMeta: 'photo-meta',
  enquiryNote: 'enquiry-note',
  followUpNote: 'follow-up-note',
} as const;
