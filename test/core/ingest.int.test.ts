/**
 * Ingest on both databases: person matching by blind index (confirmed after
 * decryption), duplicates, domain-separated person keys, and no loss when a
 * batch fails part-way.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { createIngestService, ingestFrontDeskOf } from '../../src/core/ingest/ingest.service.js';
import { envelopeHeader } from '../../src/crypto/envelope.js';
import { systemClock } from '../../src/platform/clock.js';
import { createLogger } from '../../src/platform/logger.js';
import { generateEnquiry } from '../helpers/enquiries.js';
import { ADMIN, createHarness, type Harness, signIn, submitEnquiries } from '../helpers/harness.js';
import { DIALECTS } from '../helpers/databases.js';

for (const dialect of DIALECTS) {
  describe(`ingest (${dialect})`, () => {
    let harness: Harness;
    const submit = (clinic: string, fields: unknown) => submitEnquiries(harness, [fields], { clinic, ingest: false });
    const count = async (table: 'persons' | 'enquiries' | 'enquiry_inbox') => Number((await harness.core.db.selectFrom(table).select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow()).n);

    before(async () => {
      harness = await createHarness(dialect);
    });
    after(async () => harness?.close());

    it('matches the same person by email across case and spacing, and by phone only with the same name', async () => {
      const first = generateEnquiry(1);
      await submit('clinic-a', first);
      await submit('clinic-b', { ...generateEnquiry(2), email: `  ${first.email.toUpperCase()} `, name: first.name, address: 'New Address 1' });
      const third = { ...generateEnquiry(3), phone: `+44 ${first.phone.slice(1)}`, name: first.name };
      await submit('clinic-a', third);
      await submit('clinic-a', { ...generateEnquiry(4), phone: first.phone });
      const result = await harness.core.ingest.drain();
      assert.equal(result.ingested, 4);
      assert.equal(await count('enquiries'), 4);
      // 1, 2 and 3 are the same person; 4 shares a phone but not a name, so is someone else.
      assert.equal(await count('persons'), 2);
      const admin = await signIn(harness.core.app, ADMIN);
      const list = (await harness.core.app.inject({ url: '/api/v1/enquiries', headers: { cookie: admin } })).json() as { enquiries: { id: string }[] };
      const details = await Promise.all(list.enquiries.map(async (e) => (await harness.core.app.inject({ url: `/api/v1/enquiries/${e.id}`, headers: { cookie: admin } })).json() as { personId: string; contact: { address: string | null } }));
      const people = new Set(details.map((d) => d.personId));
      assert.equal(people.size, 2);
      // The latest submission of the matched person updated the shared contact record.
      const matched = details.filter((d) => details.filter((o) => o.personId === d.personId).length === 3);
      assert.equal(matched.length, 3);
      assert.ok(matched.every((d) => d.contact.address === third.address));
    });

    it('keeps each person’s contact and enquiry data under separate domain keys', async () => {
      const keys = await harness.core.db.selectFrom('person_keys').select(['domain', 'wrapping_key_id', 'wrapped_dek']).execute();
      assert.deepEqual([...new Set(keys.map((k) => k.domain))].sort(), ['contact', 'enquiry']);
      for (const key of keys) assert.equal(envelopeHeader(key.wrapped_dek).keyId, `${key.domain}.v1`);
      const enquiry = await harness.core.db.selectFrom('enquiries').select('body_envelope').executeTakeFirstOrThrow();
      assert.equal(envelopeHeader(enquiry.body_envelope).keyId, 'dek.enquiry');
    });

    it('drops a re-sealed duplicate submission once, and counts it', async () => {
      const fields = generateEnquiry(20);
      await submit('clinic-a', fields);
      await submit('clinic-a', fields); // same form submission id, sealed again (a browser retry)
      const result = await harness.core.ingest.drain();
      assert.equal(result.ingested, 1);
      assert.equal(result.duplicates, 1);
      assert.equal(await count('enquiry_inbox'), 0);
    });

    it('loses nothing when a batch fails part-way: the whole batch stays in the inbox, then ingests once', async () => {
      for (let i = 30; i < 35; i++) await submit('clinic-a', generateEnquiry(i));
      const enquiriesBefore = await count('enquiries');
      const personsBefore = await count('persons');
      // The failure strikes after every row was written, just before commit (the audit append).
      const failing = createIngestService({
        db: harness.core.db,
        vault: harness.core.vault,
        audit: { append: () => Promise.reject(new Error('simulated crash before commit')) },
        clock: systemClock,
        logger: createLogger({ level: 'silent' }),
        batchSize: 100,
        frontDesk: ingestFrontDeskOf(harness.core.config),
      });
      await assert.rejects(failing.runOnce(), /simulated crash/);
      assert.equal(await count('enquiry_inbox'), 5);
      assert.equal(await count('enquiries'), enquiriesBefore);
      assert.equal(await count('persons'), personsBefore);
      const result = await harness.core.ingest.drain();
      assert.equal(result.ingested, 5);
      assert.equal(await count('enquiries'), enquiriesBefore + 5);
      assert.equal(await count('enquiry_inbox'), 0);
    });

    it('doubles nothing when it stops after the commit but before the inbox rows are deleted (the inbox may be another file)', async () => {
      await submit('clinic-a', generateEnquiry(40));
      await submit('clinic-a', { not: 'an enquiry' });
      const waiting = await harness.core.db.selectFrom('enquiry_inbox').selectAll().execute();
      const first = await harness.core.ingest.drain();
      assert.deepEqual([first.ingested, first.quarantined], [1, 1]);
      const [enquiries, quarantined] = [await count('enquiries'), (await harness.core.db.selectFrom('inbox_quarantine').select('id').execute()).length];
      // As if the process had died between the ingest's commit and the delete: the same rows are back in the inbox.
      await harness.core.db.insertInto('enquiry_inbox').values(waiting).execute();
      const again = await harness.core.ingest.drain();
      assert.deepEqual([again.ingested, again.duplicates], [0, 1]);
      assert.equal(await count('enquiries'), enquiries);
      assert.equal((await harness.core.db.selectFrom('inbox_quarantine').select('id').execute()).length, quarantined);
      assert.equal(await count('enquiry_inbox'), 0);
    });
  });
}
