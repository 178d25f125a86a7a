import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { needles } from './leak-scanner.js';

// The dump tests are only as good as this scanner: prove it finds what it must.
describe('leak scanner', () => {
  const value = 'Zelquorvand Mirtoxaprun@example.org';
  const set = needles([{ label: 'email', value }]);
  const wrap = (inner: Buffer) => Buffer.concat([Buffer.from('xx\u0000garbage'), inner, Buffer.from('tail')]);

  it('finds the value in UTF-8, UTF-16LE/BE, hex and upper-case', () => {
    for (const encoded of [Buffer.from(value), Buffer.from(value, 'utf16le'), Buffer.from(value, 'utf16le').swap16(), Buffer.from(Buffer.from(value).toString('hex')), Buffer.from(value.toUpperCase())]) {
      assert.equal(set.scan(wrap(encoded), 't').length > 0, true, encoded.toString('latin1').slice(0, 20));
    }
  });

  it('finds base64 and base64url at every alignment, embedded in other data', () => {
    for (const prefix of ['', 'a', 'ab', 'abc']) {
      const b64 = Buffer.from(`${prefix}${value}!`).toString('base64');
      assert.equal(set.scan(wrap(Buffer.from(b64)), 'b64').length > 0, true, `prefix ${prefix.length}`);
      assert.equal(set.scan(wrap(Buffer.from(b64.replace(/\+/g, '-').replace(/\//g, '_'))), 'b64url').length > 0, true);
    }
  });

  it('does not report unrelated data', () => {
    assert.deepEqual(set.scan(Buffer.from('Zelquorvand Mirtoxa nothing here'), 'clean'), []);
  });

  it('finds binary needles (image fragments, digests) raw, in hex and in base64 at every alignment', () => {
    const fragment = Buffer.from(Array.from({ length: 32 }, (_, i) => (i * 37 + 11) & 0xff));
    const binary = needles([{ label: 'fragment', value: fragment }]);
    assert.equal(binary.scan(wrap(fragment), 'raw').length, 1);
    assert.equal(binary.scan(wrap(Buffer.from(fragment.toString('hex').toUpperCase())), 'hex').length, 1);
    for (const prefix of [0, 1, 2]) assert.equal(binary.scan(wrap(Buffer.from(Buffer.concat([Buffer.alloc(prefix, 7), fragment]).toString('base64'))), 'b64').length > 0, true, `prefix ${prefix}`);
    assert.deepEqual(binary.scan(wrap(Buffer.from(fragment).reverse()), 'reversed'), []);
  });
});
