/**
 * Automatic containment: lock the account, revoke every session, freeze its
 * exports, record the alert (and its notifications) and the audit event —
 * one transaction, inside the request that tripped the rule, which is then
 * refused. Only an administrator unlocks (after review).
 */
import type { AuditLog } from '../../audit/audit-log.js';
import type { Db } from '../../db/database.js';
import type { Clock } from '../../platform/clock.js';
import type { AlertInput, AlertService } from './alert.service.js';

export interface Containment {
  /** Contain a staff account for a critical alert. Returns the alert id. */
  readonly contain: (staffId: string, alert: AlertInput, context: { ip: string | null; sessionId: string | null }) => Promise<string>;
}

export function createContainment(deps: { db: Db; audit: AuditLog; alerts: AlertService; clock: Clock }): Containment {
  return {
    async contain(staffId, alert, context) {
      const at = deps.clock.now().toISOString();
      return deps.db.transaction().execute(async (trx) => {
        await trx.updateTable('staff').set({ locked_at: at, lock_reason: alert.rule, exports_frozen_at: at }).where('id', '=', staffId).execute();
        const revoked = await trx.deleteFrom('sessions').where('staff_id', '=', staffId).executeTakeFirst();
        const alertId = await deps.alerts.raise(trx, alert);
        await deps.audit.append(trx, [
          { actor: 'system:detection', action: 'containment.lock', personIds: alert.personIds ?? [], recordRefs: [`staff:${staffId}`, `alert:${alertId}`], purpose: `${alert.rule}; sessions-revoked:${Number(revoked.numDeletedRows)}`, ip: context.ip, sessionId: context.sessionId, outcome: 'success' },
        ]);
        return alertId;
      });
    },
  };
}
