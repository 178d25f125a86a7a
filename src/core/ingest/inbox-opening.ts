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
  /** The envelope's frame (an inbox row, or a quarantined one being accepted). */
  readonly row: Pick<InboxRow, 'id' | 'received_at' | 'source'>;
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

/** What a sealed envelope held: parsed JSON, or why it gave nothing usable (non-JSON plaintext is kept for staff to read). */
export type EnvelopeContent =
  | { readonly ok: true; readonly json: unknown }
  | { readonly ok: false; readonly reason: 'unknown-key' | 'open-failed' }
  | { readonly ok: false; readonly reason: 'invalid-json'; readonly text: string };

/**
 * Open one sealed envelope with the intake key it names (the clinic slug it
 * was sealed for is bound into the HPKE context).
 *
 * SECURITY: the ingest's and the quarantine door's only way to decrypt an
 * envelope; the door calls it after the gate has admitted the read
 * (quarantine-door.ts; test/security/single-door.test.ts).
 */
export function openInboxEnvelope(keyring: Keyring, row: Pick<InboxRow, 'clinic_slug' | 'key_id' | 'enc' | 'ct'>): EnvelopeContent {
  const key = keyring.intakeKey(row.key_id);
  if (!key) return { ok: false, reason: 'unknown-key' };
  let plaintext: Buffer;
  try {
    plaintext = openEnquiry(key, row.clinic_slug, row.enc, row.ct);
  } catch {
    return { ok: false, reason: 'open-failed' };
  }
  const text = plaintext.toString('utf8');
  try {
    return { ok: true, json: JSON.parse(text) as unknown };
  } catch {
    return { ok: false, reason: 'invalid-json', text };
  }
}

/** The submission hash that recognises a stored submission (one per clinic and form submission id). */
export function submissionHashOf(clinicId: string, sid: string): string {
  return sha256Hex(`submission|${clinicId}|${sid}`);
}

/** A row with valid fields, ready for matching and storing (ingest, and a quarantined row accepted by staff). */
export function toOpened(keyring: Keyring, row: Opened['row'], clinic: { id: string; organisation_id: string }, fields: EnquiryFields): Opened {
  const contact = toContact(fields);
  return {
    row,
    clinicId: clinic.id,
    organisationId: clinic.organisation_id,
    fields,
    normalisedEmail: normaliseEmail(contact.email),
    indexes: indexesFor(keyring, contact),
    submissionHash: submissionHashOf(clinic.id, fields.sid),
  };
}

/** Open every row of a batch (or say why it goes to quarantine), in order. */
export function openBatch(keyring: Keyring, rows: readonly InboxRow[], clinics: ReadonlyMap<string, { id: string; organisation_id: string }>): Prepared[] {
  return rows.map((row): Prepared => {
    const clinic = clinics.get(row.clinic_slug);
    if (!clinic) return { ok: false, row, reason: 'unknown-clinic' };
    const content = openInboxEnvelope(keyring, row);
    if (!content.ok) return { ok: false, row, reason: content.reason };
    const parsed = enquiryFieldsSchema.safeParse(content.json);
    if (!parsed.success) return { ok: false, row, reason: 'invalid-fields' };
    return { ok: true, value: toOpened(keyring, row, clinic, parsed.data) };
  });
}
