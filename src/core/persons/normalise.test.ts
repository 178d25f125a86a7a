import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { parsePhoneNumberFromString } from 'libphonenumber-js';
import { normaliseEmail, normalisePhone, normaliseSurnameDob } from './normalise.js';

describe('normalisation for blind indexes', () => {
  it('folds email case and whitespace', () => {
    assert.equal(normaliseEmail('  Jo.Bloggs@Example.ORG '), 'jo.bloggs@example.org');
  });
  it('normalises an email once for good: normalising again changes nothing (a rectified email is found again)', () => {
    // Greek capitals with a combining accent lower-case to a sequence that NFC then composes: NFC must come last.
    for (const email of ['\u03aa\u0301ris@x.gr', 'ΆͅΝΝΑ@x.gr', 'İrem@Örnek.com.tr', 'MAẞ@STRASSE.DE', 'Ω@ohm.test', 'K\u0307elvin@x.test', 'Å@x.test', 'ΣΊΣΥΦΟΣ@x.gr', 'Ａｍｙ@ＦＵＬＬ.jp', 'e\u0301\u0323@x.test']) {
      const once = normaliseEmail(email);
      assert.equal(normaliseEmail(once), once, 'normalising twice differs');
    }
    // Pieces that interact under case folding and composition, in any order, with anything else around them.
    const tricky = fc.constantFrom('İ', 'I', 'ı', 'i', 'ẞ', 'ß', 'Σ', 'σ', 'ς', 'Ω', 'Ω', 'K', 'Å', 'Å', '\u0301', '\u0307', '\u0323', '\u0345', '\u0308', 'Ａ', 'ｚ', 'ǅ', 'Ǆ', 'ﬃ', 'A', 'e', ' ', '\u00a0', '\u2000', '\u3000', '@', '.');
    const email = fc.oneof(fc.string({ unit: 'binary' }), fc.string({ unit: tricky, maxLength: 12 }), fc.string({ unit: fc.oneof(tricky, fc.string({ unit: 'binary', minLength: 1, maxLength: 1 })), maxLength: 16 }));
    fc.assert(
      fc.property(email, (value) => normaliseEmail(normaliseEmail(value)) === normaliseEmail(value)),
      { numRuns: 5_000 },
    );
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
