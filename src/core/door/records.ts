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

/** Record type names, used in key derivation and envelope binding. */
export const RECORD = { contact: 'contact', enquiryBody: 'enquiry-body' } as const;
