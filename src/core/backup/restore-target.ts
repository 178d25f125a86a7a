/**
 * The restore target, all or nothing. Everything a restore does to the
 * installation — loading rows, writing carried blobs, replaying the shred log
 * and verifying what was loaded — happens inside one database transaction
 * (SQLite and PostgreSQL alike) with the blobs written tracked beside it. If
 * any step throws, the transaction rolls back and every blob this restore
 * wrote is deleted, so the target is as empty as before and the same restore
 * can simply be run again.
 */
import type { Db } from '../../db/database.js';
import type { BlobStore } from '../../storage/blob-store.js';
import { BackupError } from './backup-error.js';
import { type BlobRestorer, createBlobRestorer } from './backup-blobs.js';
import { eachPhotoBlobKey } from './backup.repository.js';

/** How many missing blob keys a refusal lists (the count is always given). */
const LISTED = 20;

/**
 * Run `work` against the target inside one transaction and commit only if it
 * returns. SECURITY: `work` must use the transaction it is given for every
 * read and write (never the outer `db`), or its effects escape the rollback.
 */
export async function restoreAtomically<T>(deps: { db: Db; blobs: BlobStore }, work: (trx: Db, restorer: BlobRestorer) => Promise<T>): Promise<T> {
  const restorer = createBlobRestorer(deps.blobs);
  try {
    return await deps.db.transaction().execute((trx) => work(trx, restorer));
  } catch (error) {
    await restorer.discard();
    throw error;
  }
}

/**
 * Refuse (BackupError) unless every blob of every photo the target now holds
 * is in `blobs`. The message names the missing blob keys (ids only) and the
 * store's location, so the operator knows what to bring where.
 */
export async function assertPhotoBlobsPresent(trx: Db, blobs: BlobStore): Promise<void> {
  const missing: string[] = [];
  let missingCount = 0;
  // Paged: only the first LISTED missing keys are kept, the rest are counted.
  for await (const key of eachPhotoBlobKey(trx)) {
    if (await blobs.has(key)) continue;
    missingCount += 1;
    if (missing.length < LISTED) missing.push(key);
  }
  if (missingCount === 0) return;
  const listed = missing.join(', ') + (missingCount > LISTED ? `, and ${missingCount - LISTED} more` : '');
  throw new BackupError(
    `${missingCount} photo blobs are missing from the blob store at ${blobs.location}: ${listed}. Nothing was restored. Put the blobs there (or use a backup that includes them) and run the restore again.`,
  );
}
