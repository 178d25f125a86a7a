/**
 * The pipeline's vocabulary: the default stages an organisation starts with
 * (it may rename them), why an enquiry was lost, how a call went, and what a
 * follow-up is for. All codes: none of them is personal data, so reports can
 * count them in the clear.
 */

export type StageKind = 'open' | 'won' | 'lost';

/** A pipeline stage of an organisation. */
export interface Stage {
  readonly key: string;
  readonly label: string;
  readonly kind: StageKind;
}

/** The stages every organisation starts with, in order. */
export const DEFAULT_STAGES: readonly Stage[] = [
  { key: 'new', label: 'New', kind: 'open' },
  { key: 'contacted', label: 'Contacted', kind: 'open' },
  { key: 'consultation_booked', label: 'Consultation booked', kind: 'open' },
  { key: 'consultation_attended', label: 'Consultation attended', kind: 'open' },
  { key: 'treatment_booked', label: 'Treatment booked', kind: 'open' },
  { key: 'won', label: 'Won', kind: 'won' },
  { key: 'lost', label: 'Lost', kind: 'lost' },
];

/** Why an enquiry was lost. */
export const LOST_REASONS = ['no-response', 'price', 'chose-another-clinic', 'not-suitable', 'not-ready', 'duplicate', 'closed', 'other'] as const;
export type LostReason = (typeof LOST_REASONS)[number];

/** How a call went. */
export const CALL_OUTCOMES = ['reached', 'voicemail', 'no-answer', 'wrong-number', 'call-back-requested'] as const;
export type CallOutcome = (typeof CALL_OUTCOMES)[number];

/** What a follow-up is for. */
export const FOLLOW_UP_KINDS = ['call-back', 'send-information', 'chase-consultation', 're-engage', 'other'] as const;
export type FollowUpKind = (typeof FOLLOW_UP_KINDS)[number];
