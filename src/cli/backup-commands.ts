/** `tacet backup`, `tacet restore`, `tacet shred-log`, `tacet rotate-vault`: the key holders' operations. */
import { createAuditLog } from '../audit/audit-log.js';
import { createVaultService } from '../core/vault/vault.service.js';
import { systemClock } from '../platform/clock.js';
import { printSecretNotice } from './banner.js';
import { BackupError, exportShredLog, keyringFrom, readShredLog, restoreBackup, writeBackup } from '../core/backup/backup.service.js';
import { blobStoreFor } from '../storage/s3-blob-store.js';
import { withDatabase } from './detection-commands.js';
import { readSecret } from './prompt.js';

async function material(options: { passphraseFile?: string; shareFile?: string[] }): Promise<{ passphrase?: string; shares?: string[] }> {
  if (options.shareFile && options.shareFile.length > 0) return { shares: await Promise.all(options.shareFile.map((file) => readSecret('', file))) };
  return { passphrase: await readSecret('Unseal passphrase: ', options.passphraseFile) };
}

/**
 * Write an encrypted, signed backup of the database and the blobs. A local blob store's ciphertext is carried in the
 * backup unless `manifestOnly`; S3-compatible storage keeps its blobs (the backup holds their manifest). Needs the
 * unseal material (the CLI holds no key).
 */
export async function runBackup(options: { out: string; passphraseFile?: string; shareFile?: string[]; manifestOnly?: boolean }): Promise<void> {
  await withDatabase(async ({ db, dialect, config }) => {
    const keyring = await keyringFrom(db, await material(options)).catch(() => {
      throw new Error('the unseal material was not accepted; nothing was written');
    });
    const why = config.blobS3 ? 'the blobs stay in S3-compatible storage; keep it versioned and replicated' : options.manifestOnly ? 'asked for with --manifest-only; keep the blob directory backed up' : undefined;
    const header = await writeBackup({ db, dialect, blobs: blobStoreFor(config), keyring, now: new Date(), blobArchive: why ? 'manifest-only' : 'included' }, options.out);
    const rows = Object.values(header.counts).reduce((n, c) => n + c, 0);
    const blobs = why ? `${header.blobCount} blobs in the manifest only (${why})` : `${header.blobCount} blobs, ciphertext included`;
    process.stdout.write(`Backup ${header.id} written to ${options.out}: ${rows} rows, ${blobs}, signed by ${header.signature.keyId}.\nKeep the shred log beside it (tacet shred-log --out FILE) so a restore can re-shred people erased since.\n`);
  });
}

/** Restore a backup into an empty installation, replay the shred log, and verify every person, photo and the audit chain; all or nothing. */
export async function runRestore(options: { in: string; passphraseFile?: string; shareFile?: string[]; shredLog?: string }): Promise<void> {
  await withDatabase(async ({ db, config }) => {
    const shredLog = options.shredLog ? await readShredLog(options.shredLog) : [];
    try {
      const report = await restoreBackup({ db, blobs: blobStoreFor(config) }, options.in, await material(options), shredLog);
      const rows = Object.entries(report.rows).filter(([table]) => table !== 'shred-replayed').reduce((n, [, c]) => n + c, 0);
      const blobs = report.blobArchive === 'included' ? `${report.blobsRestored} blobs restored from the backup into ${report.blobLocation} (any already there were kept and checked)` : `the backup holds the blob manifest only; every photo blob was found in ${report.blobLocation}`;
      process.stdout.write(
        `Restored backup ${report.id} of ${report.createdAt}: ${rows} rows; ${blobs}; ${report.shredReplayed} people shredded again from the shred log.\nVerified: ${report.persons} people (every key and contact record opens), ${report.photos} photos (present, unchanged, decrypt), audit chain of ${report.auditEvents} events.\nStart Tacet and unseal it with the same passphrase or shares.\n`,
      );
    } catch (error) {
      if (error instanceof BackupError) throw new Error(`restore refused: ${error.message}`);
      throw error;
    }
  });
}

/** Export the shred log (ids of crypto-shredded people, with reasons and times) as JSON lines. */
export async function runShredLogExport(options: { out: string }): Promise<void> {
  await withDatabase(async ({ db }) => {
    const count = await exportShredLog(db, options.out);
    process.stdout.write(`${count} shredded people (and discarded quarantined enquiries) written to ${options.out}.\n`);
  });
}

/**
 * Rotate the vault key (a key ceremony): new unseal methods replace the old
 * ones; every key-material record is re-wrapped in one transaction. Running
 * core instances keep serving (their keyring is unchanged); after a restart
 * they unseal with the new passphrase or shares.
 */
export async function runVaultRotate(options: { passphraseFile?: string; shareFile?: string[]; newPassphraseFile?: string; shamir?: string }): Promise<void> {
  const shamir = options.shamir ? /^(\d+)\/(\d+)$/.exec(options.shamir) : undefined;
  if (options.shamir && !shamir) throw new Error('--shamir must look like 3/5');
  if (!options.newPassphraseFile && !shamir) throw new Error('give the new unseal method: --new-passphrase-file and/or --shamir k/n');
  await withDatabase(async ({ db, dialect }) => {
    const vault = createVaultService({ db, audit: createAuditLog({ dialect, clock: systemClock }), clock: systemClock });
    const current = await material(options);
    await (current.passphrase ? vault.unsealWithPassphrase(current.passphrase) : Promise.all((current.shares ?? []).map((share) => vault.submitShare(share)))).catch(() => {
      throw new Error('the current unseal material was not accepted; nothing changed');
    });
    if (!vault.isUnsealed()) throw new Error('not enough shares to open the vault; nothing changed');
    const newPassphrase = options.newPassphraseFile ? await readSecret('', options.newPassphraseFile) : undefined;
    if (newPassphrase !== undefined && newPassphrase.length < 16) throw new Error('the new passphrase must be at least 16 characters');
    const { shares } = await vault.rotateVaultKey(current, { ...(newPassphrase ? { passphrase: newPassphrase } : {}), ...(shamir ? { shamir: { threshold: Number(shamir[1]), shares: Number(shamir[2]) } } : {}) }, 'system:cli', null);
    vault.seal();
    if (shares.length > 0) printSecretNotice('NEW SHAMIR SHARES - shown ONCE; hand each to its holder. The old shares no longer open this installation.', shares.map((share, i) => `Share ${i + 1}: ${share}`));
    process.stdout.write(`Vault key rotated${newPassphrase ? '; the new passphrase replaces the old one' : ''}. Restart or keep running the core; unseal with the new material after a restart.\n`);
  });
}
