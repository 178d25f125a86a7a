/** What the DPO's dashboard counts from other features' tables (statuses and dates only: no personal data). */
import type { Db } from '../../db/database.js';

/** The severity of every alert not yet resolved (alerts are installation-wide). */
export async function listUnresolvedAlertSeverities(db: Db): Promise<{ severity: string }[]> {
  return db.selectFrom('alerts').select(['severity']).where('status', '!=', 'resolved').execute();
}

export async function listOpenIncidentStatuses(db: Db, organisationId: string): Promise<{ status: string }[]> {
  return db.selectFrom('incidents').select(['status']).where('organisation_id', '=', organisationId).where('status', '!=', 'closed').execute();
}

/** Kind and due date of every open data-subject request. */
export async function listOpenRightsRequestDeadlines(db: Db, organisationId: string): Promise<{ kind: string; due_at: string }[]> {
  return db.selectFrom('rights_requests').select(['kind', 'due_at']).where('organisation_id', '=', organisationId).where('status', '=', 'open').execute();
}
