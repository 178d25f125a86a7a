/**
 * What an intruder with database write access does to the v2 audit chain
 * after editing events: recompute every block hash (and link) from the
 * first block on, so the chain is self-consistent again. Only a signed
 * checkpoint kept off the box can tell.
 */
import { blockBody, blockHash, toBlockEvent } from '../../src/audit/block-chain.js';
import type { Db } from '../../src/db/database.js';

/** Recompute every block's prev_hash and hash in order; returns the new hash of each block by its last seq. */
export async function rehashBlocks(db: Db): Promise<Map<number, string>> {
  const blocks = await db.selectFrom('audit_blocks').selectAll().orderBy('first_seq').execute();
  const forged = new Map<number, string>();
  let prev = blocks[0]?.prev_hash as string;
  for (const block of blocks) {
    const events = await db.selectFrom('audit_events').selectAll().where('seq', '>=', block.first_seq).where('seq', '<=', block.last_seq).orderBy('seq').execute();
    const hash = blockHash(prev, blockBody(events.map(toBlockEvent)));
    await db.updateTable('audit_blocks').set({ prev_hash: prev, hash }).where('first_seq', '=', block.first_seq).execute();
    forged.set(Number(block.last_seq), hash);
    prev = hash;
  }
  return forged;
}
