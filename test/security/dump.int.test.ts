/**
 * Attacker test T1/T2: submit 1,000 enquiries through the real HTTP intake
 * (half sealed in "the browser" with @hpke/core, half through the no-JS form
 * that the intake seals on arrival), ingest them, open some as staff, then
 * read every byte the installation wrote — database file, WAL, data
 * directory, logs, and on PostgreSQL a pg_dump — and find no submitted value
 * in any common encoding. Photos too: patients' clinical photos are uploaded
 * and viewed, and no fragment of the uploaded or stored image bytes — nor
 * their SHA-256 digests — is recognisable in the blob store, the database
 * or the logs.
 */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { PG_URL } from '../helpers/databases.js';
import { browserSealedBody, formBody, type GeneratedEnquiry, generateEnquiry } from '../helpers/enquiries.js';
import { createHash } from 'node:crypto';
import { createHarness, type Harness, post, signIn, stepUp, ADMIN } from '../helpers/harness.js';
import { cameraJpeg, multipartBody } from '../helpers/images.js';
import { readAll } from '../helpers/files.js';
import { createStaffViaApi } from '../helpers/staff.js';
import { getDecrypted } from '../../src/storage/blob-store.js';
import { staffActorFor } from '../../src/core/org/org.repository.js';
import { needles } from '../helpers/leak-scanner.js';

const TOTAL = 1000;
const PHOTO_DOC = { email: 'photo-doc@clinic.test', password: 'harbour cinnamon lattice 85', name: 'Photo Doc' };

/** Recognisable pieces of an image: 32-byte windows across it and its SHA-256 digest (raw and as text). */
function imageNeedles(label: string, image: Buffer): { label: string; value: string | Buffer }[] {
  const digest = createHash('sha256').update(image).digest();
  const windows = Array.from({ length: 12 }, (_, k) => Math.floor(((k + 1) * image.length) / 14)).map((at) => ({ label: `${label}@${at}`, value: image.subarray(at, at + 32) }));
  return [...windows, { label: `${label}#sha256`, value: digest }, { label: `${label}#sha256hex`, value: digest.toString('hex') }];
}

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
    const photoNeedles: { label: string; value: string | Buffer }[] = [];

    before(async () => {
      harness = await createHarness(dialect, { env: { TACET_INTAKE_RATE_MAX: '100000' } });
      const address = await harness.intake.app.listen({ host: '127.0.0.1', port: 0 });
      enquiries = Array.from({ length: TOTAL }, (_, i) => generateEnquiry(i));
      await inParallel(enquiries, 16, async (fields, i) => {
        const clinic = i % 2 === 0 ? 'clinic-a' : 'clinic-b';
        // Each browser fetches its form (and token) first: a token is good for one enquiry.
        const { formToken } = (await (await fetch(`${address}/v1/publication`)).json()) as { formToken: string };
        const response =
          i % 2 === 0
            ? await fetch(`${address}/v1/enquiries`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(await browserSealedBody(harness.publication, clinic, fields, formToken)) })
            : await fetch(`${address}/enquire`, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: formBody(clinic, fields, formToken), redirect: 'manual' });
        assert.ok(response.status === 202 || response.status === 200, `submission ${i} answered ${response.status}`);
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

    it('stores clinical photos (uploaded, viewed and thumbnailed) as ciphertext only', async () => {
      const app = harness.core.app;
      const [doctorId] = await createStaffViaApi(app, [{ ...PHOTO_DOC, orgRole: null, clinicRoles: [{ clinicId: harness.clinicIds['clinic-a'] as string, role: 'practitioner' }] }]);
      const admin = await signIn(app, ADMIN);
      await stepUp(app, admin, ADMIN.email);
      const doctor = await signIn(app, PHOTO_DOC);
      const form = (await post(app, '/api/v1/consent-forms', admin, { kind: 'photo', procedureKey: 'photos', title: 'Clinical photography', body: 'I agree to clinical photographs being taken and kept in my record.' })).json() as { id: string };
      const rows = await harness.core.db.selectFrom('enquiries').select('id').where('clinic_id', '=', harness.clinicIds['clinic-a'] as string).limit(3).execute();
      const staff = await harness.core.db.selectFrom('staff').selectAll().where('id', '=', doctorId as string).executeTakeFirstOrThrow();
      const actor = await staffActorFor(harness.core.db, staff, { public_id: 'dump-test' } as never, '127.0.0.1', []);
      for (const [i, row] of rows.entries()) {
        const patientId = ((await post(app, `/api/v1/enquiries/${row.id}/convert`, admin)).json() as { patientId: string }).patientId;
        const signed = await post(app, `/api/v1/patients/${patientId}/consents`, admin, { formId: form.id, typedName: 'Signed Name', drawnSignature: `data:image/png;base64,${Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 1, 2, 3, 4]).toString('base64')}`, scopes: ['clinical'] });
        assert.equal(signed.statusCode, 201, signed.body);
        // Booking the practitioner puts them in the care team (their clinical and photo access depends on it).
        const booked = await post(app, `/api/v1/patients/${patientId}/appointments`, admin, { kind: 'consultation', startsAt: '2026-10-01T09:00:00Z', endsAt: '2026-10-01T09:30:00Z', practitionerId: doctorId });
        assert.equal(booked.statusCode, 201, booked.body);
        for (const phase of ['before', 'after']) {
          const original = await cameraJpeg(800, 600, 100 + i * 2 + (phase === 'after' ? 1 : 0));
          const { payload, headers } = multipartBody({ phase, angle: 'front', takenOn: '2026-10-01', bodyArea: 'abdomen', caption: 'dump test' }, { name: 'file', filename: 'photo.jpg', contentType: 'image/jpeg', data: original });
          const uploaded = await app.inject({ method: 'POST', url: `/api/v1/patients/${patientId}/photos`, headers: { cookie: doctor, ...headers }, payload });
          assert.equal(uploaded.statusCode, 201, uploaded.body);
          const photoId = (uploaded.json() as { id: string }).id;
          assert.equal((await app.inject({ url: `/api/v1/photos/${photoId}/image`, headers: { cookie: doctor } })).statusCode, 200);
          assert.equal((await app.inject({ url: `/api/v1/photos/${photoId}/thumb`, headers: { cookie: doctor } })).statusCode, 200);
          const opened = await harness.core.patients.openPhoto(actor, photoId, { use: 'clinical', kind: 'thumb', purpose: 'dump-test' });
          photoNeedles.push(...imageNeedles(`upload:${photoId}`, original));
          for (const variant of ['image', 'thumb']) photoNeedles.push(...imageNeedles(`${variant}:${photoId}`, await readAll(await getDecrypted(harness.core.blobs, `${opened.blobKey}/${variant}`, opened.fileKey))));
        }
      }
      assert.equal(photoNeedles.length, rows.length * 2 * 3 * 14);
    });

    it('has none of the submitted values in any stored byte, in any encoding', async () => {
      const set = needles(
        enquiries.flatMap<{ label: string; value: string | Buffer }>((e, i) => [
          { label: `name#${i}`, value: e.name },
          { label: `email#${i}`, value: e.email },
          { label: `phone#${i}`, value: e.phone },
          { label: `phone-e164#${i}`, value: `+447700${e.phone.slice(-6)}` },
          { label: `dob#${i}`, value: e.dob },
          { label: `address#${i}`, value: e.address },
          { label: `message#${i}`, value: e.message },
          { label: `procedure#${i}`, value: e.procedure },
        ]).concat(photoNeedles),
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
      assert.equal(sources.filter((s) => s.source.startsWith('blobs/')).length, 12, 'every encrypted photo and thumbnail is scanned');
      const leaks = sources.flatMap((s) => set.scan(s.bytes, s.source));
      assert.deepEqual(leaks.slice(0, 5), [], `plaintext found: ${leaks.length} hits`);
    });
  });
}
