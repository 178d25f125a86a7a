/** Stored alerts and who is told of them. Ids, rule names and counts only. */
import type { Insertable } from 'kysely';
import type { Database, Db } from '../../db/database.js';

/** E-mail addresses of the enabled DPOs and administrators. */
export async function listAlertRecipientEmails(db: Db): Promise<string[]> {
  const staff = await db.selectFrom('staff').select('email').where('org_role', 'in', ['dpo', 'administrator']).where('disabled_at', 'is', null).execute();
  return staff.map((s) => s.email);
}

/** Store an alert. */
export async function insertAlert(trx: Db, alert: Insertable<Database['alerts']>): Promise<void> {
  await trx.insertInto('alerts').values(alert).execute();
}

/** The latest 200 alerts in `status` (or in any, for `all`), newest first, with the staff member's name. */
export async function listAlerts(db: Db, status: string) {
  let query = db
    .selectFrom('alerts')
    .leftJoin('staff', 'staff.id', 'alerts.staff_id')
    .select(['alerts.id', 'alerts.at', 'alerts.severity', 'alerts.rule', 'alerts.staff_id', 'staff.display_name', 'alerts.person_ids', 'alerts.detail', 'alerts.status'])
    .orderBy('alerts.at', 'desc')
    .limit(200);
  if (status !== 'all') query = query.where('alerts.status', '=', status);
  return query.execute();
}

/** Acknowledge or resolve an alert. Returns false if there is no such alert. */
export async function updateAlertStatus(
  db: Db,
  id: string,
  changes: { status: 'acknowledged'; acknowledged_by: string; acknowledged_at: string } | { status: 'resolved'; resolved_by: string; resolved_at: string },
): Promise<boolean> {
  const result = await db.updateTable('alerts').set(changes).where('id', '=', id).executeTakeFirst();
  return Number(result.numUpdatedRows) !== 0;
}
