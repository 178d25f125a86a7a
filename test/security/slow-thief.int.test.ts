/**
 * The slow thief: a stolen receptionist login that reads just under the
 * 10-minute limit all day (about 240 people an hour on the short window
 * alone), and a more patient one that also stays under the hour cap. The
 * first must be locked at the hour cap; the second alerted by the baseline
 * rule (far above this receptionist's and their peers' usual day) well
 * before it is locked at the working-day cap. Printed: how many people each
 * obtained, and when.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { DEFAULT_READ_CAPS, DEFAULT_READ_LIMITS } from '../../src/platform/config.js';
import { fixedClock } from '../../src/platform/clock.js';
import { DIALECTS } from '../helpers/databases.js';
import { generateEnquiries } from '../helpers/enquiries.js';
import { createHarness, type Harness, RECEPTION, signIn, submitEnquiries } from '../helpers/harness.js';
import { createStaffViaApi } from '../helpers/staff.js';

const FAST = { email: 'fast.reader@clinic.test', password: 'harbour violet tandem 64', name: 'Fran Desk' };
const SLOW = { email: 'slow.reader@clinic.test', password: 'meadow copper lantern 19', name: 'Sam Desk' };
const SHORT = DEFAULT_READ_LIMITS.receptionist;
const CAPS = DEFAULT_READ_CAPS.receptionist;
const START = new Date('2026-11-23T08:00:00Z'); // a Monday, 08:00 in London
const DAY = 86_400_000;

for (const dialect of DIALECTS) {
  describe(`the slow thief (${dialect})`, () => {
    let harness: Harness;
    const clock = fixedClock(START);
    let ids: string[] = [];
    const staffId = async (email: string) => (await harness.core.db.selectFrom('staff').select('id').where('email', '=', email).executeTakeFirstOrThrow()).id;

    before(async () => {
      harness = await createHarness(dialect, { clock, env: { TACET_AUTH_RATE_MAX: '1000', TACET_INTAKE_RATE_MAX: '1000', TACET_TIMEZONE: 'Europe/London' } });
      await submitEnquiries(harness, generateEnquiries(0, CAPS.day + 40));
      const clinicId = harness.clinicIds['clinic-a'] as string;
      await createStaffViaApi(harness.core.app, [FAST, SLOW].map((who) => ({ ...who, orgRole: null, clinicRoles: [{ clinicId, role: 'receptionist' as const }] })));
      // Thirty working days of history: each receptionist usually opens 40–70 people a day; the colleague 45–75.
      const history = [];
      for (const [email, low] of [[FAST.email, 40], [SLOW.email, 40], [RECEPTION.email, 45]] as const) {
        const id = await staffId(email);
        for (let d = 1; d <= 30; d++) history.push({ staff_id: id, role: 'receptionist', day: new Date(START.getTime() - d * DAY).toISOString().slice(0, 10), persons: low + ((d * 7) % 31) });
      }
      await harness.core.db.insertInto('detection_daily_reads').values(history).execute();
    });
    after(async () => harness?.close());

    /** Read enquiries one by one, `perTenMinutes` distinct people each 10 minutes, until refused; returns who was seen and when it stopped. */
    async function readAllDay(who: { email: string; password: string }, perTenMinutes: number) {
      const app = harness.core.app;
      const cookie = await signIn(app, who);
      // The ids the enquiry list hands out (read here in one go: the list's own paging is not what is tested).
      if (ids.length === 0) ids = (await harness.core.db.selectFrom('enquiries').select('id').orderBy('id').execute()).map((e) => e.id);
      const started = clock.now().getTime();
      const seen = new Set<string>();
      for (const [i, id] of ids.entries()) {
        if (i > 0 && i % perTenMinutes === 0) clock.advance(10 * 60_000 + 1000);
        const response = await app.inject({ url: `/api/v1/enquiries/${id}`, headers: { cookie } });
        if (response.statusCode !== 200) {
          assert.equal(response.statusCode, 423, `refused with ${response.statusCode} ${response.body}`);
          return { seen, started, minutes: Math.round((clock.now().getTime() - started) / 60_000) };
        }
        seen.add(response.json<{ personId: string }>().personId);
      }
      return { seen, started, minutes: Math.round((clock.now().getTime() - started) / 60_000) };
    }

    const alerts = async (email: string) => harness.core.db.selectFrom('alerts').select(['rule', 'severity', 'detail', 'at']).where('staff_id', '=', await staffId(email)).orderBy('at').execute();

    it(`locks a reader staying just under ${SHORT.persons} per 10 minutes at the hour cap (${CAPS.hour})`, async () => {
      const { seen, minutes } = await readAllDay(FAST, SHORT.persons - 1);
      console.log(`slow thief, ${SHORT.persons - 1} per 10 min: obtained ${seen.size} people in ${minutes} min before the hour cap (${CAPS.hour}) locked the account`);
      assert.equal(seen.size, CAPS.hour);
      const raised = await alerts(FAST.email);
      assert.deepEqual(raised.map((a) => [a.rule, a.severity]), [['read-velocity-hour', 'critical']]);
      const staff = await harness.core.db.selectFrom('staff').select(['locked_at', 'lock_reason']).where('email', '=', FAST.email).executeTakeFirstOrThrow();
      assert.ok(staff.locked_at);
      assert.equal(staff.lock_reason, 'read-velocity-hour');
    });

    it(`alerts on a reader staying under the hour cap too, early, and locks it at the day cap (${CAPS.day})`, async () => {
      clock.advance(DAY - (clock.now().getTime() - START.getTime())); // the next working day, 08:00
      const perTen = Math.floor((CAPS.hour - 1) / 6);
      const { seen, started, minutes } = await readAllDay(SLOW, perTen);
      const raised = await alerts(SLOW.email);
      const baseline = raised.find((a) => a.rule === 'read-baseline');
      const alertedAfter = baseline ? Math.round((Date.parse(baseline.at) - started) / 60_000) : undefined;
      console.log(`slow thief, ${perTen} per 10 min: alerted by the baseline rule after ${alertedAfter} min; obtained ${seen.size} people in ${minutes} min before the day cap (${CAPS.day}) locked the account`);
      assert.equal(seen.size, CAPS.day);
      assert.deepEqual(raised.map((a) => [a.rule, a.severity]), [['read-baseline', 'high'], ['read-daily-cap', 'critical']]);
      // Early: the baseline alert came when fewer than two thirds of the day cap had been read.
      assert.ok(baseline);
      const match = /^(\d+) distinct people opened today/.exec(baseline.detail);
      assert.ok(match && Number(match[1]) < (CAPS.day * 2) / 3, baseline.detail);
      assert.match(baseline.detail, /this staff member's median 55, their peers' 5\d/);
      // Counts are remembered for tomorrow's baseline; no person id is kept with them.
      const today = await harness.core.db.selectFrom('detection_daily_reads').selectAll().where('staff_id', '=', await staffId(SLOW.email)).where('day', '=', clock.now().toISOString().slice(0, 10)).executeTakeFirstOrThrow();
      assert.deepEqual(Object.keys(today).sort(), ['day', 'persons', 'role', 'staff_id']);
      assert.equal(today.persons, CAPS.day);
    });
  });
}
