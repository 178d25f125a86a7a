/**
 * The name index at work: built in pages between yields (progress visible,
 * other work served meanwhile, every page's keys recorded before they open),
 * kept current from the database's watermarks (another instance's new
 * patient, a corrected name, a same-millisecond tie) without reopening what
 * it already holds, and, while it builds, a name search that says so.
 */
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import pg from 'pg';
import { createPatientIndex } from '../../src/core/door/patient-index.js';
import { randomToken } from '../../src/crypto/random.js';
import { systemClock } from '../../src/platform/clock.js';
import { generateEnquiries } from '../helpers/enquiries.js';
import { PG_URL } from '../helpers/databases.js';
import { createHarness, type Harness, RECEPTION, signIn, submitEnquiries } from '../helpers/harness.js';

const PEOPLE = 40;

for (const dialect of ['sqlite', 'postgres'] as const) {
  describe(`patient name index (${dialect})`, () => {
    let harness: Harness;
    const people = generateEnquiries(1, PEOPLE);
    const auditCount = async (action: string) => Number((await harness.core.db.selectFrom('audit_events').select((eb) => eb.fn.countAll<number>().as('n')).where('action', '=', action).executeTakeFirstOrThrow()).n);
    const newIndex = () => createPatientIndex({ db: harness.core.db, vault: harness.core.vault, audit: harness.core.audit, clock: systemClock, pageSize: 7 });

    before(async () => {
      harness = await createHarness(dialect, { env: { TACET_INTAKE_RATE_MAX: '10000' } });
      await submitEnquiries(harness, people, { clinic: 'clinic-a' });
      // Every person becomes a patient of clinic A (written as another core instance would).
      const persons = await harness.core.db.selectFrom('persons').select(['id', 'created_at']).execute();
      const clinicId = harness.clinicIds['clinic-a'] as string;
      await harness.core.db
        .insertInto('patients')
        .values(persons.map((p) => ({ id: randomUUID(), person_id: p.id, clinic_id: clinicId, enquiry_id: null, status: 'active', created_at: p.created_at, created_by: 'test' })))
        .execute();
    });
    after(async () => harness?.close());

    it('builds in pages between yields, with progress, recording each page’s people before opening them', async () => {
      const index = newIndex();
      const before = await auditCount('patient-index.rebuild');
      const seen: number[] = [];
      let ticks = 0;
      const ticker = setInterval(() => {
        ticks++;
        seen.push(index.progress().percent);
      }, 0);
      const built = index.rebuild();
      assert.equal(index.isReady(), false);
      assert.equal(index.progress().isBuilding, true);
      assert.equal(await built, PEOPLE);
      clearInterval(ticker);
      assert.ok(ticks > 0, 'timers ran while the index built');
      assert.ok(
        seen.some((p) => p > 0 && p < 100),
        `progress seen between 0 and 100 (${seen.join(',')})`,
      );
      assert.deepEqual(index.progress(), { isReady: true, isBuilding: false, percent: 100 });
      // Six pages of seven (the last shorter): one system read recorded for each, before it opened.
      assert.equal((await auditCount('patient-index.rebuild')) - before, Math.ceil(PEOPLE / 7));
      const first = people[0];
      assert.ok(first);
      const [firstName = '', lastName = ''] = first.name.split(' ');
      const found = index.search({ name: `${firstName.slice(0, 3)} ${lastName}` }, [harness.clinicIds['clinic-a'] as string], 50);
      assert.ok(found.length >= 1);
      assert.deepEqual(index.search({ name: firstName }, [harness.clinicIds['clinic-b'] as string], 50), []);
    });

    it('takes in another instance’s new patient and a corrected name, a same-millisecond tie included, without reopening the rest', async () => {
      const index = newIndex();
      await index.rebuild();
      const clinicA = [harness.clinicIds['clinic-a'] as string];
      const refreshesBefore = await auditCount('patient-index.refresh');
      // A repeat search opens nothing new.
      await index.refresh();
      await index.refresh();
      const idle = await auditCount('patient-index.refresh');
      assert.ok(idle - refreshesBefore <= 1, 'nothing unchanged is reopened search after search');
      // Another instance: a new person and patient, and a second one at the very same millisecond.
      const stamp = systemClock.now().toISOString();
      await submitEnquiries(harness, [{ ...people[1], email: 'zed.one@example.test', name: 'Quentin Xylophone', sid: randomToken(12) }, { ...people[2], email: 'zed.two@example.test', name: 'Quincy Xylophone', sid: randomToken(12) }], { clinic: 'clinic-a' });
      const fresh = await harness.core.db.selectFrom('persons').select('id').where('id', 'not in', harness.core.db.selectFrom('patients').select('person_id')).execute();
      assert.equal(fresh.length, 2);
      const [one, two] = fresh;
      assert.ok(one && two);
      await harness.core.db.insertInto('patients').values({ id: randomUUID(), person_id: one.id, clinic_id: clinicA[0] as string, enquiry_id: null, status: 'active', created_at: stamp, created_by: 'test' }).execute();
      await index.refresh();
      assert.equal(index.search({ name: 'xylo' }, clinicA, 50).length, 1);
      await harness.core.db.insertInto('patients').values({ id: randomUUID(), person_id: two.id, clinic_id: clinicA[0] as string, enquiry_id: null, status: 'active', created_at: stamp, created_by: 'test' }).execute();
      await index.refresh();
      assert.equal(index.search({ name: 'xylo' }, clinicA, 50).length, 2, 'the second patient at the same millisecond is found too');
      // A correction: the same person enquires again under a new surname (ingest updates the person).
      await submitEnquiries(harness, [{ ...people[1], email: 'zed.one@example.test', name: 'Quentin Marimba', sid: randomToken(12) }], { clinic: 'clinic-a' });
      await index.refresh();
      assert.equal(index.search({ name: 'quentin marimba' }, clinicA, 50).length, 1, 'the corrected name finds the patient');
      assert.equal(index.search({ name: 'quentin xylo' }, clinicA, 50).length, 0, 'the old surname no longer finds the patient');
    });

    if (dialect === 'postgres') {
      it('answers a name search with "index building" while the index cannot finish, and with results once it has', async () => {
        const app = harness.core.app;
        const cookie = await signIn(app, RECEPTION);
        const name = people[3]?.name ?? '';
        // Hold the patients table so the build cannot read (as a long build at 480k would still be running).
        const blocker = new pg.Client({ connectionString: PG_URL });
        await blocker.connect();
        await blocker.query(`SET search_path TO "${(harness.database.config as { schema: string }).schema}"`);
        await blocker.query('BEGIN');
        await blocker.query('LOCK TABLE patients IN ACCESS EXCLUSIVE MODE');
        try {
          harness.core.patientIndex.clear();
          const built = harness.core.patientIndex.rebuild();
          const answer = (await app.inject({ method: 'POST', url: '/api/v1/patients/search', headers: { cookie }, payload: { name } })).json<{ results: unknown[]; indexBuilding: number | null }>();
          assert.equal(answer.indexBuilding, 0);
          assert.deepEqual(answer.results, []);
          await blocker.query('ROLLBACK');
          await built;
        } finally {
          await blocker.end();
        }
        // Email search never needed the name index (it reads the patients table, which the lock held too).
        const byEmail = (await app.inject({ method: 'POST', url: '/api/v1/patients/search', headers: { cookie }, payload: { email: people[3]?.email } })).json<{ results: unknown[]; indexBuilding: number | null }>();
        assert.equal(byEmail.indexBuilding, null);
        assert.equal(byEmail.results.length, 1);
        const ready = (await app.inject({ method: 'POST', url: '/api/v1/patients/search', headers: { cookie }, payload: { name } })).json<{ results: unknown[]; indexBuilding: number | null }>();
        assert.equal(ready.indexBuilding, null);
        assert.equal(ready.results.length, 1);
      });
    }
  });
}
