/**
 * Canaries with no false alarms. A receptionist's ordinary day — 300 patient
 * searches with common UK names (two-letter prefixes, surnames, full names,
 * dates of birth) and 80 new enquiries opened — must trip nothing, though the
 * canaries carry the same common names. Every enumeration path must still
 * trip at the first canary it meets: walking the enquiries by id, walking the
 * patient list, and exact lookups by email, phone, and full name with date
 * of birth.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { canaryMarker } from '../../src/core/detection/canary.js';
import { sha256Hex } from '../../src/crypto/digest.js';
import { plantCanaries } from '../../src/core/detection/canary-planting.js';
import { admitSystem } from '../../src/core/door/system-admission.js';
import { type ContactRecord, RECORD } from '../../src/core/door/records.js';
import { fixedClock } from '../../src/platform/clock.js';
import { DIALECTS } from '../helpers/databases.js';
import { generateEnquiry } from '../helpers/enquiries.js';
import { createHarness, type Harness, post, RECEPTION, signIn, submitEnquiries } from '../helpers/harness.js';
import { createStaffViaApi } from '../helpers/staff.js';

const FIRST = ['Olivia', 'Amelia', 'Isla', 'Ava', 'Mia', 'Sophia', 'Grace', 'Lily', 'Freya', 'Emily', 'Charlotte', 'Hannah', 'Chloe', 'Jessica', 'Lucy', 'Daniel', 'James', 'Thomas', 'Oliver', 'Jack'];
const LAST = ['Smith', 'Jones', 'Taylor', 'Brown', 'Williams', 'Wilson', 'Johnson', 'Davies', 'Patel', 'Wright', 'Robinson', 'Thompson', 'Evans', 'Walker', 'White', 'Roberts', 'Green', 'Hall', 'Wood', 'Clarke'];
const MANAGER = { email: 'manager@clinic.test', password: 'copper lagoon ferry 27', name: 'Max Manager' };
const WALKERS = ['enquiry-walk', 'patient-walk', 'email', 'phone', 'name-dob'].map((kind, i) => ({ kind, email: `${kind}@clinic.test`, password: `amber harbour ${i}7 violet quartz`, name: `Desk ${i}` }));
const DAY = 86_400_000;
const HISTORY_START = new Date('2026-10-23T09:00:00Z');
const TODAY = new Date('2026-11-23T08:00:00Z'); // a Monday, 08:00 in London

/** A small deterministic generator (the same day every run). */
function prng(seed: number): () => number {
  let x = seed;
  return () => ((x = (x * 1_103_515_245 + 12_345) % 2_147_483_648) / 2_147_483_648);
}

for (const dialect of DIALECTS) {
  describe(`canaries without false alarms (${dialect})`, () => {
    let harness: Harness;
    const clock = fixedClock(HISTORY_START);
    const patients: { name: string; dob: string }[] = [];
    const code = (response: { body: string }) => (JSON.parse(response.body) as { error?: { code: string } }).error?.code;
    const isCanaryPerson = (personId: string) => harness.core.db.selectFrom('canary_markers').select('marker').where('marker', '=', canaryMarker(harness.core.vault.keyring(), personId)).executeTakeFirst().then(Boolean);
    const alertsOf = async (email: string) => {
      const staff = await harness.core.db.selectFrom('staff').select('id').where('email', '=', email).executeTakeFirstOrThrow();
      return (await harness.core.db.selectFrom('alerts').select('rule').where('staff_id', '=', staff.id).execute()).map((a) => a.rule);
    };

    before(async () => {
      harness = await createHarness(dialect, { clock, env: { TACET_AUTH_RATE_MAX: '10000', TACET_INTAKE_RATE_MAX: '10000', TACET_TIMEZONE: 'Europe/London', TACET_TRAINING_GRACE_DAYS: '60' } });
      const clinicId = harness.clinicIds['clinic-a'] as string;
      await createStaffViaApi(harness.core.app, [MANAGER, ...WALKERS].map((who) => ({ email: who.email, password: who.password, name: who.name, orgRole: null, clinicRoles: [{ clinicId, role: who === MANAGER ? ('clinic_manager' as const) : ('receptionist' as const) }] })));
      // A month of the clinic's life: five enquiries a day, four of them become patients the same day.
      const random = prng(7);
      for (let day = 0; day < 30; day++) {
        const fields = Array.from({ length: 5 }, (_, i) => {
          const name = `${FIRST[Math.floor(random() * FIRST.length)]} ${LAST[Math.floor(random() * LAST.length)]}`;
          const dob = `${1965 + Math.floor(random() * 38)}-${String(1 + Math.floor(random() * 12)).padStart(2, '0')}-${String(1 + Math.floor(random() * 28)).padStart(2, '0')}`;
          return { ...generateEnquiry(day * 5 + i), name, dob };
        });
        await submitEnquiries(harness, fields);
        const manager = await signIn(harness.core.app, MANAGER);
        for (const person of fields.slice(0, 4)) {
          const row = await harness.core.db.selectFrom('enquiries').select('id').where('submission_hash', '=', sha256Hex(`submission|${clinicId}|${person.sid}`)).executeTakeFirstOrThrow();
          assert.equal((await post(harness.core.app, `/api/v1/enquiries/${row.id}/convert`, manager, {})).statusCode, 201);
          patients.push(person);
          clock.advance(60_000);
        }
        clock.advance(DAY - 4 * 60_000);
      }
      // Canaries with the same common names, spread over the past sixty days (so among the month's records).
      await plantCanaries({ db: harness.core.db, vault: harness.core.vault, audit: harness.core.audit, clock, ingest: harness.core.ingest, blobs: harness.core.blobs }, { count: 10, emailDomain: 'clinic-mail.example', random: prng(11) });
      // This morning's new enquiries; the patient index is built as at unseal.
      clock.advance(TODAY.getTime() - clock.now().getTime());
      await submitEnquiries(harness, Array.from({ length: 50 }, (_, i) => generateEnquiry(1000 + i)));
      await harness.core.patientIndex.rebuild();
    });
    after(async () => harness?.close());

    it('lets a receptionist through an ordinary day of 300 searches and 80 enquiries without a single alert', async () => {
      const app = harness.core.app;
      const cookie = await signIn(app, RECEPTION);
      const random = prng(3);
      const pick = <T>(list: readonly T[]) => list[Math.floor(random() * list.length)] as T;
      // The day's callers: twenty patients, each looked up several times in several ways.
      const callers = Array.from({ length: 20 }, () => pick(patients));
      const queries = Array.from({ length: 300 }, (_, i) => {
        const who = pick(callers);
        const [first = '', last = ''] = who.name.split(' ');
        switch (i % 6) {
          case 0:
            return { name: pick(['Th', 'Ol', 'Sm', 'Ja', 'Em', 'Wi', 'Ch', 'Ro']) };
          case 1:
            return { name: last };
          case 2:
            return { name: `${first.slice(0, 3)} ${last.slice(0, 4)}` };
          case 3:
            return { name: who.name, dob: who.dob };
          case 4:
            return { dob: who.dob };
          default:
            return { name: who.name };
        }
      });
      const newest = (await app.inject({ url: '/api/v1/enquiries?status=new&limit=80', headers: { cookie } })).json<{ enquiries: { id: string }[] }>().enquiries;
      assert.equal(newest.length, 80);
      let broad = 0;
      let canaryInPrefix = 0;
      const step = Math.floor((9 * 3_600_000) / (queries.length + newest.length));
      for (const [i, query] of queries.entries()) {
        const response = await post(app, '/api/v1/patients/search', cookie, query);
        assert.equal(response.statusCode, 200, `search ${i} answered ${response.statusCode} ${code(response) ?? ''}`);
        if (response.json<{ isTooBroad: boolean }>().isTooBroad) broad += 1;
        // What the old search would have shown: a canary among the prefix matches.
        if (query.name && !query.dob) {
          for (const match of harness.core.patientIndex.search(query, [harness.clinicIds['clinic-a'] as string], 50)) {
            const row = await harness.core.db.selectFrom('patients').select('person_id').where('id', '=', match.patientId).executeTakeFirstOrThrow();
            if (await isCanaryPerson(row.person_id)) canaryInPrefix += 1;
          }
        }
        clock.advance(step);
        const enquiry = newest[Math.floor(i / 4)];
        if (i % 4 === 3 && enquiry) {
          const opened = await app.inject({ url: `/api/v1/enquiries/${enquiry.id}`, headers: { cookie } });
          assert.equal(opened.statusCode, 200, `enquiry ${i} answered ${opened.statusCode} ${code(opened) ?? ''}`);
          clock.advance(step);
        }
      }
      for (const enquiry of newest.slice(75)) assert.equal((await app.inject({ url: `/api/v1/enquiries/${enquiry.id}`, headers: { cookie } })).statusCode, 200);
      const receptionId = (await harness.core.db.selectFrom('staff').select('id').where('email', '=', RECEPTION.email).executeTakeFirstOrThrow()).id;
      const distinct = (await harness.core.db.selectFrom('detection_daily_reads').select('persons').where('staff_id', '=', receptionId).where('day', '=', '2026-11-23').executeTakeFirst())?.persons;
      console.log(`honest day: 300 searches (${broad} too broad), 80 enquiries, ${distinct} distinct people; canaries among the prefix matches of ordinary searches: ${canaryInPrefix}`);
      assert.ok(canaryInPrefix > 0, 'the ordinary searches do match canaries by prefix (so leaving them out is what keeps the day quiet)');
      assert.ok(broad > 0, 'two-letter searches are too broad to show');
      assert.deepEqual(await alertsOf(RECEPTION.email), []);
      assert.equal((await harness.core.db.selectFrom('staff').select('locked_at').where('email', '=', RECEPTION.email).executeTakeFirstOrThrow()).locked_at, null);
    });

    /** Open each id until refused; the refusal must be the canary's, at the first canary. */
    async function walk(who: (typeof WALKERS)[number], urls: { url: string; personId: string }[]) {
      const cookie = await signIn(harness.core.app, who);
      let opened = 0;
      for (const { url, personId } of urls) {
        // Paced under the 10-minute limit, so what stops the walk is the canary.
        clock.advance(20_000);
        const response = await harness.core.app.inject({ url, headers: { cookie } });
        if (await isCanaryPerson(personId)) {
          assert.equal(response.statusCode, 423, 'the first canary met locks the account');
          break;
        }
        assert.equal(response.statusCode, 200);
        opened += 1;
      }
      assert.deepEqual(await alertsOf(who.email), ['canary-touched']);
      return opened;
    }

    it('trips at the first canary when the enquiries are walked by id', async () => {
      const rows = await harness.core.db.selectFrom('enquiries').select(['id', 'person_id']).orderBy('received_at', 'desc').orderBy('id', 'desc').execute();
      const opened = await walk(WALKERS[0] as (typeof WALKERS)[number], rows.map((r) => ({ url: `/api/v1/enquiries/${r.id}`, personId: r.person_id })));
      console.log(`enquiry walk: tripped at the first canary after ${opened} real enquiries`);
    });

    it('trips at the first canary when the patient list is walked', async () => {
      const cookie = await signIn(harness.core.app, RECEPTION);
      const listed = (await harness.core.app.inject({ url: '/api/v1/patients?limit=200', headers: { cookie } })).json<{ patients: { id: string }[] }>().patients;
      const rows = await Promise.all(listed.map(async (p) => ({ url: `/api/v1/patients/${p.id}`, personId: (await harness.core.db.selectFrom('patients').select('person_id').where('id', '=', p.id).executeTakeFirstOrThrow()).person_id })));
      const opened = await walk(WALKERS[1] as (typeof WALKERS)[number], rows);
      console.log(`patient walk: tripped at the first canary after ${opened} real patients`);
    });

    it('trips on an exact lookup of a canary by email, by phone, and by full name with date of birth', async () => {
      const canary = await harness.core.db
        .selectFrom('patients')
        .innerJoin('persons', 'persons.id', 'patients.person_id')
        .innerJoin('person_keys', (join) => join.onRef('person_keys.person_id', '=', 'persons.id').on('person_keys.domain', '=', 'contact'))
        .select(['persons.id', 'persons.contact_envelope', 'person_keys.wrapped_dek'])
        .execute()
        .then(async (rows) => {
          for (const row of rows) if (await isCanaryPerson(row.id)) return row;
          throw new Error('no canary patient');
        });
      // What a thief holding the stolen list knows (read here through the system entrance: recorded, not counted).
      const opened = await admitSystem(harness.core, harness.core.vault.keyring(), { actor: 'system:test' }, { action: 'test.canary-contact', keys: [{ personId: canary.id, domain: 'contact', wrapped: canary.wrapped_dek }] });
      const contact = opened.open<ContactRecord>(canary.id, 'contact', RECORD.contact, canary.id, canary.contact_envelope);
      const lookups = [
        ['email', { email: contact.email }],
        ['phone', { phone: contact.phone }],
        ['name-dob', { name: contact.name, dob: contact.dob }],
      ] as const;
      for (const [kind, query] of lookups) {
        const who = WALKERS.find((w) => w.kind === kind) as (typeof WALKERS)[number];
        const cookie = await signIn(harness.core.app, who);
        const response = await post(harness.core.app, '/api/v1/patients/search', cookie, query);
        assert.equal(response.statusCode, 423, `${kind} lookup of a canary locks the account`);
        assert.deepEqual(await alertsOf(who.email), ['canary-touched'], kind);
      }
      // The same name without the date of birth is an ordinary search: the canary is not shown, nothing trips.
      const cookie = await signIn(harness.core.app, RECEPTION);
      const plain = await post(harness.core.app, '/api/v1/patients/search', cookie, { name: contact.name });
      assert.equal(plain.statusCode, 200);
      assert.deepEqual(await alertsOf(RECEPTION.email), []);
    });
  });
}
