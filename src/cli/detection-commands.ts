/** `tacet canary add` and `tacet lockdown on|off`. */
import { createAuditLog } from '../audit/audit-log.js';
import { plantCanaries } from '../core/detection/canary-planting.js';
import { setLockdown } from '../core/detection/lockdown.js';
import { createIngestService, ingestFrontDeskOf } from '../core/ingest/ingest.service.js';
import { createVaultService } from '../core/vault/vault.service.js';
import { openDatabase } from '../db/database.js';
import { migrateToLatest } from '../db/migrations.js';
import { systemClock } from '../platform/clock.js';
import { loadCoreConfig } from '../platform/config.js';
import { createLogger } from '../platform/logger.js';
import { readSecret } from './prompt.js';
import { blobStoreFor } from '../storage/s3-blob-store.js';

export async function withDatabase<T>(work: (context: { db: Awaited<ReturnType<typeof openDatabase>>['db']; dialect: Awaited<ReturnType<typeof openDatabase>>['dialect']; config: ReturnType<typeof loadCoreConfig> }) => Promise<T>): Promise<T> {
  const config = loadCoreConfig();
  const { db, dialect } = await openDatabase(config.database, { createSchema: true });
  try {
    await migrateToLatest(db, config.database.kind === 'postgres' ? config.database.schema : undefined);
    return await work({ db, dialect, config });
  } finally {
    await db.destroy();
  }
}

/** Plant canary people (needs the unseal passphrase: canaries are sealed and marked like real data). */
export async function runCanaryAdd(options: { count: string; emailDomain: string; passphraseFile?: string }): Promise<void> {
  const count = Number(options.count);
  if (!Number.isInteger(count) || count < 1 || count > 1000) throw new Error('--count must be a whole number from 1 to 1000');
  if (!/^[a-z0-9.-]+\.[a-z]{2,}$/i.test(options.emailDomain)) throw new Error('--email-domain must be a domain name, ideally one the clinic controls');
  await withDatabase(async ({ db, dialect, config }) => {
    const audit = createAuditLog({ dialect, clock: systemClock });
    const vault = createVaultService({ db, audit, clock: systemClock });
    await vault.unsealWithPassphrase(await readSecret('Unseal passphrase: ', options.passphraseFile));
    const logger = createLogger({ level: 'warn' });
    const ingest = createIngestService({ db, vault, audit, clock: systemClock, logger, batchSize: 500, frontDesk: ingestFrontDeskOf(config) });
    const planted = await plantCanaries({ db, vault, audit, clock: systemClock, ingest, blobs: blobStoreFor(config) }, { count, emailDomain: options.emailDomain });
    vault.seal();
    process.stdout.write(`Planted ${planted.people} canary people across the clinics (${planted.patients} of them with patient records). Any touch of one raises a critical alert and locks the account.\n`);
  });
}

/** Organisation lockdown on or off. */
export async function runLockdown(state: string): Promise<void> {
  if (state !== 'on' && state !== 'off') throw new Error('use `tacet lockdown on` or `tacet lockdown off`');
  await withDatabase(async ({ db, dialect }) => {
    const revoked = await setLockdown({ db, audit: createAuditLog({ dialect, clock: systemClock }), clock: systemClock }, state === 'on', 'system:cli');
    process.stdout.write(
      state === 'on'
        ? `Lockdown ON. ${revoked} sessions signed out; every read of personal data now needs a second person's approval. Intake keeps accepting sealed enquiries.\n`
        : 'Lockdown OFF. Reads no longer need approval.\n',
    );
  });
}
