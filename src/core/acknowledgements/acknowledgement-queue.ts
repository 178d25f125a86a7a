/**
 * Queueing acknowledgement e-mails inside ingest's transaction: for each
 * newly stored enquiry whose sender asked for one, at most one message per
 * person per day (TACET_TIMEZONE), rendered from the clinic's template and
 * sealed into the notification outbox with its address. Because it is the
 * same transaction as the enquiry, a crash before the commit leaves neither
 * (the inbox row is retried and queues it then), and a crash after it leaves
 * both (the retry sees a stored submission and queues nothing).
 *
 * SECURITY: the address lives only inside the sealed payload (the outbox's
 * `target` column is empty), and the outbox drops the payload once the mail
 * is delivered. The day key is a person id and a date: no personal data.
 */
import type { AuditEvent } from '../../audit/audit-log.js';
import { type Keyring, sealOutboxPayload } from '../../crypto/keyring.js';
import { newId } from '../../crypto/random.js';
import type { Db } from '../../db/database.js';
import { dateInZone } from '../detection/network.js';
import { queueNotifications } from '../detection/outbox.repository.js';
import { DEFAULT_TEMPLATE, render } from './acknowledgement-template.js';
import { clinicNames, findAcknowledgedOn, findTemplates, recordAcknowledged, templateOf } from './acknowledgement.repository.js';

/** The outbox channel of acknowledgements (sealed like breach notices). */
export const ACK_CHANNEL = 'ack-email';

/** How acknowledgements are sent: only with an SMTP server (TACET_SMTP_URL). */
export interface AcknowledgementSettings {
  readonly isEnabled: boolean;
  readonly from: string;
  readonly timeZone: string;
}

/** One stored enquiry whose sender asked for an acknowledgement. */
export interface AcknowledgementRequest {
  readonly enquiryId: string;
  readonly personId: string;
  readonly clinicId: string;
  readonly organisationId: string;
  /** As typed on the form (validated there); sealed at once. */
  readonly email: string;
  readonly reference: string;
}

export interface AcknowledgementQueue {
  /** Queue the acknowledgements a batch asks for in `trx`; returns the audit events of what was queued (none when disabled). */
  readonly queue: (trx: Db, keyring: Keyring, requests: readonly AcknowledgementRequest[], at: Date) => Promise<AuditEvent[]>;
}

const DAY_MS = 86_400_000;

export function createAcknowledgementQueue(settings: AcknowledgementSettings): AcknowledgementQueue {
  return {
    async queue(trx, keyring, requests, at) {
      if (!settings.isEnabled || requests.length === 0) return [];
      const day = dateInZone(at, settings.timeZone);
      const already = await findAcknowledgedOn(trx, day, requests.map((r) => r.personId));
      const todo = requests.filter((r) => {
        if (already.has(r.personId)) return false;
        already.add(r.personId); // a second enquiry of the same person in this batch
        return true;
      });
      if (todo.length === 0) return [];
      const templates = new Map((await findTemplates(trx, todo.flatMap((r) => [r.clinicId, r.organisationId]))).map((row) => [row.scope_id, templateOf(row)]));
      const names = await clinicNames(trx, todo.map((r) => r.clinicId));
      const iso = at.toISOString();
      const events: AuditEvent[] = [];
      const rows = todo.map((r) => {
        const template = templates.get(r.clinicId) ?? templates.get(r.organisationId) ?? DEFAULT_TEMPLATE;
        const message = render(template, { clinic: names.get(r.clinicId) ?? '', reference: r.reference });
        const id = newId();
        events.push({ actor: 'system:ingest', action: 'enquiry.acknowledge', personIds: [r.personId], recordRefs: [`enquiry:${r.enquiryId}`, `outbox:${id}`], outcome: 'success' });
        return { id, alert_id: null, channel: ACK_CHANNEL, target: '', payload: sealOutboxPayload(keyring, id, { to: r.email, from: settings.from, ...message }), created_at: iso, next_attempt_at: iso, sent_at: null, last_error: null };
      });
      await queueNotifications(trx, rows);
      await recordAcknowledged(trx, todo.map((r) => ({ person_id: r.personId, day })), dateInZone(new Date(at.getTime() - 2 * DAY_MS), settings.timeZone));
      return events;
    },
  };
}
