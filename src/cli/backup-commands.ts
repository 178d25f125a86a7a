/** `tacet backup`, `tacet restore`, `tacet shred-log`: encrypted, signed backups and their restore into an empty installation. */
import { BackupError, exportShredLog, keyringFrom, readShredLog, restoreBackup, writeBackup } from '../core/backup/backup.service.js';
import { blobStoreFor } from '../storage/s3-blob-store.js';
import { withDatabase } from './detection-commands.js';
import { readSecret } from './prompt.js';

async function material(options: { passphraseFile?: string; shareFile?: string[] }): Promise<{ passphrase?: string; shares?: string[] }> {
  if (options.shareFile && options.shareFile.length > 0) return { shares: await Promise.all(options.shareFile.map((file) => readSecret('', file))) };
  return { passphrase: await readSecret('Unseal passphrase: ', options.passphraseFile) };
}

/** Write an encrypted, signed backup of the database and the blob manifest. Needs the unseal material (the CLI holds no key). */
export async function runBackup(options: { out: string; passphraseFile?: string; shareFile?: string[] }): Promise<void> {
  await withDatabase(async ({ db, dialect, config }) => {
    const keyring = await keyringFrom(db, await material(options)).catch(() => {
      throw new Error('the unseal material was not accepted; nothing was written');
    });
    const header = await writeBackup({ db, dialect, blobs: blobStoreFor(config), keyring, now: new Date() }, options.out);
    const rows = Object.values(header.counts).reduce((n, c) => n + c, 0);
    process.stdout.write(`Backup ${header.id} written to ${options.out}: ${rows} rows, ${header.blobCount} blobs in the manifest, signed by ${header.signature.keyId}.\nKeep the shred log beside it (tacet shred-log --out FILE) so a restore can re-shred people erased since.\n`);
  });
}

/** Restore a backup into an empty installation, replay the shred log, and verify every person, photo and the audit chain. */
export async function runRestore(options: { in: string; passphraseFile?: string; shareFile?: string[]; shredLog?: string }): Promise<void> {
  await withDatabase(async ({ db, config }) => {
    const shredLog = options.shredLog ? await readShredLog(options.shredLog) : [];
    try {
      const report = await restoreBackup({ db, blobs: blobStoreFor(config) }, options.in, await material(options), shredLog);
      const rows = Object.entries(report.rows).filter(([table]) => table !== 'shred-replayed').reduce((n, [, c]) => n + c, 0);
      process.stdout.write(
        `Restored backup ${report.id} of ${report.createdAt}: ${rows} rows; ${report.shredReplayed} people shredded again from the shred log.\nVerified: ${report.persons} people (every key and contact record opens), ${report.photos} photos (present, unchanged, decrypt), audit chain of ${report.auditEvents} events.\nStart Tacet and unseal it with the same passphrase or shares.\n`,
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
    process.stdout.write(`${count} shredded people written to ${options.out}.\n`);
  });
}
