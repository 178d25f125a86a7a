/**
 * Staff sessions: 256-bit random ids, stored only as SHA-256 hashes, with an
 * idle and an absolute timeout. A new id at every login.
 */
import { randomToken, sha256Hex } from '../crypto/random.js';
import type { Db } from '../db/database.js';
import type { Clock } from '../platform/clock.js';

/** Session operations. */
export interface SessionService {
  readonly create: (staffId: string) => Promise<string>;
  /** The staff id of a live session, refreshing its idle timer; undefined if absent or expired. */
  readonly resolve: (token: string) => Promise<string | undefined>;
  readonly revoke: (token: string) => Promise<void>;
}

const TOUCH_INTERVAL_MS = 30_000;

/** Create the session service. */
export function createSessionService(deps: { db: Db; clock: Clock; idleMs: number; absoluteMs: number }): SessionService {
  const { db, clock } = deps;
  return {
    async create(staffId) {
      const token = randomToken(32);
      const now = clock.now();
      await db
        .insertInto('sessions')
        .values({ id_hash: sha256Hex(token), staff_id: staffId, created_at: now.toISOString(), last_seen_at: now.toISOString(), expires_at: new Date(now.getTime() + deps.absoluteMs).toISOString() })
        .execute();
      return token;
    },
    async resolve(token) {
      if (!/^[A-Za-z0-9_-]{43}$/.test(token)) return undefined;
      const idHash = sha256Hex(token);
      const row = await db.selectFrom('sessions').selectAll().where('id_hash', '=', idHash).executeTakeFirst();
      if (!row) return undefined;
      const now = clock.now().getTime();
      const lastSeen = new Date(row.last_seen_at).getTime();
      if (now >= new Date(row.expires_at).getTime() || now - lastSeen >= deps.idleMs) {
        await db.deleteFrom('sessions').where('id_hash', '=', idHash).execute();
        return undefined;
      }
      if (now - lastSeen > TOUCH_INTERVAL_MS) await db.updateTable('sessions').set({ last_seen_at: new Date(now).toISOString() }).where('id_hash', '=', idHash).execute();
      return row.staff_id;
    },
    async revoke(token) {
      await db.deleteFrom('sessions').where('id_hash', '=', sha256Hex(token)).execute();
    },
  };
}
