/**
 * The name index's data structure on its own: prefixes, several words, dates
 * of birth, clinics, exactness, corrections and removals, and its size.
 */
import assert from 'node:assert/strict';
import { newId as randomUUID } from '../../crypto/random.js';
import { describe, it } from 'node:test';
import v8 from 'node:v8';
import vm from 'node:vm';
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

  it('finds, corrects and forgets patients by their UUIDs while its tables grow', () => {
    const uuids = new NameIndex();
    const patients = Array.from({ length: 5_000 }, (_, i) => ({ id: randomUUID(), name: `Given${i % 40} Family${i}` }));
    for (const p of patients) uuids.put(p.id, 'c1', { name: p.name });
    assert.equal(uuids.size, 5_000);
    for (const p of patients.slice(0, 100)) uuids.put(p.id, 'c1', { name: `${p.name.split(' ')[0]} Renamed` });
    for (const p of patients.slice(100, 200)) uuids.remove(p.id);
    assert.equal(uuids.size, 4_900);
    assert.ok(!ids(uuids.search({ name: 'given7 family7' }, ['c1'], 5_000)).includes(patients[7]?.id as string), 'the old surname no longer finds a renamed patient');
    assert.ok(ids(uuids.search({ name: 'given7 family7' }, ['c1'], 5_000)).includes(patients[727]?.id as string));
    assert.deepEqual(ids(uuids.search({ name: 'given7 renamed' }, ['c1'], 50)), [patients[7]?.id, patients[47]?.id, patients[87]?.id].sort());
    assert.ok(!ids(uuids.search({ name: 'family150' }, ['c1'], 50)).includes(patients[150]?.id as string), 'a removed patient is not found');
    assert.ok(ids(uuids.search({ name: 'family150' }, ['c1'], 50)).includes(patients[1500]?.id as string));
    assert.deepEqual(ids(uuids.search({ name: 'family4999' }, ['c1'], 50)), [patients[4999]?.id]);
  });

  it('holds 50,000 patients, each with a surname no one else has, in under 250 bytes of memory each', () => {
    v8.setFlagsFromString('--expose-gc');
    const gc = vm.runInNewContext('gc') as () => void;
    const memory = () => {
      for (let i = 0; i < 3; i++) gc();
      const used = process.memoryUsage();
      return used.heapUsed + used.arrayBuffers;
    };
    // Flat strings, as the opened records give (a concatenation would be flattened by the index and free memory).
    const contacts = Array.from({ length: 50_000 }, (_, i) => ({ name: Buffer.from(`First${i % 500} Unique${i}surname`).toString(), dob: `19${50 + (i % 50)}-01-0${1 + (i % 9)}` }));
    const before = memory();
    const big = new NameIndex();
    for (const [i, contact] of contacts.entries()) big.put(randomUUID(), `clinic-${i % 21}`, contact);
    const perPatient = (memory() - before) / 50_000;
    assert.equal(big.search({ name: 'first7 unique7surname' }, ['clinic-7'], 50).length, 1);
    assert.ok(perPatient < 250, `the index takes ${perPatient.toFixed(0)} bytes a patient`);
  });
});
