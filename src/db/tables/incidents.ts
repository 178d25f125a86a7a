/** Breach response: the register, indicators, scope, timeline, reports, notices and evidence custody (0005_incidents). */

/** The breach register: every incident, reported or not, with its facts and decisions (Art. 33(5)). */
export interface IncidentsTable {
  id: string;
  organisation_id: string;
  title: string;
  /** 'uk-gdpr' | 'eu-gdpr' | 'hipaa' */
  regime: string;
  status: string;
  aware_at: string;
  occurred_from: string | null;
  occurred_to: string | null;
  /** JSON: what happened, how discovered, measures, staff involvement (organisation text, no personal data). */
  details: string;
  /** JSON summary of the last scope computation (counts and categories). */
  scope: string | null;
  /** JSON: Art. 34(3)(a) evaluation summary and, for HIPAA, the four-factor risk assessment. */
  assessment: string | null;
  /** JSON: notify regulator / individuals, with reasons. */
  decision: string | null;
  created_at: string;
  created_by: string;
}

export interface IncidentIndicatorsTable {
  id: string;
  incident_id: string;
  /** 'staff' | 'session' | 'ip-range' | 'window' | 'component' */
  kind: string;
  value: string;
  window_from: string | null;
  window_to: string | null;
  created_at: string;
}

export interface IncidentPersonsTable {
  incident_id: string;
  person_id: string;
  /** Data categories exposed, one bit each (see incidents/scope.ts CATEGORY_BITS). */
  category_mask: number;
  records: number;
  unintelligible: number;
  reason: string;
}

export interface IncidentEventsTable {
  id: string;
  incident_id: string;
  at: string;
  actor: string;
  kind: string;
  detail: string;
}

export interface IncidentReportsTable {
  id: string;
  incident_id: string;
  version: number;
  kind: string;
  markdown: string;
  sha256: string;
  created_at: string;
  created_by: string;
}

export interface NoticeTemplatesTable {
  organisation_id: string;
  key: string;
  subject: string;
  body: string;
  updated_at: string;
  updated_by: string;
}

export interface IncidentNoticesTable {
  id: string;
  incident_id: string;
  person_id: string;
  /** 'email' | 'substitute' (no usable address: listed for substitute notice) */
  channel: string;
  outbox_id: string | null;
  created_at: string;
}

/** Chain of custody of evidence bundles. */
export interface EvidenceExportsTable {
  id: string;
  incident_id: string;
  sha256: string;
  exported_at: string;
  exported_by: string;
  events_from: number;
  events_to: number;
}
