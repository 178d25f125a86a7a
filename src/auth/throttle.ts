/**
 * Failure counters per sign-in factor and per IP address. A factor that fails
 * too often in a row is locked (for a while, or until an administrator
 * unlocks it) and the person is told how to recover. Counters for the
 * password are keyed by the email's hash, whether or not the account exists,
 * so a lock says nothing about who has an account.
 */
import { sha256Hex } from '../crypto/digest.js';
import type { Db } from '../db/database.js';
import type { Clock } from '../platform/clock.js';
import { countThrottleFailure, deleteThrottle, deleteThrottles, findThrottle, lockThrottle } from './throttle.repository.js';

/** A throttled thing: a factor of an account, or an IP address. */
export type ThrottleKind = 'password' | 'totp' | 'recovery' | 'passkey' | 'ip';

export interface ThrottleRule {
  /** Consecutive failures that lock. */
  readonly maxFailures: number;
  /** How long a lock lasts; 0 = until an administrator unlocks. */
  readonly lockMs: number;
}

export const THROTTLE_RULES: Readonly<Record<ThrottleKind, ThrottleRule>> = {
  password: { maxFailures: 10, lockMs: 15 * 60_000 },
  totp: { maxFailures: 5, lockMs: 0 },
  recovery: { maxFailures: 5, lockMs: 0 },
  passkey: { maxFailures: 20, lockMs: 15 * 60_000 },
  ip: { maxFailures: 100, lockMs: 15 * 60_000 },
};

/** Throttle operations. */
export interface Throttle {
  readonly isLocked: (kind: ThrottleKind, subject: string) => Promise<boolean>;
  /** Count a failure; answers whether the subject is now locked. */
  readonly fail: (kind: ThrottleKind, subject: string) => Promise<boolean>;
  readonly succeed: (kind: ThrottleKind, subject: string) => Promise<void>;
  /** Administrator unlock of every factor of an account. */
  readonly unlockAccount: (staffId: string, email: string) => Promise<void>;
}

/** Password counters are keyed by the normalised email, so unknown and known accounts behave alike. */
export function passwordSubject(email: string): string {
  return email.trim().toLowerCase();
}

function keyOf(kind: ThrottleKind, subject: string): string {
  return `${kind}:${sha256Hex(`${kind}|${subject}`)}`;
}

/** Create the throttle (database-backed, so it holds across restarts and core instances). */
export function createThrottle(deps: { db: Db; clock: Clock; rules?: Readonly<Record<ThrottleKind, ThrottleRule>> }): Throttle {
  const { db, clock } = deps;
  const rules = deps.rules ?? THROTTLE_RULES;
  async function isLocked(kind: ThrottleKind, subject: string): Promise<boolean> {
    const current = await findThrottle(db, keyOf(kind, subject));
    if (!current?.locked_at) return false;
    const { lockMs } = rules[kind];
    if (lockMs > 0 && clock.now().getTime() - new Date(current.locked_at).getTime() >= lockMs) {
      await deleteThrottle(db, current.key);
      return false;
    }
    return true;
  }

  return {
    isLocked,
    async fail(kind, subject) {
      const key = keyOf(kind, subject);
      const now = clock.now().toISOString();
      return db.transaction().execute(async (trx) => {
        const current = await countThrottleFailure(trx, key, now);
        if (current.locked_at) return true;
        if (current.failures < rules[kind].maxFailures) return false;
        await lockThrottle(trx, key, now);
        return true;
      });
    },
    async succeed(kind, subject) {
      await deleteThrottle(db, keyOf(kind, subject));
    },
    async unlockAccount(staffId, email) {
      const keys = [keyOf('password', passwordSubject(email)), ...(['totp', 'recovery', 'passkey'] as const).map((kind) => keyOf(kind, staffId))];
      await deleteThrottles(db, keys);
    },
  };
}
