/** The reference a person is shown for an enquiry, derived from its form submission id (enquiry-suite.ts). */
import { sha256Hex } from '../../crypto/digest.js';
import { ENQUIRY_REFERENCE_CONTEXT, formatEnquiryReference } from '../../crypto/enquiry-suite.js';

/** The reference a person is shown for the enquiry with this submission id (the thank-you page computes the same). */
export function enquiryReference(submissionId: string): string {
  return formatEnquiryReference(sha256Hex(`${ENQUIRY_REFERENCE_CONTEXT}${submissionId}`));
}
