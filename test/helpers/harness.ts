/**
 * A whole Tacet (core + intake) on a fresh database, set up with an
 * organisation of two clinics, an administrator and a receptionist of the
 * first clinic, unsealed. HTTP through `inject` unless a test listens.
 */
import type { FastifyInstance } from 'fastify';
import { createCoreRuntime, type CoreRuntime } from '../../src/core/core-runtime.js';
import { buildPublication } from '../../src/core/org/publication.service.js';
import { createStaff } from '../../src/core/org/org.repository.js';
import { setupInstallation } from '../../src/core/org/setup.service.js';
import { hashPassword } from '../../src/crypto/passphrase.js';
import { createIntakeRuntime, type IntakeRuntime } from '../../src/intake/intake-runtime.js';
import type { Publication } from '../../src/intake/publication.js';
import { type Clock, systemClock } from '../../src/platform/clock.js';
import { loadCoreConfig, loadIntakeConfig } from '../../src/platform/config.js';
import { createLogger } from '../../src/platform/logger.js';
import { freshDatabase, type TestDatabase, type TestDialect } from './databases.js';

export const ADMIN = { email: 'admin@clinic.test', password: 'a long admin password 1' };
export const RECEPTION = { email: 'reception@clinic.test', password: 'a long reception password 2' };
export const PASSPHRASE = 'test vault passphrase that is long';
// Fast Argon2 for the vault in tests only; production uses VAULT_KDF_PARAMS.
const FAST_KDF = { memoryCost: 1024, timeCost: 1, parallelism: 1 };

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
}

/** Build and set up an installation. */
export async function createHarness(dialect: TestDialect, options: HarnessOptions = {}): Promise<Harness> {
  const database = await freshDatabase(dialect);
  const logFile = `${database.dataDir}/tacet.log`;
  const env = { TACET_INTAKE_MIN_FILL_MS: '0', TACET_COOKIE_SECURE: 'false', TACET_LOG_LEVEL: 'info', TACET_LOG_FILE: logFile, ...database.env, ...options.env };
  const coreConfig = loadCoreConfig(env);
  const intakeConfig = loadIntakeConfig(env);
  const clock = options.clock ?? systemClock;
  const logger = createLogger({ level: coreConfig.logLevel, destination: logFile });
  const core = await createCoreRuntime({ config: coreConfig, logger, clock });
  await setupInstallation(
    { db: core.db, vault: core.vault, clock, publicationFile: coreConfig.publicationFile },
    {
      organisation: 'Test Clinic Group',
      clinics: [
        { slug: 'clinic-a', name: 'Clinic A' },
        { slug: 'clinic-b', name: 'Clinic B' },
      ],
      admin: { email: ADMIN.email, name: 'Admin', password: ADMIN.password },
      passphrase: PASSPHRASE,
      kdfParams: FAST_KDF,
    },
  );
  const clinics = await core.db.selectFrom('clinics').select(['id', 'slug', 'organisation_id']).execute();
  const clinicIds = Object.fromEntries(clinics.map((c) => [c.slug, c.id]));
  await createStaff(
    core.db,
    { organisationId: clinics[0]?.organisation_id as string, email: RECEPTION.email, displayName: 'Reception', passwordHash: await hashPassword(RECEPTION.password), isAdmin: false, roles: [{ clinicId: clinicIds['clinic-a'] as string, role: 'receptionist' }] },
    clock.now().toISOString(),
  );
  if (options.isUnsealed ?? true) await core.vault.unsealWithPassphrase(PASSPHRASE);
  const publication = (await buildPublication(core.db)) as Publication;
  const intake = await createIntakeRuntime({ config: intakeConfig, logger, clock, publication });
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

/** Sign in through the API; returns the Cookie header value. */
export async function signIn(app: FastifyInstance, who: { email: string; password: string }): Promise<string> {
  const response = await app.inject({ method: 'POST', url: '/api/v1/session', payload: who });
  if (response.statusCode !== 200) throw new Error(`sign-in failed: ${response.statusCode}`);
  const cookie = response.cookies[0];
  if (!cookie) throw new Error('no session cookie');
  return `${cookie.name}=${cookie.value}`;
}
