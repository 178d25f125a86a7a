/**
 * The name index's data structure on its own: prefixes, several words, dates
 * of birth, clinics, exactness, corrections and removals, and its size.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { NameIndex, nameTokens } from './name-index.js';

const ids = (matches: { patientId: string }[]) => matches.map((m) => m.patientId).sort();

describe('name index', () => {
  const index = new NameIndex();
  index.put('p1', 'c1', { name: 'Olivia Smith', dob: '1980-02-03' });
  index.put('p2', 'c1', { name: 'Oliver Smithson', dob: '1975-11-30' });
  index.put('p3', 'c2', { name: 'Olivia Smith', dob: '1980-02-03' });
  index.put('p4', 'c1', { name: 'Zoë  Ångström-Jones' });
  index.put('p5', 'c1', { name: 'Amelia Smith', dob: '1980-02-03' });

  it('folds case and accents into words', () => {
    assert.deepEqual(nameTokens('Zoë  Ångström-Jones'), ['zoe', 'angstrom', 'jones']);
  });

  it('finds by word prefixes, every word of the query, in the reader’s clinics only', () => {
    assert.deepEqual(ids(index.search({ name: 'oli' }, ['c1'], 50)), ['p1', 'p2']);
    assert.deepEqual(ids(index.search({ name: 'oli smiths' }, ['c1'], 50)), ['p2']);
    assert.deepEqual(ids(index.search({ name: 'smith olivia' }, ['c1', 'c2'], 50)), ['p1', 'p3']);
    assert.deepEqual(ids(index.search({ name: 'ZOE angst' }, ['c1'], 50)), ['p4']);
    assert.deepEqual(index.search({ name: 'oli' }, ['c9'], 50), []);
    assert.deepEqual(index.search({ name: 'xavier' }, ['c1'], 50), []);
  });

  it('finds by date of birth alone or with a name, and marks whole name with date as exact', () => {
    assert.deepEqual(ids(index.search({ dob: '1980-02-03' }, ['c1'], 50)), ['p1', 'p5']);
    assert.deepEqual(index.search({ name: 'smith', dob: '1980-02-03' }, ['c1'], 50).map((m) => m.isExact), [false, false]);
    assert.deepEqual(index.search({ name: 'olivia smith', dob: '1980-02-03' }, ['c1'], 50), [{ patientId: 'p1', isExact: true }]);
    assert.deepEqual(index.search({ name: 'olivia smith' }, ['c1'], 50), [{ patientId: 'p1', isExact: false }]);
    assert.deepEqual(index.search({ name: 'olivia', dob: '1999-01-01' }, ['c1'], 50), []);
    assert.deepEqual(index.search({ dob: 'not-a-date' }, ['c1'], 50), []);
  });

  it('stops at the limit', () => {
    assert.equal(index.search({ name: 's' }, ['c1', 'c2'], 2).length, 2);
  });

  it('takes a corrected name instead of the old one, and forgets a removed patient', () => {
    const local = new NameIndex();
    local.put('p1', 'c1', { name: 'Olivia Smith' });
    local.put('p1', 'c1', { name: 'Olivia Brown' });
    assert.deepEqual(local.search({ name: 'smith' }, ['c1'], 50), []);
    assert.deepEqual(ids(local.search({ name: 'brown' }, ['c1'], 50)), ['p1']);
    assert.equal(local.size, 1);
    local.remove('p1');
    assert.deepEqual(local.search({ name: 'olivia' }, ['c1'], 50), []);
    assert.equal(local.size, 0);
  });

  it('holds 20,000 patients in typed arrays of well under 250 bytes each', () => {
    const big = new NameIndex();
    for (let i = 0; i < 20_000; i++) big.put(`patient-${i}`, `clinic-${i % 21}`, { name: `First${i % 500} Last${i % 3000}`, dob: `19${50 + (i % 50)}-01-0${1 + (i % 9)}` });
    assert.equal(big.search({ name: 'first7 last7' }, ['clinic-7'], 50).length > 0, true);
    assert.ok(big.arrayBytes() / 20_000 < 100, `arrays hold ${big.arrayBytes() / 20_000} bytes a patient`);
  });
});
