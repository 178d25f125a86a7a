/** The one enquiry schema's verdicts, as the form shows them, and the origin the form captures. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { captureOrigin, enquiryFieldsSchema, FIELD_MESSAGES, fieldErrors } from './enquiry-fields.js';

const good = { sid: 'abcDEF123_-', name: ' Ada Lovelace ', email: 'ada@example.org', phone: '+44 (0)20 7946-0000', procedure: 'Consultation', consent: true };

const errorsOf = (fields: unknown) => {
  const parsed = enquiryFieldsSchema.safeParse(fields);
  return parsed.success ? {} : fieldErrors(parsed.error);
};

describe('enquiry fields', () => {
  it('accepts a good enquiry, trimmed, with the defaults', () => {
    const parsed = enquiryFieldsSchema.parse(good);
    assert.equal(parsed.name, 'Ada Lovelace');
    assert.equal(parsed.message, '');
    assert.equal(parsed.acknowledge, false);
  });

  it('gives each bad field one message written for the person', () => {
    assert.deepEqual(errorsOf({ ...good, phone: '020 CALL ME', email: 'ada@', consent: false, name: '  ' }), {
      name: FIELD_MESSAGES.name,
      email: FIELD_MESSAGES.email,
      phone: FIELD_MESSAGES.phone,
      consent: FIELD_MESSAGES.consent,
    });
    assert.deepEqual(errorsOf({ ...good, dob: '2999-01-01' }), { dob: FIELD_MESSAGES.dobFuture });
    assert.deepEqual(errorsOf({ ...good, dob: '1899-12-31' }), { dob: FIELD_MESSAGES.dobTooOld });
    assert.deepEqual(errorsOf({ ...good, dob: '1990-02-30' }), { dob: FIELD_MESSAGES.dob });
    assert.deepEqual(errorsOf({ ...good, dob: '' }), {}, 'the date of birth is optional');
    assert.deepEqual(Object.keys(errorsOf({})).sort(), ['consent', 'email', 'name', 'phone', 'procedure', 'sid']);
    assert.match(errorsOf({ ...good, procedure: 'x'.repeat(101) })['procedure'] ?? '', /at most 100 characters/);
  });

  it('captures an origin cut to the lengths it keeps, and nothing when there is nothing', () => {
    assert.equal(captureOrigin({ referrer: '', utmSource: '  ' }), undefined);
    const origin = captureOrigin({ utmSource: ' news ', utmCampaign: 'c'.repeat(300), page: 'https://clinic.example/a' });
    assert.deepEqual(origin, { utmSource: 'news', utmCampaign: 'c'.repeat(200), page: 'https://clinic.example/a' });
    assert.ok(enquiryFieldsSchema.safeParse({ ...good, origin }).success);
    assert.ok(!enquiryFieldsSchema.safeParse({ ...good, origin: { ...origin, email: 'x' } }).success, 'no field beside the known ones');
  });
});
