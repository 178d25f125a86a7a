/**
 * Staff access on both databases: sign-in, tenancy (forbidden = 404),
 * sealed vault, audit of every read, the read ceiling of a stolen login, and
 * default-deny route registration.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { verifyAuditChain } from '../../src/audit/audit-log.js';
import { createHttpApp } from '../../src/platform/http/http-app.js';
import { createLogger } from '../../src/platform/logger.js';
import { generateEnquiries } from '../helpers/enquiries.js';
import { ADMIN, createHarness, type Harness, PASSPHRASE, RECEPTION, signIn, submitEnquiries } from '../helpers/harness.js';
import { DIALECTS } from '../helpers/databases.js';
import { ROUTE_PERMISSIONS } from '../../src/core/http/route-access.js';

for (const dialect of DIALECTS) {
  describe(`staff access (${dialect})`, () => {
    let harness: Harness;
    const ids: Record<string, string> = {};

    before(async () => {
      harness = await createHarness(dialect, { env: { TACET_READ_MAX_PERSONS: '5' } });
      await submitEnquiries(harness, generateEnquiries(0, 8), { clinic: (i) => (i === 0 ? 'clinic-b' : 'clinic-a') });
      const rows = await harness.core.db.selectFrom('enquiries').innerJoin('clinics', 'clinics.id', 'enquiries.clinic_id').select(['enquiries.id', 'clinics.slug']).execute();
      ids['b'] = rows.find((r) => r.slug === 'clinic-b')?.id as string;
      rows.filter((r) => r.slug === 'clinic-a').forEach((r, i) => (ids[`a${i}`] = r.id));
    });
    after(async () => harness?.close());

    it('refuses wrong passwords with one answer for unknown and known accounts', async () => {
      const wrong = await harness.core.app.inject({ method: 'POST', url: '/api/v1/auth/login', payload: { email: ADMIN.email, password: 'wrong password here' } });
      const unknown = await harness.core.app.inject({ method: 'POST', url: '/api/v1/auth/login', payload: { email: 'nobody@clinic.test', password: 'wrong password here' } });
      assert.equal(wrong.statusCode, 401);
      assert.equal(wrong.body, unknown.body);
    });

    it('requires a session for every staff route', async () => {
      assert.equal((await harness.core.app.inject({ url: '/api/v1/enquiries' })).statusCode, 401);
      assert.equal((await harness.core.app.inject({ url: `/api/v1/enquiries/${ids['a0']}` })).statusCode, 401);
      // The UI shell is public but holds no data; the data is behind the API.
      const page = await harness.core.app.inject({ url: '/enquiries' });
      assert.equal(page.statusCode, 200);
      assert.doesNotMatch(page.body, /ENQ-|@mailbox-example/);
      // Strict CSP with no inline script or style, and the shell carries none.
      const csp = String(page.headers['content-security-policy']);
      assert.match(csp, /script-src 'self';/);
      assert.doesNotMatch(csp, /unsafe-inline|unsafe-eval/);
      assert.match(csp, /frame-ancestors 'none'/);
      assert.doesNotMatch(page.body, /<script(?![^>]*\bsrc=)[^>]*>|<style|\sstyle=/);
      for (const header of ['x-content-type-options', 'strict-transport-security', 'referrer-policy', 'cross-origin-opener-policy', 'permissions-policy']) assert.ok(page.headers[header], header);
      assert.equal((await harness.core.app.inject({ url: '/api/v1/enquiries', headers: { cookie: 'tacet_session=forged-token-value-forged-token-value-forged12' } })).statusCode, 401);
    });

    it('lists newest first with no personal data, filtered by clinic and status, within tenancy', async () => {
      const admin = await signIn(harness.core.app, ADMIN);
      const all = (await harness.core.app.inject({ url: '/api/v1/enquiries', headers: { cookie: admin } })).json() as { enquiries: { receivedAt: string; clinic: { slug: string } }[] };
      assert.equal(all.enquiries.length, 8);
      const times = all.enquiries.map((e) => e.receivedAt);
      assert.deepEqual(times, [...times].sort().reverse());
      assert.doesNotMatch(JSON.stringify(all), /@mailbox-example\.org|Rhinoplasty/);
      const onlyB = (await harness.core.app.inject({ url: `/api/v1/enquiries?clinic=${harness.clinicIds['clinic-b']}`, headers: { cookie: admin } })).json() as { enquiries: unknown[] };
      assert.equal(onlyB.enquiries.length, 1);
      const closed = (await harness.core.app.inject({ url: '/api/v1/enquiries?status=closed', headers: { cookie: admin } })).json() as { enquiries: unknown[] };
      assert.equal(closed.enquiries.length, 0);
      const reception = await signIn(harness.core.app, RECEPTION);
      const mine = (await harness.core.app.inject({ url: '/api/v1/enquiries', headers: { cookie: reception } })).json() as { enquiries: { clinic: { slug: string } }[] };
      assert.equal(mine.enquiries.length, 7);
      assert.ok(mine.enquiries.every((e) => e.clinic.slug === 'clinic-a'));
    });

    it('opens an enquiry through the door and audits it; another clinic’s enquiry is 404 and audited as denied', async () => {
      const reception = await signIn(harness.core.app, RECEPTION);
      const opened = await harness.core.app.inject({ url: `/api/v1/enquiries/${ids['a0']}`, headers: { cookie: reception } });
      assert.equal(opened.statusCode, 200);
      const detail = opened.json() as { contact: { email: string }; procedure: string };
      assert.match(detail.contact.email, /@mailbox-example\.org$/);
      const forbidden = await harness.core.app.inject({ url: `/api/v1/enquiries/${ids['b']}`, headers: { cookie: reception } });
      const absent = await harness.core.app.inject({ url: '/api/v1/enquiries/00000000-0000-4000-8000-000000000000', headers: { cookie: reception } });
      assert.equal(forbidden.statusCode, 404);
      assert.equal(forbidden.body, absent.body);
      const events = await harness.core.db.selectFrom('audit_events').select(['action', 'outcome', 'record_refs', 'person_ids']).where('action', '=', 'enquiry.read').orderBy('seq').execute();
      assert.ok(events.some((e) => e.outcome === 'success' && e.record_refs.includes(ids['a0'] as string) && JSON.parse(e.person_ids).length === 1));
      assert.ok(events.some((e) => e.outcome === 'denied' && e.record_refs.includes(ids['b'] as string)));
      assert.deepEqual((await verifyAuditChain(harness.core.db)).ok, true);
    });

    it('stops a stolen login at its read ceiling and contains the account', async () => {
      const reception = await signIn(harness.core.app, RECEPTION);
      const statuses: number[] = [];
      for (let i = 0; i < 7; i++) statuses.push((await harness.core.app.inject({ url: `/api/v1/enquiries/${ids[`a${i}`]}`, headers: { cookie: reception } })).statusCode);
      // a0 was opened in the previous test, so four more distinct people fit under the ceiling of five;
      // the sixth is refused and the account contained (locked, sessions revoked: the seventh is signed out).
      assert.deepEqual(statuses, [200, 200, 200, 200, 200, 423, 401]);
      const denied = await harness.core.db.selectFrom('audit_events').select('seq').where('action', '=', 'enquiry.read').where('outcome', '=', 'denied').execute();
      assert.ok(denied.length >= 3);
    });

    it('refuses personal data while sealed, and unseals with the passphrase over the API', async () => {
      harness.core.vault.seal();
      const admin = await signIn(harness.core.app, ADMIN);
      const sealed = await harness.core.app.inject({ url: `/api/v1/enquiries/${ids['b']}`, headers: { cookie: admin } });
      assert.equal(sealed.statusCode, 503);
      assert.equal((sealed.json() as { error: { code: string } }).error.code, 'VAULT_SEALED');
      assert.equal((await harness.core.app.inject({ method: 'POST', url: '/api/v1/vault/unseal', payload: { passphrase: 'not the passphrase' } })).statusCode, 401);
      assert.equal((await harness.core.app.inject({ method: 'POST', url: '/api/v1/vault/unseal', payload: { passphrase: PASSPHRASE } })).statusCode, 200);
      assert.equal((await harness.core.app.inject({ url: `/api/v1/enquiries/${ids['b']}`, headers: { cookie: admin } })).statusCode, 200);
    });

    it('refuses cross-site state changes', async () => {
      const before_ = await harness.core.db.selectFrom('sessions').select('id_hash').execute();
      const response = await harness.core.app.inject({ method: 'POST', url: '/api/v1/auth/login', headers: { origin: 'https://evil.example' }, payload: { email: ADMIN.email, password: ADMIN.password } });
      assert.equal(response.statusCode, 403);
      assert.equal((response.json() as { error: { code: string } }).error.code, 'FORBIDDEN_ORIGIN');
      for (const origin of ['null', 'not a url']) {
        const odd = await harness.core.app.inject({ method: 'POST', url: '/api/v1/auth/login', headers: { origin }, payload: { email: ADMIN.email, password: ADMIN.password } });
        assert.equal(odd.statusCode, 403, origin);
      }
      const crossSite = await harness.core.app.inject({ method: 'POST', url: '/api/v1/auth/login', headers: { 'sec-fetch-site': 'cross-site' }, payload: { email: ADMIN.email, password: ADMIN.password } });
      assert.equal(crossSite.statusCode, 403);
      // Nothing changed (no session was created) and each refusal was audited.
      assert.equal((await harness.core.db.selectFrom('sessions').select('id_hash').execute()).length, before_.length);
      const refused = await harness.core.db.selectFrom('audit_events').select('seq').where('action', '=', 'http.cross-site-request').execute();
      assert.equal(refused.length, 4);
    });
  });
}

describe('default-deny route registration', () => {
  it('refuses to start when a route does not declare its access', async () => {
    const app = createHttpApp({ logger: createLogger({ level: 'silent' }), bodyLimit: 1024, contentSecurityPolicy: "default-src 'none'", permissions: ROUTE_PERMISSIONS });
    assert.throws(() => app.get('/undeclared', async () => 'x'), /does not declare a valid access/);
    assert.throws(() => app.get('/typo', { config: { access: 'enquiry.reed' as never } }, async () => 'x'), /does not declare a valid access/);
    await app.close();
  });
});
