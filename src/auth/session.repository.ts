/** Staff sessions as stored: keyed by the SHA-256 of the cookie token, never the token itself. */
import type { Insertable, Selectable } from 'kysely';
import type { Db } from '../db/database.js';
import type { SessionsTable } from '../db/tables.js';

export type SessionRow = Selectable<SessionsTable>;

export async function insertSession(db: Db, row: Insertable<SessionsTable>): Promise<void> {
  await db.insertInto('sessions').values(row).execute();
}

export async function findSession(db: Db, idHash: string): Promise<SessionRow | undefined> {
  return db.selectFrom('sessions').selectAll().where('id_hash', '=', idHash).executeTakeFirst();
}

export async function deleteSession(db: Db, idHash: string): Promise<void> {
  await db.deleteFrom('sessions').where('id_hash', '=', idHash).execute();
}

export async function touchSession(db: Db, idHash: string, lastSeenAt: string): Promise<void> {
  await db.updateTable('sessions').set({ last_seen_at: lastSeenAt }).where('id_hash', '=', idHash).execute();
}

/** Second factor proven at `at`: the session gets a new key (token hash), counts as stepped up and drops any challenge. */
export async function markSessionMfaVerified(db: Db, idHash: string, newIdHash: string, at: string): Promise<void> {
  await db.updateTable('sessions').set({ id_hash: newIdHash, mfa_at: at, stepped_up_at: at, challenge: null, challenge_expires_at: null }).where('id_hash', '=', idHash).execute();
}

export async function markSessionSteppedUp(db: Db, idHash: string, at: string): Promise<void> {
  await db.updateTable('sessions').set({ stepped_up_at: at }).where('id_hash', '=', idHash).execute();
}

/** Store a WebAuthn challenge (`null`s clear it). */
export async function setSessionChallenge(db: Db, idHash: string, challenge: string | null, expiresAt: string | null): Promise<void> {
  await db.updateTable('sessions').set({ challenge, challenge_expires_at: expiresAt }).where('id_hash', '=', idHash).execute();
}

export async function findSessionChallenge(db: Db, idHash: string): Promise<{ challenge: string | null; challenge_expires_at: string | null } | undefined> {
  return db.selectFrom('sessions').select(['challenge', 'challenge_expires_at']).where('id_hash', '=', idHash).executeTakeFirst();
}

/** Delete one session of a staff member by its public id. Answers whether there was one. */
export async function deleteStaffSession(db: Db, staffId: string, publicId: string): Promise<boolean> {
  const result = await db.deleteFrom('sessions').where('staff_id', '=', staffId).where('public_id', '=', publicId).executeTakeFirst();
  return Number(result.numDeletedRows) > 0;
}

/** Delete every session of a staff member (optionally but one). Returns how many. */
export async function deleteStaffSessions(db: Db, staffId: string, exceptIdHash?: string): Promise<number> {
  let query = db.deleteFrom('sessions').where('staff_id', '=', staffId);
  if (exceptIdHash) query = query.where('id_hash', '!=', exceptIdHash);
  const result = await query.executeTakeFirst();
  return Number(result.numDeletedRows);
}

/** A staff member's fully signed-in sessions (second factor proven), most recently seen first. */
export async function listVerifiedSessions(db: Db, staffId: string): Promise<SessionRow[]> {
  return db.selectFrom('sessions').selectAll().where('staff_id', '=', staffId).where('mfa_at', 'is not', null).orderBy('last_seen_at', 'desc').execute();
}
