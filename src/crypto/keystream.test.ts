/** The keystream is rebuilt later from the same key (watermark layouts): deterministic per key and context, unrelated otherwise. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { keystream } from './keystream.js';
import { randomSecret } from './random.js';

describe('keystream', () => {
  it('gives the same bytes for the same key and context, and different bytes for another key or context', () => {
    const key = randomSecret(32);
    const a = keystream(key, 'photo-mark-layout', 4096);
    assert.equal(a.length, 4096);
    assert.deepEqual(keystream(key, 'photo-mark-layout', 4096), a);
    assert.notDeepEqual(keystream(key, 'other', 4096), a);
    assert.notDeepEqual(keystream(randomSecret(32), 'photo-mark-layout', 4096), a);
    // Not a constant or short cycle: about half the bits set.
    let ones = 0;
    for (const byte of a) for (let bit = 0; bit < 8; bit += 1) ones += (byte >> bit) & 1;
    assert.ok(Math.abs(ones / (4096 * 8) - 0.5) < 0.02);
  });
});
