/**
 * Containment and evidence queries: locking a staff account and ending
 * sessions, the audit segment and checkpoints of an incident window, and
 * the chain of custody of exported evidence bundles.
 */
import type { Db } from '../../db/database.js';

/** The organisation of a staff member, if they exist. */
export async function findStaffOrganisation(db: Db, staffId: string): Promise<string | undefined> {
  return (await db.selectFrom('staff').select('organisation_id').where('id', '=', staffId).executeTakeFirst())?.organisation_id;
}

/** Lock a staff account, with the reason. */
export async function lockStaff(trx: Db, staffId: string, at: string, reason: string): Promise<void> {
  await trx.updateTable('staff').set({ locked_at: at, lock_reason: reason }).where('id', '=', staffId).execute();
}

/** End one staff member's sessions, or everyone's; returns how many ended. */
export async function deleteSessions(trx: Db, staffId: string | undefined): Promise<number> {
  let query = trx.deleteFrom('sessions');
  if (staffId) query = query.where('staff_id', '=', staffId);
  return Number((await query.executeTakeFirst()).numDeletedRows);
}

/** Audit events with `at` in [from, to], in chain order (at most `limit`). */
export async function listAuditEventsBetween(db: Db, from: string, to: string, limit: number) {
  return db.selectFrom('audit_events').selectAll().where('at', '>=', from).where('at', '<=', to).orderBy('seq').limit(limit).execute();
}

/** Checkpoints from `seq` on (at most `limit`), and the last one before it. */
export async function listCheckpointsAround(db: Db, seq: number, limit: number) {
  const from = await db.selectFrom('audit_checkpoints').selectAll().where('seq', '>=', seq).orderBy('seq').limit(limit).execute();
  const before = await db.selectFrom('audit_checkpoints').selectAll().where('seq', '<', seq).orderBy('seq', 'desc').limit(1).execute();
  return { before, from };
}

/** Earlier evidence exports of an incident, oldest first. */
export async function listEvidenceExports(db: Db, incidentId: string) {
  return db.selectFrom('evidence_exports').selectAll().where('incident_id', '=', incidentId).orderBy('exported_at').execute();
}

export async function insertEvidenceExport(trx: Db, row: { id: string; incident_id: string; sha256: string; exported_at: string; exported_by: string; events_from: number; events_to: number }): Promise<void> {
  await trx.insertInto('evidence_exports').values(row).execute();
}
