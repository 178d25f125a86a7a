/**
 * Alerts: stored, and queued for delivery (e-mail to the DPO and
 * administrators, signed webhook) through the transactional outbox in the
 * same transaction, so an alert is never recorded without its notifications
 * or sent without being recorded.
 *
 * SECURITY: alerts carry ids, rule names and counts only, never personal data.
 */
import { newId } from '../../crypto/random.js';
import type { Db } from '../../db/database.js';
import type { Clock } from '../../platform/clock.js';
import type { DetectionConfig } from '../../platform/config.js';
import { insertAlert, listAlertRecipientEmails } from './alert.repository.js';
import { queueNotifications } from './outbox.repository.js';

export type Severity = 'critical' | 'high' | 'medium' | 'low';

/** What a rule reports. */
export interface AlertInput {
  readonly severity: Severity;
  readonly rule: string;
  readonly staffId: string | null;
  readonly personIds?: readonly string[];
  /** Fixed wording with ids and counts only. */
  readonly detail: string;
}

export interface AlertService {
  /** Record an alert and queue its notifications inside `trx`. Returns the alert id. */
  readonly raise: (trx: Db, alert: AlertInput) => Promise<string>;
}

/** Who is told: the DPO and administrators (enabled), plus configured addresses. */
async function recipients(trx: Db, config: DetectionConfig): Promise<string[]> {
  return [...new Set([...(await listAlertRecipientEmails(trx)), ...config.alertEmails])];
}

export function createAlertService(deps: { clock: Clock; config: DetectionConfig; onQueued?: () => void }): AlertService {
  return {
    async raise(trx, alert) {
      const id = newId();
      const at = deps.clock.now().toISOString();
      await insertAlert(trx, { id, at, severity: alert.severity, rule: alert.rule, staff_id: alert.staffId, person_ids: JSON.stringify(alert.personIds ?? []), detail: alert.detail, status: 'open', acknowledged_by: null, acknowledged_at: null, resolved_by: null, resolved_at: null });
      const payload = JSON.stringify({ id, at, severity: alert.severity, rule: alert.rule, staffId: alert.staffId, personCount: alert.personIds?.length ?? 0, detail: alert.detail });
      // Without an SMTP server configured, alerts are stored and shown in the UI only (nothing queued to fail forever).
      const emails = deps.config.smtpUrl ? await recipients(trx, deps.config) : [];
      const rows = emails.map((email) => ({ id: newId(), alert_id: id, channel: 'email', target: email, payload, created_at: at, next_attempt_at: at, sent_at: null, last_error: null }));
      if (deps.config.webhook) rows.push({ id: newId(), alert_id: id, channel: 'webhook', target: deps.config.webhook.url, payload, created_at: at, next_attempt_at: at, sent_at: null, last_error: null });
      if (rows.length > 0) await queueNotifications(trx, rows);
      // Deliver after commit; the outbox worker also runs on a timer, so nothing depends on this kick.
      if (deps.onQueued) setImmediate(deps.onQueued);
      return id;
    },
  };
}
