/**
 * Tamper-evident audit log: one row per event, SHA-256 hash chain over
 * (prev_hash, canonical event). Appended in the caller's transaction, so an
 * act and its record commit or fail together. Events hold ids only, never
 * personal data.
 */
import { sha256Hex } from '../crypto/random.js';
import { type Db, type Dialect, lockForChain } from '../db/database.js';
import type { AuditEventsTable } from '../db/tables.js';
import type { Clock } from '../platform/clock.js';

/** What happened, as the caller states it. */
export interface AuditEvent {
  readonly actor: string;
  readonly action: string;
  readonly personIds?: readonly string[];
  readonly recordRefs?: readonly string[];
  readonly purpose?: string | null;
  readonly ip?: string | null;
  /** Public id of the staff session (never the cookie). */
  readonly sessionId?: string | null;
  readonly outcome: 'success' | 'denied' | 'failure';
}

const GENESIS = '0'.repeat(64);
const CHAIN_LOCK = 0x7ac37;

/** The hashed fields of an event: every column but the chain links. */
type ChainFields = Omit<AuditEventsTable, 'prev_hash' | 'hash'>;

/** SHA-256 over the previous hash and the canonical (JSON array) form of every hashed column. */
export function eventHash(prevHash: string, fields: ChainFields): string {
  const canonical = JSON.stringify([Number(fields.seq), fields.at, fields.actor, fields.action, fields.person_ids, fields.record_refs, fields.purpose, fields.ip, fields.session_id, fields.outcome]);
  return sha256Hex(`${prevHash}|${canonical}`);
}

/** An audit writer bound to a database dialect and clock. */
export interface AuditLog {
  /** Append events inside `trx` (the transaction of the act). Returns their seqs. */
  readonly append: (trx: Db, events: readonly AuditEvent[]) => Promise<number[]>;
}

/** Create the audit writer. */
export function createAuditLog(deps: { dialect: Dialect; clock: Clock }): AuditLog {
  return {
    async append(trx, events) {
      if (events.length === 0) return [];
      await lockForChain(trx, deps.dialect, CHAIN_LOCK);
      const last = await trx.selectFrom('audit_events').select(['seq', 'hash']).orderBy('seq', 'desc').limit(1).executeTakeFirst();
      let seq = last?.seq ?? 0;
      let prevHash = last?.hash ?? GENESIS;
      const at = deps.clock.now().toISOString();
      const rows = events.map((event) => {
        seq += 1;
        const fields: ChainFields = {
          seq,
          at,
          actor: event.actor,
          action: event.action,
          person_ids: JSON.stringify(event.personIds ?? []),
          record_refs: JSON.stringify(event.recordRefs ?? []),
          purpose: event.purpose ?? null,
          ip: event.ip ?? null,
          session_id: event.sessionId ?? null,
          outcome: event.outcome,
        };
        const hash = eventHash(prevHash, fields);
        const row = { ...fields, prev_hash: prevHash, hash };
        prevHash = hash;
        return row;
      });
      for (let i = 0; i < rows.length; i += 500) await trx.insertInto('audit_events').values(rows.slice(i, i + 500)).execute();
      return rows.map((row) => row.seq);
    },
  };
}

/** Outcome of verifying the chain. */
export type AuditVerdict = { readonly ok: true; readonly events: number; readonly headHash: string } | { readonly ok: false; readonly brokenAtSeq: number; readonly reason: string };

/**
 * Walk the chain from the start. Detects edited rows, deleted or inserted
 * rows (seq gaps / prev_hash mismatch). Truncation of the tail is detected
 * against a known head (`expectHead`, e.g. from an exported checkpoint).
 */
export async function verifyAuditChain(db: Db, expectHead?: { seq: number; hash: string }): Promise<AuditVerdict> {
  let prevHash = GENESIS;
  let expectedSeq = 1;
  let count = 0;
  const pageSize = 5000;
  for (;;) {
    const rows = await db.selectFrom('audit_events').selectAll().where('seq', '>=', expectedSeq).orderBy('seq').limit(pageSize).execute();
    for (const row of rows) {
      if (row.seq !== expectedSeq) return { ok: false, brokenAtSeq: expectedSeq, reason: 'missing event (gap in sequence)' };
      if (row.prev_hash !== prevHash) return { ok: false, brokenAtSeq: row.seq, reason: 'previous-hash link broken' };
      if (eventHash(prevHash, row) !== row.hash) return { ok: false, brokenAtSeq: row.seq, reason: 'event content altered' };
      prevHash = row.hash;
      expectedSeq += 1;
      count += 1;
    }
    if (rows.length < pageSize) break;
  }
  if (expectHead) {
    if (count < expectHead.seq) return { ok: false, brokenAtSeq: count + 1, reason: 'log truncated before the expected head' };
    const head = await db.selectFrom('audit_events').select('hash').where('seq', '=', expectHead.seq).executeTakeFirst();
    if (head?.hash !== expectHead.hash) return { ok: false, brokenAtSeq: expectHead.seq, reason: 'chain differs from the expected head' };
  }
  return { ok: true, events: count, headHash: prevHash };
}
