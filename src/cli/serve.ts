/** `tacet start`, `tacet core`, `tacet intake`: run the tiers with graceful shutdown. */
import { activeAuditKeyFingerprint } from '../audit/trust-anchor.js';
import { createCoreRuntime, type CoreRuntime } from '../core/core-runtime.js';
import { publishIntakeKeys } from '../core/org/publication.service.js';
import { setupInstallation } from '../core/org/setup.service.js';
import { randomToken } from '../crypto/random.js';
import { createIntakeRuntime, type IntakeRuntime } from '../intake/intake-runtime.js';
import { systemClock } from '../platform/clock.js';
import { loadCoreConfig, loadIntakeConfig } from '../platform/config.js';
import { createLogger, type Logger } from '../platform/logger.js';
import { PIN_HINT } from './audit-commands.js';
import { deliverSecretNotice, isWatchedByPerson, releaseSecretsFile, reserveSecretsFile, type SecretNotice } from './first-run-secrets.js';

function onShutdown(logger: Logger, close: () => Promise<void>): void {
  let closing = false;
  const stop = (signal: string): void => {
    if (closing) return;
    closing = true;
    logger.info({ signal }, 'shutting down: finishing in-flight requests');
    close()
      .then(() => process.exit(0))
      .catch(() => process.exit(1));
  };
  process.on('SIGINT', () => stop('SIGINT'));
  process.on('SIGTERM', () => stop('SIGTERM'));
}

/**
 * First run on embedded defaults: a demo installation, its secrets shown
 * once — printed to a terminal, or written to a 0600 file in the data
 * directory when output is captured (first-run-secrets.ts).
 */
async function bootstrapDemo(core: CoreRuntime, config: { publicationFile: string; dataDir: string }): Promise<void> {
  if ((await core.vault.status()).state !== 'uninitialised') return;
  const isTerminal = isWatchedByPerson();
  // Reserved before anything is created: a stale secrets file stops the first run here, with nothing made.
  const reserved = isTerminal ? undefined : reserveSecretsFile(config.dataDir);
  const passphrase = randomToken(18);
  const password = randomToken(15);
  try {
    await setupInstallation(
      { db: core.db, vault: core.vault, clock: systemClock, publicationFile: config.publicationFile },
      {
        organisation: 'Demo Clinic Group',
        clinics: [
          { slug: 'harley-street', name: 'Harley Street' },
          { slug: 'manchester', name: 'Manchester' },
        ],
        admin: { email: 'admin@demo.tacet.invalid', name: 'Demo Administrator', password },
        passphrase,
        isDemo: true,
        adminManagesClinics: true,
      },
    );
  } catch (error) {
    if (reserved) releaseSecretsFile(reserved);
    throw error;
  }
  await core.vault.unsealWithPassphrase(passphrase);
  const fingerprint = await activeAuditKeyFingerprint(core.db);
  const notice: SecretNotice = {
    title: 'DEMO INSTALLATION CREATED - these are shown ONCE, write them down',
    secret: [`Unseal passphrase : ${passphrase}`, `Admin sign-in     : admin@demo.tacet.invalid`, `Admin password    : ${password}`],
    open: [
      '',
      'At first sign-in you create a passkey (administrators must use one).',
      'After a restart, Tacet starts SEALED: run `npm run tacet -- unseal`.',
      'Demo keys are for trying Tacet only. Use `tacet init` for a real clinic.',
      '',
      `Audit key fingerprint: ${fingerprint ?? 'none'}`,
      'Keep a copy off this machine: it is what proves the audit log.',
      ...PIN_HINT,
    ],
  };
  deliverSecretNotice(notice, reserved ? { isTerminal: false, reserved } : { isTerminal: true });
}

/** Run core and intake in one process (embedded defaults). */
export async function runStart(): Promise<void> {
  const coreConfig = loadCoreConfig();
  const intakeConfig = loadIntakeConfig();
  const logger = createLogger({ level: coreConfig.logLevel, ...(coreConfig.logFile ? { destination: coreConfig.logFile } : {}) });
  const core = await createCoreRuntime({ config: coreConfig, logger, clock: systemClock });
  await bootstrapDemo(core, coreConfig);
  const publication = await publishIntakeKeys({ db: core.db, vault: core.vault, publicationFile: coreConfig.publicationFile });
  if (!publication) throw new Error('nothing to publish: run `tacet init` first, or unseal the core so that it can publish verified keys');
  const intake: IntakeRuntime = await createIntakeRuntime({ config: intakeConfig, logger, clock: systemClock, publication });
  await core.app.listen({ host: coreConfig.host, port: coreConfig.port });
  await intake.app.listen({ host: intakeConfig.host, port: intakeConfig.port });
  core.startJobs();
  const status = await core.vault.status();
  process.stderr.write(
    `\nTacet is running.\n  Enquiry form (public intake): http://${intakeConfig.host}:${intakeConfig.port}/enquire\n  Staff (core):                 http://localhost:${coreConfig.port}/\n  Vault: ${status.state}${
      status.state === 'sealed' ? ' - run `npm run tacet -- unseal` to open it' : ''
    }\n\n`,
  );
  onShutdown(logger, async () => {
    await intake.close();
    await core.close();
  });
}

/** Run the core tier alone. */
export async function runCore(): Promise<void> {
  const config = loadCoreConfig();
  const logger = createLogger({ level: config.logLevel, ...(config.logFile ? { destination: config.logFile } : {}) });
  const core = await createCoreRuntime({ config, logger, clock: systemClock });
  await publishIntakeKeys({ db: core.db, vault: core.vault, publicationFile: config.publicationFile });
  await core.app.listen({ host: config.host, port: config.port });
  core.startJobs();
  onShutdown(logger, core.close);
}

/** Run the intake tier alone: no keys, only the publication file and an inbox writer. */
export async function runIntake(): Promise<void> {
  const config = loadIntakeConfig();
  const logger = createLogger({ level: config.logLevel, ...(config.logFile ? { destination: config.logFile } : {}) });
  const intake = await createIntakeRuntime({ config, logger, clock: systemClock });
  await intake.app.listen({ host: config.host, port: config.port });
  onShutdown(logger, intake.close);
}
