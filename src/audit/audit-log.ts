/**
 * Tamper-evident audit log: one row per event, hash-chained in blocks (chain
 * v2, ADR 0016): each append's events (a group-commit batch; split at
 * `BLOCK_MAX_EVENTS`) form one block, hashed once over the previous block's
 * hash and the events' canonical serialisation. Events before the first
 * block keep their v1 per-event chain (chain.ts). Appended in the caller's
 * transaction, so an act and its record commit or fail together. Events hold
 * ids only, never personal data. Verification: chain-verify.ts.
 */
import { type Db, type Dialect, lockForChain } from '../db/database.js';
import { BLOCK_MAX_EVENTS, blockBody, blockHash, toBlockEvent } from './block-chain.js';
import { GENESIS } from './chain.js';
import { type AuditBlockRow, type AuditEventRow, type ChainTip, findChainTip, insertBlock, insertChainRows, sqliteChainStatements } from './audit.repository.js';
import type { Clock } from '../platform/clock.js';

export { type AuditVerdict, verifyAuditChain, verifyAuditChainSince } from './chain-verify.js';

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
  /** Key domains the door opened for this event (the door sets it on every event it writes, `[]` for none); omitted on events outside the door. */
  readonly domains?: readonly string[];
}

const CHAIN_LOCK = 0x7ac37;

/** An audit writer bound to a database dialect and clock. */
export interface AuditLog {
  /** Append events inside `trx` (the transaction of the act; always a transaction). Returns their seqs. */
  readonly append: (trx: Db, events: readonly AuditEvent[]) => Promise<number[]>;
}

/** Rows and blocks of one append. */
interface Chained {
  readonly rows: AuditEventRow[];
  readonly blocks: AuditBlockRow[];
}

/** Create the audit writer. */
export function createAuditLog(deps: { dialect: Dialect; clock: Clock; db?: Db }): AuditLog {
  // SQLite fast path: Kysely drives the same single better-sqlite3 connection, so within the caller's
  // transaction prepared statements run synchronously — nothing can interleave between reading the tip
  // and inserting after it.
  const sqlite = deps.db ? sqliteChainStatements(deps.db) : undefined;
  return {
    async append(trx, events) {
      if (events.length === 0) return [];
      if (sqlite) {
        const { rows, blocks } = chain(sqlite.readTip(), events);
        for (const row of rows) sqlite.insert(row);
        for (const block of blocks) sqlite.insertBlock(block);
        return rows.map((row) => row.seq);
      }
      await lockForChain(trx, deps.dialect, CHAIN_LOCK);
      const { rows, blocks } = chain(await findChainTip(trx), events);
      await insertChainRows(trx, rows);
      for (const block of blocks) await insertBlock(trx, block);
      return rows.map((row) => row.seq);
    },
  };

  function chain(tip: ChainTip | undefined, events: readonly AuditEvent[]): Chained {
    let seq = tip?.seq ?? 0;
    // The first block links to the v1 tail (or GENESIS): one chain across the format change.
    let prevHash = tip?.hash ?? GENESIS;
    const at = deps.clock.now().toISOString();
    const rows: AuditEventRow[] = events.map((event) => {
      seq += 1;
      // v2 events carry no per-event links: their block does.
      return {
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
        domains: event.domains ? JSON.stringify([...new Set(event.domains)].sort()) : null,
        prev_hash: '',
        hash: '',
      };
    });
    const blocks: AuditBlockRow[] = [];
    for (let i = 0; i < rows.length; i += BLOCK_MAX_EVENTS) {
      const part = rows.slice(i, i + BLOCK_MAX_EVENTS);
      const hash = blockHash(prevHash, blockBody(part.map(toBlockEvent)));
      blocks.push({ first_seq: (part[0] as AuditEventRow).seq, last_seq: (part.at(-1) as AuditEventRow).seq, prev_hash: prevHash, hash });
      prevHash = hash;
    }
    return { rows, blocks };
  }
}
