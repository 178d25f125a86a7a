/** Lockdown's setting, the sessions it revokes, and the second-person read approvals it requires. */
import type { Db } from '../../db/database.js';

/** An organisation setting's stored JSON, if set. */
export async function findSetting(db: Db, key: string): Promise<string | undefined> {
  return (await db.selectFrom('org_settings').select('value').where('key', '=', key).executeTakeFirst())?.value;
}

/** Set an organisation setting (insert or replace). */
export async function upsertSetting(db: Db, key: string, value: string, at: string): Promise<void> {
  await db.insertInto('org_settings').values({ key, value, updated_at: at }).onConflict((oc) => oc.column('key').doUpdateSet({ value, updated_at: at })).execute();
}

/** Revoke every session of everyone. Returns how many there were. */
export async function revokeAllSessions(trx: Db): Promise<number> {
  return Number((await trx.deleteFrom('sessions').executeTakeFirst()).numDeletedRows);
}

/** Is there an approved approval for this reader and person that expires after `nowIso`? */
export async function hasUnexpiredApproval(db: Db, requesterId: string, personId: string, nowIso: string): Promise<boolean> {
  const row = await db
    .selectFrom('read_approvals')
    .select('id')
    .where('requester_id', '=', requesterId)
    .where('person_id', '=', personId)
    .where('approved_at', 'is not', null)
    .where('expires_at', '>', nowIso)
    .executeTakeFirst();
  return Boolean(row);
}

/** Ask for a second person's approval to open an enquiry's person. */
export async function insertApprovalRequest(db: Db, request: { id: string; requesterId: string; enquiryId: string; personId: string; at: string }): Promise<void> {
  await db
    .insertInto('read_approvals')
    .values({ id: request.id, requester_id: request.requesterId, enquiry_id: request.enquiryId, person_id: request.personId, created_at: request.at, approver_id: null, approved_at: null, expires_at: null })
    .execute();
}

/** Requests not yet approved, from anyone but `staffId`, for enquiries in `clinicIds`, oldest first. */
export async function listPendingApprovals(db: Db, staffId: string, clinicIds: readonly string[]) {
  return db
    .selectFrom('read_approvals')
    .innerJoin('enquiries', 'enquiries.id', 'read_approvals.enquiry_id')
    .innerJoin('staff', 'staff.id', 'read_approvals.requester_id')
    .select(['read_approvals.id', 'read_approvals.enquiry_id', 'read_approvals.created_at', 'staff.display_name'])
    .where('read_approvals.approved_at', 'is', null)
    .where('read_approvals.requester_id', '!=', staffId)
    .where('enquiries.clinic_id', 'in', clinicIds.length > 0 ? [...clinicIds] : ['-'])
    .orderBy('read_approvals.created_at')
    .execute();
}

/** A request not yet approved. */
export async function findPendingApproval(db: Db, id: string) {
  return db.selectFrom('read_approvals').selectAll().where('id', '=', id).where('approved_at', 'is', null).executeTakeFirst();
}

/** Approve a request until `expiresAt`. */
export async function approveRequest(db: Db, id: string, approval: { approverId: string; at: string; expiresAt: string }): Promise<void> {
  await db.updateTable('read_approvals').set({ approver_id: approval.approverId, approved_at: approval.at, expires_at: approval.expiresAt }).where('id', '=', id).execute();
}
