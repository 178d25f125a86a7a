/** The chain's canonical form: an event without domains hashes exactly as before the field existed. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { sha256Hex } from '../crypto/digest.js';
import { chainHash, checkRun, GENESIS, type RawEvent } from './chain.js';

// The canonical form as it was before `domains`, written out independently.
function legacyHash(prev: string, row: readonly (string | number | null)[]): string {
  let text = `${prev}|${Number(row[0])}`;
  for (let i = 1; i < 10; i++) {
    const value = row[i] as string | null;
    text += value === null ? '|~' : `|${value.length}:${value}`;
  }
  return sha256Hex(text);
}

const base = [1, '2026-11-20T08:00:00.000Z', 'staff:s1', 'patient.read', '["p1"]', '["patient:x"]', 'care', '127.0.0.1', 'sess', 'success'] as const;

describe('audit chain canonical form', () => {
  it('hashes an event without domains as it always did (old rows and old-style rows verify)', () => {
    assert.equal(chainHash(GENESIS, base as unknown as RawEvent), legacyHash(GENESIS, base));
    const hash = legacyHash(GENESIS, base);
    assert.deepEqual(checkRun([[...base, GENESIS, hash, null] as unknown as RawEvent], 1), { ok: true, count: 1, firstPrevHash: GENESIS, lastHash: hash, lastSeq: 1 });
    assert.ok(checkRun([[...base, GENESIS, hash] as unknown as RawEvent], 1).ok, 'a row read without the column');
  });

  it('binds domains into the hash when present, so they cannot be stripped or changed', () => {
    const withDomains = [...base, GENESIS, '', '["contact"]'] as unknown as RawEvent;
    const hash = chainHash(GENESIS, withDomains);
    assert.notEqual(hash, legacyHash(GENESIS, base));
    assert.notEqual(hash, chainHash(GENESIS, [...base, GENESIS, '', '["clinical","contact"]'] as unknown as RawEvent));
    assert.notEqual(hash, chainHash(GENESIS, [...base, GENESIS, '', '[]'] as unknown as RawEvent));
    assert.equal(checkRun([[...base, GENESIS, hash, null] as unknown as RawEvent], 1).ok, false, 'domains removed');
    assert.equal(checkRun([[...base, GENESIS, hash, '["contact"]'] as unknown as RawEvent], 1).ok, true);
  });
});
