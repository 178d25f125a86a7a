/** Worker thread: verify one seq range of a SQLite audit log, read-only (see verifyAuditChain). */
import { parentPort, workerData } from 'node:worker_threads';
import { SqliteDatabase } from '../db/sqlite-driver.js';
import { CHAIN_COLUMNS, checkRun, type RawEvent } from './chain.js';

const { file, from, to } = workerData as { file: string; from: number; to: number };
const db = new SqliteDatabase(file, { readonly: true, fileMustExist: true });
try {
  const rows = db.prepare(`SELECT ${CHAIN_COLUMNS.join(', ')} FROM audit_events WHERE seq >= ? AND seq <= ? ORDER BY seq`).raw().iterate(from, to) as Iterable<RawEvent>;
  parentPort?.postMessage(checkRun(rows, from));
} finally {
  db.close();
}
