/**
 * docs/api-scripting.md, step by step, against a real core: every request
 * the walkthrough shows (path, body, status, the fields it reads), so the
 * document cannot drift from the API. A cookie jar stands in for curl's
 * `-b/-c`. SQLite only: the walkthrough is about HTTP, not the database.
 * The administrator's part happens in the staff UI with a passkey; the
 * harness's software authenticator signs them in here.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { FastifyInstance, InjectOptions } from 'fastify';
import { URI } from 'otpauth';
import { STARTER_QUIZ } from '../../src/core/people/starter-training.js';
import { fixedClock } from '../../src/platform/clock.js';
import { generateEnquiry } from '../helpers/enquiries.js';
import { ADMIN, createHarness, type Harness, PASSPHRASE, post, signIn, submitEnquiries } from '../helpers/harness.js';

const SCRIPT = { email: 'enquiry-export@clinic.test', name: 'Enquiry export (script)', password: 'juniper quarry lantern 4471' };
const NEXT_PASSWORD = 'osprey tundra ledger 9082 quill';

/** curl -b jar -c jar: send the session cookie, keep whatever the server sets. */
function cookieJar(app: FastifyInstance) {
  let cookie = '';
  return async function api(method: 'GET' | 'POST' | 'PUT', url: string, json?: unknown) {
    const options: InjectOptions = { method, url, headers: { ...(cookie ? { cookie } : {}), ...(json === undefined ? {} : { 'content-type': 'application/json' }) }, ...(json === undefined ? {} : { payload: JSON.stringify(json) }) };
    const response = await app.inject(options);
    const set = response.cookies.at(-1);
    if (set) cookie = set.value === '' ? '' : `${set.name}=${set.value}`;
    return response;
  };
}

describe('the API walkthrough (docs/api-scripting.md)', () => {
  let harness: Harness;
  const clock = fixedClock(new Date('2026-11-23T10:00:00Z'));

  // Training grace 0 is the production default: a new account is gated until it has passed.
  before(async () => {
    harness = await createHarness('sqlite', { clock, isUnsealed: false, env: { TACET_TRAINING_GRACE_DAYS: '0' } });
  });
  after(async () => harness?.close());

  it('unseals, creates a script account, enrols TOTP, clears the people gate, reads enquiries and steps up', async () => {
    const app = harness.core.app;
    const body = <T>(response: { json: () => unknown }) => response.json() as T;
    const errorCode = (response: { json: () => unknown }) => body<{ error: { code: string; fields?: string[] } }>(response).error;

    // 1. Unseal.
    assert.equal(body<{ state: string }>(await app.inject({ url: '/api/v1/vault' })).state, 'sealed');
    const unsealed = await app.inject({ method: 'POST', url: '/api/v1/vault/unseal', payload: { passphrase: PASSPHRASE } });
    assert.equal(unsealed.statusCode, 200);
    assert.equal(body<{ state: string }>(unsealed).state, 'unsealed');
    // An enquiry arrives through the public form (as a browser sends it) and is ingested.
    const enquiry = generateEnquiry(1);
    await submitEnquiries(harness, [enquiry]);

    // 2. The administrator (staff UI, passkey) creates the script's account and publishes a policy.
    const admin = await signIn(app, ADMIN);
    const clinics = body<{ clinics: { id: string; slug: string }[] }>(await app.inject({ url: '/api/v1/clinics', headers: { cookie: admin } })).clinics;
    const clinicId = clinics.find((c) => c.slug === 'clinic-a')?.id;
    const created = await post(app, '/api/v1/staff', admin, { email: SCRIPT.email, name: SCRIPT.name, password: SCRIPT.password, orgRole: null, clinicRoles: [{ clinicId, role: 'receptionist' }] });
    assert.equal(created.statusCode, 201, created.body);
    assert.ok(body<{ id: string }>(created).id);
    const policy = await post(app, '/api/v1/policies', admin, { slug: 'acceptable-use', title: 'Acceptable use', body: 'Use Tacet only for the care and administration of our patients.' });
    assert.equal(policy.statusCode, 201, policy.body);

    // 3. First sign-in: password, then TOTP enrolment.
    const api = cookieJar(app);
    const login = await api('POST', '/api/v1/auth/login', { email: SCRIPT.email, password: SCRIPT.password });
    assert.equal(login.statusCode, 200);
    assert.equal(body<{ stage: string; passkeyRequired: boolean }>(login).stage, 'enrol');
    assert.equal(body<{ passkeyRequired: boolean }>(login).passkeyRequired, false);
    const early = await api('GET', '/api/v1/enquiries');
    assert.equal(early.statusCode, 403);
    assert.equal(errorCode(early).code, 'ENROLMENT_REQUIRED');

    const start = await api('POST', '/api/v1/me/factors/totp/start');
    assert.equal(start.statusCode, 200);
    const { uri, secret } = body<{ uri: string; secret: string }>(start);
    assert.match(uri, /^otpauth:\/\/totp\//);
    assert.match(secret, /^[A-Z2-7]+$/);
    const totp = URI.parse(uri);
    const confirmed = await api('POST', '/api/v1/me/factors/totp/confirm', { code: totp.generate({ timestamp: clock.now().getTime() }) });
    assert.equal(confirmed.statusCode, 200);
    const enrolment = body<{ status: string; recoveryCodes: string[] }>(confirmed);
    assert.equal(enrolment.status, 'enrolled');
    assert.equal(enrolment.recoveryCodes.length, 10);

    // 4. The people gate: signed in, but no personal data until training is passed and the policy acknowledged.
    const gated = await api('GET', '/api/v1/enquiries');
    assert.equal(gated.statusCode, 403);
    assert.equal(errorCode(gated).code, 'COMPLIANCE_REQUIRED');
    assert.deepEqual(errorCode(gated).fields, ['training', 'policy']);
    const state = body<{ stage: string; blocks: string[] }>(await api('GET', '/api/v1/auth/state'));
    assert.equal(state.stage, 'signed-in');
    assert.deepEqual(state.blocks, ['training', 'policy']);
    const tasks = body<{ blocks: string[]; training: { moduleId: string; state: string }[]; policies: { policyId: string; acknowledgedAt: string | null }[] }>(await api('GET', '/api/v1/me/compliance'));
    assert.deepEqual(tasks.blocks, ['training', 'policy']);

    const modules = body<{ id: string; title: string; content: string; passMark: number; quiz: { question: string; options: string[]; answer?: number }[] }[]>(await api('GET', '/api/v1/training/modules'));
    assert.equal(modules.length, 1);
    const module = modules[0] as (typeof modules)[number];
    assert.equal(module.id, tasks.training[0]?.moduleId);
    assert.ok(module.content.length > 0 && module.passMark === 80);
    assert.ok(module.quiz.every((q) => q.answer === undefined && q.options.length > 1), 'the answers are not sent to whoever takes the quiz');
    const attempt = await api('POST', `/api/v1/training/modules/${module.id}/attempts`, { answers: STARTER_QUIZ.map((q) => q.answer) });
    assert.equal(attempt.statusCode, 200);
    assert.equal(body<{ passed: boolean }>(attempt).passed, true);

    const policies = body<{ policyId: string; title: string; version: number; acknowledgedAt: string | null }[]>(await api('GET', '/api/v1/policies'));
    const pending = policies.filter((p) => p.acknowledgedAt === null);
    assert.equal(pending.length, 1);
    const text = await api('GET', `/api/v1/policies/${pending[0]?.policyId}`);
    assert.equal(text.statusCode, 200);
    assert.ok(body<{ body: string }>(text).body.length > 0);
    const acknowledged = await api('POST', `/api/v1/policies/${pending[0]?.policyId}/acknowledge`);
    assert.equal(acknowledged.statusCode, 200);
    assert.equal(body<{ status: string }>(acknowledged).status, 'acknowledged');
    assert.deepEqual(body<{ blocks: string[] }>(await api('GET', '/api/v1/me/compliance')).blocks, []);

    // 5. Enquiries: the list (no personal data), one opened through the door, its status moved on.
    const list = await api('GET', '/api/v1/enquiries?status=new&limit=50');
    assert.equal(list.statusCode, 200);
    const rows = body<{ enquiries: { id: string; reference: string; status: string; receivedAt: string }[] }>(list).enquiries;
    assert.equal(rows.length, 1);
    const id = rows[0]?.id as string;
    const opened = await api('GET', `/api/v1/enquiries/${id}`);
    assert.equal(opened.statusCode, 200);
    const detail = body<{ reference: string; contact: { name: string; email: string }; procedure: string }>(opened);
    assert.equal(detail.contact.email, enquiry.email);
    assert.equal(detail.procedure, enquiry.procedure);
    const moved = await api('PUT', `/api/v1/enquiries/${id}/status`, { status: 'contacted' });
    assert.equal(moved.statusCode, 200);
    assert.equal(body<{ status: string }>(moved).status, 'contacted');

    // 6. Step-up: the sign-in is fresh for five minutes; after that a sensitive act needs a new code first.
    clock.advance(6 * 60_000);
    const change = { current: SCRIPT.password, next: NEXT_PASSWORD };
    const stale = await api('PUT', '/api/v1/me/password', change);
    assert.equal(stale.statusCode, 403);
    assert.equal(errorCode(stale).code, 'STEP_UP_REQUIRED');
    const stepUp = await api('POST', '/api/v1/auth/totp', { code: totp.generate({ timestamp: clock.now().getTime() }) });
    assert.equal(stepUp.statusCode, 200);
    assert.equal(body<{ status: string }>(stepUp).status, 'verified');
    const changed = await api('PUT', '/api/v1/me/password', change);
    assert.equal(changed.statusCode, 200, changed.body);
    assert.equal(body<{ status: string }>(changed).status, 'changed');

    // 7. Later runs: password, then a code from a later 30-second step; sign out at the end.
    clock.advance(30_000);
    const later = cookieJar(app);
    const again = await later('POST', '/api/v1/auth/login', { email: SCRIPT.email, password: NEXT_PASSWORD });
    assert.equal(again.statusCode, 200);
    assert.equal(body<{ stage: string }>(again).stage, 'second-factor');
    const verified = await later('POST', '/api/v1/auth/totp', { code: totp.generate({ timestamp: clock.now().getTime() }) });
    assert.equal(verified.statusCode, 200);
    assert.equal((await later('GET', '/api/v1/enquiries')).statusCode, 200);
    const out = await later('POST', '/api/v1/auth/logout');
    assert.equal(out.statusCode, 200);
    assert.equal(body<{ status: string }>(out).status, 'signed-out');
    assert.equal((await later('GET', '/api/v1/enquiries')).statusCode, 401);
    // A recovery code signs in once in place of a code.
    await later('POST', '/api/v1/auth/login', { email: SCRIPT.email, password: NEXT_PASSWORD });
    const recovered = await later('POST', '/api/v1/auth/recovery', { code: enrolment.recoveryCodes[0] });
    assert.equal(recovered.statusCode, 200);
    assert.deepEqual(body<{ status: string; recoveryCodesLeft: number }>(recovered), { status: 'verified', recoveryCodesLeft: 9 });
  });
});
