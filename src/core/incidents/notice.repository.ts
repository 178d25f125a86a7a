/**
 * Breach notices' queries: the organisation's letter template, the notices
 * queued per person (ids and channel only) with their sealed outbox
 * messages, and their delivery state.
 */
import type { Db } from '../../db/database.js';

/** The organisation's saved template under `key`, if any. */
export async function findNoticeTemplate(db: Db, organisationId: string, key: string): Promise<{ subject: string; body: string } | undefined> {
  return db.selectFrom('notice_templates').select(['subject', 'body']).where('organisation_id', '=', organisationId).where('key', '=', key).executeTakeFirst();
}

/** Save (insert or replace) the organisation's template under `key`. */
export async function upsertNoticeTemplate(trx: Db, row: { organisation_id: string; key: string; subject: string; body: string; updated_at: string; updated_by: string }): Promise<void> {
  await trx
    .insertInto('notice_templates')
    .values(row)
    .onConflict((oc) => oc.columns(['organisation_id', 'key']).doUpdateSet({ subject: row.subject, body: row.body, updated_at: row.updated_at, updated_by: row.updated_by }))
    .execute();
}

/** The people already given a notice (or listed for substitute notice) for this incident. */
export async function listNoticedPersonIds(db: Db, incidentId: string): Promise<Set<string>> {
  return new Set((await db.selectFrom('incident_notices').select('person_id').where('incident_id', '=', incidentId).execute()).map((n) => n.person_id));
}

export interface OutboxMessage {
  readonly id: string;
  readonly alert_id: null;
  readonly channel: string;
  readonly target: string;
  readonly payload: string;
  readonly created_at: string;
  readonly next_attempt_at: string;
  readonly sent_at: null;
  readonly last_error: null;
}

export interface IncidentNotice {
  readonly id: string;
  readonly incident_id: string;
  readonly person_id: string;
  readonly channel: string;
  readonly outbox_id: string | null;
  readonly created_at: string;
}

/** Queue sealed messages and record the notices, 500 rows a statement. */
export async function insertNotices(trx: Db, outbox: readonly OutboxMessage[], notices: readonly IncidentNotice[]): Promise<void> {
  for (let i = 0; i < outbox.length; i += 500) await trx.insertInto('notification_outbox').values(outbox.slice(i, i + 500)).execute();
  for (let i = 0; i < notices.length; i += 500) await trx.insertInto('incident_notices').values(notices.slice(i, i + 500)).execute();
}

/** Each notice of the incident with its outbox message's delivery state (none for a substitute notice). */
export async function listNoticeDeliveries(db: Db, incidentId: string) {
  return db
    .selectFrom('incident_notices')
    .leftJoin('notification_outbox', 'notification_outbox.id', 'incident_notices.outbox_id')
    .select(['incident_notices.person_id', 'incident_notices.channel', 'notification_outbox.sent_at', 'notification_outbox.attempts', 'notification_outbox.last_error', 'notification_outbox.next_attempt_at'])
    .where('incident_notices.incident_id', '=', incidentId)
    .execute();
}
