/**
 * The single door to personal data. Every read of a person's fields passes
 * here, in this order: authorise (tenancy; forbidden = not found) → audit in
 * the same transaction → detection guard → decrypt.
 *
 * SECURITY: records open only through the gate (admission.ts), the one
 * place that unwraps person keys (test/security/single-door.test.ts).
 */
import type { StaffActor } from '../../auth/actor.js';
import { clinicsWith, type PersonFacts } from '../../auth/policy.js';
import { appError } from '../../platform/errors.js';
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
  readonly before?: string;
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

/** The door's interface. */
export interface PersonalDataDoor {
  readonly listEnquiries: (actor: StaffActor, filter: EnquiryListFilter) => Promise<EnquirySummary[]>;
  readonly readEnquiry: (actor: StaffActor, enquiryId: string, context: ReadContext) => Promise<EnquiryDetail>;
  /** Where an enquiry belongs and the access facts of its person for this actor; no personal data, no audit (the caller records its decision). */
  readonly locateEnquiry: (actor: StaffActor, enquiryId: string) => Promise<{ readonly enquiryId: string; readonly personId: string; readonly clinicId: string; readonly facts: PersonFacts } | undefined>;
}

/** Create the door. */
export function createPersonalDataDoor(deps: GateDeps & { gate?: Gate }): PersonalDataDoor & { readonly gate: Gate } {
  const { db } = deps;
  const gate = deps.gate ?? createGate(deps);

  return {
    gate,
    async locateEnquiry(actor, enquiryId) {
      const row = await db.selectFrom('enquiries').innerJoin('persons', 'persons.id', 'enquiries.person_id').select(['enquiries.id', 'enquiries.clinic_id', 'enquiries.person_id', 'persons.organisation_id', 'persons.is_restricted']).where('enquiries.id', '=', enquiryId).executeTakeFirst();
      if (!row) return undefined;
      const facts = await gate.facts(actor, { personId: row.person_id, organisationId: row.organisation_id, isRestricted: row.is_restricted === 1, clinicIds: [row.clinic_id] });
      return { enquiryId: row.id, personId: row.person_id, clinicId: row.clinic_id, facts };
    },

    async listEnquiries(actor, filter) {
      const clinicIds = clinicsWith(actor, 'enquiry.read').filter((id) => !filter.clinicId || id === filter.clinicId);
      if (clinicIds.length === 0) return [];
      let query = db
        .selectFrom('enquiries')
        .innerJoin('clinics', 'clinics.id', 'enquiries.clinic_id')
        .innerJoin('persons', 'persons.id', 'enquiries.person_id')
        .select(['enquiries.id', 'enquiries.status', 'enquiries.source', 'enquiries.received_at', 'clinics.slug', 'clinics.name'])
        .where('enquiries.clinic_id', 'in', clinicIds)
        // SECURITY: restricted persons do not exist for anyone not on their list (not even as a list row).
        .where((eb) => eb.or([eb('persons.is_restricted', '=', 0), eb.exists(eb.selectFrom('restricted_access').select('restricted_access.person_id').whereRef('restricted_access.person_id', '=', 'persons.id').where('restricted_access.staff_id', '=', actor.staffId))]))
        .orderBy('enquiries.received_at', 'desc')
        .orderBy('enquiries.id', 'desc')
        .limit(filter.limit);
      if (filter.status) query = query.where('enquiries.status', '=', filter.status);
      if (filter.before) query = query.where('enquiries.received_at', '<', filter.before);
      const rows = await query.execute();
      return rows.map((row) => ({ id: row.id, clinic: { slug: row.slug, name: row.name }, status: row.status, source: row.source, receivedAt: row.received_at }));
    },

    async readEnquiry(actor, enquiryId, context) {
      const row = await db
        .selectFrom('enquiries')
        .innerJoin('clinics', 'clinics.id', 'enquiries.clinic_id')
        .innerJoin('persons', 'persons.id', 'enquiries.person_id')
        .select(['enquiries.id', 'enquiries.person_id', 'enquiries.clinic_id', 'enquiries.status', 'enquiries.source', 'enquiries.received_at', 'enquiries.body_envelope', 'clinics.slug', 'clinics.name', 'persons.contact_envelope', 'persons.organisation_id', 'persons.is_restricted'])
        .where('enquiries.id', '=', enquiryId)
        .executeTakeFirst();
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
