/** Worker thread: verify one seq range of a SQLite audit log (v1 events or v2 blocks), read-only (see chain-verify.ts). */
import { parentPort, workerData } from 'node:worker_threads';
import { SqliteDatabase } from '../db/sqlite-driver.js';
import { iterateSqliteBlocks, iterateSqliteChainRows } from './audit-sqlite.repository.js';
import { checkReadBlocks } from './block-chain.js';
import { checkRun } from './chain.js';

const { file, kind, from, to, maxSeq } = workerData as { file: string; kind: 'events' | 'blocks'; from: number; to: number; maxSeq: number };
const db = new SqliteDatabase(file, { readonly: true, fileMustExist: true });
try {
  parentPort?.postMessage(kind === 'blocks' ? checkReadBlocks(() => iterateSqliteBlocks(db, from, to, maxSeq), from) : checkRun(iterateSqliteChainRows(db, from, to), from));
} finally {
  db.close();
}
