/** Chain v2's block check on its own: contiguity, links, completeness and the hash of each block. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { type BlockEvent, blockBody, blockHash, checkBlocks, type ReadBlock } from './block-chain.js';
import { GENESIS } from './chain.js';

const event = (seq: number): BlockEvent => [seq, '2026-12-01T08:00:00.000Z', 'staff:s1', 'patient.read', '["p1"]', `["patient:${seq}"]`, 'care', null, null, 'success', '["contact"]'];

/** Blocks over the given seq ranges, correctly chained from GENESIS. */
function chain(ranges: readonly (readonly [number, number])[]): ReadBlock[] {
  let prev = GENESIS;
  return ranges.map(([first, last]) => {
    const body = blockBody(Array.from({ length: last - first + 1 }, (_, i) => event(first + i)));
    const block = { first_seq: first, last_seq: last, prev_hash: prev, hash: blockHash(prev, body), events: last - first + 1, body };
    prev = block.hash;
    return block;
  });
}

describe('audit block check', () => {
  it('accepts consecutive, linked, complete blocks and reports the run', () => {
    const blocks = chain([[1, 3], [4, 4], [5, 9]]);
    assert.deepEqual(checkBlocks(blocks), { ok: true, blocks: 3, events: 9, firstSeq: 1, firstPrevHash: GENESIS, lastHash: blocks[2]?.hash, lastSeq: 9 });
  });

  it('names the first seq of the block that is missing, overlaps, unlinks, lacks an event or was altered', () => {
    const [a, b, c] = chain([[1, 3], [4, 6], [7, 9]]) as [ReadBlock, ReadBlock, ReadBlock];
    assert.deepEqual(checkBlocks([a, c]), { ok: false, brokenAtSeq: 4, reason: 'missing block (gap in sequence)' });
    assert.deepEqual(checkBlocks([a, { ...b, first_seq: 3 }]), { ok: false, brokenAtSeq: 3, reason: 'overlapping blocks' });
    assert.deepEqual(checkBlocks([a, { ...b, prev_hash: GENESIS }]), { ok: false, brokenAtSeq: 4, reason: 'previous-block link broken (block 4-6)' });
    assert.deepEqual(checkBlocks([a, { ...b, events: 2 }]), { ok: false, brokenAtSeq: 4, reason: 'missing event in block 4-6' });
    assert.deepEqual(checkBlocks([a, { ...b, body: (b.body as string).replace('care', 'curiosity') }]), { ok: false, brokenAtSeq: 4, reason: 'block content altered (events 4-6)' });
  });

  it('binds the previous hash into the block hash', () => {
    const body = blockBody([event(1)]);
    assert.notEqual(blockHash(GENESIS, body), blockHash('1'.repeat(64), body));
  });
});
