/**
 * Delivers queued notifications: e-mail over SMTP (nodemailer) and signed
 * webhooks (HMAC-SHA256 over timestamp and body). A failed delivery is kept
 * and retried with exponential back-off (5 s doubling to 10 min), so an alert
 * survives a mail server that is down.
 */
import nodemailer, { type Transporter } from 'nodemailer';
import { hmacHex } from '../../crypto/digest.js';
import type { Db } from '../../db/database.js';
import type { Clock } from '../../platform/clock.js';
import type { DetectionConfig } from '../../platform/config.js';
import type { Logger } from '../../platform/logger.js';
import { openOutboxPayload } from '../../crypto/keyring.js';
import type { KeySource } from '../../crypto/key-source.js';
import { listDueNotifications, markNotificationFailed, markNotificationSent } from './outbox.repository.js';

export const MAX_BACKOFF_MS = 10 * 60_000;

/**
 * The Message-ID of a queued mail is its outbox id: delivery is at least once
 * (a crash between the mail server's acceptance and our commit resends it),
 * and a resend carries the same Message-ID, which mail systems and readers
 * recognise as the same message.
 */
export function messageIdOf(outboxId: string): string {
  return `<${outboxId}@outbox.tacet>`;
}
export const FIRST_BACKOFF_MS = 5_000;

export interface OutboxService {
  /** Deliver what is due now; returns counts. Never throws for a delivery failure. */
  readonly deliverDue: () => Promise<{ sent: number; failed: number }>;
  readonly close: () => void;
}

interface AlertPayload {
  readonly id: string;
  readonly at: string;
  readonly severity: string;
  readonly rule: string;
  readonly staffId: string | null;
  readonly personCount: number;
  readonly detail: string;
}

function emailText(alert: AlertPayload): { subject: string; text: string } {
  return {
    subject: `[Tacet ${alert.severity.toUpperCase()}] ${alert.rule}`,
    text: [
      `Tacet raised a ${alert.severity} alert at ${alert.at} (UTC).`,
      '',
      `Rule: ${alert.rule}`,
      `What happened: ${alert.detail}`,
      `Staff account: ${alert.staffId ?? 'n/a'}`,
      `People involved: ${alert.personCount}`,
      `Alert id: ${alert.id}`,
      '',
      'Open Tacet → Alerts to acknowledge and resolve it. This message contains no patient data.',
    ].join('\n'),
  };
}

export function createOutboxService(deps: { db: Db; clock: Clock; config: DetectionConfig; logger: Logger; vault?: KeySource }): OutboxService {
  const { db, clock, config } = deps;
  let transport: Transporter | undefined;
  const mailer = (): Transporter => {
    transport ??= nodemailer.createTransport(config.smtpUrl as string);
    return transport;
  };
  // Runs are serialised: each call gets a run that starts after it was made (so it sees every row committed before the call).
  let queue: Promise<{ sent: number; failed: number }> = Promise.resolve({ sent: 0, failed: 0 });

  async function deliver(row: { id: string; channel: string; target: string; payload: string }): Promise<void> {
    if (row.channel === 'notice-email' || row.channel === 'ack-email') {
      // A breach notice or an enquiry's acknowledgement: address and letter are sealed; opened only here, only to hand to the mail server.
      if (!config.smtpUrl) throw new Error('no SMTP server configured (TACET_SMTP_URL)');
      if (!deps.vault?.isUnsealed()) throw new Error('vault sealed: notices wait until it is unsealed');
      const notice = openOutboxPayload(deps.vault.keyring(), row.id, row.payload) as { to: string; subject: string; text: string; from?: string };
      await mailer().sendMail({ from: notice.from ?? config.alertFrom, to: notice.to, subject: notice.subject, text: notice.text, messageId: messageIdOf(row.id) });
      return;
    }
    if (row.channel === 'staff-email') {
      // A reminder to a staff member (their own tasks; no patient data).
      if (!config.smtpUrl) throw new Error('no SMTP server configured (TACET_SMTP_URL)');
      const message = JSON.parse(row.payload) as { subject: string; text: string };
      await mailer().sendMail({ from: config.alertFrom, to: row.target, subject: message.subject, text: message.text, messageId: messageIdOf(row.id) });
      return;
    }
    const alert = JSON.parse(row.payload) as AlertPayload;
    if (row.channel === 'email') {
      if (!config.smtpUrl) throw new Error('no SMTP server configured (TACET_SMTP_URL)');
      await mailer().sendMail({ from: config.alertFrom, to: row.target, ...emailText(alert), messageId: messageIdOf(row.id) });
    } else if (row.channel === 'webhook') {
      const timestamp = String(Math.floor(clock.now().getTime() / 1000));
      const signature = hmacHex(Buffer.from(config.webhook?.secret ?? '', 'utf8'), `${timestamp}.${row.payload}`);
      const response = await fetch(row.target, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-tacet-timestamp': timestamp, 'x-tacet-signature': `sha256=${signature}` },
        body: row.payload,
        signal: AbortSignal.timeout(10_000),
      });
      if (!response.ok) throw new Error(`webhook answered ${response.status}`);
    } else {
      throw new Error(`unknown channel ${row.channel}`);
    }
  }

  async function deliverDue(): Promise<{ sent: number; failed: number }> {
    const now = clock.now();
    const due = await listDueNotifications(db, now.toISOString());
    let sent = 0;
    let failed = 0;
    for (const row of due) {
      try {
        await deliver(row);
        // A delivered notice's or acknowledgement's sealed address and letter are no longer needed: drop them.
        await markNotificationSent(db, row.id, { at: clock.now().toISOString(), attempts: Number(row.attempts) + 1, isPayloadDropped: row.channel === 'notice-email' || row.channel === 'ack-email' });
        sent += 1;
      } catch (error) {
        const attempts = Number(row.attempts) + 1;
        const backoff = Math.min(MAX_BACKOFF_MS, FIRST_BACKOFF_MS * 2 ** (attempts - 1));
        // SECURITY: the error text is the transport's (no payload), trimmed.
        const message = error instanceof Error ? error.message.slice(0, 200) : 'delivery failed';
        await markNotificationFailed(db, row.id, { attempts, nextAttemptAt: new Date(clock.now().getTime() + backoff).toISOString(), lastError: message });
        deps.logger.warn({ outbox: row.id, channel: row.channel, attempts, retryInMs: backoff }, 'notification delivery failed; will retry');
        failed += 1;
      }
    }
    return { sent, failed };
  }

  return {
    deliverDue() {
      queue = queue.then(deliverDue, deliverDue);
      return queue;
    },
    close() {
      transport?.close();
    },
  };
}
