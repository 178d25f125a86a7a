/**
 * The counters the detection rules keep per staff member — distinct people
 * opened in a window, refusals, full-size photo serves, once-a-day notices —
 * in this process, or in Redis when REDIS_URL is set, so that a stolen login
 * spread across several core instances meets one threshold, not one per
 * instance. Every check-and-count is a single atomic step (a Lua script in
 * Redis), so concurrent requests cannot slip past a limit together.
 * Keys hold staff and person ids only.
 */
import type { Redis } from 'ioredis';

export interface DetectionState {
  /**
   * Count `personId` as opened by `staffId` now in the named window (`short`,
   * `hour`, `day`: a working day is the window since its start), unless that would make more
   * than `limit` distinct people in it; then nothing is counted and `allowed`
   * is false, with the people already counted. `count` is the number of
   * distinct people in the window afterwards; `isNew` whether this one was
   * not in it before.
   */
  readonly admitPerson: (window: ReadWindow, staffId: string, personId: string, nowMs: number, windowMs: number, limit: number) => Promise<AdmittedPerson>;
  /** Count one event of `kind` unless `max` are already in the window (then false). */
  readonly admitEvent: (kind: EventKind, staffId: string, nowMs: number, windowMs: number, max: number) => Promise<boolean>;
  /** Count `count` events of `kind` at once unless that would make more than `max` in the window (then none, and false); `used` is how many were in it before. */
  readonly admitEvents: (kind: EventKind, staffId: string, nowMs: number, windowMs: number, max: number, count: number) => Promise<{ readonly allowed: boolean; readonly used: number }>;
  /** Count one event of `kind` and return how many are in the window, this one included. */
  readonly countEvent: (kind: 'denial', staffId: string, nowMs: number, windowMs: number) => Promise<number>;
  /** True the first time `key` is seen within `ttlMs`. */
  readonly once: (key: string, ttlMs: number) => Promise<boolean>;
  /** Forget a staff member's counters (after their account was contained). */
  readonly clear: (staffId: string) => Promise<void>;
}

/** The windows distinct people are counted in: the read limits, and the allowance for one's own assigned work (ADR 0019). */
export type ReadWindow = 'short' | 'hour' | 'day' | 'assigned-hour' | 'assigned-day';

/** Events counted against a maximum: full-size photos; enquiries taken into one's own queue (hour, working day); reassignments made. */
export type EventKind = 'photo' | 'claim-hour' | 'claim-day' | 'reassign';

/** The answer of `admitPerson`. */
export interface AdmittedPerson {
  readonly allowed: boolean;
  readonly seen: string[];
  readonly count: number;
  readonly isNew: boolean;
}

/** In-process state: one core instance. */
export function memoryDetectionState(): DetectionState {
  const reads = new Map<string, Map<string, number>>();
  const events = new Map<string, number[]>();
  const seenOnce = new Map<string, number>();
  const recent = (key: string, nowMs: number, windowMs: number) => (events.get(key) ?? []).filter((at) => nowMs - at <= windowMs);
  return {
    async admitPerson(window, staffId, personId, nowMs, windowMs, limit) {
      const key = `${window}|${staffId}`;
      const seen = reads.get(key) ?? new Map<string, number>();
      for (const [id, at] of seen) if (nowMs - at > windowMs) seen.delete(id);
      const isNew = !seen.has(personId);
      if (isNew && seen.size >= limit) return { allowed: false, seen: [...seen.keys()], count: seen.size, isNew };
      seen.set(personId, nowMs);
      reads.set(key, seen);
      return { allowed: true, seen: [], count: seen.size, isNew };
    },
    async admitEvent(kind, staffId, nowMs, windowMs, max) {
      const key = `${kind}|${staffId}`;
      const list = recent(key, nowMs, windowMs);
      if (list.length >= max) {
        events.set(key, list);
        return false;
      }
      events.set(key, [...list, nowMs]);
      return true;
    },
    async admitEvents(kind, staffId, nowMs, windowMs, max, count) {
      const key = `${kind}|${staffId}`;
      const list = recent(key, nowMs, windowMs);
      events.set(key, list.length + count > max ? list : [...list, ...Array<number>(count).fill(nowMs)]);
      return { allowed: list.length + count <= max, used: list.length };
    },
    async countEvent(kind, staffId, nowMs, windowMs) {
      const key = `${kind}|${staffId}`;
      const list = [...recent(key, nowMs, windowMs), nowMs];
      events.set(key, list);
      return list.length;
    },
    async once(key, ttlMs) {
      const now = Date.now();
      const until = seenOnce.get(key);
      if (until !== undefined && until > now) return false;
      seenOnce.set(key, now + ttlMs);
      return true;
    },
    async clear(staffId) {
      for (const key of reads.keys()) if (key.endsWith(`|${staffId}`)) reads.delete(key);
      for (const key of events.keys()) if (key.endsWith(`|${staffId}`)) events.delete(key);
    },
  };
}

// KEYS[1] sorted set of person ids scored by time. ARGV: now, window, limit, person.
// Returns {allowed (1/0), count, isNew (1/0), seen ids when refused...}.
const ADMIT_PERSON = `
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', tonumber(ARGV[1]) - tonumber(ARGV[2]) - 1)
local isNew = 1
if redis.call('ZSCORE', KEYS[1], ARGV[4]) then isNew = 0 end
local count = redis.call('ZCARD', KEYS[1])
if isNew == 0 or count < tonumber(ARGV[3]) then
  redis.call('ZADD', KEYS[1], ARGV[1], ARGV[4])
  redis.call('PEXPIRE', KEYS[1], ARGV[2])
  return {1, count + isNew, isNew}
end
local seen = redis.call('ZRANGE', KEYS[1], 0, -1)
table.insert(seen, 1, isNew)
table.insert(seen, 1, count)
table.insert(seen, 1, 0)
return seen`;

// KEYS[1] sorted set of event ids scored by time. ARGV: now, window, max (0 = no max), unique member.
const ADMIT_EVENT = `
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', tonumber(ARGV[1]) - tonumber(ARGV[2]) - 1)
local count = redis.call('ZCARD', KEYS[1])
if tonumber(ARGV[3]) > 0 and count >= tonumber(ARGV[3]) then return -1 end
redis.call('ZADD', KEYS[1], ARGV[1], ARGV[4])
redis.call('PEXPIRE', KEYS[1], ARGV[2])
return count + 1`;

// KEYS[1] sorted set of event ids scored by time. ARGV: now, window, max, count, member prefix. Returns {allowed (1/0), used before}.
const ADMIT_EVENTS = `
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', tonumber(ARGV[1]) - tonumber(ARGV[2]) - 1)
local used = redis.call('ZCARD', KEYS[1])
if used + tonumber(ARGV[4]) > tonumber(ARGV[3]) then return {0, used} end
for i = 1, tonumber(ARGV[4]) do redis.call('ZADD', KEYS[1], ARGV[1], ARGV[5] .. ':' .. i) end
redis.call('PEXPIRE', KEYS[1], ARGV[2])
return {1, used}`;

interface ScriptedRedis extends Redis {
  tacetAdmitEvents: (key: string, now: number, window: number, max: number, count: number, member: string) => Promise<number[]>;
  tacetAdmitPerson: (key: string, now: number, window: number, limit: number, person: string) => Promise<(string | number)[]>;
  tacetAdmitEvent: (key: string, now: number, window: number, max: number, member: string) => Promise<number>;
}

/** Shared state in Redis (keys under `prefix`, e.g. one per installation). */
export function redisDetectionState(redis: Redis, prefix = 'tacet:detect:'): DetectionState {
  const client = redis as ScriptedRedis;
  if (!('tacetAdmitPerson' in client)) {
    redis.defineCommand('tacetAdmitPerson', { numberOfKeys: 1, lua: ADMIT_PERSON });
    redis.defineCommand('tacetAdmitEvent', { numberOfKeys: 1, lua: ADMIT_EVENT });
    redis.defineCommand('tacetAdmitEvents', { numberOfKeys: 1, lua: ADMIT_EVENTS });
  }
  let counter = 0;
  // Unique members for events that may share a millisecond.
  const member = (nowMs: number) => `${nowMs}:${process.pid}:${(counter = (counter + 1) % 1_000_000)}:${Math.random().toString(36).slice(2, 8)}`;
  return {
    async admitPerson(window, staffId, personId, nowMs, windowMs, limit) {
      const result = await client.tacetAdmitPerson(`${prefix}reads:${window === 'short' ? '' : `${window}:`}${staffId}`, nowMs, windowMs, limit, personId);
      const [allowed, count, isNew] = result.slice(0, 3).map(Number);
      return { allowed: allowed === 1, seen: allowed === 1 ? [] : result.slice(3).map(String), count: count ?? 0, isNew: isNew === 1 };
    },
    async admitEvent(kind, staffId, nowMs, windowMs, max) {
      return (await client.tacetAdmitEvent(`${prefix}${kind}:${staffId}`, nowMs, windowMs, max, member(nowMs))) > 0;
    },
    async admitEvents(kind, staffId, nowMs, windowMs, max, count) {
      const [allowed, used] = (await client.tacetAdmitEvents(`${prefix}${kind}:${staffId}`, nowMs, windowMs, max, count, member(nowMs))).map(Number);
      return { allowed: allowed === 1, used: used ?? 0 };
    },
    async countEvent(kind, staffId, nowMs, windowMs) {
      return client.tacetAdmitEvent(`${prefix}${kind}:${staffId}`, nowMs, windowMs, 0, member(nowMs));
    },
    async once(key, ttlMs) {
      return (await redis.set(`${prefix}once:${key}`, '1', 'PX', ttlMs, 'NX')) === 'OK';
    },
    async clear(staffId) {
      await redis.del(
        `${prefix}reads:${staffId}`,
        ...(['hour', 'day', 'assigned-hour', 'assigned-day'] as const).map((window) => `${prefix}reads:${window}:${staffId}`),
        ...(['photo', 'denial', 'claim-hour', 'claim-day', 'reassign'] as const).map((kind) => `${prefix}${kind}:${staffId}`),
      );
    },
  };
}
