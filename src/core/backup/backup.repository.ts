/**
 * What backup and restore read and write: every carried table's rows as they
 * are stored (ciphertext stays ciphertext), the vault row, the shred log, and
 * the few lookups a restore verifies with.
 */
import { type Selectable, sql } from 'kysely';
import type { Db, Dialect } from '../../db/database.js';
import type { ShredLogTable, VaultTable } from '../../db/tables.js';
import type { BackedUpTable } from './backup-tables.js';

const PHOTO_PAGE = 1000;

/** A row as stored, column by column. */
export type StoredRow = Record<string, unknown>;

/**
 * Make the transaction `trx` one consistent snapshot of every table while
 * Tacet keeps running: PostgreSQL repeatable read (read only); SQLite in WAL
 * already reads one snapshot per transaction. First statement of `trx`.
 */
export async function useReadSnapshot(trx: Db, dialect: Dialect): Promise<void> {
  if (dialect === 'postgres') await sql`SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY`.execute(trx);
}

/** SQLite page cache while a backup or restore runs (KiB): each page is read or written about once, so a big cache only adds memory. */
const STREAMING_CACHE_KIB = 16 * 1024;

/**
 * Shrink SQLite's page cache for the connection behind `db` while a backup or
 * restore streams through it (the installation's 64 MiB would be filled and
 * held); returns what puts the previous size back. PostgreSQL: nothing to do.
 */
export async function useStreamingCache(db: Db, dialect: Dialect): Promise<() => Promise<void>> {
  if (dialect !== 'sqlite') return async () => undefined;
  const previous = Number((await sql<{ cache_size: number }>`PRAGMA cache_size`.execute(db)).rows[0]?.cache_size);
  await sql.raw(`PRAGMA cache_size = -${STREAMING_CACHE_KIB}`).execute(db);
  return async () => {
    if (Number.isSafeInteger(previous)) await sql.raw(`PRAGMA cache_size = ${previous}`).execute(db);
  };
}

/** The vault row. Throws (NoResultError) when the installation has none. */
export async function readVaultRow(db: Db): Promise<Selectable<VaultTable>> {
  return db.selectFrom('vault').selectAll().where('id', '=', 'vault').executeTakeFirstOrThrow();
}

/** Whether the installation has a vault (a restore needs one without). */
export async function hasVault(db: Db): Promise<boolean> {
  return (await db.selectFrom('vault').select('id').executeTakeFirst()) !== undefined;
}

/** Store the vault row carried in a backup's header. */
export async function insertVaultRow(trx: Db, vault: { record: string; isDemo: boolean; createdAt: string }): Promise<void> {
  await trx.insertInto('vault').values({ id: 'vault', record: vault.record, is_demo: vault.isDemo ? 1 : 0, created_at: vault.createdAt }).execute();
}

/**
 * The primary-key columns of `table` in key order, from the catalog (empty:
 * it has none). A backup pages every table by its key, so no read sorts or
 * skips over a whole table.
 */
export async function primaryKeyOf(db: Db, dialect: Dialect, table: BackedUpTable): Promise<string[]> {
  if (dialect === 'sqlite') return (await sql<{ name: string }>`SELECT name FROM pragma_table_info(${table}) WHERE pk > 0 ORDER BY pk`.execute(db)).rows.map((r) => r.name);
  const rows = await sql<{ name: string }>`
    SELECT a.attname AS name
    FROM pg_index i
    JOIN LATERAL unnest(i.indkey) WITH ORDINALITY AS k(attnum, position) ON true
    JOIN pg_attribute a ON a.attrelid = i.indrelid AND a.attnum = k.attnum
    WHERE i.indrelid = to_regclass(${table}) AND i.indisprimary
    ORDER BY k.position`.execute(db);
  return rows.rows.map((r) => r.name);
}

/**
 * Up to `limit` rows of `table` in the order of its key columns `key`, after
 * the row whose key values are `after` (from the start when undefined): one
 * index range read a page, whatever the table's size.
 */
export async function rowsAfterKey(db: Db, table: BackedUpTable, key: readonly string[], after: readonly unknown[] | undefined, limit: number): Promise<StoredRow[]> {
  const columns = sql.join(key.map((column) => sql.ref(column)));
  const where = after === undefined ? sql`` : sql`WHERE (${columns}) > (${sql.join(after.map((value) => sql`${value}`))})`;
  return (await sql<StoredRow>`SELECT * FROM ${sql.table(table)} ${where} ORDER BY ${columns} LIMIT ${limit}`.execute(db)).rows;
}

/** Any one row of `table` (undefined: it is empty), to learn its columns (a table without a primary key). */
export async function firstRowOf(db: Db, table: BackedUpTable): Promise<StoredRow | undefined> {
  return (await sql<StoredRow>`SELECT * FROM ${sql.table(table)} LIMIT 1`.execute(db)).rows[0];
}

/** Up to `limit` rows of `table` from `offset`, ordered by all its `columnCount` columns (a table without a primary key). */
export async function rowsByAllColumns(db: Db, table: BackedUpTable, columnCount: number, offset: number, limit: number): Promise<StoredRow[]> {
  const all = sql.raw(Array.from({ length: columnCount }, (_, i) => String(i + 1)).join(', '));
  return (await sql<StoredRow>`SELECT * FROM ${sql.table(table)} ORDER BY ${all} LIMIT ${limit} OFFSET ${offset}`.execute(db)).rows;
}

/** Load rows of one carried table as they were stored. */
export async function insertStoredRows(trx: Db, table: BackedUpTable, rows: readonly StoredRow[]): Promise<void> {
  await trx.insertInto(table).values(rows as never).execute();
}

/** Up to `limit` photos' ids and blob keys in id order, after the photo `afterId` (from the start when undefined). */
export async function listPhotoBlobKeysAfter(db: Db, afterId: string | undefined, limit: number): Promise<{ id: string; blob_key: string }[]> {
  let query = db.selectFrom('photos').select(['id', 'blob_key']).orderBy('id').limit(limit);
  if (afterId !== undefined) query = query.where('id', '>', afterId);
  return query.execute();
}

/** Every photo blob key (`<blob key>/image`, `<blob key>/thumb`), read `PHOTO_PAGE` photos at a time. */
export async function* eachPhotoBlobKey(db: Db): AsyncGenerator<string> {
  let after: string | undefined;
  for (;;) {
    const photos = await listPhotoBlobKeysAfter(db, after, PHOTO_PAGE);
    for (const photo of photos) for (const variant of ['image', 'thumb']) yield `${photo.blob_key}/${variant}`;
    if (photos.length < PHOTO_PAGE) return;
    after = photos.at(-1)?.id;
  }
}

/**
 * The restore's copy of the signed blob manifest, in a temporary table of the
 * restore transaction (rolled back with it, dropped before it commits), so a
 * restore holds no per-photo state in memory.
 */
export async function createRestoreManifest(trx: Db): Promise<void> {
  // No DROP IF EXISTS first: a failed restore's table went with its rollback, and a name missing from pg_temp would resolve to the schema's.
  await sql`CREATE TEMPORARY TABLE restore_manifest (blob_key TEXT PRIMARY KEY, sha256 TEXT NOT NULL)`.execute(trx);
}

/** Add manifest entries (a key listed twice keeps its first entry). */
export async function insertRestoreManifest(trx: Db, entries: readonly { key: string; sha256: string }[]): Promise<void> {
  if (entries.length === 0) return;
  await sql`INSERT INTO restore_manifest (blob_key, sha256) VALUES ${sql.join(entries.map((e) => sql`(${e.key}, ${e.sha256})`))} ON CONFLICT (blob_key) DO NOTHING`.execute(trx);
}

/** The manifest's SHA-256 of each of `keys` that it lists (looked up 500 at a time). */
export async function findRestoreManifest(trx: Db, keys: readonly string[]): Promise<Map<string, string>> {
  const found = new Map<string, string>();
  for (let i = 0; i < keys.length; i += 500) {
    const rows = await sql<{ blob_key: string; sha256: string }>`SELECT blob_key, sha256 FROM restore_manifest WHERE blob_key IN (${sql.join(keys.slice(i, i + 500).map((k) => sql`${k}`))})`.execute(trx);
    for (const row of rows.rows) found.set(row.blob_key, row.sha256);
  }
  return found;
}

/** Drop the manifest table (before the restore commits). */
export async function dropRestoreManifest(trx: Db): Promise<void> {
  await sql`DROP TABLE restore_manifest`.execute(trx);
}

/** Which of `ids` are persons here (looked up 500 at a time). */
export async function findPresentPersonIds(trx: Db, ids: readonly string[]): Promise<string[]> {
  const present: string[] = [];
  for (let i = 0; i < ids.length; i += 500) present.push(...(await trx.selectFrom('persons').select('id').where('id', 'in', ids.slice(i, i + 500)).execute()).map((p) => p.id));
  return present;
}

/** Add shred-log entries (keeping each one's original reason and time); a person already in the log keeps the entry there. */
export async function insertShredLogEntries(trx: Db, entries: readonly { personId: string; reason: string; at: string }[]): Promise<void> {
  for (const entry of entries) await trx.insertInto('shred_log').values({ person_id: entry.personId, shredded_at: entry.at, reason: entry.reason }).onConflict((oc) => oc.column('person_id').doNothing()).execute();
}

/** Delete the quarantined envelopes among `ids` (staff discarded them after the backup was taken); how many went. */
export async function deleteDiscardedQuarantine(trx: Db, ids: readonly string[]): Promise<number> {
  let deleted = 0;
  for (let i = 0; i < ids.length; i += 500) deleted += Number((await trx.deleteFrom('inbox_quarantine').where('id', 'in', ids.slice(i, i + 500)).executeTakeFirst()).numDeletedRows);
  return deleted;
}

/** The whole shred log, oldest first. */
export async function listShredLog(db: Db): Promise<Selectable<ShredLogTable>[]> {
  return db.selectFrom('shred_log').selectAll().orderBy('shredded_at').execute();
}

/** The public key of the key material `keyId` (undefined: no such key; null: it has none). */
export async function findPublicKey(trx: Db, keyId: string): Promise<string | null | undefined> {
  return (await trx.selectFrom('key_material').select('public_key').where('id', '=', keyId).executeTakeFirst())?.public_key;
}
