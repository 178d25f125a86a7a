/**
 * Response shapes of the breach-response API (ids, counts, categories and
 * organisation text; never an affected person's personal data). The JSON
 * the incident stores (details, scope, assessment, decision) is answered as
 * stored: those objects are loose, so a field is never dropped.
 */
import { z } from 'zod';
import type { IncidentView } from './incident-context.js';
import type { IncidentService } from './incident.service.js';

export const IncidentListItem = z.object({
  id: z.string(),
  title: z.string(),
  regime: z.string(),
  status: z.string(),
  awareAt: z.string(),
  deadline: z.string(),
  /** Whether the regulator is (to be) notified, once decided. */
  reported: z.boolean().nullable(),
});
export type IncidentListItem = z.infer<typeof IncidentListItem>;

export const IncidentList = z.object({ incidents: z.array(IncidentListItem) });
export type IncidentList = z.infer<typeof IncidentList>;

export const IncidentDeclared = z.object({ id: z.string(), deadline: z.string() });
export type IncidentDeclared = z.infer<typeof IncidentDeclared>;

export const IncidentDetails = z.looseObject({
  whatHappened: z.string(),
  howDiscovered: z.string(),
  likelyConsequences: z.string(),
  measuresBefore: z.string(),
  measuresAfter: z.string(),
  staffInvolved: z.boolean(),
  staffTraining: z.string(),
  contactPoint: z.string(),
  lateReason: z.string().optional(),
});
export type IncidentDetails = z.infer<typeof IncidentDetails>;

export const ScopeSummary = z.looseObject({
  persons: z.number(),
  records: z.number(),
  /** People per data category. */
  categories: z.record(z.string(), z.number()),
  unintelligible: z.number(),
  intelligible: z.number(),
  exposedKeys: z.array(z.string()),
  /** The copy of stored data the scope counts, by definition; null when nothing stored was copied. */
  copy: z.looseObject({ stored: z.boolean(), intake: z.boolean(), blob: z.boolean(), exposedKeys: z.array(z.string()).readonly() }).nullable(),
  computedMs: z.number(),
});
export type ScopeSummary = z.infer<typeof ScopeSummary>;

export const HipaaAssessment = z.looseObject({
  natureAndExtent: z.string(),
  unauthorisedPerson: z.string(),
  acquiredOrViewed: z.string(),
  mitigation: z.string(),
  lowProbabilityOfCompromise: z.boolean(),
});

export const Assessment = z.looseObject({
  art34NoticeRequired: z.boolean(),
  unintelligible: z.number(),
  intelligible: z.number(),
  reasoning: z.string(),
  hipaa: HipaaAssessment.optional(),
  /** HIPAA only: people per US state (or `unknown`). */
  usStateCounts: z.record(z.string(), z.number()).optional(),
});
export type Assessment = z.infer<typeof Assessment>;

export const Decision = z.looseObject({
  notifyRegulator: z.boolean(),
  notifyIndividuals: z.boolean(),
  reasons: z.string(),
  decidedAt: z.string(),
  decidedBy: z.string(),
});
export type Decision = z.infer<typeof Decision>;

export const Incident = z.object({
  id: z.string(),
  title: z.string(),
  regime: z.enum(['uk-gdpr', 'eu-gdpr', 'hipaa']),
  status: z.string(),
  awareAt: z.string(),
  deadline: z.string(),
  occurredFrom: z.string().nullable(),
  occurredTo: z.string().nullable(),
  details: IncidentDetails,
  scope: ScopeSummary.nullable(),
  assessment: Assessment.nullable(),
  decision: Decision.nullable(),
  indicators: z.array(z.object({ id: z.string(), kind: z.string(), value: z.string(), from: z.string().nullable(), to: z.string().nullable() })),
  timeline: z.array(z.object({ at: z.string(), actor: z.string(), kind: z.string(), detail: z.string() })),
  reports: z.array(z.object({ id: z.string(), version: z.number(), kind: z.string(), createdAt: z.string(), sha256: z.string() })),
});
export type Incident = z.infer<typeof Incident>;

export const IndicatorAdded = z.object({ id: z.string() });

export const ScopedPersons = z.object({
  persons: z.array(z.object({ personId: z.string(), categories: z.array(z.string()), records: z.number(), unintelligible: z.boolean(), reason: z.string() })),
});
export type ScopedPersons = z.infer<typeof ScopedPersons>;

export const ReportCreated = z.object({ id: z.string(), version: z.number(), markdown: z.string() });

export const NoticeTemplate = z.object({ subject: z.string(), body: z.string() });
export type NoticeTemplate = z.infer<typeof NoticeTemplate>;

export const NoticesQueued = z.object({ queued: z.number(), substitute: z.number(), already: z.number() });

export const NoticeStatus = z.object({
  delivered: z.number(),
  queued: z.number(),
  retrying: z.number(),
  substitute: z.number(),
  notices: z.array(
    z.object({
      personId: z.string(),
      channel: z.string(),
      status: z.string(),
      sentAt: z.string().nullable(),
      attempts: z.number(),
      lastError: z.string().nullable(),
      nextAttemptAt: z.string().nullable(),
    }),
  ),
});
export type NoticeStatus = z.infer<typeof NoticeStatus>;

export const SessionsRevoked = z.object({ revoked: z.number() });

export const KeysRotated = z.object({ rotated: z.array(z.string()) });

/** The evidence bundle (canonical JSON text, signed as is) with its Ed25519 signature and hash. */
export const EvidenceBundle = z.object({ bundle: z.string(), signature: z.string(), publicKey: z.string(), keyId: z.string(), sha256: z.string() });

export const DetailsUpdated = z.object({ status: z.literal('updated') });
export const TemplateSaved = z.object({ status: z.literal('saved') });

export function presentIncidentList(incidents: Awaited<ReturnType<IncidentService['list']>>): IncidentList {
  return { incidents };
}

export function presentIncident(view: IncidentView): Incident {
  return view;
}

export function presentScopedPersons(persons: Awaited<ReturnType<IncidentService['persons']>>): ScopedPersons {
  return { persons };
}
