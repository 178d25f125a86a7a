/**
 * Group commit for audit events written on their own (the door's reads): the
 * events of requests that arrive while a batch is being committed go
 * together in the next batch — one transaction, one chain lock, one disk
 * flush for many reads. Each caller's promise settles only when its event is
 * committed (or the batch failed), so "audit before data" holds exactly as
 * with one transaction per event. On PostgreSQL this is what lets several
 * core instances share one hash chain without queueing on its lock per read.
 * Each batch is one block of the v2 chain (one hash; ADR 0016).
 */
import type { Db } from '../db/database.js';
import type { AuditEvent, AuditLog } from './audit-log.js';
import { BLOCK_MAX_EVENTS } from './block-chain.js';

export interface AuditWriter {
  /** Append one event in a transaction of its own (batched with concurrent ones); resolves once committed. */
  readonly write: (event: AuditEvent) => Promise<void>;
}

const MAX_BATCH = BLOCK_MAX_EVENTS;

export function createAuditWriter(deps: { db: Db; audit: AuditLog }): AuditWriter {
  let queue: { event: AuditEvent; resolve: () => void; reject: (error: unknown) => void }[] = [];
  let running = false;

  async function drain(): Promise<void> {
    running = true;
    try {
      while (queue.length > 0) {
        const batch = queue.slice(0, MAX_BATCH);
        queue = queue.slice(batch.length);
        try {
          await deps.db.transaction().execute((trx) => deps.audit.append(trx, batch.map((item) => item.event)));
          for (const item of batch) item.resolve();
        } catch (error) {
          for (const item of batch) item.reject(error);
        }
      }
    } finally {
      running = false;
    }
  }

  return {
    write(event) {
      return new Promise<void>((resolve, reject) => {
        queue.push({ event, resolve, reject });
        if (!running) void drain();
      });
    },
  };
}
