/**
 * Break-glass: a time-limited grant to one person's record, with a typed
 * justification, recorded as a critical audit event and queued for the
 * data-protection officer's review. The justification is sealed at rest
 * (staff may name the patient in it).
 */
import { actorEvent, type StaffActor } from '../../auth/actor.js';
import type { AuditLog } from '../../audit/audit-log.js';
import { openStaffSecret, sealStaffSecret } from '../../crypto/keyring.js';
import { newId } from '../../crypto/random.js';
import type { Db } from '../../db/database.js';
import type { Clock } from '../../platform/clock.js';
import type { Logger } from '../../platform/logger.js';
import type { AlertService } from '../detection/alert.service.js';
import type { VaultService } from '../vault/vault.service.js';
import { insertBreakGlassGrant, listBreakGlassGrants } from './break-glass.repository.js';

export const BREAK_GLASS_MS = 30 * 60_000;

/** What granting a break-glass needs. */
export interface BreakGlassDeps {
  readonly db: Db;
  readonly clock: Clock;
  readonly vault: VaultService;
  readonly audit: AuditLog;
  readonly alerts: AlertService;
  readonly logger: Logger;
}

/** Grant break-glass access for the actor to a person. */
export async function requestBreakGlass(deps: BreakGlassDeps, actor: StaffActor, personId: string, justification: string, recordRef: string): Promise<{ id: string; expiresAt: string }> {
  const id = newId();
  const now = deps.clock.now();
  const expiresAt = new Date(now.getTime() + BREAK_GLASS_MS).toISOString();
  const envelope = sealStaffSecret(deps.vault.keyring(), 'break-glass', id, justification.trim());
  await deps.db.transaction().execute(async (trx) => {
    await insertBreakGlassGrant(trx, { id, staff_id: actor.staffId, person_id: personId, justification_envelope: envelope, created_at: now.toISOString(), expires_at: expiresAt, reviewed_at: null, reviewed_by: null, review_outcome: null });
    // The DPO's review queue is the set of unreviewed grants; the alert e-mails the DPO at once.
    await deps.audit.append(trx, [{ ...actorEvent(actor), action: 'break-glass.grant', personIds: [personId], recordRefs: [`break-glass:${id}`, recordRef], purpose: 'alert:critical', outcome: 'success' }]);
    await deps.alerts.raise(trx, { severity: 'critical', rule: 'break-glass', staffId: actor.staffId, personIds: [personId], detail: 'Break-glass access granted for 30 minutes with a typed justification; review it under Break-glass review.' });
  });
  deps.logger.warn({ breakGlass: id, staff: actor.staffId }, 'break-glass access granted; queued for DPO review');
  return { id, expiresAt };
}

/** The DPO's view of break-glass grants (newest first; only unreviewed ones if `pendingOnly`), justifications opened. */
export async function listBreakGlass(deps: { readonly db: Db; readonly vault: VaultService }, organisationId: string, pendingOnly: boolean) {
  const rows = await listBreakGlassGrants(deps.db, organisationId, pendingOnly);
  const keyring = deps.vault.keyring();
  return rows.map((row) => ({
    id: row.id,
    staff: { id: row.staff_id, name: row.display_name },
    personId: row.person_id,
    justification: openStaffSecret(keyring, 'break-glass', row.id, row.justification_envelope),
    createdAt: row.created_at,
    expiresAt: row.expires_at,
    reviewedAt: row.reviewed_at,
    outcome: row.review_outcome,
  }));
}
