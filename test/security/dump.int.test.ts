/**
 * Attacker test T1/T2: submit 1,000 enquiries through the real HTTP intake
 * (half sealed in "the browser" with @hpke/core, half through the no-JS form
 * that the intake seals on arrival), ingest them, open some as staff, then
 * read every byte the installation wrote — database file, WAL, data
 * directory, logs, and on PostgreSQL a pg_dump — and find no submitted value
 * in any common encoding.
 */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { PG_URL } from '../helpers/databases.js';
import { browserSealedBody, formBody, type GeneratedEnquiry, generateEnquiry } from '../helpers/enquiries.js';
import { createHarness, type Harness, signIn, ADMIN } from '../helpers/harness.js';
import { needles } from '../helpers/leak-scanner.js';

const TOTAL = 1000;

function filesUnder(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const full = path.join(dir, entry.name);
    return entry.isDirectory() ? filesUnder(full) : [full];
  });
}

async function inParallel<T>(items: readonly T[], width: number, task: (item: T, index: number) => Promise<void>): Promise<void> {
  let next = 0;
  await Promise.all(
    Array.from({ length: width }, async () => {
      while (next < items.length) {
        const index = next++;
        await task(items[index] as T, index);
      }
    }),
  );
}

for (const dialect of ['sqlite', 'postgres'] as const) {
  describe(`dump of a ${dialect} installation holds no plaintext`, () => {
    let harness: Harness;
    let enquiries: GeneratedEnquiry[];

    before(async () => {
      harness = await createHarness(dialect, { env: { TACET_INTAKE_RATE_MAX: '100000' } });
      const address = await harness.intake.app.listen({ host: '127.0.0.1', port: 0 });
      const { formToken } = (await (await fetch(`${address}/v1/publication`)).json()) as { formToken: string };
      enquiries = Array.from({ length: TOTAL }, (_, i) => generateEnquiry(i));
      await inParallel(enquiries, 16, async (fields, i) => {
        const clinic = i % 2 === 0 ? 'clinic-a' : 'clinic-b';
        const response =
          i % 2 === 0
            ? await fetch(`${address}/v1/enquiries`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(await browserSealedBody(harness.publication, clinic, fields, formToken)) })
            : await fetch(`${address}/enquire`, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: formBody(clinic, fields, formToken), redirect: 'manual' });
        assert.ok(response.status === 202 || response.status === 303, `submission ${i} answered ${response.status}`);
      });
    });

    after(async () => harness?.close());

    it('ingests all of them, readable through the door', async () => {
      const result = await harness.core.ingest.drain();
      assert.equal(result.ingested, TOTAL);
      assert.equal(result.quarantined, 0);
      const count = await harness.core.db.selectFrom('enquiries').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow();
      assert.equal(Number(count.n), TOTAL);
      const inbox = await harness.core.db.selectFrom('enquiry_inbox').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow();
      assert.equal(Number(inbox.n), 0);
      // Staff reads put request lines and audit rows on disk too; they must not leak either.
      const cookie = await signIn(harness.core.app, ADMIN);
      const list = (await harness.core.app.inject({ url: '/api/v1/enquiries?limit=20', headers: { cookie } })).json() as { enquiries: { id: string }[] };
      const names = new Set(enquiries.map((e) => e.name));
      for (const row of list.enquiries) {
        const detail = (await harness.core.app.inject({ url: `/api/v1/enquiries/${row.id}`, headers: { cookie } })).json() as { contact: { name: string } };
        assert.ok(names.has(detail.contact.name));
      }
    });

    it('has none of the submitted values in any stored byte, in any encoding', async () => {
      const set = needles(
        enquiries.flatMap((e, i) => [
          { label: `name#${i}`, value: e.name },
          { label: `email#${i}`, value: e.email },
          { label: `phone#${i}`, value: e.phone },
          { label: `phone-e164#${i}`, value: `+447700${e.phone.slice(-6)}` },
          { label: `dob#${i}`, value: e.dob },
          { label: `address#${i}`, value: e.address },
          { label: `message#${i}`, value: e.message },
          { label: `procedure#${i}`, value: e.procedure },
        ]),
      );
      const sources: { source: string; bytes: Buffer }[] = filesUnder(harness.database.dataDir).map((file) => ({ source: path.relative(harness.database.dataDir, file), bytes: fs.readFileSync(file) }));
      if (dialect === 'sqlite') {
        assert.ok(sources.some((s) => s.source === 'tacet.db-wal'), 'the WAL is scanned while the database is open');
      } else {
        const schema = harness.database.config.kind === 'postgres' ? harness.database.config.schema : undefined;
        const dump = execFileSync('pg_dump', ['--schema', String(schema), '--no-owner', PG_URL], { maxBuffer: 1 << 30 });
        assert.ok(dump.includes(Buffer.from('enquiry_inbox')), 'the dump contains the schema');
        sources.push({ source: 'pg_dump', bytes: dump });
      }
      assert.ok(sources.some((s) => s.source === 'tacet.log' && s.bytes.length > 0), 'the log file is scanned');
      const leaks = sources.flatMap((s) => set.scan(s.bytes, s.source));
      assert.deepEqual(leaks.slice(0, 5), [], `plaintext found: ${leaks.length} hits`);
    });
  });
}
