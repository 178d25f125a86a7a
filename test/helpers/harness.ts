/**
 * A whole Tacet (core + intake) on a fresh database, set up with an
 * organisation of two clinics, an administrator and a receptionist of the
 * first clinic, unsealed. HTTP through `inject` unless a test listens.
 */
import assert from 'node:assert/strict';
import type { FastifyInstance } from 'fastify';
import { createCoreRuntime, type CoreRuntime } from '../../src/core/core-runtime.js';
import type { QueryObserver } from '../../src/db/database.js';
import { readPublication } from '../../src/core/org/publication.service.js';
import { VAULT_KDF_FLOOR } from '../../src/crypto/vault-key.js';
import { createStaff } from '../../src/core/org/org.repository.js';
import { setupInstallation } from '../../src/core/org/setup.service.js';
import { hashPassword } from '../../src/crypto/passphrase.js';
import { createIntakeRuntime, type IntakeRuntime } from '../../src/intake/intake-runtime.js';
import type { Publication } from '../../src/intake/publication.js';
import { type Clock, systemClock } from '../../src/platform/clock.js';
import { loadCoreConfig, loadIntakeConfig } from '../../src/platform/config.js';
import { createLogger } from '../../src/platform/logger.js';
import { freshDatabase, type TestDatabase, type TestDialect } from './databases.js';
import { installContractCheck } from './contract.js';
import { fastSealedBody } from './enquiries.js';
import { type SoftCredential, softAssert, softRegister } from './soft-authenticator.js';

/** The WebAuthn origin of the test core unless a test sets TACET_CORE_ORIGIN (the default of the config). */
export const WEBAUTHN_ORIGIN = 'http://localhost:8081';

export const ADMIN = { email: 'admin@clinic.test', password: 'violet harbour lantern 71' };
export const RECEPTION = { email: 'reception@clinic.test', password: 'quiet meadow compass 42' };
export const PASSPHRASE = 'test vault passphrase that is long';
// The cheapest vault KDF the keyring accepts (its floor); production uses VAULT_KDF_PARAMS.
const FAST_KDF = VAULT_KDF_FLOOR;

/** A running test installation. */
export interface Harness {
  readonly dialect: TestDialect;
  readonly database: TestDatabase;
  readonly core: CoreRuntime;
  readonly intake: IntakeRuntime;
  readonly publication: Publication;
  readonly clinicIds: Record<string, string>;
  readonly logFile: string;
  readonly close: () => Promise<void>;
}

/** Options for `createHarness`. */
export interface HarnessOptions {
  readonly env?: Record<string, string>;
  readonly clock?: Clock;
  readonly isUnsealed?: boolean;
  /** The intake's form-token secret (random unless a test shares it with a second intake instance). */
  readonly formSecret?: Uint8Array;
  /** More clinics beside clinic-a and clinic-b (the benchmark's group of 21). */
  readonly extraClinics?: readonly { slug: string; name: string }[];
  /** Sees every query the core runs (the query-plan test EXPLAINs them). */
  readonly onQuery?: QueryObserver;
}

/** Build and set up an installation. */
export async function createHarness(dialect: TestDialect, options: HarnessOptions = {}): Promise<Harness> {
  const database = await freshDatabase(dialect);
  const logFile = `${database.dataDir}/tacet.log`;
  // Tests run at any hour: business hours all day unless a test sets them (the off-hours rule has its own test).
  // New staff have 30 days to pass training, as a clinic might allow; the gate tests set 0 (the default).
  const env = { TACET_BUSINESS_HOURS: '00:00-00:00', TACET_TRAINING_GRACE_DAYS: '30', TACET_INTAKE_MIN_FILL_MS: '0', TACET_COOKIE_SECURE: 'false', TACET_LOG_LEVEL: 'info', TACET_LOG_FILE: logFile, ...database.env, ...options.env };
  const coreConfig = loadCoreConfig(env);
  const intakeConfig = loadIntakeConfig(env);
  const clock = options.clock ?? systemClock;
  const logger = createLogger({ level: coreConfig.logLevel, destination: logFile });
  const core = await createCoreRuntime({ config: coreConfig, logger, clock, ...(options.onQuery ? { onQuery: options.onQuery } : {}) });
  // Every response the test's calls receive must fit the published contract (test/helpers/contract.ts).
  installContractCheck(core.app);
  await setupInstallation(
    { db: core.db, vault: core.vault, clock, publicationFile: coreConfig.publicationFile },
    {
      organisation: 'Test Clinic Group',
      clinics: [
        { slug: 'clinic-a', name: 'Clinic A' },
        { slug: 'clinic-b', name: 'Clinic B' },
        ...(options.extraClinics ?? []),
      ],
      admin: { email: ADMIN.email, name: 'Admin', password: ADMIN.password },
      passphrase: PASSPHRASE,
      kdfParams: FAST_KDF,
      adminManagesClinics: true,
    },
  );
  const clinics = await core.db.selectFrom('clinics').select(['id', 'slug', 'organisation_id']).execute();
  const clinicIds = Object.fromEntries(clinics.map((c) => [c.slug, c.id]));
  await createStaff(
    core.db,
    { organisationId: clinics[0]?.organisation_id as string, email: RECEPTION.email, displayName: 'Reception', passwordHash: await hashPassword(RECEPTION.password), orgRole: null, roles: [{ clinicId: clinicIds['clinic-a'] as string, role: 'receptionist' }] },
    clock.now().toISOString(),
  );
  if (options.isUnsealed ?? true) await core.vault.unsealWithPassphrase(PASSPHRASE);
  const publication = readPublication(coreConfig.publicationFile) as Publication;
  const intake = await createIntakeRuntime({ config: intakeConfig, logger, clock, publication, ...(options.formSecret ? { formSecret: options.formSecret } : {}) });
  // And every response of the intake its own contract (GET /v1/openapi.json).
  installContractCheck(intake.app);
  return {
    dialect,
    database,
    core,
    intake,
    publication,
    clinicIds,
    logFile,
    async close() {
      await intake.close();
      await core.close();
      await database.cleanup();
    },
  };
}

/** Options for `submitEnquiries`. */
export interface SubmitOptions {
  /** The clinic enquired at, or one per enquiry by its index (default clinic-a). */
  readonly clinic?: string | ((index: number) => string);
  /** Ingest them into the core afterwards (default true). */
  readonly ingest?: boolean;
}

/** A fresh form token from the intake, as a browser gets with the form (each is good for one enquiry). */
export async function formToken(intake: { app: FastifyInstance }): Promise<string> {
  return (await intake.app.inject({ url: '/v1/publication' })).json<{ formToken: string }>().formToken;
}

/**
 * Send enquiries through the intake tier as the hosted form does (sealed to
 * the published key, each with its own form token); each must be accepted
 * (202). Then ingest them unless told not to.
 */
export async function submitEnquiries(harness: Harness, enquiries: readonly unknown[], options: SubmitOptions = {}): Promise<void> {
  for (const [i, fields] of enquiries.entries()) {
    const clinic = typeof options.clinic === 'function' ? options.clinic(i) : (options.clinic ?? 'clinic-a');
    const response = await harness.intake.app.inject({ method: 'POST', url: '/v1/enquiries', payload: fastSealedBody(harness.publication, clinic, fields, await formToken(harness.intake)) });
    assert.equal(response.statusCode, 202, `enquiry ${i} was not accepted: ${response.body}`);
  }
  if (options.ingest ?? true) await harness.core.ingest.drain();
}

/** Second factors the tests enrolled, per email (a real person keeps their authenticator). */
const enrolled = new WeakMap<FastifyInstance, Map<string, SoftCredential>>();

function cookieOf(response: { cookies: { name: string; value: string }[] }, fallback?: string): string {
  const cookie = response.cookies.find((c) => c.value !== '');
  return cookie ? `${cookie.name}=${cookie.value}` : (fallback ?? '');
}

/** POST JSON with a session cookie (same-origin, as the UI does). */
export async function post(app: FastifyInstance, url: string, cookie: string, payload?: unknown) {
  return app.inject({ method: 'POST', url, headers: { cookie, ...(payload === undefined ? {} : { 'content-type': 'application/json' }) }, ...(payload === undefined ? {} : { payload: JSON.stringify(payload) }) });
}

/** Password step only: returns the pending session cookie and the sign-in state. */
export async function passwordStep(app: FastifyInstance, who: { email: string; password: string }): Promise<{ cookie: string; stage: string; passkeyRequired: boolean }> {
  const response = await app.inject({ method: 'POST', url: '/api/v1/auth/login', payload: { email: who.email, password: who.password } });
  if (response.statusCode !== 200) throw new Error(`sign-in failed: ${response.statusCode} ${response.body}`);
  const state = response.json() as { stage: string; passkeyRequired: boolean };
  return { cookie: cookieOf(response), stage: state.stage, passkeyRequired: state.passkeyRequired };
}

/**
 * Sign in through the API with a passkey (a software authenticator),
 * enrolling one at first login. Returns the Cookie header of the full session.
 */
export async function signIn(app: FastifyInstance, who: { email: string; password: string }, origin = WEBAUTHN_ORIGIN): Promise<string> {
  const step = await passwordStep(app, who);
  const credentials = enrolled.get(app) ?? new Map<string, SoftCredential>();
  enrolled.set(app, credentials);
  if (step.stage === 'enrol') {
    const options = (await post(app, '/api/v1/me/factors/passkey/options', step.cookie)).json() as { challenge: string; rp: { id?: string } };
    const { response, credential } = softRegister(options, origin);
    const done = await post(app, '/api/v1/me/factors/passkey', step.cookie, { response });
    if (done.statusCode !== 200) throw new Error(`passkey enrolment failed: ${done.statusCode} ${done.body}`);
    credentials.set(who.email, credential);
    return cookieOf(done);
  }
  const credential = credentials.get(who.email);
  if (!credential) throw new Error(`no test authenticator for ${who.email}`);
  const options = (await post(app, '/api/v1/auth/passkey/options', step.cookie)).json() as { challenge: string };
  const done = await post(app, '/api/v1/auth/passkey', step.cookie, { response: softAssert(credential, options.challenge, origin) });
  if (done.statusCode !== 200) throw new Error(`passkey sign-in failed: ${done.statusCode} ${done.body}`);
  return cookieOf(done);
}

/** Let another app (a second instance, a restored installation) see the authenticators enrolled through `from`: a person keeps their passkey. */
export function shareAuthenticators(from: FastifyInstance, to: FastifyInstance): void {
  const credentials = enrolled.get(from);
  if (credentials) enrolled.set(to, credentials);
}

/** The test authenticator enrolled for an email (for step-up and attack tests). */
export function credentialOf(app: FastifyInstance, email: string): SoftCredential {
  const credential = enrolled.get(app)?.get(email);
  if (!credential) throw new Error(`no test authenticator for ${email}`);
  return credential;
}

/** Re-authenticate a full session (step-up) with its passkey. */
export async function stepUp(app: FastifyInstance, cookie: string, email: string, origin = WEBAUTHN_ORIGIN): Promise<void> {
  const options = (await post(app, '/api/v1/auth/passkey/options', cookie)).json() as { challenge: string };
  const done = await post(app, '/api/v1/auth/passkey', cookie, { response: softAssert(credentialOf(app, email), options.challenge, origin) });
  if (done.statusCode !== 200) throw new Error(`step-up failed: ${done.statusCode} ${done.body}`);
}
