/**
 * Bad input at the public intake: each gets a clear 4xx with a stable code,
 * and nothing already stored is lost.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { fromBase64Url, toBase64Url } from '../../src/crypto/bytes.js';
import { FIELD_MESSAGES } from '../../src/intake/enquiry-fields.js';
import { fastSealedBody, formBody, generateEnquiries, generateEnquiry } from '../helpers/enquiries.js';
import { createHarness, formToken, type Harness, submitEnquiries } from '../helpers/harness.js';

async function inboxRows(harness: Harness): Promise<string[]> {
  return (await harness.core.db.selectFrom('enquiry_inbox').select('envelope_hash').orderBy('envelope_hash').execute()).map((r) => r.envelope_hash);
}

describe('intake refuses bad input clearly and keeps what it has', () => {
  let harness: Harness;
  let token: string;
  let stored: string[] = [];

  before(async () => {
    harness = await createHarness('sqlite', { env: { TACET_INTAKE_RATE_MAX: '200', TACET_INTAKE_RATE_WINDOW_MS: '60000' } });
    token = ((await harness.intake.app.inject({ url: '/v1/publication' })).json() as { formToken: string }).formToken;
    await submitEnquiries(harness, generateEnquiries(0, 3), { ingest: false });
    stored = await inboxRows(harness);
    assert.equal(stored.length, 3);
  });

  after(async () => harness.close());

  /** Nothing accepted before the abuse was lost or altered. */
  async function assertStoredKept(): Promise<void> {
    const now = await inboxRows(harness);
    for (const hash of stored) assert.ok(now.includes(hash), 'a stored enquiry went missing');
  }

  const post = (payload: unknown, headers: Record<string, string> = {}) =>
    harness.intake.app.inject({ method: 'POST', url: '/v1/enquiries', payload: payload as string, headers: { 'content-type': 'application/json', ...headers } });
  const code = (response: { json: () => unknown }) => (response.json() as { error: { code: string } }).error.code;

  it('refuses an oversized body with 413', async () => {
    const response = await post(JSON.stringify({ ...fastSealedBody(harness.publication, 'clinic-a', generateEnquiry(9), token), ct: 'A'.repeat(70_000) }));
    assert.equal(response.statusCode, 413);
    assert.equal(code(response), 'BODY_TOO_LARGE');
    const sealedTooLong = await post(JSON.stringify({ ...fastSealedBody(harness.publication, 'clinic-a', generateEnquiry(9), token), ct: 'A'.repeat(50_000) }));
    assert.equal(sealedTooLong.statusCode, 413);
    assert.equal(code(sealedTooLong), 'ENQUIRY_ENVELOPE_TOO_LARGE');
  });

  it('refuses wrong content types with 415', async () => {
    for (const type of ['text/plain', 'application/xml', 'multipart/form-data; boundary=x']) {
      const response = await post('hello', { 'content-type': type });
      assert.equal(response.statusCode, 415, `${type}: ${response.body}`);
      assert.equal(code(response), 'UNSUPPORTED_MEDIA_TYPE');
    }
  });

  it('refuses broken envelopes with 400 naming the field, never echoing values', async () => {
    const good = fastSealedBody(harness.publication, 'clinic-a', generateEnquiry(10), token);
    const cases: [unknown, string][] = [
      ['{not json', 'BAD_REQUEST'],
      [JSON.stringify({ ...good, enc: 'short' }), 'ENQUIRY_ENVELOPE_INVALID'],
      [JSON.stringify({ ...good, ct: 'has spaces and !' }), 'ENQUIRY_ENVELOPE_INVALID'],
      [JSON.stringify({ ...good, v: 2 }), 'ENQUIRY_ENVELOPE_INVALID'],
      [JSON.stringify({ ...good, suite: 'ROT13' }), 'ENQUIRY_ENVELOPE_INVALID'],
      [JSON.stringify({ ...good, name: 'Smuggled Plaintext' }), 'ENQUIRY_ENVELOPE_INVALID'],
      [JSON.stringify({ kid: 'intake.v1' }), 'ENQUIRY_ENVELOPE_INVALID'],
      [JSON.stringify([1, 2, 3]), 'ENQUIRY_ENVELOPE_INVALID'],
    ];
    for (const [payload, expected] of cases) {
      const response = await post(payload);
      assert.equal(response.statusCode, 400, String(payload).slice(0, 40));
      assert.equal(code(response), expected);
      assert.doesNotMatch(response.body, /Smuggled Plaintext/);
    }
  });

  it('refuses unknown key ids and unknown clinics with 422', async () => {
    const good = fastSealedBody(harness.publication, 'clinic-a', generateEnquiry(11), token);
    const unknownKey = await post(JSON.stringify({ ...good, kid: 'intake.v9' }));
    assert.equal(unknownKey.statusCode, 422);
    assert.equal(code(unknownKey), 'ENQUIRY_UNKNOWN_KEY');
    const unknownClinic = await post(JSON.stringify({ ...good, clinic: 'no-such-clinic' }));
    assert.equal(unknownClinic.statusCode, 422);
    assert.equal(code(unknownClinic), 'ENQUIRY_UNKNOWN_CLINIC');
    const form = await harness.intake.app.inject({ method: 'POST', url: '/enquire', payload: formBody('no-such-clinic', generateEnquiry(12), token), headers: { 'content-type': 'application/x-www-form-urlencoded' } });
    assert.equal(form.statusCode, 400);
    assert.match(form.body, new RegExp(FIELD_MESSAGES.clinic));
  });

  it('stops bots: honeypot filled, forged token', async () => {
    const good = fastSealedBody(harness.publication, 'clinic-a', generateEnquiry(13), token);
    const honeypot = await post(JSON.stringify({ ...good, website: 'http://spam.example' }));
    assert.equal(honeypot.statusCode, 422);
    assert.equal(code(honeypot), 'ENQUIRY_REJECTED_AS_AUTOMATED');
    const forged = await post(JSON.stringify({ ...good, formToken: `${Date.now() - 10_000}.${'A'.repeat(22)}.${'A'.repeat(43)}` }));
    assert.equal(code(forged), 'ENQUIRY_REJECTED_AS_AUTOMATED');
  });

  it('answers a no-JS form with missing fields with the form again, saying what each needs, and stores nothing', async () => {
    const before_ = (await inboxRows(harness)).length;
    const fields = { ...generateEnquiry(14), email: 'not-an-email', procedure: '' };
    const response = await harness.intake.app.inject({ method: 'POST', url: '/enquire', payload: formBody('clinic-a', fields, token), headers: { 'content-type': 'application/x-www-form-urlencoded' } });
    assert.equal(response.statusCode, 400);
    assert.match(response.body, new RegExp(FIELD_MESSAGES.email));
    assert.match(response.body, new RegExp(FIELD_MESSAGES.procedure));
    // The person's own typing goes back to them in the form (no-store), never into an API error.
    assert.match(response.body, /value="not-an-email"/);
    assert.equal((await inboxRows(harness)).length, before_);
  });

  it('absorbs a replayed envelope (stored once), each time with a fresh form token; the same token again is refused', async () => {
    const body = fastSealedBody(harness.publication, 'clinic-a', generateEnquiry(15), token);
    const before_ = (await inboxRows(harness)).length;
    for (let i = 0; i < 3; i++) assert.equal((await post(JSON.stringify({ ...body, formToken: await formToken(harness.intake) }))).statusCode, 202);
    assert.equal((await inboxRows(harness)).length, before_ + 1);
    assert.equal((await post(JSON.stringify(body))).statusCode, 202);
    const again = await post(JSON.stringify(body));
    assert.equal(again.statusCode, 409);
    assert.equal(code(again), 'ENQUIRY_FORM_ALREADY_USED');
    token = await formToken(harness.intake);
  });

  it('rate-limits 10,000 requests from one IP: 429 with a clear code once over the limit', async () => {
    const before_ = (await inboxRows(harness)).length;
    const counts = new Map<number, number>();
    const body = JSON.stringify(fastSealedBody(harness.publication, 'clinic-a', generateEnquiry(16), token));
    const tampered = fromBase64Url(JSON.parse(body).ct as string);
    tampered[0] = (tampered[0] as number) ^ 1;
    const noisy = JSON.stringify({ ...JSON.parse(body), ct: toBase64Url(tampered) });
    // A form token per request for the first 200 (the limit): each is good once. The limiter answers before the token matters.
    const tokens: string[] = [];
    for (let i = 0; i < 200; i++) tokens.push(await formToken(harness.intake));
    for (let i = 0; i < 10_000; i++) {
      const payload = JSON.stringify({ ...(JSON.parse(i % 2 ? body : noisy) as object), formToken: tokens[i] ?? token });
      const response = await harness.intake.app.inject({ method: 'POST', url: '/v1/enquiries', payload, headers: { 'content-type': 'application/json' }, remoteAddress: '203.0.113.9' });
      counts.set(response.statusCode, (counts.get(response.statusCode) ?? 0) + 1);
      if (response.statusCode === 429 && i === 9_999) {
        assert.equal(code(response), 'RATE_LIMITED');
        assert.equal(response.headers['access-control-allow-origin'], '*', 'an embedded form can read the refusal');
      }
    }
    assert.equal(counts.get(202), 200);
    assert.equal(counts.get(429), 9_800);
    // Another address is unaffected.
    const other = await harness.intake.app.inject({ method: 'POST', url: '/v1/enquiries', payload: fastSealedBody(harness.publication, 'clinic-b', generateEnquiry(17), await formToken(harness.intake)), remoteAddress: '198.51.100.4' });
    assert.equal(other.statusCode, 202);
    assert.equal((await inboxRows(harness)).length, before_ + 3);
    await assertStoredKept();
  });

  it('quarantines envelopes that pass the shape check but do not open, and reports them', async () => {
    const good = fastSealedBody(harness.publication, 'clinic-a', generateEnquiry(18), await formToken(harness.intake));
    const ct = fromBase64Url(good['ct'] as string);
    ct[5] = (ct[5] as number) ^ 0xff;
    assert.equal((await post(JSON.stringify({ ...good, ct: toBase64Url(ct) }))).statusCode, 202);
    const moved = { ...fastSealedBody(harness.publication, 'clinic-a', generateEnquiry(19), await formToken(harness.intake)), clinic: 'clinic-b' };
    assert.equal((await post(JSON.stringify(moved))).statusCode, 202);
    assert.equal((await post(JSON.stringify(fastSealedBody(harness.publication, 'clinic-a', { not: 'an enquiry' }, await formToken(harness.intake))))).statusCode, 202);
    const inboxBefore = (await inboxRows(harness)).length;
    await assertStoredKept();
    const result = await harness.core.ingest.drain();
    // Three that do not open (tampered in the rate test, bit-flipped, moved to another clinic) and one that is not an enquiry.
    assert.equal(result.quarantined, 4);
    assert.deepEqual(result.quarantineReasons, { 'open-failed': 3, 'invalid-fields': 1 });
    assert.equal(result.ingested + result.duplicates + result.quarantined, inboxBefore);
    const quarantine = await harness.core.db.selectFrom('inbox_quarantine').select(['reason']).execute();
    assert.equal(quarantine.length, 4);
    const events = await harness.core.db.selectFrom('audit_events').select('action').where('action', '=', 'enquiry.quarantine').execute();
    assert.equal(events.length, 4);
  });
});
