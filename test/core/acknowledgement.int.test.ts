/**
 * Acknowledgement e-mails on both databases, delivered to a real SMTP
 * server: the enquirer who asked gets the clinic's name and the reference
 * and nothing they typed; nobody else gets one; one a day per person; a
 * crash before ingest's commit neither loses nor doubles it; the address is
 * in no stored byte (dump and grep); the template is edited by the right
 * people, validated and audited; without SMTP nothing is queued.
 */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { createAcknowledgementQueue } from '../../src/core/acknowledgements/acknowledgement-queue.js';
import { createOutboxService } from '../../src/core/detection/outbox.service.js';
import { createIngestService, enquiryReference, ingestFrontDeskOf } from '../../src/core/ingest/ingest.service.js';
import { createStaff } from '../../src/core/org/org.repository.js';
import { hashPassword } from '../../src/crypto/passphrase.js';
import { type Clock, systemClock } from '../../src/platform/clock.js';
import { createLogger } from '../../src/platform/logger.js';
import { DIALECTS, PG_URL } from '../helpers/databases.js';
import { type GeneratedEnquiry, generateEnquiry } from '../helpers/enquiries.js';
import { allFiles } from '../helpers/files.js';
import { ADMIN, createHarness, type Harness, post, RECEPTION, signIn, submitEnquiries } from '../helpers/harness.js';
import { needles } from '../helpers/leak-scanner.js';
import { decodedMail } from '../helpers/mail.js';
import { startSmtp, type TestSmtp } from '../helpers/smtp.js';

const MANAGER_B = { email: 'manager-b@clinic.test', password: 'amber orchard whistle 58' };
const FROM = 'hello@clinic-group.test';

/** The typed values an acknowledgement must never carry (everything but the address it is sent to). */
function typedValues(e: GeneratedEnquiry): { label: string; value: string }[] {
  return [
    { label: 'name', value: e.name },
    { label: 'phone', value: e.phone },
    { label: 'dob', value: e.dob },
    { label: 'address', value: e.address },
    { label: 'procedure', value: e.procedure },
    { label: 'message', value: e.message },
  ];
}

for (const dialect of DIALECTS) {
  describe(`acknowledgement e-mail (${dialect})`, () => {
    let harness: Harness;
    let smtp: TestSmtp;
    let admin: string;
    const asked = (i: number): GeneratedEnquiry & { acknowledge: true } => ({ ...generateEnquiry(i), acknowledge: true });
    const ackRows = async () => harness.core.db.selectFrom('notification_outbox').selectAll().where('channel', '=', 'ack-email').execute();
    const mailsTo = (email: string) => smtp.received.filter((m) => m.to.includes(email));
    /** Run the outbox as its job does (every 2 s in a core) until `count` mails to `email` arrived: the promise is within 60 s of ingest. */
    async function delivered(email: string, count: number): Promise<void> {
      const end = Date.now() + 60_000;
      for (;;) {
        await harness.core.jobs.outbox();
        if (mailsTo(email).length >= count) return;
        if (Date.now() > end) throw new Error(`expected ${count} acknowledgements, received ${mailsTo(email).length}`);
        await new Promise((resolve) => setTimeout(resolve, 250));
      }
    }
    const dayKeys = async () => (await harness.core.db.selectFrom('acknowledgement_days').select('day').execute()).length;
    const ingestAt = (clock: Clock, audit = harness.core.audit) =>
      createIngestService({
        db: harness.core.db,
        vault: harness.core.vault,
        audit,
        clock,
        logger: createLogger({ level: 'silent' }),
        batchSize: 100,
        frontDesk: ingestFrontDeskOf(harness.core.config),
        acknowledgements: createAcknowledgementQueue({ isEnabled: true, from: FROM, timeZone: harness.core.config.detection.businessHours.timeZone }),
      });

    before(async () => {
      smtp = await startSmtp();
      harness = await createHarness(dialect, { env: { TACET_SMTP_URL: smtp.url, TACET_ACK_FROM: FROM, TACET_AUTH_RATE_MAX: '1000', TACET_INTAKE_RATE_MAX: '1000' } });
      const org = (await harness.core.db.selectFrom('organisations').select('id').executeTakeFirstOrThrow()).id;
      await createStaff(harness.core.db, { organisationId: org, email: MANAGER_B.email, displayName: 'Manager B', passwordHash: await hashPassword(MANAGER_B.password), orgRole: null, roles: [{ clinicId: harness.clinicIds['clinic-b'] as string, role: 'clinic_manager' }] }, new Date().toISOString());
      admin = await signIn(harness.core.app, ADMIN);
    });
    after(async () => {
      await harness?.close();
      await smtp?.stop();
    });

    it('sends the enquirer who asked the clinic’s name, the reference and what happens next, and nothing they typed', async () => {
      const enquiry = asked(1);
      await submitEnquiries(harness, [enquiry], { clinic: 'clinic-b' });
      await delivered(enquiry.email, 1);
      const [mail] = mailsTo(enquiry.email);
      assert.ok(mail);
      const { headers, subject, text } = decodedMail(mail.raw);
      const stored = await harness.core.db.selectFrom('enquiries').select('reference').where('reference', '=', enquiryReference(enquiry.sid)).executeTakeFirstOrThrow();
      assert.match(subject, new RegExp(stored.reference as string));
      assert.ok(text.includes('Thank you for contacting Clinic B.'), text);
      assert.ok(text.includes(`Your reference is ${stored.reference as string}`));
      assert.match(text, /What happens next\nA member of our team will call or e-mail you/);
      assert.match(headers, new RegExp(`^From: ${FROM}$`, 'im'));
      // Searched in the raw message and in its decoded text: none of what the person typed but the address.
      for (const { label, value } of typedValues(enquiry)) {
        for (const [where, haystack] of [['raw', mail.raw], ['decoded', `${subject}\n${text}`]] as const) assert.ok(!haystack.includes(value), `${label} found in the ${where} message`);
      }
      assert.ok(!mail.raw.includes('Rhinoplasty'), 'not even a word of the procedure');
      // Delivered: the sealed address and letter are dropped from the outbox.
      const [row] = (await ackRows()).filter((r) => r.sent_at !== null);
      assert.equal(row?.target, '');
      assert.equal(row?.payload, '"delivered"');
      const events = await harness.core.db.selectFrom('audit_events').select(['action', 'person_ids']).where('action', '=', 'enquiry.acknowledge').execute();
      assert.equal(events.length, 1);
    });

    it('sends nothing to an enquirer who did not ask', async () => {
      const before = (await ackRows()).length;
      const enquiry = generateEnquiry(2);
      await submitEnquiries(harness, [enquiry, { ...generateEnquiry(3), acknowledge: false }]);
      await harness.core.jobs.outbox();
      assert.equal((await ackRows()).length, before);
      assert.equal(mailsTo(enquiry.email).length, 0);
    });

    it('sends one a day to a person who sends three enquiries in an afternoon, and one the next day', async () => {
      const first = asked(4);
      const again = { ...asked(5), email: first.email, name: first.name };
      const third = { ...asked(6), email: first.email, name: first.name };
      const other = asked(7);
      await submitEnquiries(harness, [first]);
      // Two more in one batch with someone else's: the batch sees the day key it wrote and its own.
      await submitEnquiries(harness, [again, other, third], { clinic: 'clinic-b' });
      const persons = await harness.core.db.selectFrom('enquiries').select('person_id').where('reference', 'in', [first, again, third].map((e) => enquiryReference(e.sid))).execute();
      assert.equal(new Set(persons.map((p) => p.person_id)).size, 1, 'the three enquiries are one person');
      await delivered(first.email, 1);
      await delivered(other.email, 1);
      assert.equal(mailsTo(first.email).length, 1);
      assert.ok(mailsTo(first.email)[0]?.raw.includes(enquiryReference(first.sid)), 'the first enquiry’s reference');
      // Tomorrow (in TACET_TIMEZONE) the same person gets one again.
      await submitEnquiries(harness, [{ ...asked(8), email: first.email, name: first.name }], { ingest: false });
      const tomorrow = { now: () => new Date(Date.now() + 86_400_000) };
      await ingestAt(tomorrow).drain();
      await createOutboxService({ db: harness.core.db, clock: tomorrow, config: harness.core.config.detection, logger: createLogger({ level: 'silent' }), vault: harness.core.vault }).deliverDue();
      await delivered(first.email, 2);
      const days = await harness.core.db.selectFrom('acknowledgement_days').selectAll().where('person_id', '=', persons[0]?.person_id as string).execute();
      assert.equal(days.length, 2);
      assert.deepEqual(Object.keys(days[0] ?? {}).sort(), ['day', 'person_id']);
    });

    it('neither loses nor doubles an acknowledgement when ingest crashes before its commit, or stops after it', async () => {
      const enquiry = asked(9);
      await submitEnquiries(harness, [enquiry], { ingest: false });
      const waiting = await harness.core.db.selectFrom('enquiry_inbox').selectAll().execute();
      const before = (await ackRows()).length;
      const keysBefore = await dayKeys();
      // The crash strikes at the last statement of the transaction (the audit append), after the mail was queued in it.
      const crashing = ingestAt(systemClock, { ...harness.core.audit, append: () => Promise.reject(new Error('simulated crash before commit')) });
      await assert.rejects(crashing.runOnce(), /simulated crash/);
      assert.equal((await ackRows()).length, before, 'nothing queued by the crashed run');
      assert.equal(await dayKeys(), keysBefore, 'no day key either');
      await harness.core.ingest.drain();
      assert.equal((await ackRows()).length, before + 1);
      // As if the process had died after the commit but before the inbox rows were deleted.
      await harness.core.db.insertInto('enquiry_inbox').values(waiting).execute();
      const again = await harness.core.ingest.drain();
      assert.equal(again.duplicates, 1);
      assert.equal((await ackRows()).length, before + 1);
      await delivered(enquiry.email, 1);
      await harness.core.jobs.outbox();
      assert.equal(mailsTo(enquiry.email).length, 1);
    });

    it('keeps the address in no stored byte: sealed while queued, dropped once delivered (dump and grep)', async () => {
      await smtp.stop();
      const enquiries = [asked(10), asked(11)];
      await submitEnquiries(harness, enquiries);
      await harness.core.jobs.outbox();
      const queued = (await ackRows()).filter((r) => r.sent_at === null);
      assert.equal(queued.length, 2, 'waiting for the mail server');
      for (const row of queued) {
        assert.equal(row.target, '');
        assert.ok(!row.payload.includes('@'), 'the payload is sealed');
      }
      const set = needles(enquiries.flatMap((e, i) => [{ label: `email#${i}`, value: e.email }, ...typedValues(e).map((v) => ({ label: `${v.label}#${i}`, value: v.value }))]));
      // The scanner finds an address in plain bytes (so an empty result means something).
      assert.equal(set.scan(Buffer.from(`x ${enquiries[0]?.email ?? ''} x`), 'control').length > 0, true);
      const scan = () => {
        const sources = allFiles(harness.database.dataDir).map((file) => ({ source: path.relative(harness.database.dataDir, file), bytes: fs.readFileSync(file) }));
        if (dialect === 'sqlite') assert.ok(sources.some((s) => s.source === 'tacet.db-wal' || s.source === 'tacet.db'), 'the database file is scanned');
        else {
          const schema = harness.database.config.kind === 'postgres' ? (harness.database.config.schema ?? 'public') : '';
          const dump = execFileSync('pg_dump', ['--schema', schema, '--no-owner', '--table', `${schema}.notification_outbox`, PG_URL], { maxBuffer: 1 << 30 });
          assert.ok(dump.includes(Buffer.from('ack-email')), 'the dump holds the queued acknowledgements');
          sources.push({ source: 'pg_dump', bytes: execFileSync('pg_dump', ['--schema', schema, '--no-owner', PG_URL], { maxBuffer: 1 << 30 }) });
        }
        return sources.flatMap((s) => set.scan(s.bytes, s.source));
      };
      assert.deepEqual(scan(), [], 'queued');
      await smtp.start();
      for (const e of enquiries) await delivered(e.email, 1);
      assert.ok((await ackRows()).every((r) => r.sent_at !== null && r.payload === '"delivered"'));
      assert.deepEqual(scan(), [], 'delivered');
    });

    it('lets the clinic manager edit their clinic’s template, refuses unknown placeholders, audits it, and the next acknowledgement uses it', async () => {
      const manager = await signIn(harness.core.app, MANAGER_B);
      const reception = await signIn(harness.core.app, RECEPTION);
      const overview = (await harness.core.app.inject({ url: '/api/v1/acknowledgement-template', headers: { cookie: manager } })).json<{ isSendingEnabled: boolean; from: string; organisationDefault: { canEdit: boolean }; clinics: { clinicId: string; name: string }[] }>();
      assert.equal(overview.isSendingEnabled, true);
      assert.equal(overview.from, FROM);
      assert.equal(overview.organisationDefault.canEdit, false);
      assert.deepEqual(overview.clinics.map((c) => c.name), ['Clinic B']);
      const clinicB = harness.clinicIds['clinic-b'] as string;
      const template = { clinicId: clinicB, subject: 'Clinic B has your enquiry {reference}', body: 'Hello from {clinic}. Reference: {reference}.\n\n{nextSteps}\n\n{openingHours}', nextSteps: 'Our coordinator rings you back today.', openingHours: 'Open 8 to 8, every day.' };
      const put = (cookie: string, body: unknown) => harness.core.app.inject({ method: 'PUT', url: '/api/v1/acknowledgement-template', headers: { cookie, 'content-type': 'application/json' }, payload: JSON.stringify(body) });
      // What the person typed cannot be asked for: the placeholders do not exist.
      const refused = await put(manager, { ...template, subject: 'About your {procedure}', body: `${template.body} {message}` });
      assert.equal(refused.statusCode, 422);
      assert.deepEqual(refused.json<{ error: { code: string; fields: string[] } }>().error, { code: 'ACK_TEMPLATE_INVALID', message: refused.json<{ error: { message: string } }>().error.message, fields: ['subject: unknown placeholder {procedure}', 'body: unknown placeholder {message}'] });
      // Not theirs: another clinic, the default, and a receptionist: 404.
      assert.equal((await put(manager, { ...template, clinicId: harness.clinicIds['clinic-a'] })).statusCode, 404);
      assert.equal((await put(manager, { ...template, clinicId: null })).statusCode, 404);
      assert.equal((await put(reception, template)).statusCode, 404);
      assert.equal((await harness.core.app.inject({ url: '/api/v1/acknowledgement-template', headers: { cookie: reception } })).statusCode, 404);
      const preview = await post(harness.core.app, '/api/v1/acknowledgement-template/preview', manager, template);
      assert.equal(preview.statusCode, 200);
      assert.deepEqual(preview.json(), { subject: 'Clinic B has your enquiry ENQ-00000-00000', text: 'Hello from Clinic B. Reference: ENQ-00000-00000.\n\nOur coordinator rings you back today.\n\nOpen 8 to 8, every day.\n' });
      assert.equal((await put(manager, template)).statusCode, 200);
      const audited = await harness.core.db.selectFrom('audit_events').select(['action', 'record_refs']).where('action', '=', 'acknowledgement-template.update').execute();
      assert.equal(audited.length, 1);
      assert.ok(audited[0]?.record_refs.includes(clinicB));

      const enquiry = asked(12);
      await submitEnquiries(harness, [enquiry], { clinic: 'clinic-b' });
      await delivered(enquiry.email, 1);
      const { subject, text } = decodedMail(mailsTo(enquiry.email)[0]?.raw ?? '');
      assert.equal(subject, `Clinic B has your enquiry ${enquiryReference(enquiry.sid)}`);
      assert.ok(text.startsWith(`Hello from Clinic B. Reference: ${enquiryReference(enquiry.sid)}.`));
      // Clinic A still uses the default; the administrator resets clinic B to it.
      assert.equal((await post(harness.core.app, '/api/v1/acknowledgement-template/reset', admin, { clinicId: clinicB })).statusCode, 200);
      const after = (await harness.core.app.inject({ url: '/api/v1/acknowledgement-template', headers: { cookie: admin } })).json<{ organisationDefault: { canEdit: boolean }; clinics: { name: string; isOwn: boolean }[] }>();
      assert.equal(after.organisationDefault.canEdit, true);
      assert.deepEqual(after.clinics.map((c) => [c.name, c.isOwn]), [['Clinic A', false], ['Clinic B', false]]);
    });
  });
}

describe('acknowledgement e-mail without an SMTP server', () => {
  let harness: Harness;
  before(async () => {
    harness = await createHarness('sqlite');
  });
  after(async () => harness?.close());

  it('queues nothing, and the template page says why', async () => {
    const enquiry = { ...generateEnquiry(1), acknowledge: true };
    await submitEnquiries(harness, [enquiry]);
    assert.equal((await harness.core.db.selectFrom('notification_outbox').select('id').where('channel', '=', 'ack-email').execute()).length, 0);
    assert.equal((await harness.core.db.selectFrom('acknowledgement_days').select('day').execute()).length, 0);
    const admin = await signIn(harness.core.app, ADMIN);
    const overview = (await harness.core.app.inject({ url: '/api/v1/acknowledgement-template', headers: { cookie: admin } })).json<{ isSendingEnabled: boolean }>();
    assert.equal(overview.isSendingEnabled, false);
  });
});
