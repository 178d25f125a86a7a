/**
 * Opening one batch of the inbox: each sealed enquiry is opened with the
 * intake key it names and checked against the form's fields, or given the
 * reason it goes to quarantine. No database access: the caller passes the
 * clinics.
 */
import type { Keyring } from '../../crypto/keyring.js';
import { openEnquiry } from '../../crypto/open.js';
import { sha256Hex } from '../../crypto/digest.js';
import type { InboxRow } from '../../db/tables.js';
import { enquiryFieldsSchema, type EnquiryFields } from '../../intake/enquiry-fields.js';
import type { ContactRecord } from '../door/records.js';
import { normaliseEmail } from '../persons/normalise.js';
import { indexesFor, type PersonIndexes } from '../persons/persons.repository.js';

/** Why an envelope went to quarantine. */
export type QuarantineReason = 'unknown-clinic' | 'unknown-key' | 'open-failed' | 'invalid-json' | 'invalid-fields';

/** A sealed enquiry opened and checked, with what matching its person needs. */
export interface Opened {
  readonly row: InboxRow;
  readonly clinicId: string;
  readonly organisationId: string;
  readonly fields: EnquiryFields;
  readonly normalisedEmail: string;
  readonly indexes: PersonIndexes;
  readonly submissionHash: string;
}

export type Prepared = { readonly ok: true; readonly value: Opened } | { readonly ok: false; readonly row: InboxRow; readonly reason: QuarantineReason };

/** The contact details a submission carries. */
export function toContact(fields: EnquiryFields): ContactRecord {
  return {
    name: fields.name,
    email: fields.email,
    phone: fields.phone,
    ...(fields.dob ? { dob: fields.dob } : {}),
    ...(fields.address ? { address: fields.address } : {}),
  };
}

/** Open every row of a batch (or say why it goes to quarantine), in order. */
export function openBatch(keyring: Keyring, rows: readonly InboxRow[], clinics: ReadonlyMap<string, { id: string; organisation_id: string }>): Prepared[] {
  return rows.map((row): Prepared => {
    const clinic = clinics.get(row.clinic_slug);
    if (!clinic) return { ok: false, row, reason: 'unknown-clinic' };
    const key = keyring.intakeKey(row.key_id);
    if (!key) return { ok: false, row, reason: 'unknown-key' };
    let plaintext: Buffer;
    try {
      plaintext = openEnquiry(key, row.clinic_slug, row.enc, row.ct);
    } catch {
      return { ok: false, row, reason: 'open-failed' };
    }
    let json: unknown;
    try {
      json = JSON.parse(plaintext.toString('utf8'));
    } catch {
      return { ok: false, row, reason: 'invalid-json' };
    }
    const parsed = enquiryFieldsSchema.safeParse(json);
    if (!parsed.success) return { ok: false, row, reason: 'invalid-fields' };
    const contact = toContact(parsed.data);
    return {
      ok: true,
      value: {
        row,
        clinicId: clinic.id,
        organisationId: clinic.organisation_id,
        fields: parsed.data,
        normalisedEmail: normaliseEmail(contact.email),
        indexes: indexesFor(keyring, contact),
        submissionHash: sha256Hex(`submission|${clinic.id}|${parsed.data.sid}`),
      },
    };
  });
}
