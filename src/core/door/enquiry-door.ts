/**
 * The door for enquiries: the list (metadata only, of the persons the actor
 * may know exist) and the opened enquiry (contact and body). Every opening
 * is admitted by the gate (admission.ts): authorise (tenancy; forbidden =
 * not found) → compliance → lockdown → detection → audit, group-committed
 * before anything decrypts → decrypt.
 *
 * SECURITY: records open only through the gate, the one place that unwraps
 * person keys (test/security/single-door.test.ts).
 */
import type { StaffActor } from '../../auth/actor.js';
import { clinicsWith, type PersonFacts } from '../../auth/policy.js';
import type { Keyset } from '../../db/keyset.js';
import { appError } from '../../platform/errors.js';
import { findEnquiryForRead, findEnquiryLocation, listEnquiryRows } from '../enquiries/enquiry.repository.js';
import { createGate, type Gate, type GateDeps } from './admission.js';
import { type ContactRecord, type EnquiryBodyRecord, RECORD } from './records.js';

/** A decrypted enquiry, as the door hands it out. */
export interface EnquiryDetail {
  readonly id: string;
  readonly personId: string;
  readonly clinic: { readonly id: string; readonly slug: string; readonly name: string };
  readonly status: string;
  readonly source: string;
  readonly receivedAt: string;
  readonly contact: ContactRecord;
  readonly body: EnquiryBodyRecord;
}

/** Filter for the enquiry list. */
export interface EnquiryListFilter {
  readonly clinicId?: string;
  readonly status?: string;
  readonly limit: number;
  /** Where the previous page ended (keyset.ts). */
  readonly after?: Keyset;
}

/** A page of list rows and the cursor of the next (null on the last page). */
export interface EnquiryPage {
  readonly enquiries: EnquirySummary[];
  readonly nextCursor: string | null;
}

/** A list row: metadata only, no personal data. */
export interface EnquirySummary {
  readonly id: string;
  readonly clinic: { readonly slug: string; readonly name: string };
  readonly status: string;
  readonly source: string;
  readonly receivedAt: string;
}

/** Why a read is happening, recorded in the audit event. */
export interface ReadContext {
  readonly purpose: string;
}

/** The enquiry door's interface. */
export interface EnquiryDoor {
  readonly listEnquiries: (actor: StaffActor, filter: EnquiryListFilter) => Promise<EnquiryPage>;
  readonly readEnquiry: (actor: StaffActor, enquiryId: string, context: ReadContext) => Promise<EnquiryDetail>;
  /** Where an enquiry belongs and the access facts of its person for this actor; no personal data, no audit (the caller records its decision). */
  readonly locateEnquiry: (actor: StaffActor, enquiryId: string) => Promise<{ readonly enquiryId: string; readonly personId: string; readonly clinicId: string; readonly facts: PersonFacts } | undefined>;
}

/** Create the enquiry door (with a gate of its own unless given the shared one). */
export function createEnquiryDoor(deps: GateDeps & { gate?: Gate }): EnquiryDoor & { readonly gate: Gate } {
  const { db } = deps;
  const gate = deps.gate ?? createGate(deps);

  return {
    gate,
    async locateEnquiry(actor, enquiryId) {
      const row = await findEnquiryLocation(db, enquiryId);
      if (!row) return undefined;
      const facts = await gate.facts(actor, { personId: row.person_id, organisationId: row.organisation_id, isRestricted: row.is_restricted === 1, clinicIds: [row.clinic_id] });
      return { enquiryId: row.id, personId: row.person_id, clinicId: row.clinic_id, facts };
    },

    async listEnquiries(actor, filter) {
      const clinicIds = clinicsWith(actor, 'enquiry.read').filter((id) => !filter.clinicId || id === filter.clinicId);
      if (clinicIds.length === 0) return { enquiries: [], nextCursor: null };
      const page = await listEnquiryRows(db, actor, clinicIds, filter);
      return { enquiries: page.rows.map((row) => ({ id: row.id, clinic: { slug: row.slug, name: row.name }, status: row.status, source: row.source, receivedAt: row.received_at })), nextCursor: page.next };
    },

    async readEnquiry(actor, enquiryId, context) {
      const row = await findEnquiryForRead(db, enquiryId);
      const location = row ? { personId: row.person_id, organisationId: row.organisation_id, isRestricted: row.is_restricted === 1, clinicIds: [row.clinic_id] } : undefined;
      const admission = await gate.admit(actor, location, { permission: 'enquiry.read', action: 'enquiry.read', recordRefs: [`enquiry:${enquiryId}`], purpose: context.purpose, domains: ['contact', 'enquiry'] });
      if (!row) throw appError('NOT_FOUND');
      return {
        id: row.id,
        personId: row.person_id,
        clinic: { id: row.clinic_id, slug: row.slug, name: row.name },
        status: row.status,
        source: row.source,
        receivedAt: row.received_at,
        contact: admission.open<ContactRecord>('contact', RECORD.contact, row.person_id, row.contact_envelope),
        body: admission.open<EnquiryBodyRecord>('enquiry', RECORD.enquiryBody, row.id, row.body_envelope),
      };
    },
  };
}
