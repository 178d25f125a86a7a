/** The audit chain (0001_initial; the domains opened, from 0010_door_domains). */

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
