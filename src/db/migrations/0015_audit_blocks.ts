/**
 * Audit chain v2 (ADR 0016): one SHA-256 per block of events. Existing events
 * keep their per-event v1 chain untouched and stay verifiable; the first
 * block the writer appends links to the v1 tail hash. A block covers seqs
 * first_seq..last_seq; checkpoints name a block by its last_seq.
 */
import type { Kysely } from 'kysely';

export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('audit_blocks')
    .addColumn('first_seq', 'bigint', (c) => c.primaryKey())
    .addColumn('last_seq', 'bigint', (c) => c.notNull().unique())
    .addColumn('prev_hash', 'text', (c) => c.notNull())
    .addColumn('hash', 'text', (c) => c.notNull())
    .execute();
}
