/**
 * Counts-only reports on both databases: exact counts, first-response
 * median and 90th percentile, SLA share, conversion by furthest stage and
 * lost reasons for a constructed set of enquiries; the furthest stage kept
 * as stages move through the API; no personal value of enquiries sent
 * through the real intake in any report or CSV; and who may see which
 * clinic's figures (a receptionist none, a manager only their clinic).
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Insertable } from 'kysely';
import type { Database } from '../../src/db/tables.js';
import { fixedClock } from '../../src/platform/clock.js';
import { DIALECTS } from '../helpers/databases.js';
import { generateEnquiry } from '../helpers/enquiries.js';
import { ADMIN, createHarness, type Harness, post, RECEPTION, signIn, submitEnquiries } from '../helpers/harness.js';
import { createStaffViaApi } from '../helpers/staff.js';

const MANAGER_A = { email: 'manager.a@clinic.test', password: 'granite meadow tulip 64', name: 'Manager A' };
const MANAGER_B = { email: 'manager.b@clinic.test', password: 'obsidian ferret marimba 83', name: 'Manager B' };
const NOW = new Date('2026-12-01T09:00:00Z');
const MIN = 60_000;

interface Figures {
  clinic: { slug: string } | null;
  channel: string | null;
  received: number;
  firstResponse: { answered: number; medianSeconds: number | null; p90Seconds: number | null; slaDecided: number; withinSla: number; withinSlaShare: number | null };
  stages: { key: string; reached: number; share: number | null }[];
  lost: { total: number; reasons: { code: string; count: number }[] };
}
interface Report {
  groups: Figures[];
  total: Figures;
  from: string;
  to: string;
}

/** One constructed enquiry: minutes before NOW it came, its response time and SLA (minutes after receipt), stages. */
interface Made {
  clinic: string;
  channel: string;
  ageMin: number;
  responseMin?: number;
  slaMin?: number;
  furthest?: string;
  status?: string;
  lostReason?: string;
}

const reached = (figures: Figures | undefined) => Object.fromEntries((figures?.stages ?? []).map((s) => [s.key, s.reached]));

for (const dialect of DIALECTS) {
  describe(`enquiry reports (${dialect})`, () => {
    let harness: Harness;
    let cookies: Record<string, string>;
    let clinicA: string;
    let clinicB: string;
    const get = (url: string, who: string) => harness.core.app.inject({ url, headers: { cookie: cookies[who] as string } });
    const report = async (query: string, who = 'admin') => {
      const response = await get(`/api/v1/reports/enquiries${query}`, who);
      assert.equal(response.statusCode, 200, response.body);
      return response.json() as Report;
    };
    let made = 0;
    async function make(rows: readonly Made[]): Promise<void> {
      const organisation = (await harness.core.db.selectFrom('clinics').select('organisation_id').executeTakeFirstOrThrow()).organisation_id;
      const persons: Insertable<Database['persons']>[] = [];
      const enquiries: Insertable<Database['enquiries']>[] = [];
      for (const row of rows) {
        const id = `0000000a-0000-4000-8000-${String((made += 1)).padStart(12, '0')}`;
        const received = NOW.getTime() - row.ageMin * MIN;
        const at = (min: number | undefined) => (min === undefined ? null : new Date(received + min * MIN).toISOString());
        persons.push({ id, organisation_id: organisation, created_at: NOW.toISOString(), updated_at: NOW.toISOString(), contact_envelope: 'sealed', email_bi: null, phone_bi: null, surname_dob_bi: null, is_restricted: 0 });
        enquiries.push({
          id,
          person_id: id,
          clinic_id: row.clinic === 'a' ? clinicA : clinicB,
          status: row.status ?? row.furthest ?? 'new',
          source: 'js',
          received_at: new Date(received).toISOString(),
          created_at: new Date(received).toISOString(),
          submission_hash: `made-${id}`,
          body_envelope: 'sealed',
          channel: row.channel,
          first_response_at: at(row.responseMin),
          sla_due_at: at(row.slaMin),
          furthest_stage: row.furthest ?? null,
          lost_reason: row.lostReason ?? null,
        });
      }
      await harness.core.db.insertInto('persons').values(persons).execute();
      await harness.core.db.insertInto('enquiries').values(enquiries).execute();
    }

    before(async () => {
      harness = await createHarness(dialect, { clock: fixedClock(NOW), env: { TACET_AUTH_RATE_MAX: '1000', TACET_INTAKE_RATE_MAX: '1000' } });
      clinicA = harness.clinicIds['clinic-a'] as string;
      clinicB = harness.clinicIds['clinic-b'] as string;
      await createStaffViaApi(harness.core.app, [
        { ...MANAGER_A, orgRole: null, clinicRoles: [{ clinicId: clinicA, role: 'clinic_manager' }] },
        { ...MANAGER_B, orgRole: null, clinicRoles: [{ clinicId: clinicB, role: 'clinic_manager' }] },
      ]);
      cookies = { admin: await signIn(harness.core.app, ADMIN), reception: await signIn(harness.core.app, RECEPTION), managerA: await signIn(harness.core.app, MANAGER_A), managerB: await signIn(harness.core.app, MANAGER_B) };

      // Clinic A, google: ten answered in 10, 20, ... 100 minutes, due within 60 (six in time).
      const furthest = ['new', 'new', 'new', 'new', 'contacted', 'contacted', 'contacted', 'consultation_booked', 'consultation_booked', 'won'];
      const lost: Record<number, string> = { 5: 'price', 6: 'price', 8: 'not-ready' };
      await make(
        furthest.map((stage, i) => ({
          clinic: 'a',
          channel: 'google',
          ageMin: 1000 + i,
          responseMin: 10 * (i + 1),
          slaMin: 60,
          ...(stage === 'new' ? {} : { furthest: stage }),
          ...(lost[i] ? { status: 'lost', lostReason: lost[i] } : {}),
        })),
      );
      // Clinic A, direct: five unanswered, three past their SLA and two still due.
      await make([0, 1, 2, 3, 4].map((i) => ({ clinic: 'a', channel: 'direct', ageMin: 600 + i, slaMin: i < 3 ? 60 : 6000 })));
      // Clinic B, google: four won, each answered in 5 minutes, in time.
      await make([0, 1, 2, 3].map(() => ({ clinic: 'b', channel: 'google', ageMin: 2000, responseMin: 5, slaMin: 60, furthest: 'won' })));
      // Clinic A, 200 days ago: outside the default 90 days.
      await make([0, 1, 2].map(() => ({ clinic: 'a', channel: 'google', ageMin: 200 * 24 * 60, responseMin: 1, slaMin: 60 })));
    });
    after(async () => harness?.close());

    it('counts each clinic over the last 90 days: received, response median and p90, SLA share, conversion and lost reasons', async () => {
      const byClinic = await report('');
      assert.equal(byClinic.to, '2026-12-01');
      assert.equal(byClinic.from, '2026-09-03');
      const [a, b] = byClinic.groups;
      assert.equal(a?.clinic?.slug, 'clinic-a');
      assert.equal(a?.received, 15);
      assert.deepEqual(a?.firstResponse, { answered: 10, medianSeconds: 50 * 60, p90Seconds: 90 * 60, slaDecided: 13, withinSla: 6, withinSlaShare: 6 / 13 });
      assert.deepEqual(reached(a), { new: 15, contacted: 6, consultation_booked: 3, consultation_attended: 1, treatment_booked: 1, won: 1 });
      assert.equal(a?.stages.find((s) => s.key === 'contacted')?.share, 6 / 15);
      assert.deepEqual(a?.lost, { total: 3, reasons: [{ code: 'price', count: 2 }, { code: 'not-ready', count: 1 }] });
      assert.equal(b?.clinic?.slug, 'clinic-b');
      assert.equal(b?.received, 4);
      assert.deepEqual(reached(b), { new: 4, contacted: 4, consultation_booked: 4, consultation_attended: 4, treatment_booked: 4, won: 4 });
      assert.equal(byClinic.total.received, 19);
      assert.equal(byClinic.total.firstResponse.answered, 14);
    });

    it('groups by channel and by both, and a range that reaches back includes the older enquiries', async () => {
      const byChannel = await report('?groupBy=channel');
      const google = byChannel.groups.find((g) => g.channel === 'google');
      assert.equal(google?.clinic, null);
      assert.equal(google?.received, 14);
      // Sorted: 5, 5, 5, 5, 10, 20, 30, ... 100 minutes: the 7th of 14 and the 13th.
      assert.equal(google?.firstResponse.medianSeconds, 30 * 60);
      assert.equal(google?.firstResponse.p90Seconds, 90 * 60);
      assert.equal(google?.firstResponse.withinSla, 10);
      assert.equal(byChannel.groups.find((g) => g.channel === 'direct')?.received, 5);
      const both = await report('?groupBy=both');
      assert.deepEqual(both.groups.map((g) => `${g.clinic?.slug}/${g.channel}:${g.received}`), ['clinic-a/google:10', 'clinic-a/direct:5', 'clinic-b/google:4']);
      const year = await report('?from=2026-01-01&to=2026-12-01&clinic=' + clinicA);
      assert.equal(year.total.received, 18);
      assert.equal((await report('?channel=direct')).total.received, 5);
      assert.equal((await get('/api/v1/reports/enquiries?from=2026-12-02&to=2026-12-01', 'admin')).statusCode, 400);
      assert.equal((await get('/api/v1/reports/enquiries?from=2023-01-01&to=2026-12-01', 'admin')).statusCode, 400);
    });

    it('downloads the same figures as CSV, small counts shown as <5, under a file name without personal data', async () => {
      const response = await get('/api/v1/reports/enquiries.csv?groupBy=clinic', 'managerB');
      assert.equal(response.statusCode, 200);
      assert.match(String(response.headers['content-type']), /^text\/csv/);
      assert.equal(response.headers['content-disposition'], 'attachment; filename="enquiry-report-by-clinic-2026-09-03-to-2026-12-01.csv"');
      const lines = response.body.trim().split(/\r?\n/).map((line) => line.split(','));
      const header = lines[0] ?? [];
      assert.deepEqual(header.slice(0, 6), ['from', 'to', 'clinic', 'channel', 'received', 'answered']);
      const row = Object.fromEntries(header.map((name, i) => [name, lines[1]?.[i]]));
      assert.equal(row['clinic'], 'clinic-b');
      assert.equal(row['received'], '<5');
      assert.equal(row['first_response_median_seconds'], '<5');
      assert.equal(row['lost_price'], '0');
      assert.equal(lines.length, 3, 'clinic B and the total');
      const admin = await get('/api/v1/reports/enquiries.csv?groupBy=clinic', 'admin');
      const adminRows = admin.body.trim().split(/\r?\n/).map((line) => line.split(','));
      const a = Object.fromEntries(header.map((name, i) => [name, adminRows[1]?.[i]]));
      assert.deepEqual([a['clinic'], a['received'], a['first_response_median_seconds'], a['within_sla_share'], a['reached_contacted'], a['lost_price']], ['clinic-a', '15', '3000', (6 / 13).toFixed(4), '6', '<5']);
    });

    it('shows a receptionist no report and a manager only their own clinic, auditing each refusal', async () => {
      assert.equal((await get('/api/v1/reports/enquiries', 'reception')).statusCode, 404);
      assert.equal((await get('/api/v1/reports/enquiries.csv', 'reception')).statusCode, 404);
      assert.equal((await get(`/api/v1/reports/enquiries?clinic=${clinicA}`, 'managerB')).statusCode, 404);
      assert.equal((await get(`/api/v1/reports/enquiries.csv?clinic=${clinicA}`, 'managerB')).statusCode, 404);
      const own = await report('', 'managerB');
      assert.deepEqual(own.groups.map((g) => g.clinic?.slug), ['clinic-b']);
      assert.equal(own.total.received, 4);
      assert.deepEqual((await report('?groupBy=channel', 'managerA')).groups.map((g) => `${g.channel}:${g.received}`), ['google:10', 'direct:5']);
      const denied = await harness.core.db.selectFrom('audit_events').select(['action', 'outcome']).where('action', '=', 'report.read').where('outcome', '=', 'denied').execute();
      assert.equal(denied.length, 4);
      assert.equal((await harness.core.app.inject({ url: '/api/v1/reports/enquiries' })).statusCode, 401);
    });

    it('keeps the furthest stage as enquiries move, and no report or CSV holds a personal value of enquiries sent through the intake', async () => {
      const people = [1, 2, 3, 4, 5, 6].map((i) => ({ ...generateEnquiry(7100 + i), origin: { utmSource: 'instagram', utmCampaign: `spring-${i}`, referrer: 'https://www.instagram.com/p/abc' } }));
      await submitEnquiries(harness, people, { clinic: 'clinic-a' });
      const ids = (await harness.core.db.selectFrom('enquiries').select('id').where('channel', '=', 'instagram').orderBy('id').execute()).map((r) => r.id);
      assert.equal(ids.length, 6);
      const move = async (enquiryIds: string[], stage: string, lostReason?: string) =>
        assert.equal((await post(harness.core.app, '/api/v1/desk/stage', cookies['managerA'] as string, { enquiryIds, stage, ...(lostReason ? { lostReason } : {}) })).statusCode, 200);
      await move(ids.slice(0, 3), 'contacted');
      await move(ids.slice(0, 1), 'consultation_attended');
      // Back a step and then lost: the furthest stays where it was.
      await move(ids.slice(0, 1), 'contacted');
      await move(ids.slice(0, 1), 'lost', 'price');
      const instagram = (await report(`?groupBy=both&channel=instagram`, 'managerA')).groups[0];
      assert.equal(instagram?.received, 6);
      assert.deepEqual(reached(instagram), { new: 6, contacted: 3, consultation_booked: 1, consultation_attended: 1, treatment_booked: 0, won: 0 });
      assert.deepEqual(instagram?.lost, { total: 1, reasons: [{ code: 'price', count: 1 }] });
      assert.equal(instagram?.firstResponse.answered, 3);

      const outputs: string[] = [];
      for (const who of ['admin', 'managerA']) {
        for (const groupBy of ['clinic', 'channel', 'both']) {
          for (const path of ['/api/v1/reports/enquiries', '/api/v1/reports/enquiries.csv']) {
            const response = await get(`${path}?groupBy=${groupBy}`, who);
            assert.equal(response.statusCode, 200);
            outputs.push(response.body, JSON.stringify(response.headers));
          }
        }
      }
      const text = outputs.join('\n').toLowerCase();
      for (const person of people) {
        for (const value of [person.name, person.email, person.phone, person.dob, person.address, person.procedure, person.message, person.origin.utmCampaign, person.sid, person.name.split(' ')[0] as string]) {
          assert.ok(!text.includes(value.toLowerCase()), 'a report carries a personal value');
        }
      }
      assert.ok(!text.includes('instagram.com/p'), 'the referrer path stays sealed');
      assert.ok(text.includes('instagram'), 'the channel is reported');
    });
  });
}
