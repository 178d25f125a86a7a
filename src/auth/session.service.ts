/**
 * Staff sessions: 256-bit random tokens stored only as SHA-256 hashes, an
 * idle and an absolute timeout, a new token at every privilege change
 * (password, then second factor). A session is "pending" until the second
 * factor is verified; only auth routes accept a pending session.
 */
import { newId, randomToken } from '../crypto/random.js';
import { sha256Hex } from '../crypto/digest.js';
import type { Db } from '../db/database.js';
import type { Clock } from '../platform/clock.js';
import {
  deleteSession,
  deleteStaffSession,
  deleteStaffSessions,
  findSession,
  findSessionChallenge,
  insertSession,
  listVerifiedSessions,
  markSessionMfaVerified,
  markSessionSteppedUp,
  type SessionRow,
  setSessionChallenge,
  touchSession,
} from './session.repository.js';

export type { SessionRow };

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
      await insertSession(db, {
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
      });
      return token;
    },
    async resolve(token) {
      if (!/^[A-Za-z0-9_-]{43}$/.test(token)) return undefined;
      const idHash = sha256Hex(token);
      const row = await findSession(db, idHash);
      if (!row) return undefined;
      const now = clock.now().getTime();
      const lastSeen = new Date(row.last_seen_at).getTime();
      if (now >= new Date(row.expires_at).getTime() || now - lastSeen >= deps.idleMs) {
        await deleteSession(db, idHash);
        return undefined;
      }
      if (now - lastSeen > TOUCH_INTERVAL_MS) await touchSession(db, idHash, iso(now));
      return row;
    },
    async completeMfa(row) {
      const token = randomToken(32);
      // SECURITY: a new token once the second factor is proven (no session fixation across the privilege change).
      await markSessionMfaVerified(db, row.id_hash, sha256Hex(token), iso(clock.now().getTime()));
      return token;
    },
    async markSteppedUp(row) {
      await markSessionSteppedUp(db, row.id_hash, iso(clock.now().getTime()));
    },
    async setChallenge(row, challenge, ttlMs) {
      await setSessionChallenge(db, row.id_hash, challenge, iso(clock.now().getTime() + ttlMs));
    },
    async takeChallenge(row) {
      const current = await findSessionChallenge(db, row.id_hash);
      await setSessionChallenge(db, row.id_hash, null, null);
      if (!current?.challenge || !current.challenge_expires_at) return undefined;
      return new Date(current.challenge_expires_at).getTime() > clock.now().getTime() ? current.challenge : undefined;
    },
    async revoke(token) {
      await deleteSession(db, sha256Hex(token));
    },
    revokeById: (staffId, publicId) => deleteStaffSession(db, staffId, publicId),
    revokeAll: (staffId, exceptIdHash) => deleteStaffSessions(db, staffId, exceptIdHash),
    async list(staffId, currentIdHash) {
      const rows = await listVerifiedSessions(db, staffId);
      return rows.map((row) => ({ id: row.public_id, createdAt: row.created_at, lastSeenAt: row.last_seen_at, ip: row.ip, userAgent: row.user_agent, isCurrent: row.id_hash === currentIdHash }));
    },
  };
}
