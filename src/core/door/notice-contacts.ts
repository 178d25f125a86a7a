/**
 * The door for breach notification: contact details of the people in an
 * incident's scope are decrypted only here, only to address their notices
 * (or to count US residents per state for HIPAA thresholds), and every
 * opening is audited with its purpose. The caller must hold incident.manage.
 */
import { actorEvent, type StaffActor } from '../../auth/actor.js';
import type { AuditLog } from '../../audit/audit-log.js';
import type { Db } from '../../db/database.js';
import type { VaultService } from '../vault/vault.service.js';
import { admitSystem } from './system-admission.js';
import { type ContactRecord, RECORD } from './records.js';
import { listContactKeys } from './system-reads.repository.js';

const BATCH = 500;

/** Contact details of these persons (those that still exist: a shredded person has no key), opened for `purpose` and audited. */
export async function contactsForIncident(deps: { db: Db; vault: VaultService; audit: AuditLog }, actor: StaffActor, incidentId: string, personIds: readonly string[], purpose: 'breach-notice' | 'breach-state-count'): Promise<Map<string, ContactRecord>> {
  const keyring = deps.vault.keyring();
  const out = new Map<string, ContactRecord>();
  for (let i = 0; i < personIds.length; i += BATCH) {
    const ids = personIds.slice(i, i + BATCH);
    const rows = await listContactKeys(deps.db, actor.organisationId, ids);
    // The gate's system entrance, on the DPO's behalf: recorded (with the contact domain) before anything opens.
    const admission = await admitSystem(deps, keyring, actorEvent(actor), { action: 'incident.contact.open', recordRefs: [`incident:${incidentId}`], purpose, keys: rows.map((r) => ({ personId: r.id, domain: 'contact' as const, wrapped: r.wrapped_dek })) });
    for (const row of rows) out.set(row.id, admission.open<ContactRecord>(row.id, 'contact', RECORD.contact, row.id, row.contact_envelope));
  }
  return out;
}
