/**
 * The audit log as it stands (events and their blocks), kept so an attack
 * test can put it back before the next attack.
 */
import type { Database, Db } from '../../src/db/database.js';

export interface AuditSnapshot {
  readonly events: Database['audit_events'][];
  readonly blocks: Database['audit_blocks'][];
}

export async function snapshotAuditLog(db: Db): Promise<AuditSnapshot> {
  return {
    events: await db.selectFrom('audit_events').selectAll().orderBy('seq').execute(),
    blocks: await db.selectFrom('audit_blocks').selectAll().orderBy('first_seq').execute(),
  };
}

/** Put the log back exactly as snapshotted (whatever an attack edited, deleted or added). */
export async function restoreAuditLog(db: Db, snapshot: AuditSnapshot): Promise<void> {
  await db.deleteFrom('audit_events').execute();
  await db.insertInto('audit_events').values(snapshot.events).execute();
  await db.deleteFrom('audit_blocks').execute();
  await db.insertInto('audit_blocks').values(snapshot.blocks).execute();
}
