/**
 * Production readiness: readiness reflects the database, Redis and the
 * vault; Prometheus metrics are served only to loopback or with the token,
 * and their labels carry route templates, never ids or personal data; a
 * graceful shutdown of the intake tier in the middle of a burst loses no
 * enquiry it accepted.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { fastSealedBody, generateEnquiry } from '../helpers/enquiries.js';
import { createHarness, formToken, type Harness, PASSPHRASE, RECEPTION, signIn, submitEnquiries } from '../helpers/harness.js';

const TOKEN = 'metrics-token-for-the-test-0123456789';

describe('operations: readiness, metrics, graceful shutdown', () => {
  let harness: Harness;

  before(async () => {
    harness = await createHarness('sqlite', { isUnsealed: false, env: { TACET_INTAKE_RATE_MAX: '1000', TACET_METRICS_TOKEN: TOKEN, REDIS_URL: process.env['TACET_TEST_REDIS_URL'] ?? 'redis://127.0.0.1:6379', TACET_REDIS_PREFIX: 'tacet-ops-test:' } });
  });
  after(async () => harness?.close());

  it('is alive but not ready while sealed, and ready once unsealed', async () => {
    const app = harness.core.app;
    assert.equal((await app.inject({ url: '/healthz' })).statusCode, 200);
    const sealed = await app.inject({ url: '/readyz' });
    assert.equal(sealed.statusCode, 503);
    assert.deepEqual(sealed.json(), { status: 'not-ready', checks: { database: 'ok', redis: 'ok', vault: 'sealed' } });
    await harness.core.vault.unsealWithPassphrase(PASSPHRASE);
    const ready = await app.inject({ url: '/readyz' });
    assert.deepEqual([ready.statusCode, ready.json<{ status: string }>().status], [200, 'ready']);
  });

  it('serves metrics only with the token, labelled by route template and never by id or personal data', async () => {
    const app = harness.core.app;
    const person = generateEnquiry(77);
    await submitEnquiries(harness, [person]);
    const cookie = await signIn(app, RECEPTION);
    const [row] = (await app.inject({ url: '/api/v1/enquiries', headers: { cookie } })).json<{ enquiries: { id: string }[] }>().enquiries;
    assert.ok(row);
    assert.equal((await app.inject({ url: `/api/v1/enquiries/${row.id}`, headers: { cookie } })).statusCode, 200);

    assert.equal((await app.inject({ url: '/metrics' })).statusCode, 404, 'no token, no metrics (even on loopback when a token is configured)');
    assert.equal((await app.inject({ url: '/metrics', headers: { authorization: 'Bearer wrong-token-wrong-token-wrong' } })).statusCode, 404);
    const metrics = await app.inject({ url: '/metrics', headers: { authorization: `Bearer ${TOKEN}` } });
    assert.equal(metrics.statusCode, 200);
    const text = metrics.body;
    assert.match(text, /tacet_http_requests_total\{route="\/api\/v1\/enquiries\/:id",method="GET",status="200"\} 1/);
    assert.match(text, /tacet_vault_unsealed 1/);
    assert.match(text, /tacet_inbox_pending 0/);
    assert.match(text, /tacet_audit_events \d+/);
    assert.match(text, /tacet_process_cpu_user_seconds_total/);
    for (const secret of [row.id, person.name, person.email, person.phone, cookie.split('=')[1] as string]) assert.ok(!text.includes(secret), 'no id, personal datum or session in the metrics');
  });

  it('loses no accepted enquiry when the intake tier shuts down in the middle of a burst', async () => {
    await harness.intake.app.listen({ host: '127.0.0.1', port: 0 });
    const address = harness.intake.app.server.address() as { port: number };
    const base = `http://127.0.0.1:${address.port}`;
    const before_ = Number((await harness.core.db.selectFrom('enquiry_inbox').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow()).n);
    // One form token per enquiry, as 60 browsers would hold.
    const bodies: string[] = [];
    for (let i = 0; i < 60; i++) bodies.push(JSON.stringify(fastSealedBody(harness.publication, 'clinic-a', generateEnquiry(800 + i), await formToken(harness.intake))));
    // The shutdown comes once the first enquiry has been answered 202 (not after a fixed delay, which a loaded
    // machine can outlast before any answer): the burst is then under way, with the later sends still to come.
    let firstAccepted: () => void = () => undefined;
    const someAccepted = new Promise<void>((resolve) => (firstAccepted = resolve));
    const sends = bodies.map(async (body, i) => {
      await new Promise((resolve) => setTimeout(resolve, i * 2));
      try {
        const response = await fetch(`${base}/v1/enquiries`, { method: 'POST', headers: { 'content-type': 'application/json' }, body });
        if (response.status === 202) firstAccepted();
        return response.status;
      } catch {
        return 0; // refused: the server had stopped accepting connections
      }
    });
    await Promise.race([someAccepted, Promise.all(sends)]);
    await harness.intake.app.close();
    const statuses = await Promise.all(sends);
    const accepted = statuses.filter((s) => s === 202).length;
    const stored = Number((await harness.core.db.selectFrom('enquiry_inbox').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow()).n) - before_;
    assert.ok(accepted > 0, 'some were accepted before the shutdown');
    assert.ok(statuses.every((s) => s === 202 || s === 0 || s === 503), statuses.join(','));
    assert.equal(stored, accepted, `every accepted enquiry (${accepted}) is stored, no more and no fewer`);
  });
});
