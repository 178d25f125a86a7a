/** The notification outbox: alerts' e-mails and webhooks (and other queued mail) waiting for delivery. */
import type { Insertable, Selectable } from 'kysely';
import type { Database, Db } from '../../db/database.js';

export type NotificationRow = Selectable<Database['notification_outbox']>;

/** Queue notifications (inside the transaction of what they tell about). */
export async function queueNotifications(trx: Db, rows: readonly Insertable<Database['notification_outbox']>[]): Promise<void> {
  await trx.insertInto('notification_outbox').values([...rows]).execute();
}

/** Up to 100 unsent notifications due at `nowIso`, earliest first. */
export async function listDueNotifications(db: Db, nowIso: string): Promise<NotificationRow[]> {
  return db.selectFrom('notification_outbox').selectAll().where('sent_at', 'is', null).where('next_attempt_at', '<=', nowIso).orderBy('next_attempt_at').limit(100).execute();
}

/** Mark a notification delivered; `isPayloadDropped` replaces a sealed payload nobody needs any more. */
export async function markNotificationSent(db: Db, id: string, sent: { at: string; attempts: number; isPayloadDropped: boolean }): Promise<void> {
  await db
    .updateTable('notification_outbox')
    .set({ sent_at: sent.at, attempts: sent.attempts, last_error: null, ...(sent.isPayloadDropped ? { payload: '"delivered"' } : {}) })
    .where('id', '=', id)
    .execute();
}

/** Record a failed attempt and when to try again. */
export async function markNotificationFailed(db: Db, id: string, failed: { attempts: number; nextAttemptAt: string; lastError: string }): Promise<void> {
  await db.updateTable('notification_outbox').set({ attempts: failed.attempts, next_attempt_at: failed.nextAttemptAt, last_error: failed.lastError }).where('id', '=', id).execute();
}
