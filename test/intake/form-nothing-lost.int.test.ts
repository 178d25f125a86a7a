/**
 * Nothing lost at the form (issue 16): the no-JS form with bad fields comes
 * back as typed with the schema's messages beside each field; a too-fast
 * post (no-JS or sealed) gets the form back with a fresh token that is not
 * back-dated, so a bot re-posting at once is still refused; the thank-you
 * shows the reference the core then stores; the origin the form captured
 * arrives sealed and gives the enquiry its channel.
 */
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { ENQUIRY_REFERENCE_CONTEXT, formatEnquiryReference } from '../../src/crypto/enquiry-suite.js';
import { openBatch } from '../../src/core/ingest/inbox-opening.js';
import { clinicsBySlug, listInboxBatch } from '../../src/core/ingest/ingest.repository.js';
import { FIELD_MESSAGES } from '../../src/intake/enquiry-fields.js';
import { fixedClock } from '../../src/platform/clock.js';
import { DIALECTS } from '../helpers/databases.js';
import { fastSealedBody, formBody, generateEnquiry } from '../helpers/enquiries.js';
import { createHarness, type Harness } from '../helpers/harness.js';

const MIN_FILL_MS = 3000;
const FORM = { 'content-type': 'application/x-www-form-urlencoded' };

/** The reference computed here, independently of the code under test. */
const referenceOf = (sid: string) => formatEnquiryReference(createHash('sha256').update(`${ENQUIRY_REFERENCE_CONTEXT}${sid}`).digest('hex'));

function hidden(page: string, name: string): string {
  const match = new RegExp(`name="${name}" value="([^"]*)"`).exec(page);
  assert.ok(match, `no hidden ${name}`);
  return match[1] as string;
}

const inputOf = (page: string, id: string) => new RegExp(`<(?:input|select|textarea) id="${id}"[^>]*>`).exec(page)?.[0] ?? '';

for (const dialect of DIALECTS) {
  describe(`the form loses nothing (${dialect})`, () => {
    let harness: Harness;
    const clock = fixedClock(new Date());

    before(async () => {
      harness = await createHarness(dialect, { clock, env: { TACET_INTAKE_MIN_FILL_MS: String(MIN_FILL_MS) } });
    });
    after(async () => harness.close());

    const inboxCount = async () => (await harness.core.db.selectFrom('enquiry_inbox').select('id').execute()).length;
    const getForm = async (url = '/enquire?clinic=clinic-a', headers: Record<string, string> = {}) => (await harness.intake.app.inject({ url, headers })).body;
    const postForm = (payload: string) => harness.intake.app.inject({ method: 'POST', url: '/enquire', payload, headers: FORM });

    it('no-JS: bad fields come back as typed, each with its message beside it and in a summary; fixed, they send and show the stored reference', async () => {
      const page = await getForm();
      const token = hidden(page, 'formToken');
      const sid = hidden(page, 'sid');
      clock.advance(MIN_FILL_MS);
      const typed = { ...generateEnquiry(1), sid, phone: 'call me maybe', email: 'not-an-email', dob: '2999-01-01' };
      const body = new URLSearchParams(formBody('clinic-a', typed, token));
      body.delete('consent');
      const inbox = await inboxCount();
      const bad = await postForm(body.toString());
      assert.equal(bad.statusCode, 400);
      assert.equal(bad.headers['cache-control'], 'no-store');
      for (const [field, message] of [['phone', FIELD_MESSAGES.phone], ['email', FIELD_MESSAGES.email], ['dob', FIELD_MESSAGES.dobFuture], ['consent', FIELD_MESSAGES.consent]] as const) {
        assert.match(bad.body, new RegExp(`<p class="tacet-field-error" id="tacet-${field}-error">${message}</p>`), field);
        assert.match(inputOf(bad.body, `tacet-${field}`), new RegExp(`aria-invalid="true" aria-describedby="tacet-${field}-error"`), field);
        assert.match(bad.body, new RegExp(`<li><a href="#tacet-${field}">${message}</a></li>`), `${field} in the summary`);
      }
      assert.match(inputOf(bad.body, 'tacet-email'), /autofocus/, 'the first bad field has the focus');
      assert.doesNotMatch(inputOf(bad.body, 'tacet-name'), /aria-invalid/);
      assert.match(inputOf(bad.body, 'tacet-name'), new RegExp(`value="${typed.name}"`), 'what was typed is kept');
      assert.match(inputOf(bad.body, 'tacet-phone'), /value="call me maybe"/);
      assert.doesNotMatch(inputOf(bad.body, 'tacet-consent'), /checked/);
      assert.equal(hidden(bad.body, 'sid'), sid, 'the same submission');
      assert.equal(hidden(bad.body, 'formToken'), token, 'the unspent token goes back as it was');
      assert.equal(await inboxCount(), inbox, 'nothing stored');

      const good = await postForm(formBody('clinic-a', { ...generateEnquiry(1), sid }, hidden(bad.body, 'formToken')));
      assert.equal(good.statusCode, 200);
      assert.equal(good.headers['cache-control'], 'no-store');
      assert.equal(good.headers['location'], undefined, 'the thank-you is the answer itself, nothing in a URL');
      assert.match(good.body, /The clinic team will call you, usually within one working hour\. Quote this reference\./);
      const shown = /class="tacet-reference">(ENQ-[0-9A-Z]{5}-[0-9A-Z]{5})</.exec(good.body)?.[1];
      assert.equal(shown, referenceOf(sid));
      await harness.core.ingest.drain();
      const stored = await harness.core.db.selectFrom('enquiries').select('reference').where('reference', '=', shown as string).execute();
      assert.equal(stored.length, 1, 'the reference shown is the one the core stored');
    });

    it('no-JS: a too-fast post gets the form back as typed with a fresh token; re-posted at once it is refused again; after the fill time it is sent', async () => {
      const page = await getForm();
      const token = hidden(page, 'formToken');
      const fields = { ...generateEnquiry(2), sid: hidden(page, 'sid') };
      const inbox = await inboxCount();
      const fast = await postForm(formBody('clinic-a', fields, token));
      assert.equal(fast.statusCode, 422);
      assert.equal(fast.headers['cache-control'], 'no-store');
      assert.match(fast.body, /role="alert">Please check your details and send again\./);
      assert.match(inputOf(fast.body, 'tacet-name'), new RegExp(`value="${fields.name}"`));
      assert.match(fast.body, new RegExp(`>${fields.message}</textarea>`));
      assert.match(inputOf(fast.body, 'tacet-consent'), /checked/);
      const fresh = hidden(fast.body, 'formToken');
      assert.notEqual(fresh, token);
      // A bot posting the answer back at once: the fresh token is as young as the answer, so it is too fast again.
      const bot = await postForm(formBody('clinic-a', fields, fresh));
      assert.equal(bot.statusCode, 422);
      assert.match(bot.body, /Please check your details and send again/);
      assert.equal(await inboxCount(), inbox, 'nothing stored');
      clock.advance(MIN_FILL_MS);
      const sent = await postForm(formBody('clinic-a', fields, hidden(bot.body, 'formToken')));
      assert.equal(sent.statusCode, 200);
      assert.match(sent.body, /<h1>Thank you<\/h1>/);
      assert.equal(await inboxCount(), inbox + 1);
    });

    it('JS: a too-fast sealed post is refused with a fresh token in the header, refused again at once, accepted after the fill time', async () => {
      const publication = (await harness.intake.app.inject({ url: '/v1/publication' })).json<{ formToken: string }>();
      const sealed = fastSealedBody(harness.publication, 'clinic-a', generateEnquiry(3), publication.formToken);
      const send = (formToken: string) => harness.intake.app.inject({ method: 'POST', url: '/v1/enquiries', payload: { ...sealed, formToken } });
      const fast = await send(publication.formToken);
      assert.equal(fast.statusCode, 422);
      assert.equal(fast.json<{ error: { code: string } }>().error.code, 'ENQUIRY_TOO_FAST');
      const fresh = fast.headers['tacet-form-token'] as string;
      assert.ok(fresh && fresh !== publication.formToken);
      const again = await send(fresh);
      assert.equal(again.json<{ error: { code: string } }>().error.code, 'ENQUIRY_TOO_FAST', 'a bot re-posting at once is still refused');
      clock.advance(MIN_FILL_MS);
      assert.equal((await send(again.headers['tacet-form-token'] as string)).statusCode, 202);
    });

    it('no-JS: carries the UTM parameters and only the referrer’s origin through the form, sealed, and the core derives the channel', async () => {
      await harness.core.ingest.drain();
      const page = await getForm('/enquire?clinic=clinic-b&utm_source=Newsletter&utm_campaign=spring-offer', { referer: 'https://www.clinic-blog.example/posts/rhinoplasty?reader=42' });
      assert.equal(hidden(page, 'utm_source'), 'Newsletter');
      assert.equal(hidden(page, 'referrer'), 'https://www.clinic-blog.example', 'no path or query of the referring page');
      assert.doesNotMatch(page, /reader=42|posts\/rhinoplasty/);
      clock.advance(MIN_FILL_MS);
      const fields = { ...generateEnquiry(4), sid: hidden(page, 'sid') };
      const body = new URLSearchParams(formBody('clinic-b', fields, hidden(page, 'formToken')));
      for (const name of ['utm_source', 'utm_campaign', 'referrer']) body.set(name, hidden(page, name));
      body.set('acknowledge', 'yes');
      assert.equal((await postForm(body.toString())).statusCode, 200);
      const [row] = await listInboxBatch(harness.core.db, 10);
      const [opened] = openBatch(harness.core.vault.keyring(), row ? [row] : [], await clinicsBySlug(harness.core.db));
      assert.ok(opened?.ok);
      assert.deepEqual(opened.value.fields.origin, { utmSource: 'Newsletter', utmCampaign: 'spring-offer', referrer: 'https://www.clinic-blog.example' });
      assert.equal(opened.value.fields.acknowledge, true);
      await harness.core.ingest.drain();
      const [stored] = await harness.core.db.selectFrom('enquiries').select('channel').where('reference', '=', referenceOf(fields.sid)).execute();
      assert.equal(stored?.channel, 'newsletter');
    });

    it('JS: the origin sealed by the browser (referrer, embedding page) arrives opened at ingest; without a utm_source the channel is the referrer’s host', async () => {
      const origin = { referrer: 'https://www.search.example/results?q=nose', page: 'https://harley-clinic.example/treatments/nose' };
      const fields = { ...generateEnquiry(5), acknowledge: false, origin };
      const token = (await harness.intake.app.inject({ url: '/v1/publication' })).json<{ formToken: string }>().formToken;
      clock.advance(MIN_FILL_MS);
      assert.equal((await harness.intake.app.inject({ method: 'POST', url: '/v1/enquiries', payload: fastSealedBody(harness.publication, 'clinic-a', fields, token) })).statusCode, 202);
      const [row] = await listInboxBatch(harness.core.db, 10);
      const [opened] = openBatch(harness.core.vault.keyring(), row ? [row] : [], await clinicsBySlug(harness.core.db));
      assert.ok(opened?.ok);
      assert.deepEqual(opened.value.fields.origin, origin);
      await harness.core.ingest.drain();
      const [stored] = await harness.core.db.selectFrom('enquiries').select('channel').where('reference', '=', referenceOf(fields.sid)).execute();
      assert.equal(stored?.channel, 'search.example');
    });
  });
}
