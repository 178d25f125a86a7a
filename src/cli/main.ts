#!/usr/bin/env node
/** The `tacet` command line. */
import { Command } from 'commander';
import { ConfigError } from '../platform/config.js';

/**
 * A command's action, loaded only when that command runs: `tacet backup` or
 * `tacet restore` then carries none of the server's code (about 55 MB of
 * resident memory), and `tacet core` none of the tools'.
 */
function lazy<M, K extends keyof M>(load: () => Promise<M>, name: K): (...args: unknown[]) => Promise<void> {
  return async (...args) => {
    const action = (await load())[name] as unknown as (...actionArgs: unknown[]) => Promise<void>;
    await action(...args);
  };
}
const backupCommands = () => import('./backup-commands.js');
const detectionCommands = () => import('./detection-commands.js');
const adminCommands = () => import('./admin-commands.js');
const serve = () => import('./serve.js');
const runBackup = lazy(backupCommands, 'runBackup');
const runRestore = lazy(backupCommands, 'runRestore');
const runShredLogExport = lazy(backupCommands, 'runShredLogExport');
const runVaultRotate = lazy(backupCommands, 'runVaultRotate');
const runPhotosTrace = lazy(() => import('./photo-commands.js'), 'runPhotosTrace');
const runCanaryAdd = lazy(detectionCommands, 'runCanaryAdd');
const runLockdown = lazy(detectionCommands, 'runLockdown');
const runGrantIntake = lazy(adminCommands, 'runGrantIntake');
const runInit = lazy(adminCommands, 'runInit');
const runUnseal = lazy(adminCommands, 'runUnseal');
const runAuditVerify = lazy(() => import('./audit-commands.js'), 'runAuditVerify');
const runCore = lazy(serve, 'runCore');
const runIntake = lazy(serve, 'runIntake');
const runStart = lazy(serve, 'runStart');

const program = new Command();
program.name('tacet').description('Breach-resistant enquiries and patient records for private clinics');

program.command('start').description('run core and intake in one process on embedded defaults (SQLite, local store); first run creates a demo').action(runStart);
program.command('core').description('run the core tier (staff network): keys, ingest, staff UI and API').action(runCore);
program.command('intake').description('run the public intake tier: enquiry form and sealed-enquiry inbox writer (no keys)').action(runIntake);

program
  .command('init')
  .description('create a real installation: vault, organisation, clinics and first administrator')
  .requiredOption('--org <name>', 'organisation name')
  .requiredOption('--clinic <slug=Name...>', 'a clinic (repeatable), e.g. --clinic harley-street="Harley Street"')
  .requiredOption('--admin-email <email>', 'first administrator email')
  .option('--admin-name <name>', 'first administrator name', 'Administrator')
  .option('--admin-password-file <file>', 'read the administrator password from a file (otherwise one is generated)')
  .option('--passphrase-file <file>', 'read the unseal passphrase from a file (otherwise one is generated)')
  .option('--no-passphrase', 'no passphrase unseal (requires --shamir)')
  .option('--shamir <k/n>', 'also split the vault key into n Shamir shares, any k of which unseal')
  .action(runInit);

program
  .command('unseal')
  .description('unseal a running core with the passphrase or one Shamir share')
  .option('--url <url>', 'core base URL', `http://127.0.0.1:${process.env['TACET_CORE_PORT'] ?? '8081'}`)
  .option('--passphrase-file <file>', 'read the passphrase from a file')
  .option('--share', 'submit a Shamir share instead of the passphrase')
  .option('--share-file <file>', 'read the share from a file')
  .action(runUnseal);

const audit = program.command('audit').description('audit log tools');
audit
  .command('verify')
  .description('verify the audit hash chain (edits, deletions, insertions), every stored and exported checkpoint, and with a pinned key that no key was swapped')
  .option('--head-seq <seq>', 'last exported checkpoint sequence number')
  .option('--head-hash <hash>', 'last exported checkpoint hash')
  .option('--checkpoint-file <file>', 'exported checkpoints (JSON lines, or a syslog witness file); default: TACET_AUDIT_EXPORT_FILE when it exists')
  .option('--trusted-key <fingerprint|file>', 'the audit key fingerprint printed at init (or a file of fingerprints / public keys); default: TACET_AUDIT_TRUSTED_KEY')
  .option('--since-checkpoint', 'verify only the chain after the newest checkpoint whose signature verifies (under the pinned key): the daily check')
  .action(runAuditVerify);

const canary = program.command('canary').description('canary (honeytoken) people');
canary
  .command('add')
  .description('plant realistic fake people across the clinics; any touch of one raises a critical alert')
  .option('--count <n>', 'how many', '10')
  .option('--email-domain <domain>', 'domain for their e-mail addresses (use one the clinic controls, so mail to them is a tripwire too)', 'tacet-canary.invalid')
  .option('--passphrase-file <file>', 'read the unseal passphrase from a file')
  .action(runCanaryAdd);

const photos = program.command('photos').description('clinical photo tools');
photos
  .command('trace')
  .description('read the invisible watermark of a leaked photo: which staff member was served that copy, and when')
  .argument('<file>', 'the image file (JPEG, PNG or WebP; resized or re-compressed copies work)')
  .option('--passphrase-file <file>', 'read the unseal passphrase from a file')
  .action(runPhotosTrace);

program.command('lockdown').description('organisation lockdown: every personal-data read needs a second person; all sessions re-authenticate').argument('<on|off>').action(runLockdown);

const collect = (value: string, previous: string[] = []) => [...previous, value];
program
  .command('backup')
  .description('write an encrypted, signed backup (database + blob ciphertext of a local store, or the blob manifest only for S3; key material stays wrapped by the vault key)')
  .requiredOption('--out <file>', 'backup file to write')
  .option('--passphrase-file <file>', 'read the unseal passphrase from a file')
  .option('--share-file <file>', 'a Shamir share file (repeat for k shares) instead of the passphrase', collect)
  .option('--manifest-only', 'local blob store: leave the blob ciphertext out (the manifest still lists every blob with its SHA-256)')
  .action(runBackup);
program
  .command('restore')
  .description('restore a backup into an empty installation, replay the shred log, verify every person, photo and the audit chain; all or nothing')
  .requiredOption('--in <file>', 'backup file')
  .option('--passphrase-file <file>', 'read the unseal passphrase (the one the backup was made under) from a file')
  .option('--share-file <file>', 'a Shamir share file (repeat for k shares)', collect)
  .option('--shred-log <file>', 'shred log exported since the backup (tacet shred-log): those people are shredded again')
  .action(runRestore);
program
  .command('rotate-vault')
  .description('rotate the vault key: new unseal methods replace the old; all key material re-wrapped (a key ceremony)')
  .option('--passphrase-file <file>', 'the current unseal passphrase')
  .option('--share-file <file>', 'a current Shamir share file (repeat for k shares)', collect)
  .option('--new-passphrase-file <file>', 'the new passphrase')
  .option('--shamir <k/n>', 'issue new Shamir shares, any k of n unseal')
  .action(runVaultRotate);
program.command('shred-log').description('export the ids of crypto-shredded people (JSON lines) to keep beside backups').requiredOption('--out <file>', 'file to write').action(runShredLogExport);

const db = program.command('db').description('database tools');
db.command('grant-intake').description('PostgreSQL: make the intake role INSERT-only on the inbox').requiredOption('--role <role>', 'role name').action(runGrantIntake);

program.parseAsync().catch((error: unknown) => {
  const message = error instanceof ConfigError || error instanceof Error ? error.message : 'unexpected failure';
  process.stderr.write(`tacet: ${message}\n`);
  process.exit(1);
});
