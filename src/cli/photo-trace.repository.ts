/** What `tacet photos trace` looks up: the served copy a watermark names, and the staff member it was served to. */
import type { Db } from '../db/database.js';

/** The served copy carrying `mark` (photo, kind, time) and who it was served to; undefined when no copy carries it. */
export async function findServedCopy(db: Db, mark: number): Promise<{ photo_id: string; kind: string; at: string; staff_id: string; display_name: string; email: string } | undefined> {
  return db
    .selectFrom('photo_marks')
    .innerJoin('staff', 'staff.id', 'photo_marks.staff_id')
    .select(['photo_marks.photo_id', 'photo_marks.kind', 'photo_marks.at', 'staff.id as staff_id', 'staff.display_name', 'staff.email'])
    .where('photo_marks.mark', '=', mark)
    .executeTakeFirst();
}
