/**
 * Attacker test: a form token is good for one enquiry. Before, a bot that
 * fetched one token could replay it for 24 hours to flood the inbox. Now the
 * intake records the hash of every token it accepts in the inbox's own
 * database (shared by every intake instance writing there), so a replay is
 * refused with a stable code, on SQLite and PostgreSQL, through either path
 * (sealed JSON and the no-JS form), also when several copies race, also at a
 * second intake instance. The no-JS form gives the person their typed form
 * back with a fresh token; the core purges the records of expired tokens.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { randomSecret } from '../../src/crypto/random.js';
import { createIntakeRuntime, type IntakeRuntime } from '../../src/intake/intake-runtime.js';
import { loadIntakeConfig } from '../../src/platform/config.js';
import { createLogger } from '../../src/platform/logger.js';
import { systemClock } from '../../src/platform/clock.js';
import { DIALECTS } from '../helpers/databases.js';
import { fastSealedBody, formBody, generateEnquiry } from '../helpers/enquiries.js';
import { installContractCheck } from '../helpers/contract.js';
import { createHarness, type Harness } from '../helpers/harness.js';

for (const dialect of DIALECTS) {
  describe(`form tokens are single use (${dialect})`, () => {
    let harness: Harness;
    let second: IntakeRuntime;
    const formSecret = randomSecret();

    before(async () => {
      harness = await createHarness(dialect, { formSecret, env: { TACET_INTAKE_RATE_MAX: '500' } });
      // A second intake instance on the same inbox, sharing the form secret as a load-balanced pair would.
      const config = loadIntakeConfig({ ...harness.database.env, TACET_INTAKE_MIN_FILL_MS: '0' });
      second = await createIntakeRuntime({ config, logger: createLogger({ level: 'silent' }), clock: systemClock, publication: harness.publication, formSecret });
      installContractCheck(second.app);
    });
    after(async () => {
      await second?.close();
      await harness?.close();
    });

    const token = async (intake: IntakeRuntime = harness.intake) => (await intake.app.inject({ url: '/v1/publication' })).json<{ formToken: string }>().formToken;
    const sealed = (i: number, formToken: string, intake: IntakeRuntime = harness.intake) =>
      intake.app.inject({ method: 'POST', url: '/v1/enquiries', payload: fastSealedBody(harness.publication, 'clinic-a', generateEnquiry(i), formToken) });
    const inbox = async () => Number((await harness.core.db.selectFrom('enquiry_inbox').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow()).n);
    const spent = async () => Number((await harness.core.db.selectFrom('form_token_uses').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow()).n);

    it('accepts a token once and refuses the same token again, with a stable code and a fresh token for the form', async () => {
      const before_ = await inbox();
      const formToken = await token();
      assert.equal((await sealed(1, formToken)).statusCode, 202);
      const replay = await sealed(2, formToken);
      assert.equal(replay.statusCode, 409);
      assert.equal(replay.json<{ error: { code: string } }>().error.code, 'ENQUIRY_FORM_ALREADY_USED');
      assert.doesNotMatch(replay.body, new RegExp(generateEnquiry(2).email.split('@')[0] as string));
      // The embedded form can read the fresh token across origins, and it works.
      assert.match(String(replay.headers['access-control-expose-headers']), /tacet-form-token/);
      const fresh = String(replay.headers['tacet-form-token']);
      assert.notEqual(fresh, formToken);
      assert.equal((await sealed(3, fresh)).statusCode, 202);
      assert.equal(await inbox(), before_ + 2);
    });

    it('lets exactly one of many simultaneous copies of a token through', async () => {
      const before_ = await inbox();
      const formToken = await token();
      const answers = await Promise.all(Array.from({ length: 12 }, (_, i) => sealed(100 + i, formToken)));
      assert.deepEqual(answers.map((a) => a.statusCode).sort(), [202, ...Array.from({ length: 11 }, () => 409)]);
      assert.equal(await inbox(), before_ + 1);
    });

    it('refuses at a second intake instance a token spent at the first', async () => {
      const formToken = await token();
      assert.equal((await sealed(200, formToken)).statusCode, 202);
      const elsewhere = await sealed(201, formToken, second);
      assert.equal(elsewhere.statusCode, 409);
      assert.equal(elsewhere.json<{ error: { code: string } }>().error.code, 'ENQUIRY_FORM_ALREADY_USED');
    });

    it('does not spend a token on a refused submission, so the person can correct and send', async () => {
      const formToken = await token();
      const bad = await harness.intake.app.inject({ method: 'POST', url: '/v1/enquiries', payload: { ...fastSealedBody(harness.publication, 'clinic-a', generateEnquiry(300), formToken), clinic: 'no-such-clinic' } });
      assert.equal(bad.statusCode, 422);
      assert.equal((await sealed(301, formToken)).statusCode, 202);
    });

    it('no-JS form: a replay gets the form back as typed with a fresh token, and sending it again is one enquiry', async () => {
      const fields = generateEnquiry(400);
      const formToken = await token();
      const post = (body: string) => harness.intake.app.inject({ method: 'POST', url: '/enquire', payload: body, headers: { 'content-type': 'application/x-www-form-urlencoded' } });
      assert.equal((await post(formBody('clinic-b', fields, formToken))).statusCode, 200);
      const replay = await post(formBody('clinic-b', fields, formToken));
      assert.equal(replay.statusCode, 409);
      assert.match(String(replay.headers['content-type']), /text\/html/);
      assert.equal(replay.headers['cache-control'], 'no-store');
      assert.match(replay.body, /already sent once/);
      // Nothing typed is lost: every field is in the form again, the clinic still chosen, consent still given.
      for (const value of [fields.name, fields.email, fields.phone, fields.dob, fields.address, fields.procedure, fields.message]) assert.ok(replay.body.includes(value), 'a typed value is missing from the form');
      assert.match(replay.body, /<option value="clinic-b" selected>/);
      assert.match(replay.body, /name="consent" type="checkbox" value="yes" required checked/);
      assert.ok(replay.body.includes(`name="sid" value="${fields.sid}"`), 'the same submission id, so a repeat is absorbed at ingest');
      const fresh = /name="formToken" value="([^"]+)"/.exec(replay.body)?.[1];
      assert.ok(fresh && fresh !== formToken);
      // Sent again at once (no new minimum fill time): accepted, and ingest keeps it as one enquiry.
      assert.equal((await post(formBody('clinic-b', fields, fresh))).statusCode, 200);
      const result = await harness.core.ingest.drain();
      assert.ok(result.duplicates >= 1, 'the repeat of the same submission is absorbed');
      const stored = await harness.core.db.selectFrom('enquiries').innerJoin('clinics', 'clinics.id', 'enquiries.clinic_id').select('enquiries.id').where('clinics.slug', '=', 'clinic-b').execute();
      assert.equal(stored.length, 1);
    });

    it('keeps one record per accepted enquiry, none for refusals, and the core purges expired ones', async () => {
      const records = await spent();
      const formToken = await token();
      assert.equal((await sealed(500, formToken)).statusCode, 202);
      for (let i = 0; i < 5; i++) assert.equal((await sealed(501 + i, formToken)).statusCode, 409);
      assert.equal(await spent(), records + 1);
      await harness.core.db.insertInto('form_token_uses').values({ token_hash: 'e'.repeat(64), expires_at: new Date(Date.now() - 1000).toISOString() }).execute();
      assert.equal(await harness.core.jobs.purgeFormTokens(), 1);
      assert.equal(await spent(), records + 1, 'records of tokens that have not expired are kept');
    });
  });
}
