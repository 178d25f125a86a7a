/**
 * Retention purge benchmark: 480,000 enquiries of which 90% are past
 * retention; time for the daily job to crypto-shred the 432,000 expired
 * people (keys first, then ciphertext rows), on SQLite (target < 60 s) and,
 * for information, PostgreSQL. Baseline in the same run: deleting the same
 * number of rows from the same tables with plain DELETE statements and no
 * retention logic (what the engine alone costs).
 *
 * Usage: npm run bench:retention [-- --total 480000 --only sqlite]
 */
import { parseArgs } from 'node:util';
import { sql } from 'kysely';
import { fixedClock } from '../src/platform/clock.js';
import { DIALECTS } from '../test/helpers/databases.js';
import { generatePeople } from '../test/helpers/bulk.js';
import { createHarness } from '../test/helpers/harness.js';

const { values: args } = parseArgs({ options: { total: { type: 'string', default: '480000' }, only: { type: 'string' } } });
const TOTAL = Number(args.total);

for (const dialect of DIALECTS.filter((d) => !args.only || d === args.only)) {
  const clock = fixedClock(new Date('2026-01-05T09:00:00Z'));
  const harness = await createHarness(dialect, { clock, env: { TACET_LOG_LEVEL: 'warn' } });
  try {
    const db = harness.core.db;
    const org = (await db.selectFrom('organisations').select('id').executeTakeFirstOrThrow()).id;
    const clinicId = harness.clinicIds['clinic-a'] as string;
    const expired = Math.round(TOTAL * 0.9);
    let start = performance.now();
    await generatePeople(db, harness.core.dialect, { prefix: 'e0000000', count: expired, organisationId: org, clinicId, receivedAt: '2025-03-01T10:00:00.000Z' });
    await generatePeople(db, harness.core.dialect, { prefix: 'f0000000', count: TOTAL - expired, organisationId: org, clinicId, receivedAt: '2025-12-20T10:00:00.000Z' });
    if (dialect === 'postgres') await sql`ANALYZE`.execute(db);
    console.log(`${dialect}: generated ${TOTAL} enquiries (${expired} past retention) in ${((performance.now() - start) / 1000).toFixed(0)} s`);
    start = performance.now();
    const run = await harness.core.retention.run(org);
    const seconds = (performance.now() - start) / 1000;
    const left = Number((await db.selectFrom('persons').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow()).n);
    console.log(`  retention run: shredded ${run.shredded['unconverted-enquiry']} people in ${seconds.toFixed(1)} s (${Math.round(run.shredded['unconverted-enquiry'] / seconds)}/s), ${left} left; target < 60 s`);
    // Baseline: the same rows deleted by plain statements (fresh copy of the same data).
    await generatePeople(db, harness.core.dialect, { prefix: 'b0000000', count: expired, organisationId: org, clinicId, receivedAt: '2025-03-01T10:00:00.000Z' });
    start = performance.now();
    await db.transaction().execute(async (trx) => {
      await sql`DELETE FROM person_keys WHERE person_id LIKE 'b0000000-%'`.execute(trx);
      await sql`DELETE FROM enquiries WHERE person_id LIKE 'b0000000-%'`.execute(trx);
      await sql`DELETE FROM persons WHERE id LIKE 'b0000000-%'`.execute(trx);
    });
    console.log(`  baseline, the same rows deleted by three plain DELETEs in one transaction: ${((performance.now() - start) / 1000).toFixed(1)} s`);
  } finally {
    await harness.close();
  }
}
