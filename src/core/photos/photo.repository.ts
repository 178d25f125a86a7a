/** Photos (metadata; the bytes are ciphertext in the blob store), the marks of served copies, and export requests. */
import type { Insertable } from 'kysely';
import type { Database, Db } from '../../db/database.js';

/** Record a served copy under `mark` unless the mark is taken. Returns whether it was recorded. */
export async function insertMarkIfFree(db: Db, mark: Insertable<Database['photo_marks']>): Promise<boolean> {
  const inserted = await db.insertInto('photo_marks').values(mark).onConflict((oc) => oc.column('mark').doNothing()).returning('mark').executeTakeFirst();
  return inserted !== undefined;
}

/** Who was served the copy carrying `mark`, and when. */
export async function findMark(db: Db, mark: number) {
  return db.selectFrom('photo_marks').selectAll().where('mark', '=', mark).executeTakeFirst();
}

export async function insertPhoto(db: Db, photo: Insertable<Database['photos']>): Promise<void> {
  await db.insertInto('photos').values(photo).execute();
}

/** A patient's photos as an export names them, in the order they were taken. */
export async function listPhotosForExport(db: Db, patientId: string) {
  return db.selectFrom('photos').select(['id', 'phase', 'angle', 'taken_on']).where('patient_id', '=', patientId).orderBy('taken_on').execute();
}

/** When the staff member's exports were frozen (null: they are not); the staff member must exist. */
export async function findExportsFrozenAt(db: Db, staffId: string): Promise<string | null> {
  return (await db.selectFrom('staff').select('exports_frozen_at').where('id', '=', staffId).executeTakeFirstOrThrow()).exports_frozen_at;
}

/** The organisation of a staff member, if the staff member exists. */
export async function findStaffOrganisationId(db: Db, staffId: string): Promise<string | undefined> {
  return (await db.selectFrom('staff').select('organisation_id').where('id', '=', staffId).executeTakeFirst())?.organisation_id;
}

export async function insertPhotoExport(db: Db, request: Insertable<Database['photo_exports']>): Promise<void> {
  await db.insertInto('photo_exports').values(request).execute();
}

export async function findPhotoExport(db: Db, exportId: string) {
  return db.selectFrom('photo_exports').selectAll().where('id', '=', exportId).executeTakeFirst();
}

export async function approvePhotoExport(db: Db, exportId: string, approval: { approverId: string; approvedAt: string; expiresAt: string }): Promise<void> {
  await db.updateTable('photo_exports').set({ approver_id: approval.approverId, approved_at: approval.approvedAt, expires_at: approval.expiresAt }).where('id', '=', exportId).execute();
}

/** The organisation's latest 100 export requests with the requester's name, newest first. */
export async function listPhotoExports(db: Db, organisationId: string) {
  return db
    .selectFrom('photo_exports')
    .innerJoin('staff', 'staff.id', 'photo_exports.requester_id')
    .select(['photo_exports.id', 'photo_exports.requester_id', 'photo_exports.patient_ids', 'photo_exports.reason', 'photo_exports.created_at', 'photo_exports.approved_at', 'photo_exports.expires_at', 'photo_exports.downloaded_at', 'staff.display_name'])
    .where('staff.organisation_id', '=', organisationId)
    .orderBy('photo_exports.created_at', 'desc')
    .limit(100)
    .execute();
}

/** Mark an export downloaded unless it already is. Returns whether this call claimed it. */
export async function claimExportDownload(db: Db, exportId: string, at: string): Promise<boolean> {
  const claimed = await db.updateTable('photo_exports').set({ downloaded_at: at }).where('id', '=', exportId).where('downloaded_at', 'is', null).executeTakeFirst();
  return Number(claimed.numUpdatedRows) === 1;
}
