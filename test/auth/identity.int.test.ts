/**
 * Staff identity as an attacker and as a new employee meet it, on both
 * databases: MFA forced at first login, TOTP and passkeys (and their abuse:
 * replay, expired challenge, wrong origin, malformed responses), recovery
 * codes, throttling and factor locks, step-up, sessions and leavers.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { Secret, TOTP } from 'otpauth';
import { fixedClock } from '../../src/platform/clock.js';
import { DIALECTS } from '../helpers/databases.js';
import { ADMIN, createHarness, credentialOf, type Harness, passwordStep, post, signIn, stepUp, WEBAUTHN_ORIGIN } from '../helpers/harness.js';
import { softAssert, softRegister } from '../helpers/soft-authenticator.js';
import { createStaffViaApi } from '../helpers/staff.js';

const NURSE = { email: 'nurse@clinic.test', password: 'lilac orchard whistle 58', name: 'Nora Nurse' };
const DPO = { email: 'dpo@clinic.test', password: 'granite willow beacon 93', name: 'Dee Protection' };
const code = (error: { body: string }) => (JSON.parse(error.body) as { error: { code: string; message: string; fields?: string[] } }).error;

for (const dialect of DIALECTS) {
  describe(`staff identity (${dialect})`, () => {
    let harness: Harness;
    const clock = fixedClock(new Date('2026-11-23T10:00:00Z'));
    let app: Harness['core']['app'];
    const auditCount = async (action: string, outcome?: string) => {
      let query = harness.core.db.selectFrom('audit_events').select('seq').where('action', '=', action);
      if (outcome) query = query.where('outcome', '=', outcome);
      return (await query.execute()).length;
    };

    before(async () => {
      harness = await createHarness(dialect, { clock, env: { TACET_AUTH_RATE_MAX: '1000' } });
      app = harness.core.app;
    });
    after(async () => harness?.close());

    it('enforces the password policy when staff are created, with the reasons, after step-up', async () => {
      const admin = await signIn(app, ADMIN);
      clock.advance(6 * 60_000); // the sign-in itself counts as a fresh step-up; let it go stale
      const body = { ...NURSE, orgRole: null, clinicRoles: [{ clinicId: harness.clinicIds['clinic-a'], role: 'nurse' }] };
      const stale = await post(app, '/api/v1/staff', admin, body);
      assert.equal(stale.statusCode, 403);
      assert.equal(code(stale).code, 'STEP_UP_REQUIRED');
      await stepUp(app, admin, ADMIN.email);
      const weak = await post(app, '/api/v1/staff', admin, { ...body, password: 'password1' });
      assert.equal(weak.statusCode, 422);
      assert.deepEqual(code(weak).fields, ['too-short', 'common']);
      const context = await post(app, '/api/v1/staff', admin, { ...body, password: 'nora nurse at clinic a!' });
      assert.deepEqual(code(context).fields, ['context']);
      // A compound of a common word and digits passes every simple rule; the zxcvbn estimate refuses it.
      const compound = await post(app, '/api/v1/staff', admin, { ...body, password: 'password12345678' });
      assert.equal(compound.statusCode, 422);
      assert.deepEqual(code(compound).fields, ['guessable-common']);
      assert.equal((await post(app, '/api/v1/staff', admin, body)).statusCode, 201);
      assert.equal(code(await post(app, '/api/v1/staff', admin, body)).code, 'STAFF_EMAIL_TAKEN');
    });

    it('forces MFA enrolment at first login: the password alone opens nothing', async () => {
      const pending = await passwordStep(app, NURSE);
      assert.equal(pending.stage, 'enrol');
      const refused = await app.inject({ url: '/api/v1/enquiries', headers: { cookie: pending.cookie } });
      assert.equal(refused.statusCode, 403);
      assert.equal(code(refused).code, 'ENROLMENT_REQUIRED');
      assert.equal((await app.inject({ url: '/api/v1/me/sessions', headers: { cookie: pending.cookie } })).statusCode, 403);
    });

    it('TOTP: enrols with a QR code, signs in, refuses a replayed code, and gives one-time recovery codes', async () => {
      const pending = await passwordStep(app, NURSE);
      const start = await post(app, '/api/v1/me/factors/totp/start', pending.cookie);
      const { secret, uri, qrSvgDataUrl } = start.json() as { secret: string; uri: string; qrSvgDataUrl: string };
      assert.match(uri, /^otpauth:\/\/totp\/Tacet:/);
      assert.match(qrSvgDataUrl, /^data:image\/svg\+xml;base64,/);
      // The seed is sealed at rest.
      const stored = await harness.core.db.selectFrom('staff_totp').select('secret_envelope').executeTakeFirstOrThrow();
      assert.ok(!stored.secret_envelope.includes(secret));
      const totp = new TOTP({ secret: Secret.fromBase32(secret), digits: 6, period: 30, algorithm: 'SHA1' });
      const first = totp.generate({ timestamp: clock.now().getTime() });
      assert.equal(code(await post(app, '/api/v1/me/factors/totp/confirm', pending.cookie, { code: '000000' === first ? '111111' : '000000' })).code, 'MFA_FAILED');
      const confirmed = await post(app, '/api/v1/me/factors/totp/confirm', pending.cookie, { code: first });
      assert.equal(confirmed.statusCode, 200);
      const { recoveryCodes } = confirmed.json() as { recoveryCodes: string[] };
      assert.equal(recoveryCodes.length, 10);
      const full = `${confirmed.cookies[0]?.name}=${confirmed.cookies[0]?.value}`;
      assert.notEqual(full, pending.cookie, 'a new session id once the second factor is proven');
      assert.equal((await app.inject({ url: '/api/v1/me/sessions', headers: { cookie: pending.cookie } })).statusCode, 401);
      assert.equal((await app.inject({ url: '/api/v1/enquiries', headers: { cookie: full } })).statusCode, 200);

      // Next sign-in: the code already used is refused (replay); the next time step's is accepted once.
      const again = await passwordStep(app, NURSE);
      assert.equal(again.stage, 'second-factor');
      const before_ = await auditCount('auth.login.second-factor', 'failure');
      assert.equal(code(await post(app, '/api/v1/auth/totp', again.cookie, { code: first })).code, 'MFA_FAILED');
      assert.equal(await auditCount('auth.login.second-factor', 'failure'), before_ + 1);
      clock.advance(30_000);
      const next = totp.generate({ timestamp: clock.now().getTime() });
      assert.equal((await post(app, '/api/v1/auth/totp', again.cookie, { code: next })).statusCode, 200);

      const third = await passwordStep(app, NURSE);
      const recovery = recoveryCodes[0] as string;
      assert.equal((await post(app, '/api/v1/auth/recovery', third.cookie, { code: recovery.toUpperCase() })).statusCode, 200);
      const fourth = await passwordStep(app, NURSE);
      assert.equal(code(await post(app, '/api/v1/auth/recovery', fourth.cookie, { code: recovery })).code, 'MFA_FAILED');
      // Codes are stored hashed only.
      const hashes = await harness.core.db.selectFrom('staff_recovery_codes').select('code_hash').execute();
      assert.ok(hashes.every((h) => !recoveryCodes.some((c) => h.code_hash.includes(c))));
    });

    it('locks a factor after repeated failures and says how to recover; an administrator unlocks it', async () => {
      const pending = await passwordStep(app, NURSE);
      const statuses: string[] = [];
      for (let i = 0; i < 6; i++) statuses.push(code(await post(app, '/api/v1/auth/totp', pending.cookie, { code: '12345' + (i % 10) })).code);
      assert.deepEqual(statuses, ['MFA_FAILED', 'MFA_FAILED', 'MFA_FAILED', 'MFA_FAILED', 'FACTOR_LOCKED', 'FACTOR_LOCKED']);
      assert.match(code(await post(app, '/api/v1/auth/totp', pending.cookie, { code: '000000' })).message, /recovery code|administrator/);
      const nurseId = (await harness.core.db.selectFrom('staff').select('id').where('email', '=', NURSE.email).executeTakeFirstOrThrow()).id;
      const admin = await signIn(app, ADMIN);
      assert.equal((await post(app, `/api/v1/staff/${nurseId}/unlock`, admin)).statusCode, 200);
      assert.equal(code(await post(app, '/api/v1/auth/totp', pending.cookie, { code: '000000' })).code, 'MFA_FAILED');
    });

    it('locks password sign-in after 10 failures, for unknown accounts exactly as for real ones', async () => {
      const attempt = (email: string) => app.inject({ method: 'POST', url: '/api/v1/auth/login', payload: { email, password: 'not the right password' } });
      const real: string[] = [];
      const ghost: string[] = [];
      for (let i = 0; i < 11; i++) {
        real.push((await attempt('reception@clinic.test')).body);
        ghost.push((await attempt('ghost@clinic.test')).body);
      }
      assert.deepEqual(real, ghost);
      assert.equal(code({ body: real[10] as string }).code, 'LOGIN_LOCKED');
      assert.equal(code({ body: real[8] as string }).code, 'LOGIN_FAILED');
      // Locked even with the right password, until the lock expires.
      assert.equal(code(await app.inject({ method: 'POST', url: '/api/v1/auth/login', payload: { email: 'reception@clinic.test', password: 'quiet meadow compass 42' } })).code, 'LOGIN_LOCKED');
      clock.advance(16 * 60_000);
      assert.equal((await app.inject({ method: 'POST', url: '/api/v1/auth/login', payload: { email: 'reception@clinic.test', password: 'quiet meadow compass 42' } })).statusCode, 200);
    });

    it('requires administrators and the DPO to use passkeys', async () => {
      await createStaffViaApi(app, [{ ...DPO, orgRole: 'dpo', clinicRoles: [] }]);
      const pending = await passwordStep(app, DPO);
      assert.equal(pending.passkeyRequired, true);
      assert.equal(code(await post(app, '/api/v1/me/factors/totp/start', pending.cookie)).code, 'PASSKEY_REQUIRED');
      assert.equal(code(await post(app, '/api/v1/auth/totp', pending.cookie, { code: '123456' })).code, 'PASSKEY_REQUIRED');
    });

    it('refuses passkey abuse — replay, stale or absent challenge, wrong origin, malformed — with an audit event and no change', async () => {
      await signIn(app, ADMIN);
      const credential = credentialOf(app, ADMIN.email);
      const pending = await passwordStep(app, ADMIN);
      const options = (await post(app, '/api/v1/auth/passkey/options', pending.cookie)).json() as { challenge: string };
      const good = softAssert(credential, options.challenge, WEBAUTHN_ORIGIN);
      const failures = await auditCount('auth.login.second-factor', 'failure');
      const denied = await auditCount('auth.passkey', 'denied');

      // Wrong origin (a phishing site relaying the challenge).
      assert.equal(code(await post(app, '/api/v1/auth/passkey', pending.cookie, { response: softAssert(credential, options.challenge, 'https://tacet-login.example') })).code, 'MFA_FAILED');
      // The challenge was consumed by that attempt: the genuine response now meets no challenge.
      assert.equal(code(await post(app, '/api/v1/auth/passkey', pending.cookie, { response: good })).code, 'CHALLENGE_EXPIRED');
      // Replay of an assertion made for an earlier challenge.
      await post(app, '/api/v1/auth/passkey/options', pending.cookie);
      assert.equal(code(await post(app, '/api/v1/auth/passkey', pending.cookie, { response: good })).code, 'MFA_FAILED');
      // A stale challenge.
      const stale = (await post(app, '/api/v1/auth/passkey/options', pending.cookie)).json() as { challenge: string };
      clock.advance(6 * 60_000);
      assert.equal(code(await post(app, '/api/v1/auth/passkey', pending.cookie, { response: softAssert(credential, stale.challenge, WEBAUTHN_ORIGIN) })).code, 'CHALLENGE_EXPIRED');
      // Malformed responses.
      await post(app, '/api/v1/auth/passkey/options', pending.cookie);
      assert.equal(code(await post(app, '/api/v1/auth/passkey', pending.cookie, { response: { id: 42, response: 'x' } })).code, 'MFA_FAILED');
      assert.equal(code(await post(app, '/api/v1/auth/passkey', pending.cookie, { response: 'not an object' })).code, 'VALIDATION_FAILED');
      // A tampered signature.
      const fresh = (await post(app, '/api/v1/auth/passkey/options', pending.cookie)).json() as { challenge: string };
      const tampered = softAssert(credential, fresh.challenge, WEBAUTHN_ORIGIN) as { response: { signature: string } };
      tampered.response.signature = Buffer.from(Buffer.from(tampered.response.signature, 'base64url').map((b, i) => (i === 10 ? b ^ 1 : b))).toString('base64url');
      assert.equal(code(await post(app, '/api/v1/auth/passkey', pending.cookie, { response: tampered })).code, 'MFA_FAILED');

      assert.ok((await auditCount('auth.login.second-factor', 'failure')) >= failures + 3);
      assert.ok((await auditCount('auth.passkey', 'denied')) >= denied + 2);
      // Nothing changed: the session is still only password-proven.
      assert.equal(code(await app.inject({ url: '/api/v1/enquiries', headers: { cookie: pending.cookie } })).code, 'MFA_REQUIRED');
      // A registration response made for another origin is refused too.
      const admin = await signIn(app, ADMIN);
      const regOptions = (await post(app, '/api/v1/me/factors/passkey/options', admin)).json() as { challenge: string; rp: { id?: string } };
      const foreign = softRegister(regOptions, 'https://evil.example').response;
      assert.equal(code(await post(app, '/api/v1/me/factors/passkey', admin, { response: foreign })).code, 'MFA_FAILED');
      assert.equal((await harness.core.db.selectFrom('staff_passkeys').select('id').execute()).length, 1, 'only the administrator’s own passkey is registered');
    });

    it('rejects forged cookies and audits them', async () => {
      const before_ = await auditCount('auth.session.invalid', 'denied');
      for (const cookie of ['tacet_session=forged-token-value-forged-token-value-forged12', 'tacet_session=short', `tacet_session=${'A'.repeat(43)}`]) {
        assert.equal((await app.inject({ url: '/api/v1/enquiries', headers: { cookie } })).statusCode, 401);
      }
      assert.equal(await auditCount('auth.session.invalid', 'denied'), before_ + 3);
    });

    it('lists sessions, signs one out, signs out everywhere, and expires idle and old sessions', async () => {
      const a = await signIn(app, ADMIN);
      const b = await signIn(app, ADMIN);
      const list = (await app.inject({ url: '/api/v1/me/sessions', headers: { cookie: a } })).json() as { sessions: { id: string; isCurrent: boolean }[] };
      assert.ok(list.sessions.length >= 2);
      assert.equal(list.sessions.filter((s) => s.isCurrent).length, 1);
      assert.ok(list.sessions.every((s) => !JSON.stringify(s).includes(a.split('=')[1] as string)), 'the list never shows tokens');
      const bList = (await app.inject({ url: '/api/v1/me/sessions', headers: { cookie: b } })).json() as { sessions: { id: string; isCurrent: boolean }[] };
      const bId = bList.sessions.find((s) => s.isCurrent)?.id as string;
      assert.equal((await app.inject({ method: 'DELETE', url: `/api/v1/me/sessions/${bId}`, headers: { cookie: a } })).statusCode, 200);
      assert.equal((await app.inject({ url: '/api/v1/me/sessions', headers: { cookie: b } })).statusCode, 401);
      const c = await signIn(app, ADMIN);
      assert.equal((await post(app, '/api/v1/auth/logout-everywhere', a)).statusCode, 200);
      for (const cookie of [a, c]) assert.equal((await app.inject({ url: '/api/v1/me/sessions', headers: { cookie } })).statusCode, 401);

      const idle = await signIn(app, ADMIN);
      clock.advance(16 * 60_000);
      assert.equal((await app.inject({ url: '/api/v1/me/sessions', headers: { cookie: idle } })).statusCode, 401, 'idle timeout 15 min');
      const busy = await signIn(app, ADMIN);
      for (let i = 0; i < 13 * 6; i++) {
        clock.advance(10 * 60_000);
        if ((await app.inject({ url: '/api/v1/me/sessions', headers: { cookie: busy } })).statusCode !== 200) {
          assert.ok(i >= 71, `absolute timeout (12 h) reached after ${(i + 1) * 10} minutes`);
          return;
        }
      }
      assert.fail('a constantly used session outlived the absolute timeout');
    });

    it('disables a leaver at once: sessions revoked, sign-in refused like an unknown account, record kept', async () => {
      const nurseId = (await harness.core.db.selectFrom('staff').select('id').where('email', '=', NURSE.email).executeTakeFirstOrThrow()).id;
      const nurseSession = await passwordStep(app, NURSE);
      const admin = await signIn(app, ADMIN);
      const response = await post(app, `/api/v1/staff/${nurseId}/disable`, admin);
      assert.equal(response.statusCode, 200);
      assert.ok((response.json() as { sessionsRevoked: number }).sessionsRevoked >= 1);
      assert.equal((await app.inject({ method: 'POST', url: '/api/v1/auth/totp', headers: { cookie: nurseSession.cookie }, payload: { code: '123456' } })).statusCode, 401);
      const leaver = await app.inject({ method: 'POST', url: '/api/v1/auth/login', payload: { email: NURSE.email, password: NURSE.password } });
      const ghost = await app.inject({ method: 'POST', url: '/api/v1/auth/login', payload: { email: 'nobody@clinic.test', password: NURSE.password } });
      assert.equal(leaver.statusCode, 401);
      assert.equal(leaver.body, ghost.body);
      assert.ok(await harness.core.db.selectFrom('staff').select('id').where('id', '=', nurseId).executeTakeFirst(), 'never deleted');
    });
  });
}
