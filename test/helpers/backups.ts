/**
 * What the backup suites share: the `tacet` CLI as a child process, a patient
 * with clinical photos (uploaded through the API), the SHA-256 of each photo
 * as a doctor opens it through the door, and a core started on a restored
 * database.
 */
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import path from 'node:path';
import { promisify } from 'node:util';
import { createCoreRuntime, type CoreRuntime } from '../../src/core/core-runtime.js';
import { staffActorFor } from '../../src/core/org/org.repository.js';
import { systemClock } from '../../src/platform/clock.js';
import { loadCoreConfig } from '../../src/platform/config.js';
import { createLogger } from '../../src/platform/logger.js';
import { getDecrypted } from '../../src/storage/blob-store.js';
import { installContractCheck } from './contract.js';
import type { TestDatabase } from './databases.js';
import { readAll } from './files.js';
import { ADMIN, type Harness, post, RECEPTION, signIn, stepUp, submitEnquiries } from './harness.js';
import { generateEnquiries } from './enquiries.js';
import { cameraJpeg, multipartBody } from './images.js';
import { createStaffViaApi } from './staff.js';

const run = promisify(execFile);
const root = path.resolve(import.meta.dirname, '../..');

export const DOCTOR = { email: 'doctor@clinic.test', password: 'saffron glacier kettle 64', name: 'Dr Dee' };
const SIGNATURE = `data:image/png;base64,${Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, ...Buffer.from('signature strokes')]).toString('base64')}`;

/** Run `tacet ...args` as an operator would, with `env` as its environment. */
export function tacet(env: NodeJS.ProcessEnv, ...args: string[]): Promise<{ stdout: string; stderr: string }> {
  return run(process.execPath, ['--import', 'tsx', path.join(root, 'src/cli/main.ts'), ...args], { cwd: root, env });
}

/** Convert the first enquiry into a patient with a photo consent and `angles.length` photos taken by a new doctor. */
export async function createPatientWithPhotos(harness: Harness, angles: readonly string[]): Promise<{ patientId: string; doctorId: string; photoIds: string[] }> {
  const app = harness.core.app;
  const [doctorId] = await createStaffViaApi(app, [{ ...DOCTOR, orgRole: null, clinicRoles: [{ clinicId: harness.clinicIds['clinic-a'] as string, role: 'practitioner' }] }]);
  const reception = await signIn(app, RECEPTION);
  const admin = await signIn(app, ADMIN);
  const doctor = await signIn(app, DOCTOR);
  const [first] = (await app.inject({ url: '/api/v1/enquiries', headers: { cookie: reception } })).json<{ enquiries: { id: string }[] }>().enquiries;
  const patientId = (await post(app, `/api/v1/enquiries/${first?.id}/convert`, reception)).json<{ patientId: string }>().patientId;
  await post(app, `/api/v1/patients/${patientId}/appointments`, reception, { kind: 'consultation', startsAt: '2026-12-01T10:00:00Z', endsAt: '2026-12-01T10:30:00Z', practitionerId: doctorId });
  await stepUp(app, admin, ADMIN.email);
  const form = await post(app, '/api/v1/consent-forms', admin, { kind: 'photo', procedureKey: 'photos', title: 'Clinical photography', body: 'I agree to clinical photographs being taken and kept.' });
  assert.equal((await post(app, `/api/v1/patients/${patientId}/consents`, admin, { formId: form.json<{ id: string }>().id, typedName: 'Patient', drawnSignature: SIGNATURE, scopes: ['clinical'] })).statusCode, 201);
  const photoIds: string[] = [];
  for (const angle of angles) {
    const { payload, headers } = multipartBody({ phase: 'before', angle, takenOn: '2026-11-01', bodyArea: 'abdomen', caption: angle }, { name: 'file', filename: 'IMG.jpg', contentType: 'image/jpeg', data: await cameraJpeg(480, 360, angle.length) });
    const uploaded = await app.inject({ method: 'POST', url: `/api/v1/patients/${patientId}/photos`, headers: { cookie: doctor, ...headers }, payload });
    assert.equal(uploaded.statusCode, 201, uploaded.body);
    photoIds.push(uploaded.json<{ id: string }>().id);
  }
  return { patientId, doctorId: doctorId as string, photoIds };
}

/** A small installation to back up: `count` sealed enquiries (from generated number `first`), one of them a patient with two photos. */
export async function seedPatientWithPhotos(harness: Harness, first: number, count: number): Promise<{ patientId: string; doctorId: string; photoIds: string[] }> {
  await submitEnquiries(harness, generateEnquiries(first, count));
  return createPatientWithPhotos(harness, ['front', 'back']);
}

/** Open each photo's image as the doctor, through the door, and return its SHA-256 (photo id -> hash). */
export async function photoHashes(core: CoreRuntime, photoIds: readonly string[]): Promise<Map<string, string>> {
  const row = await core.db.selectFrom('staff').selectAll().where('email', '=', DOCTOR.email).executeTakeFirstOrThrow();
  const actor = await staffActorFor(core.db, row, { public_id: 'check' } as never, '127.0.0.1', []);
  const hashes = new Map<string, string>();
  for (const id of photoIds) {
    const opened = await core.patients.openPhoto(actor, id, { use: 'clinical', kind: 'thumb', purpose: 'test' });
    hashes.set(id, createHash('sha256').update(await readAll(await getDecrypted(core.blobs, `${opened.blobKey}/image`, opened.fileKey))).digest('hex'));
  }
  return hashes;
}

/** Start a core on a restored database `target` with its blobs in `blobDir` (not unsealed). */
export async function startRestored(target: TestDatabase, blobDir: string): Promise<CoreRuntime> {
  const logFile = path.join(target.dataDir, 'tacet.log');
  const config = loadCoreConfig({ ...target.env, TACET_BLOB_DIR: blobDir, TACET_COOKIE_SECURE: 'false', TACET_LOG_LEVEL: 'warn', TACET_LOG_FILE: logFile, TACET_BUSINESS_HOURS: '00:00-00:00', TACET_TRAINING_GRACE_DAYS: '30' });
  const core = await createCoreRuntime({ config, logger: createLogger({ level: 'warn', destination: logFile }), clock: systemClock });
  installContractCheck(core.app);
  return core;
}
