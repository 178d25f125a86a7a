/** The audit chain (0001_initial; the domains opened, from 0010_door_domains; blocks from 0015_audit_blocks). */

export interface AuditEventsTable {
  seq: number;
  at: string;
  actor: string;
  action: string;
  person_ids: string;
  record_refs: string;
  purpose: string | null;
  ip: string | null;
  session_id: string | null;
  outcome: string;
  prev_hash: string;
  hash: string;
  /** Key domains the door opened for this event (JSON array, sorted); null when it opened none, and on older events. */
  domains: string | null;
}

/**
 * Audit chain v2 (0015_audit_blocks, ADR 0016): one hash per block of
 * consecutive events. Events of a block store '' as their own prev_hash and
 * hash; events before the first block are the v1 per-event chain.
 */
export interface AuditBlocksTable {
  first_seq: number;
  last_seq: number;
  prev_hash: string;
  hash: string;
}
