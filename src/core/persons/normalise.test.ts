import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parsePhoneNumberFromString } from 'libphonenumber-js';
import { normaliseEmail, normalisePhone, normaliseSurnameDob } from './normalise.js';

describe('normalisation for blind indexes', () => {
  it('folds email case and whitespace', () => {
    assert.equal(normaliseEmail('  Jo.Bloggs@Example.ORG '), 'jo.bloggs@example.org');
  });
  it('brings UK phone formats to one E.164 form and refuses junk', () => {
    assert.equal(normalisePhone('07700 900123'), '+447700900123');
    assert.equal(normalisePhone('+44 (0)7700-900123'), '+447700900123');
    assert.equal(normalisePhone('0044 7700 900123'), '+447700900123');
    assert.equal(normalisePhone('not a phone'), undefined);
  });
  it('takes the UK fast path only where it agrees with libphonenumber', () => {
    const samples = ['07700 900123', '07700-900-123', '+447700900123', '+44 (0)7700 900123', '0044 7700 900123', '020 7946 0018', '+44 20 7946 0018', '0161 496 0000', '+1 415 555 2671', '+33 1 23 45 67 89', '7700 900123'];
    for (const sample of samples) {
      const reference = parsePhoneNumberFromString(sample.trim(), 'GB');
      const expected = reference && reference.nationalNumber.length >= 7 ? reference.number : undefined;
      assert.equal(normalisePhone(sample), expected, sample);
    }
  });
  it('keys surname and DOB with accents and case folded', () => {
    assert.equal(normaliseSurnameDob('Zoë  BRONTË', '1990-02-03'), 'bronte|1990-02-03');
    assert.equal(normaliseSurnameDob('Zoe Bronte', undefined), undefined);
  });
});
