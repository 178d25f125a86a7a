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
import { lockStaffAccount, revokeStaffSessions } from './detection.repository.js';

export interface Containment {
  /** Contain a staff account for a critical alert. Returns the alert id. */
  readonly contain: (staffId: string, alert: AlertInput, context: { ip: string | null; sessionId: string | null }) => Promise<string>;
}

export function createContainment(deps: { db: Db; audit: AuditLog; alerts: AlertService; clock: Clock }): Containment {
  return {
    async contain(staffId, alert, context) {
      const at = deps.clock.now().toISOString();
      return deps.db.transaction().execute(async (trx) => {
        await lockStaffAccount(trx, staffId, alert.rule, at);
        const revoked = await revokeStaffSessions(trx, staffId);
        const alertId = await deps.alerts.raise(trx, alert);
        await deps.audit.append(trx, [
          { actor: 'system:detection', action: 'containment.lock', personIds: alert.personIds ?? [], recordRefs: [`staff:${staffId}`, `alert:${alertId}`], purpose: `${alert.rule}; sessions-revoked:${revoked}`, ip: context.ip, sessionId: context.sessionId, outcome: 'success' },
        ]);
        return alertId;
      });
    },
  };
}
