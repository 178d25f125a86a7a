/**
 * Staff sessions: 256-bit random tokens stored only as SHA-256 hashes, an
 * idle and an absolute timeout, a new token at every privilege change
 * (password, then second factor). A session is "pending" until the second
 * factor is verified; only auth routes accept a pending session.
 */
import { newId, randomToken, sha256Hex } from '../crypto/random.js';
import type { Db } from '../db/database.js';
import type { SessionsTable } from '../db/tables.js';
import type { Clock } from '../platform/clock.js';
import type { Selectable } from 'kysely';

export type SessionRow = Selectable<SessionsTable>;

/** What the session list shows (no token, no hash). */
export interface SessionSummary {
  readonly id: string;
  readonly createdAt: string;
  readonly lastSeenAt: string;
  readonly ip: string | null;
  readonly userAgent: string | null;
  readonly isCurrent: boolean;
}

/** Session operations. */
export interface SessionService {
  /** A new pending session (password proven). Returns the cookie token. */
  readonly create: (staffId: string, meta: { ip: string | null; userAgent: string | null }) => Promise<string>;
  /** The live session for a token (refreshing its idle timer), or undefined. */
  readonly resolve: (token: string) => Promise<SessionRow | undefined>;
  /** Mark the second factor verified and rotate the token. Returns the new token. */
  readonly completeMfa: (row: SessionRow) => Promise<string>;
  readonly markSteppedUp: (row: SessionRow) => Promise<void>;
  readonly setChallenge: (row: SessionRow, challenge: string, ttlMs: number) => Promise<void>;
  /** The pending challenge, consumed (one use) if unexpired. */
  readonly takeChallenge: (row: SessionRow) => Promise<string | undefined>;
  readonly revoke: (token: string) => Promise<void>;
  readonly revokeById: (staffId: string, publicId: string) => Promise<boolean>;
  /** Revoke every session of a staff member (optionally keeping one). Returns how many. */
  readonly revokeAll: (staffId: string, exceptIdHash?: string) => Promise<number>;
  readonly list: (staffId: string, currentIdHash: string) => Promise<SessionSummary[]>;
}

const TOUCH_INTERVAL_MS = 30_000;

/** Create the session service. */
export function createSessionService(deps: { db: Db; clock: Clock; idleMs: number; absoluteMs: number }): SessionService {
  const { db, clock } = deps;
  const iso = (ms: number) => new Date(ms).toISOString();
  return {
    async create(staffId, meta) {
      const token = randomToken(32);
      const now = clock.now().getTime();
      await db
        .insertInto('sessions')
        .values({
          id_hash: sha256Hex(token),
          public_id: newId(),
          staff_id: staffId,
          created_at: iso(now),
          last_seen_at: iso(now),
          expires_at: iso(now + deps.absoluteMs),
          mfa_at: null,
          stepped_up_at: null,
          ip: meta.ip,
          user_agent: meta.userAgent?.slice(0, 200) ?? null,
          challenge: null,
          challenge_expires_at: null,
        })
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
      if (now - lastSeen > TOUCH_INTERVAL_MS) await db.updateTable('sessions').set({ last_seen_at: iso(now) }).where('id_hash', '=', idHash).execute();
      return row;
    },
    async completeMfa(row) {
      const token = randomToken(32);
      const now = iso(clock.now().getTime());
      // SECURITY: a new token once the second factor is proven (no session fixation across the privilege change).
      await db.updateTable('sessions').set({ id_hash: sha256Hex(token), mfa_at: now, stepped_up_at: now, challenge: null, challenge_expires_at: null }).where('id_hash', '=', row.id_hash).execute();
      return token;
    },
    async markSteppedUp(row) {
      await db.updateTable('sessions').set({ stepped_up_at: iso(clock.now().getTime()) }).where('id_hash', '=', row.id_hash).execute();
    },
    async setChallenge(row, challenge, ttlMs) {
      await db.updateTable('sessions').set({ challenge, challenge_expires_at: iso(clock.now().getTime() + ttlMs) }).where('id_hash', '=', row.id_hash).execute();
    },
    async takeChallenge(row) {
      const current = await db.selectFrom('sessions').select(['challenge', 'challenge_expires_at']).where('id_hash', '=', row.id_hash).executeTakeFirst();
      await db.updateTable('sessions').set({ challenge: null, challenge_expires_at: null }).where('id_hash', '=', row.id_hash).execute();
      if (!current?.challenge || !current.challenge_expires_at) return undefined;
      return new Date(current.challenge_expires_at).getTime() > clock.now().getTime() ? current.challenge : undefined;
    },
    async revoke(token) {
      await db.deleteFrom('sessions').where('id_hash', '=', sha256Hex(token)).execute();
    },
    async revokeById(staffId, publicId) {
      const result = await db.deleteFrom('sessions').where('staff_id', '=', staffId).where('public_id', '=', publicId).executeTakeFirst();
      return Number(result.numDeletedRows) > 0;
    },
    async revokeAll(staffId, exceptIdHash) {
      let query = db.deleteFrom('sessions').where('staff_id', '=', staffId);
      if (exceptIdHash) query = query.where('id_hash', '!=', exceptIdHash);
      const result = await query.executeTakeFirst();
      return Number(result.numDeletedRows);
    },
    async list(staffId, currentIdHash) {
      const rows = await db.selectFrom('sessions').selectAll().where('staff_id', '=', staffId).where('mfa_at', 'is not', null).orderBy('last_seen_at', 'desc').execute();
      return rows.map((row) => ({ id: row.public_id, createdAt: row.created_at, lastSeenAt: row.last_seen_at, ip: row.ip, userAgent: row.user_agent, isCurrent: row.id_hash === currentIdHash }));
    },
  };
}
