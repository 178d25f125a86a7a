/**
 * The system entrance: work of the core itself (ingest matching, the name
 * index, restore verification) or a step already authorised (breach-notice
 * contacts) records who opens which people's keys, in which domains and
 * why, and only then gets exactly those keys (opened in admission.ts). No
 * staff authorisation or detection applies.
 */
import type { AuditEvent, AuditLog } from '../../audit/audit-log.js';
import type { Keyring } from '../../crypto/keyring.js';
import type { Domain } from '../../crypto/key-material.js';
import type { Db } from '../../db/database.js';
import { openSystemKeys, type StoredPersonKey, type SystemAdmission } from './admission.js';

/** Who does system work: a job (`system:ingest`), or the staff member it is done for (breach notices). */
export interface SystemCaller {
  readonly actor: string;
  readonly ip?: string | null;
  readonly sessionId?: string | null;
}

/** System work about to open these keys. */
export interface SystemRequest {
  readonly action: string;
  readonly purpose?: string;
  readonly recordRefs?: readonly string[];
  readonly keys: readonly StoredPersonKey[];
}

const SYSTEM_EVENT_PERSONS = 500;

/** The audit events of a system request: people grouped by the domains opened for them, at most 500 to an event. */
function systemEvents(caller: SystemCaller, request: SystemRequest): AuditEvent[] {
  const byPerson = new Map<string, Set<Domain>>();
  for (const key of request.keys) byPerson.set(key.personId, (byPerson.get(key.personId) ?? new Set<Domain>()).add(key.domain));
  const groups = new Map<string, string[]>();
  for (const [personId, domains] of byPerson) {
    const label = [...domains].sort().join(',');
    const group = groups.get(label);
    if (group) group.push(personId);
    else groups.set(label, [personId]);
  }
  const events: AuditEvent[] = [];
  for (const [label, personIds] of groups) {
    for (let i = 0; i < personIds.length; i += SYSTEM_EVENT_PERSONS) {
      events.push({ actor: caller.actor, ip: caller.ip ?? null, sessionId: caller.sessionId ?? null, action: request.action, personIds: personIds.slice(i, i + SYSTEM_EVENT_PERSONS), recordRefs: [...(request.recordRefs ?? [])], purpose: request.purpose ?? null, outcome: 'success', domains: label.split(',') });
    }
  }
  return events;
}

/**
 * Record (committed, in a transaction of its own) who opens which people's
 * keys in which domains and why, then open exactly those.
 */
export async function admitSystem(deps: { readonly db: Db; readonly audit: AuditLog }, keyring: Keyring, caller: SystemCaller, request: SystemRequest): Promise<SystemAdmission> {
  const events = systemEvents(caller, request);
  // Inside a caller's transaction (a restore's verification) the record commits with that work, or neither does.
  if (events.length > 0) await (deps.db.isTransaction ? deps.audit.append(deps.db, events) : deps.db.transaction().execute((trx) => deps.audit.append(trx, events)));
  return openSystemKeys(keyring, request.keys);
}

/**
 * The system entrance inside a batch that appends `events` in its own
 * transaction before it commits (the ingest): the record of what was opened
 * commits with the work it served, or neither does (and then nothing opened
 * left the process).
 */
export function admitSystemInBatch(events: AuditEvent[], keyring: Keyring, caller: SystemCaller, request: SystemRequest): SystemAdmission {
  events.push(...systemEvents(caller, request));
  return openSystemKeys(keyring, request.keys);
}
