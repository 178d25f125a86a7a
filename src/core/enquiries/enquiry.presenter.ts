/** Response shapes for enquiries (never raw rows). */
import type { EnquiryDetail, EnquirySummary } from '../door/enquiry-door.js';

/** JSON for a list row. */
export function presentSummary(summary: EnquirySummary) {
  return { id: summary.id, reference: reference(summary.id), clinic: summary.clinic, status: summary.status, source: summary.source, receivedAt: summary.receivedAt };
}

/** JSON for an opened enquiry. */
export function presentDetail(detail: EnquiryDetail) {
  return {
    id: detail.id,
    reference: reference(detail.id),
    personId: detail.personId,
    clinic: { slug: detail.clinic.slug, name: detail.clinic.name },
    status: detail.status,
    source: detail.source,
    receivedAt: detail.receivedAt,
    contact: {
      name: detail.contact.name,
      email: detail.contact.email,
      phone: detail.contact.phone,
      dateOfBirth: detail.contact.dob ?? null,
      address: detail.contact.address ?? null,
    },
    procedure: detail.body.procedure,
    message: detail.body.message,
    contactConsent: detail.body.consent,
  };
}

/** Short human reference for an enquiry id (not secret, not personal). */
export function reference(id: string): string {
  return `ENQ-${id.replace(/-/g, '').slice(0, 8).toUpperCase()}`;
}
