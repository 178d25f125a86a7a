/**
 * Attacker test: personal data put in URLs must not reach the log. Someone
 * (a careless integration, a browser autofill, an attacker probing) sends a
 * name, email, phone and date of birth in query strings and path segments,
 * plain and percent-encoded, to the public intake and to the staff API —
 * matched routes, refused requests and unknown paths. The real log the
 * process writes (the harness's pino destination, shared by both tiers) holds
 * none of those values in any form, and still says which method, which route
 * template and which status each request had.
 */
import assert from 'node:assert/strict';
import fs from 'node:fs';
import { after, before, describe, it } from 'node:test';
import { DIALECTS } from '../helpers/databases.js';
import { createHarness, type Harness, RECEPTION, signIn } from '../helpers/harness.js';

// A person distinctive enough that any fragment of them in the log is a leak.
const NAME = 'Imogen Faraday-Quill';
const EMAIL = 'imogen.fq@example.org';
const PHONE = '07700900461';
const DOB = '1980-02-03';
// A patient's address on the intake tier is personal data too: request lines do not carry it.
const CLIENT_ADDRESS = '203.0.113.77';
const q = encodeURIComponent;
// Lower-case fragments that must not appear: each word of the name, the email's parts, their encodings.
const FORBIDDEN = ['imogen', 'faraday', 'quill', 'imogen.fq', 'example.org', '%40example', '@example', PHONE, DOB, '07700%20900461', '07700 900461'];

interface LogLine {
  readonly msg?: string;
  readonly reqId?: string;
  readonly req?: { readonly method?: string; readonly url?: string; readonly route?: string };
  readonly res?: { readonly statusCode?: number; readonly method?: string; readonly route?: string };
}

for (const dialect of DIALECTS) {
  describe(`personal data in URLs stays out of the log (${dialect})`, () => {
    let harness: Harness;
    before(async () => {
      harness = await createHarness(dialect, { env: { TACET_AUTH_RATE_MAX: '1000' } });
    });
    after(async () => harness?.close());

    it('logs method, route template and status, and none of the values, on both tiers', async () => {
      const intake = harness.intake.app;
      const core = harness.core.app;
      const expected: { tier: string; method: string; route: string; status: number }[] = [];
      const send = async (tier: 'intake' | 'core', method: 'GET' | 'POST', url: string, route: string, extra: { headers?: Record<string, string>; payload?: string; remoteAddress?: string } = {}) => {
        const response = await (tier === 'intake' ? intake : core).inject({ method, url, ...extra });
        expected.push({ tier, method, route, status: response.statusCode });
        return response;
      };

      // Intake: the hosted form with the person in the query, plain and encoded; an unknown path holding the email.
      assert.equal((await send('intake', 'GET', `/enquire?clinic=clinic-a&name=${q(NAME)}&email=${q(EMAIL)}&phone=${PHONE}`, '/enquire')).statusCode, 200);
      assert.equal((await send('intake', 'GET', `/enquire?name=${NAME.replace(/ /g, '+')}&email=${EMAIL}&dob=${DOB}`, '/enquire')).statusCode, 200);
      assert.equal((await send('intake', 'GET', `/v1/publication?email=${q(EMAIL)}`, '/v1/publication', { remoteAddress: CLIENT_ADDRESS })).statusCode, 200);
      assert.equal((await send('intake', 'GET', `/enquire/${EMAIL}?name=${q(NAME)}`, 'unmatched')).statusCode, 404);
      assert.equal((await send('intake', 'GET', `/${q(NAME)}/${q(EMAIL)}`, 'unmatched')).statusCode, 404);
      const refused = await send('intake', 'POST', `/v1/enquiries?email=${q(EMAIL)}`, '/v1/enquiries', { headers: { 'content-type': 'application/json' }, payload: '{"v":1}' });
      assert.equal(refused.statusCode, 400);

      // Core: unauthenticated, then as a signed-in receptionist; an email as a path segment, queries, unknown paths.
      assert.equal((await send('core', 'GET', `/api/v1/patients/${q(EMAIL)}?email=${q(EMAIL)}`, '/api/v1/patients/:id')).statusCode, 401);
      const cookie = await signIn(core, RECEPTION);
      const headers = { cookie };
      assert.equal((await send('core', 'GET', `/api/v1/patients/${EMAIL}`, '/api/v1/patients/:id', { headers })).statusCode, 400);
      assert.equal((await send('core', 'GET', `/api/v1/patients/${q(EMAIL)}/clinical?name=${q(NAME)}`, '/api/v1/patients/:id/clinical', { headers })).statusCode, 404);
      assert.equal((await send('core', 'GET', `/api/v1/enquiries?name=${q(NAME)}&phone=${PHONE}`, '/api/v1/enquiries', { headers })).statusCode < 500, true);
      assert.equal((await send('core', 'GET', `/api/v1/people/${q(EMAIL)}/notes?dob=${DOB}`, 'unmatched', { headers })).statusCode, 404);
      assert.equal((await send('core', 'GET', `/api/v1/${EMAIL}`, 'unmatched', { headers })).statusCode, 404);

      const text = fs.readFileSync(harness.logFile, 'utf8');
      const lower = text.toLowerCase();
      for (const fragment of FORBIDDEN) assert.ok(!lower.includes(fragment.toLowerCase()), `the log holds a fragment of the person (#${FORBIDDEN.indexOf(fragment)})`);
      for (const form of [NAME, q(NAME), NAME.replace(/ /g, '+'), EMAIL, q(EMAIL)]) assert.ok(!text.includes(form), 'the log holds a value from a URL');
      assert.ok(!text.includes(CLIENT_ADDRESS), "the log holds the client's address");

      const lines = text.split('\n').filter((line) => line.trim() !== '').map((line) => JSON.parse(line) as LogLine);
      const completed = lines.filter((line) => line.msg === 'request completed');
      for (const want of expected) {
        const found = completed.some((line) => line.res?.method === want.method && line.res.route === want.route && line.res.statusCode === want.status);
        assert.ok(found, `no "request completed" line for ${want.tier} ${want.method} ${want.route} ${want.status}`);
      }
      const incoming = lines.filter((line) => line.msg === 'incoming request');
      assert.ok(incoming.some((line) => line.req?.route === '/api/v1/patients/:id' && line.req.method === 'GET'));
      assert.ok(incoming.some((line) => line.req?.route === 'unmatched'));
      assert.ok(incoming.every((line) => line.req?.url === undefined), 'request lines carry no URL');
    });
  });
}
