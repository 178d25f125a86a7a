/**
 * Organisation lockdown: intake keeps accepting sealed enquiries, but every
 * personal-data read needs a second person's approval, and every session
 * must sign in again when lockdown starts.
 */
import type { AuditLog } from '../../audit/audit-log.js';
import type { Db } from '../../db/database.js';
import type { Clock } from '../../platform/clock.js';
import { findSetting, hasUnexpiredApproval, revokeAllSessions, upsertSetting } from './lockdown.repository.js';

const KEY = 'lockdown';

export async function isLockdown(db: Db): Promise<boolean> {
  const value = await findSetting(db, KEY);
  return value !== undefined ? (JSON.parse(value) as { on: boolean }).on : false;
}

/** Turn lockdown on or off (revoking every session when it starts). Returns sessions revoked. */
export async function setLockdown(deps: { db: Db; audit: AuditLog; clock: Clock }, on: boolean, actor: string): Promise<number> {
  const at = deps.clock.now().toISOString();
  return deps.db.transaction().execute(async (trx) => {
    const value = JSON.stringify({ on, since: at, by: actor });
    await upsertSetting(trx, KEY, value, at);
    const revoked = on ? await revokeAllSessions(trx) : 0;
    await deps.audit.append(trx, [{ actor, action: on ? 'lockdown.on' : 'lockdown.off', purpose: `sessions-revoked:${revoked}`, outcome: 'success' }]);
    return revoked;
  });
}

/** An approved, unexpired second-person approval for this reader and person. */
export async function hasApproval(db: Db, requesterId: string, personId: string, nowIso: string): Promise<boolean> {
  return hasUnexpiredApproval(db, requesterId, personId, nowIso);
}
