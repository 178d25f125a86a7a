/**
 * The two seed breaches replayed on generated data, on SQLite and PostgreSQL:
 *  (a) Harley-style: "the intake tier and a copy of the database were taken"
 *      — every person whose enquiry was in the store is in scope, all under
 *      keys that were not exposed, so Art. 34 notices are shown as not
 *      required, with the reasoning;
 *  (b) London-Bridge-style: "a receptionist's login was stolen for three
 *      hours" — the scope is exactly the people that login opened in the
 *      window (checked against ground truth the test keeps), the report is
 *      generated (Markdown and PDF, every required field read back with
 *      pdftotext) and the notices reach a real SMTP server.
 */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { after, before, describe, it } from 'node:test';
import type { FastifyInstance } from 'fastify';
import { openPersonKey, openPersonRecord, sealPersonRecord } from '../../src/crypto/keyring.js';
import { verifyMessage } from '../../src/crypto/signing.js';
import { fixedClock } from '../../src/platform/clock.js';
import { DIALECTS } from '../helpers/databases.js';
import { type GeneratedEnquiry, generateEnquiries } from '../helpers/enquiries.js';
import { ADMIN, createHarness, type Harness, PASSPHRASE, post, RECEPTION, signIn, stepUp, submitEnquiries } from '../helpers/harness.js';
import { startSmtp, type TestSmtp } from '../helpers/smtp.js';
import { createStaffViaApi } from '../helpers/staff.js';

const DPO = { email: 'dpo@clinic.test', password: 'granite willow beacon 93', name: 'Dee Protection' };
const PEOPLE = 40;
const details = {
  whatHappened: 'An attacker used a receptionist’s stolen password and authenticator to sign in to Tacet and open patient enquiries.',
  howDiscovered: 'Tacet’s detection raised an alert for unusual access; the DPO was e-mailed within seconds.',
  likelyConsequences: 'Possible embarrassment or distress, targeted phishing, and attempts at extortion.',
  measuresBefore: 'Encryption of every record under per-person keys; MFA for all staff; per-role read limits; audit log.',
  measuresAfter: 'The account was locked and every session revoked; passwords and factors reset; staff retrained.',
  staffInvolved: true,
  staffTraining: 'The receptionist completed security-awareness training eight months ago.',
  contactPoint: 'Data Protection Officer, dpo@clinic.test, 020 7946 0000',
};

function pdfText(pdf: Buffer): string {
  return execFileSync('pdftotext', ['-layout', '-', '-'], { input: pdf }).toString('utf8');
}

for (const dialect of DIALECTS) {
  describe(`breach response (${dialect})`, () => {
    let harness: Harness;
    let app: FastifyInstance;
    let smtp: TestSmtp;
    let dpo: string;
    const clock = fixedClock(new Date('2026-11-20T08:00:00Z'));
    const people: GeneratedEnquiry[] = [];

    before(async () => {
      smtp = await startSmtp();
      harness = await createHarness(dialect, { clock, env: { TACET_SMTP_URL: smtp.url, TACET_AUTH_RATE_MAX: '1000', TACET_INTAKE_RATE_MAX: '1000' } });
      app = harness.core.app;
      people.push(...generateEnquiries(500, PEOPLE));
      await submitEnquiries(harness, people);
      await createStaffViaApi(app, [{ ...DPO, orgRole: 'dpo', clinicRoles: [] }]);
      dpo = await signIn(app, DPO);
    });

    after(async () => {
      await harness?.close();
      await smtp?.stop();
    });

    it('(a) intake tier and database copied: everyone in scope, all unintelligible, Art. 34 notices not required', async () => {
      const declared = await post(app, '/api/v1/incidents', dpo, { title: 'Intake server and database copy taken', regime: 'uk-gdpr', awareAt: clock.now().toISOString(), details: { ...details, whatHappened: 'An intruder copied the public intake server and a copy of the database.' } });
      assert.equal(declared.statusCode, 201, declared.body);
      const { id, deadline } = declared.json<{ id: string; deadline: string }>();
      assert.equal(deadline, new Date(clock.now().getTime() + 72 * 3_600_000).toISOString());
      for (const value of ['intake-tier', 'database-copy']) assert.equal((await post(app, `/api/v1/incidents/${id}/indicators`, dpo, { kind: 'component', value })).statusCode, 201);
      assert.equal((await post(app, `/api/v1/incidents/${id}/indicators`, dpo, { kind: 'component', value: 'the-moon' })).statusCode, 400);
      const scope = (await post(app, `/api/v1/incidents/${id}/scope`, dpo)).json<{ persons: number; unintelligible: number; intelligible: number; categories: Record<string, number> }>();
      const everyone = (await harness.core.db.selectFrom('persons').select('id').execute()).length;
      assert.equal(everyone, PEOPLE);
      assert.equal(scope.persons, PEOPLE);
      assert.equal(scope.unintelligible, PEOPLE);
      assert.equal(scope.intelligible, 0);
      assert.deepEqual(Object.keys(scope.categories).sort(), ['contact', 'enquiry']);
      const assessment = (await post(app, `/api/v1/incidents/${id}/assessment`, dpo, {})).json<{ art34NoticeRequired: boolean; reasoning: string }>();
      assert.equal(assessment.art34NoticeRequired, false);
      assert.match(assessment.reasoning, /unintelligible.*Art\. 34\(3\)\(a\)/);
      assert.equal((await post(app, `/api/v1/incidents/${id}/decision`, dpo, { notifyRegulator: true, notifyIndividuals: false, reasons: 'Reported to the ICO as a precaution; individuals not told because all exposed data stayed encrypted under unexposed keys.' })).statusCode, 200);
      const report = (await post(app, `/api/v1/incidents/${id}/reports`, dpo, { kind: 'initial' })).json<{ version: number; markdown: string }>();
      assert.match(report.markdown, /Communication to the data subjects required under Art\. 34: no/);
      assert.match(report.markdown, /Data subjects: 40/);
      // Adding the vault key to what was taken changes the answer: now everything is intelligible.
      await post(app, `/api/v1/incidents/${id}/indicators`, dpo, { kind: 'component', value: 'key:vault' });
      const worse = (await post(app, `/api/v1/incidents/${id}/scope`, dpo)).json<{ intelligible: number }>();
      assert.equal(worse.intelligible, PEOPLE);
    });

    it('(b) receptionist login stolen for three hours: exactly the people it opened; report, PDF and notices delivered over SMTP', async () => {
      const receptionist = await harness.core.db.selectFrom('staff').select('id').where('email', '=', RECEPTION.email).executeTakeFirstOrThrow();
      const enquiries = await harness.core.db.selectFrom('enquiries').select(['id', 'person_id']).orderBy('received_at').orderBy('id').execute();
      // Before the theft: the real receptionist opens three people (not in scope).
      clock.advance(60 * 60_000);
      let session = await signIn(app, RECEPTION);
      for (const row of enquiries.slice(0, 3)) assert.equal((await app.inject({ url: `/api/v1/enquiries/${row.id}`, headers: { cookie: session } })).statusCode, 200);
      clock.advance(60 * 60_000);
      const stolenFrom = clock.now().toISOString();
      // The stolen login: 12 people over three hours (some opened twice), ground truth kept here.
      session = await signIn(app, RECEPTION);
      const truth = new Set<string>();
      for (const [i, row] of enquiries.slice(10, 22).entries()) {
        clock.advance(14 * 60_000);
        const response = await app.inject({ url: `/api/v1/enquiries/${row.id}`, headers: { cookie: session } });
        assert.equal(response.statusCode, 200, `stolen read ${i}: ${response.body}`);
        truth.add(row.person_id);
        if (i % 4 === 0) await app.inject({ url: `/api/v1/enquiries/${row.id}`, headers: { cookie: session } });
      }
      const stolenTo = clock.now().toISOString();
      // Someone else's reads in the same window are not the stolen login's.
      const admin = await signIn(app, ADMIN);
      for (const row of enquiries.slice(30, 33)) assert.equal((await app.inject({ url: `/api/v1/enquiries/${row.id}`, headers: { cookie: admin } })).statusCode, 200);
      clock.advance(30 * 60_000);

      dpo = await signIn(app, DPO);
      const { id } = (await post(app, '/api/v1/incidents', dpo, { title: 'Receptionist login stolen', regime: 'uk-gdpr', awareAt: clock.now().toISOString(), occurredFrom: stolenFrom, occurredTo: stolenTo, details })).json<{ id: string }>();
      assert.equal((await post(app, `/api/v1/incidents/${id}/indicators`, dpo, { kind: 'staff', value: receptionist.id, from: stolenFrom, to: stolenTo })).statusCode, 201);
      const scope = (await post(app, `/api/v1/incidents/${id}/scope`, dpo)).json<{ persons: number; intelligible: number; records: number }>();
      assert.equal(scope.persons, truth.size);
      assert.equal(scope.intelligible, truth.size);
      const listed = (await app.inject({ url: `/api/v1/incidents/${id}/persons`, headers: { cookie: dpo } })).json<{ persons: { personId: string; categories: string[]; unintelligible: boolean }[] }>().persons;
      assert.deepEqual(new Set(listed.map((p) => p.personId)), truth);
      assert.ok(listed.every((p) => !p.unintelligible && p.categories.includes('contact') && p.categories.includes('enquiry')));
      // The session indicator finds the same people.
      const assessment = (await post(app, `/api/v1/incidents/${id}/assessment`, dpo, {})).json<{ art34NoticeRequired: boolean; intelligible: number }>();
      assert.equal(assessment.art34NoticeRequired, true);
      assert.equal((await post(app, `/api/v1/incidents/${id}/decision`, dpo, { notifyRegulator: true, notifyIndividuals: true, reasons: 'Contact details and procedures of interest were read in clear by an unauthorised person: high risk.' })).statusCode, 200);

      // Reports: initial and follow-up versions kept; the PDF carries every required field and no personal data.
      const initial = (await post(app, `/api/v1/incidents/${id}/reports`, dpo, { kind: 'initial' })).json<{ version: number }>();
      const followUp = (await post(app, `/api/v1/incidents/${id}/reports`, dpo, { kind: 'follow-up' })).json<{ version: number; markdown: string }>();
      assert.deepEqual([initial.version, followUp.version], [1, 2]);
      const pdf = await app.inject({ url: `/api/v1/incidents/${id}/reports/2?format=pdf`, headers: { cookie: dpo } });
      assert.equal(pdf.headers['content-type'], 'application/pdf');
      const textOfPdf = pdfText(pdf.rawPayload);
      for (const field of [
        'What happened',
        'How the breach was discovered',
        'When it happened and when it was discovered',
        `Discovered (controller aware): ${clock.now().toISOString()}`,
        'Categories of personal data concerned',
        'Identity and contact details',
        'Categories of data subjects concerned',
        'Approximate numbers',
        `Data subjects: ${truth.size}`,
        'Likely consequences',
        'Measures in place before the breach',
        'Measures taken or proposed',
        'Staff involvement and training',
        'Staff involved: yes',
        'Contact point for more information',
        'Data Protection Officer',
        'Decisions and their reasons',
        'Regulator notified: yes',
        'follow-up report, version 2',
      ]) {
        assert.ok(textOfPdf.replace(/\s+/g, ' ').includes(field), `PDF lacks "${field}"`);
      }
      for (const person of people) {
        for (const value of [person.name, person.email, person.phone]) assert.ok(!textOfPdf.includes(value) && !followUp.markdown.includes(value), 'no personal data in the report');
      }

      // Notices: step-up first (signing in counts as fresh for five minutes: age it); then one letter per person in scope, over real SMTP, with delivery status.
      const dpoId = (await harness.core.db.selectFrom('staff').select('id').where('email', '=', DPO.email).executeTakeFirstOrThrow()).id;
      await harness.core.db.updateTable('sessions').set({ stepped_up_at: '2000-01-01T00:00:00.000Z' }).where('staff_id', '=', dpoId).execute();
      assert.equal((await post(app, `/api/v1/incidents/${id}/notices`, dpo, {})).json<{ error: { code: string } }>().error.code, 'STEP_UP_REQUIRED');
      await stepUp(app, dpo, DPO.email);
      const sent = (await post(app, `/api/v1/incidents/${id}/notices`, dpo, {})).json<{ queued: number; substitute: number }>();
      assert.deepEqual(sent, { queued: truth.size, substitute: 0, already: 0 });
      // The queued letters are sealed: no address or name in the outbox table.
      const rows = await harness.core.db.selectFrom('notification_outbox').select(['target', 'payload']).where('channel', '=', 'notice-email').execute();
      const byEmail = new Map(people.map((p) => [p.email, p]));
      for (const row of rows) for (const person of people) assert.ok(!row.payload.includes(person.email) && !row.payload.includes(person.name) && row.target === '');
      await harness.core.outbox.deliverDue();
      await smtp.waitFor(truth.size);
      const letters = smtp.received.filter((mail) => /data security incident/.test(mail.raw));
      assert.equal(letters.length, truth.size);
      const truthEmails = new Set(enquiries.filter((e) => truth.has(e.person_id)).map((e) => e.person_id));
      assert.equal(truthEmails.size, truth.size);
      for (const letter of letters) {
        const person = byEmail.get(letter.to[0] as string);
        assert.ok(person, 'addressed to a person of the organisation');
        assert.ok(letter.raw.includes(`Dear ${person.name}`), 'the letter names its addressee');
        assert.ok(letter.raw.includes('What you can do'));
      }
      const status = (await app.inject({ url: `/api/v1/incidents/${id}/notices`, headers: { cookie: dpo } })).json<{ delivered: number; queued: number }>();
      assert.equal(status.delivered, truth.size);
      const again = (await post(app, `/api/v1/incidents/${id}/notices`, dpo, {})).json<{ queued: number; already: number }>();
      assert.deepEqual([again.queued, again.already], [0, truth.size], 'nobody is written to twice');
      // Delivered letters no longer sit in the database, sealed or not.
      assert.ok((await harness.core.db.selectFrom('notification_outbox').select('payload').where('channel', '=', 'notice-email').execute()).every((r) => r.payload === '"delivered"'));
      // Every contact opened for the notices is audited.
      const opened = await harness.core.db.selectFrom('audit_events').select('person_ids').where('action', '=', 'incident.contact.open').execute();
      assert.equal(new Set(opened.flatMap((o) => JSON.parse(o.person_ids) as string[])).size, truth.size);

      // Containment and evidence.
      const revoked = (await post(app, `/api/v1/incidents/${id}/containment/sessions`, dpo, { staffId: receptionist.id })).json<{ revoked: number }>();
      assert.ok(revoked.revoked >= 1);
      assert.equal((await app.inject({ url: '/api/v1/enquiries', headers: { cookie: session } })).statusCode, 401);
      const rotatedKeys = await post(app, `/api/v1/incidents/${id}/containment/keys`, dpo, { domains: ['contact'], passphrase: PASSPHRASE });
      assert.deepEqual(rotatedKeys.json(), { rotated: ['contact.v2'] });
      await harness.core.rewrap.drain();
      assert.ok((await harness.core.db.selectFrom('person_keys').select('wrapping_key_id').where('domain', '=', 'contact').execute()).every((k) => k.wrapping_key_id === 'contact.v2'));
      const evidence = (await post(app, `/api/v1/incidents/${id}/evidence`, dpo)).json<{ bundle: string; signature: string; publicKey: string }>();
      assert.ok(verifyMessage(evidence.publicKey, evidence.bundle, evidence.signature), 'the bundle is signed');
      assert.ok(!verifyMessage(evidence.publicKey, evidence.bundle.replace('Receptionist', 'Receptionisz'), evidence.signature), 'a changed bundle fails');
      const bundle = JSON.parse(evidence.bundle) as { incident: { timeline: { kind: string }[] }; auditSegment: { events: { action: string }[] } };
      assert.ok(bundle.incident.timeline.some((t) => t.kind === 'notices.queued'));
      assert.ok(bundle.auditSegment.events.some((e) => e.action === 'enquiry.read'));
      const view = (await app.inject({ url: `/api/v1/incidents/${id}`, headers: { cookie: dpo } })).json<{ timeline: { kind: string }[] }>();
      assert.deepEqual(
        ['declare', 'indicator', 'scope', 'assessment', 'decision', 'report', 'notices.queued', 'containment.sessions', 'containment.keys', 'evidence.export'].filter((k) => !view.timeline.some((t) => t.kind === k)),
        [],
        'every step is in the timeline',
      );
      // The register keeps every incident, reported or not.
      const register = (await app.inject({ url: '/api/v1/incidents', headers: { cookie: dpo } })).json<{ incidents: unknown[] }>().incidents;
      assert.equal(register.length, 2);
      // If the database had been copied as well: everyone is in scope, and exactly the people read in clear are intelligible.
      await post(app, `/api/v1/incidents/${id}/indicators`, dpo, { kind: 'component', value: 'database-copy' });
      const merged = (await post(app, `/api/v1/incidents/${id}/scope`, dpo)).json<{ persons: number; intelligible: number; unintelligible: number }>();
      assert.deepEqual([merged.persons, merged.intelligible, merged.unintelligible], [PEOPLE, truth.size, PEOPLE - truth.size]);
      const pages: { personId: string; unintelligible: boolean; reason: string }[] = [];
      for (let after: string | undefined; ; ) {
        const page = (await app.inject({ url: `/api/v1/incidents/${id}/persons?limit=7${after ? `&after=${after}` : ''}`, headers: { cookie: dpo } })).json<{ persons: typeof pages }>().persons;
        pages.push(...page);
        if (page.length < 7) break;
        after = page.at(-1)?.personId;
      }
      assert.equal(new Set(pages.map((p) => p.personId)).size, PEOPLE, 'paging lists everyone once');
      assert.deepEqual(new Set(pages.filter((p) => !p.unintelligible).map((p) => p.personId)), truth);
      assert.ok(pages.filter((p) => !p.unintelligible).every((p) => /read in clear/.test(p.reason) && /database copied/.test(p.reason)));
      // Administrators share the register with the DPO.
      assert.equal((await app.inject({ url: `/api/v1/incidents/${id}`, headers: { cookie: await signIn(app, ADMIN) } })).statusCode, 200);
    });

    it('(c) HIPAA: 60-day clock, four-factor assessment, state counts, HHS and media thresholds; substitute notice for an unusable address', async () => {
      const dpoId = (await harness.core.db.selectFrom('staff').select('id').where('email', '=', DPO.email).executeTakeFirstOrThrow()).id;
      dpo = await signIn(app, DPO);
      const declared = (await post(app, '/api/v1/incidents', dpo, { title: 'Backup and vault passphrase stolen', regime: 'hipaa', awareAt: clock.now().toISOString(), details })).json<{ id: string; deadline: string }>();
      assert.equal(declared.deadline, new Date(clock.now().getTime() + 60 * 86_400_000).toISOString());
      for (const value of ['backup', 'key:vault']) await post(app, `/api/v1/incidents/${declared.id}/indicators`, dpo, { kind: 'component', value });
      const scope = (await post(app, `/api/v1/incidents/${declared.id}/scope`, dpo)).json<{ persons: number; intelligible: number }>();
      assert.deepEqual([scope.persons, scope.intelligible], [PEOPLE, PEOPLE]);
      const hipaa = { natureAndExtent: 'Names, contact details and procedures of interest.', unauthorisedPerson: 'Unknown external attacker.', acquiredOrViewed: 'The backup was exfiltrated; assume viewed.', mitigation: 'Keys rotated; backup host rebuilt.', lowProbabilityOfCompromise: false };
      await harness.core.db.updateTable('sessions').set({ stepped_up_at: '2000-01-01T00:00:00.000Z' }).where('staff_id', '=', dpoId).execute();
      assert.equal((await post(app, `/api/v1/incidents/${declared.id}/assessment`, dpo, { hipaa })).json<{ error: { code: string } }>().error.code, 'STEP_UP_REQUIRED');
      await stepUp(app, dpo, DPO.email);
      const assessment = (await post(app, `/api/v1/incidents/${declared.id}/assessment`, dpo, { hipaa })).json<{ art34NoticeRequired: boolean; usStateCounts: Record<string, number> }>();
      assert.equal(assessment.art34NoticeRequired, true);
      assert.equal(Object.values(assessment.usStateCounts).reduce((a, b) => a + b, 0), PEOPLE);
      await post(app, `/api/v1/incidents/${declared.id}/decision`, dpo, { notifyRegulator: true, notifyIndividuals: true, reasons: 'PHI exposed in intelligible form (vault passphrase stolen).' });
      const report = (await post(app, `/api/v1/incidents/${declared.id}/reports`, dpo, { kind: 'initial' })).json<{ markdown: string }>().markdown;
      for (const text of ['## 14. HIPAA', 'Four-factor risk assessment', 'Unknown external attacker.', 'log and report to the Secretary within 60 days of the end of the calendar year', 'Media notice (more than 500 residents of a State or jurisdiction): not required', '60 days after awareness']) assert.ok(report.includes(text), text);
      // One person's stored address is unusable (e.g. legacy data): they go on the substitute-notice list.
      const person = (await harness.core.db.selectFrom('persons').select(['id', 'contact_envelope']).orderBy('id').executeTakeFirstOrThrow());
      const keyring = harness.core.vault.keyring();
      const wrapped = (await harness.core.db.selectFrom('person_keys').select('wrapped_dek').where('person_id', '=', person.id).where('domain', '=', 'contact').executeTakeFirstOrThrow()).wrapped_dek;
      const key = openPersonKey(keyring, person.id, 'contact', wrapped);
      const contact = openPersonRecord(key, 'contact', person.id, person.contact_envelope) as Record<string, string>;
      await harness.core.db.updateTable('persons').set({ contact_envelope: sealPersonRecord(key, 'contact', person.id, { ...contact, email: 'not an address' }) }).where('id', '=', person.id).execute();
      const sent = (await post(app, `/api/v1/incidents/${declared.id}/notices`, dpo, {})).json<{ queued: number; substitute: number }>();
      assert.equal(sent.substitute, 1);
      const status = (await app.inject({ url: `/api/v1/incidents/${declared.id}/notices`, headers: { cookie: dpo } })).json<{ substitute: number; notices: { personId: string; status: string }[] }>();
      assert.equal(status.substitute, 1);
      assert.equal(status.notices.find((n) => n.personId === person.id)?.status, 'substitute-notice');
    });
  });
}
