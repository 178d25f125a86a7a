/** Response shapes of the data-subject rights API: requests and their clock, lookups (ids and counts), and the record of processing. */
import { z } from 'zod';

export const RightsRequest = z.object({
  id: z.string(),
  personId: z.string(),
  kind: z.string(),
  receivedAt: z.string(),
  dueAt: z.string(),
  extensionReason: z.string().nullable(),
  status: z.string(),
  outcome: z.string().nullable(),
  exceptions: z.array(z.string()),
  closedAt: z.string().nullable(),
  isOverdue: z.boolean(),
});
export type RightsRequest = z.infer<typeof RightsRequest>;

export const RightsRequestList = z.array(RightsRequest);

/** A person a requester may be: ids and what Tacet holds (counts), no personal data. */
export const RequesterMatch = z.object({ personId: z.string(), knownSince: z.string(), enquiries: z.number(), patientRecords: z.number() });
export type RequesterMatch = z.infer<typeof RequesterMatch>;

export const RequesterMatches = z.array(RequesterMatch);

export const RequestCreated = z.object({ id: z.string(), dueAt: z.string() });
export const RequestExtended = z.object({ dueAt: z.string() });
export const ErasureDone = z.object({ outcome: z.enum(['erased', 'partially-erased']) });
/** The contact fields that changed (names only). */
export const RectificationDone = z.object({ changed: z.array(z.string()) });
export const RequestClosed = z.object({ status: z.enum(['completed', 'refused']) });

const ProcessingActivity = z.object({
  id: z.string(),
  name: z.string(),
  purposes: z.array(z.string()).readonly(),
  lawfulBasis: z.string(),
  specialCategoryCondition: z.string().nullable(),
  dataSubjects: z.array(z.string()).readonly(),
  dataCategories: z.array(z.string()).readonly(),
  recipients: z.array(z.string()).readonly(),
  source: z.string(),
  /** A retention category, or `audit`. */
  retention: z.string(),
  keyDomains: z.array(z.string()).readonly(),
  retentionPeriod: z.string(),
});

/** The Art. 30(1) record of processing activities. */
export const RecordOfProcessing = z.object({
  title: z.string(),
  generatedAt: z.string(),
  controller: z.object({ name: z.string(), dpoContact: z.string() }),
  activities: z.array(ProcessingActivity),
  transfers: z.string(),
  securityMeasures: z.array(z.string()).readonly(),
});
export type RecordOfProcessing = z.infer<typeof RecordOfProcessing>;
