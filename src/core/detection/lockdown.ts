/**
 * Organisation lockdown: intake keeps accepting sealed enquiries, but every
 * personal-data read needs a second person's approval, and every session
 * must sign in again when lockdown starts.
 */
import type { AuditLog } from '../../audit/audit-log.js';
import type { Db } from '../../db/database.js';
import type { Clock } from '../../platform/clock.js';

const KEY = 'lockdown';

export async function isLockdown(db: Db): Promise<boolean> {
  const row = await db.selectFrom('org_settings').select('value').where('key', '=', KEY).executeTakeFirst();
  return row ? (JSON.parse(row.value) as { on: boolean }).on : false;
}

/** Turn lockdown on or off (revoking every session when it starts). Returns sessions revoked. */
export async function setLockdown(deps: { db: Db; audit: AuditLog; clock: Clock }, on: boolean, actor: string): Promise<number> {
  const at = deps.clock.now().toISOString();
  return deps.db.transaction().execute(async (trx) => {
    const value = JSON.stringify({ on, since: at, by: actor });
    await trx.insertInto('org_settings').values({ key: KEY, value, updated_at: at }).onConflict((oc) => oc.column('key').doUpdateSet({ value, updated_at: at })).execute();
    const revoked = on ? Number((await trx.deleteFrom('sessions').executeTakeFirst()).numDeletedRows) : 0;
    await deps.audit.append(trx, [{ actor, action: on ? 'lockdown.on' : 'lockdown.off', purpose: `sessions-revoked:${revoked}`, outcome: 'success' }]);
    return revoked;
  });
}

/** An approved, unexpired second-person approval for this reader and person. */
export async function hasApproval(db: Db, requesterId: string, personId: string, nowIso: string): Promise<boolean> {
  const row = await db
    .selectFrom('read_approvals')
    .select('id')
    .where('requester_id', '=', requesterId)
    .where('person_id', '=', personId)
    .where('approved_at', 'is not', null)
    .where('expires_at', '>', nowIso)
    .executeTakeFirst();
  return Boolean(row);
}
