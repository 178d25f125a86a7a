/**
 * The audit tables: the events, the blocks that chain them (v2, ADR 0016),
 * the signed checkpoints and the audit signing keys. Plain queries; the
 * chain itself (hashing, locking) is in audit-log.ts, verifying in
 * chain-verify.ts (its raw SQLite reads: audit-sqlite.repository.ts).
 */
import { type Database, type Db, rawSqliteOf } from '../db/database.js';
import { BLOCK_EVENT_COLUMNS } from './block-chain.js';
import { CHAIN_COLUMNS } from './chain.js';

/** One stored audit event, chain links included. */
export type AuditEventRow = Database['audit_events'];

/** The last event of the chain. */
export interface ChainHead {
  readonly seq: number;
  readonly hash: string;
}

/** The event with the highest seq, if any. */
export async function findChainHead(db: Db): Promise<ChainHead | undefined> {
  return db.selectFrom('audit_events').select(['seq', 'hash']).orderBy('seq', 'desc').limit(1).executeTakeFirst();
}

/** Insert chained rows, at most 500 a statement (inside the caller's transaction, after the chain lock). */
export async function insertChainRows(trx: Db, rows: readonly AuditEventRow[]): Promise<void> {
  for (let i = 0; i < rows.length; i += 500) await trx.insertInto('audit_events').values(rows.slice(i, i + 500)).execute();
}

/** One stored block of the v2 chain (ADR 0016). */
export type AuditBlockRow = Database['audit_blocks'];

/** Where the next append links: the last block, else the last v1 event; `isBlock` says which. */
export interface ChainTip extends ChainHead {
  readonly isBlock: boolean;
}

/** The chain's tip: the last block's (last_seq, hash), or the v1 head before any block exists. */
export async function findChainTip(db: Db): Promise<ChainTip | undefined> {
  const block = await db.selectFrom('audit_blocks').select(['last_seq', 'hash']).orderBy('first_seq', 'desc').limit(1).executeTakeFirst();
  if (block) return { seq: Number(block.last_seq), hash: block.hash, isBlock: true };
  const head = await findChainHead(db);
  return head ? { seq: Number(head.seq), hash: head.hash, isBlock: false } : undefined;
}

/** Store a block (inside the append's transaction, after its events). */
export async function insertBlock(trx: Db, block: AuditBlockRow): Promise<void> {
  await trx.insertInto('audit_blocks').values(block).execute();
}

/** The first block (where the v2 chain starts), if any. */
export async function findFirstBlock(db: Db): Promise<AuditBlockRow | undefined> {
  return db.selectFrom('audit_blocks').selectAll().orderBy('first_seq').limit(1).executeTakeFirst();
}

/** The block ending at `lastSeq`, if there is one. */
export async function findBlockEndingAt(db: Db, lastSeq: number): Promise<AuditBlockRow | undefined> {
  return db.selectFrom('audit_blocks').selectAll().where('last_seq', '=', lastSeq).executeTakeFirst();
}

/** The hash of the block ending at each seq asked for (seqs ending no block are missing from the map). */
export async function findBlockHashesEndingAt(db: Db, seqs: readonly number[]): Promise<Map<number, string>> {
  const unique = [...new Set(seqs)];
  const found = new Map<number, string>();
  for (let i = 0; i < unique.length; i += 500) {
    const rows = await db.selectFrom('audit_blocks').select(['last_seq', 'hash']).where('last_seq', 'in', unique.slice(i, i + 500)).execute();
    for (const row of rows) found.set(Number(row.last_seq), row.hash);
  }
  return found;
}

/** Up to `limit` blocks starting at or after `fromSeq` and ending at or before `maxSeq`, by first_seq. */
export async function listBlocks(db: Db, fromSeq: number, maxSeq: number, limit: number): Promise<AuditBlockRow[]> {
  return db.selectFrom('audit_blocks').selectAll().where('first_seq', '>=', fromSeq).where('last_seq', '<=', maxSeq).orderBy('first_seq').limit(limit).execute();
}

/** The block-body columns of events `from`..`to` (inclusive), by seq. */
export async function listBlockEvents(db: Db, from: number, to: number) {
  return db.selectFrom('audit_events').select([...BLOCK_EVENT_COLUMNS]).where('seq', '>=', from).where('seq', '<=', to).orderBy('seq').execute();
}

/** The chain's tip read, row insert and block insert as prepared statements (SQLite only). */
export interface SqliteChainStatements {
  readonly readTip: () => ChainTip | undefined;
  readonly insert: (row: AuditEventRow) => void;
  readonly insertBlock: (block: AuditBlockRow) => void;
}

/**
 * SQLite: prepared statements on the very connection Kysely drives, so inside
 * the caller's transaction they run synchronously and nothing can interleave
 * between reading the head and inserting after it. Undefined on PostgreSQL.
 */
export function sqliteChainStatements(db: Db): SqliteChainStatements | undefined {
  const sqlite = rawSqliteOf(db);
  if (!sqlite) return undefined;
  const readBlockTip = sqlite.prepare('SELECT last_seq AS seq, hash FROM audit_blocks ORDER BY first_seq DESC LIMIT 1');
  const readHead = sqlite.prepare('SELECT seq, hash FROM audit_events ORDER BY seq DESC LIMIT 1');
  const insertBlockRow = sqlite.prepare('INSERT INTO audit_blocks (first_seq, last_seq, prev_hash, hash) VALUES (@first_seq, @last_seq, @prev_hash, @hash)');
  const insert = sqlite.prepare(
    'INSERT INTO audit_events (seq, at, actor, action, person_ids, record_refs, purpose, ip, session_id, outcome, prev_hash, hash, domains) VALUES (@seq, @at, @actor, @action, @person_ids, @record_refs, @purpose, @ip, @session_id, @outcome, @prev_hash, @hash, @domains)',
  );
  return {
    readTip: () => {
      const block = readBlockTip.get() as ChainHead | undefined;
      if (block) return { seq: Number(block.seq), hash: block.hash, isBlock: true };
      const head = readHead.get() as ChainHead | undefined;
      return head ? { seq: Number(head.seq), hash: head.hash, isBlock: false } : undefined;
    },
    insert: (row) => {
      insert.run(row);
    },
    insertBlock: (block) => {
      insertBlockRow.run(block);
    },
  };
}

/**
 * The highest seq and the number of events after `after` (default 0), in one
 * statement (one snapshot). `maxSeq` is `after` when there is none.
 */
export async function chainBounds(db: Db, after = 0): Promise<{ maxSeq: number; count: number }> {
  const bounds = await db
    .selectFrom('audit_events')
    .select((eb) => [eb.fn.max('seq').as('max'), eb.fn.countAll<number>().as('n')])
    .where('seq', '>', after)
    .executeTakeFirstOrThrow();
  return { maxSeq: bounds.max === null ? after : Number(bounds.max), count: Number(bounds.n) };
}

/** The chain columns of events `from`..`to` (inclusive), by seq. */
export async function listChainRows(db: Db, from: number, to: number) {
  return db.selectFrom('audit_events').select([...CHAIN_COLUMNS]).where('seq', '>=', from).where('seq', '<=', to).orderBy('seq').execute();
}

/** The hash of the event at `seq`, if there is one. */
export async function findEventHash(db: Db, seq: number): Promise<string | undefined> {
  return (await db.selectFrom('audit_events').select('hash').where('seq', '=', seq).executeTakeFirst())?.hash;
}

/** The chain's hash at each seq asked for (absent seqs are missing from the map). */
export async function findEventHashes(db: Db, seqs: readonly number[]): Promise<Map<number, string>> {
  const unique = [...new Set(seqs)];
  const found = new Map<number, string>();
  for (let i = 0; i < unique.length; i += 500) {
    const rows = await db.selectFrom('audit_events').select(['seq', 'hash']).where('seq', 'in', unique.slice(i, i + 500)).execute();
    for (const row of rows) found.set(Number(row.seq), row.hash);
  }
  return found;
}

/** The seq of the latest stored checkpoint, if any. */
export async function findLastCheckpointSeq(db: Db): Promise<number | undefined> {
  const last = await db.selectFrom('audit_checkpoints').select('seq').orderBy('seq', 'desc').limit(1).executeTakeFirst();
  return last ? Number(last.seq) : undefined;
}

/** Every stored checkpoint, by seq. */
export async function listStoredCheckpoints(db: Db): Promise<Database['audit_checkpoints'][]> {
  return db.selectFrom('audit_checkpoints').selectAll().orderBy('seq').execute();
}

/** Store a signed checkpoint. */
export async function insertCheckpoint(db: Db, checkpoint: Database['audit_checkpoints']): Promise<void> {
  await db.insertInto('audit_checkpoints').values(checkpoint).execute();
}

/** Queue a checkpoint's copy for the webhook through the notification outbox. */
export async function queueCheckpointWebhook(db: Db, notice: { id: string; target: string; payload: string; at: string }): Promise<void> {
  await db
    .insertInto('notification_outbox')
    .values({ id: notice.id, alert_id: null, channel: 'webhook', target: notice.target, payload: notice.payload, created_at: notice.at, next_attempt_at: notice.at, sent_at: null, last_error: null })
    .execute();
}

/** The audit signing keys in key_material, oldest first. */
export async function listAuditSigningKeys(db: Db): Promise<{ id: string; public_key: string | null; status: string }[]> {
  return db.selectFrom('key_material').select(['id', 'public_key', 'status']).where('kind', '=', 'audit-signing').orderBy('version').execute();
}
