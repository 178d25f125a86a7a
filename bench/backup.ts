/**
 * Backup and restore benchmark: an installation of N people (default
 * 480,000; each with real contact and enquiry keys, a sealed contact record
 * and one sealed enquiry), backed up with `tacet backup` and restored into a
 * fresh database with `tacet restore` (which verifies every person key,
 * contact record and the audit chain), each as an operator runs it: its own
 * process, whose wall time and peak RSS (`/usr/bin/time`, the kernel's
 * maxRSS) are the figures; target peak RSS <= 256 MB.
 *
 * Baseline in the same run, on the same database: `sqlite3 .backup` and
 * `.restore` (SQLite), or `pg_dump` and `psql` into a fresh database
 * (PostgreSQL). Ratios are Tacet's time over the baseline's.
 *
 * Usage: npm run bench:backup [-- --people 480000 --db sqlite|postgres --cli compiled|tsx]
 * (compiled, the default, builds dist/ first and runs it as installed)
 * `measureBackup(options)` is exported for larger benches.
 */
import { execFile } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { promisify } from 'node:util';
import { parseArgs } from 'node:util';
import { generateSealedPeople } from '../test/helpers/bulk.js';
import { freshDatabase, PG_URL, type TestDialect } from '../test/helpers/databases.js';
import { createHarness, PASSPHRASE } from '../test/helpers/harness.js';

const run = promisify(execFile);
const root = path.resolve(import.meta.dirname, '..');

/** What to measure. */
export interface BackupBenchOptions {
  readonly people: number;
  readonly dialect: TestDialect;
  /** Default `compiled`: builds dist/ first (tsc -p tsconfig.build.json). */
  readonly cli?: CliMode;
  /** Progress lines (default: none). */
  readonly log?: (line: string) => void;
}

/** One timed step: wall seconds and, for Tacet's own processes, peak RSS in MB. */
export interface TimedStep {
  readonly seconds: number;
  readonly maxRssMb?: number;
}

/** The figures of one run. */
export interface BackupMeasurement {
  readonly people: number;
  readonly dialect: TestDialect;
  readonly generateSeconds: number;
  readonly cli: CliMode;
  /** Peak RSS of the same CLI doing nothing (`tacet --help`: code and libraries loaded), for comparison. */
  readonly idleRssMb: number;
  readonly backupFileMb: number;
  readonly backup: TimedStep;
  readonly restore: TimedStep;
  readonly baselineBackup: TimedStep;
  readonly baselineRestore: TimedStep;
  /** Tacet over baseline. */
  readonly backupRatio: number;
  readonly restoreRatio: number;
}

async function timed(command: string, args: readonly string[], env: NodeJS.ProcessEnv = process.env): Promise<TimedStep> {
  const start = performance.now();
  await run(command, [...args], { cwd: root, env, maxBuffer: 64 * 1024 * 1024 });
  return { seconds: (performance.now() - start) / 1000 };
}

/** How the CLI is run: compiled (`npm run build`'s dist/, as installed) or from source through tsx (more memory for the loader). */
export type CliMode = 'compiled' | 'tsx';

function cliArgs(mode: CliMode): string[] {
  return mode === 'compiled' ? [path.join(root, 'dist/src/cli/main.js')] : ['--import', 'tsx', path.join(root, 'src/cli/main.ts')];
}

/** Run `tacet ...args` under /usr/bin/time and return its wall time and peak RSS. */
async function timedTacet(mode: CliMode, env: NodeJS.ProcessEnv, dir: string, ...args: string[]): Promise<TimedStep> {
  const rssFile = path.join(dir, `rss-${args[0]}.txt`);
  const step = await timed('/usr/bin/time', ['-f', '%M', '-o', rssFile, process.execPath, ...cliArgs(mode), ...args], env);
  const kb = Number(fs.readFileSync(rssFile, 'utf8').trim().split('\n').at(-1));
  return { ...step, maxRssMb: kb / 1024 };
}

function pgUrlFor(database: string): string {
  const url = new URL(PG_URL);
  url.pathname = `/${database}`;
  return url.toString();
}

/** Build `people` people on `dialect`, back them up and restore them with the CLI, and run the engine's own dump and load of the same database. */
export async function measureBackup(options: BackupBenchOptions): Promise<BackupMeasurement> {
  const log = options.log ?? (() => undefined);
  const cli = options.cli ?? 'compiled';
  if (cli === 'compiled') await run('npx', ['tsc', '-p', 'tsconfig.build.json'], { cwd: root });
  const harness = await createHarness(options.dialect, { env: { TACET_LOG_LEVEL: 'warn' } });
  const target = await freshDatabase(options.dialect);
  const dir = harness.database.dataDir;
  const restoreDb = `bench_restore_${path.basename(target.dataDir).replace(/[^a-z0-9]/gi, '').toLowerCase()}`;
  try {
    const db = harness.core.db;
    const organisationId = (await db.selectFrom('organisations').select('id').executeTakeFirstOrThrow()).id;
    const start = performance.now();
    await generateSealedPeople(db, harness.core.vault.keyring(), { prefix: 'b0000000', count: options.people, organisationId, clinicId: harness.clinicIds['clinic-a'] as string, receivedAt: '2026-11-01T10:00:00.000Z' });
    const generateSeconds = (performance.now() - start) / 1000;
    log(`${options.dialect}: generated ${options.people} people in ${generateSeconds.toFixed(0)} s`);
    // Tacet's processes read and write the database themselves; this one only waits.
    await harness.core.close();
    await harness.intake.close();

    const passphrase = path.join(dir, 'passphrase.txt');
    fs.writeFileSync(passphrase, PASSPHRASE, { mode: 0o600 });
    const file = path.join(dir, 'bench.backup');
    const sourceEnv = { ...process.env, ...harness.database.env, TACET_BLOB_DIR: path.join(dir, 'blobs'), TACET_LOG_LEVEL: 'silent' };
    const idleRssMb = (await timedTacet(cli, sourceEnv, dir, '--help')).maxRssMb ?? 0;
    log(`  tacet --help : peak RSS ${idleRssMb.toFixed(0)} MB (${cli} CLI loaded, nothing done)`);
    const backup = await timedTacet(cli, sourceEnv, dir, 'backup', '--out', file, '--passphrase-file', passphrase);
    const backupFileMb = fs.statSync(file).size / 1024 / 1024;
    log(`  tacet backup : ${backup.seconds.toFixed(1)} s, peak RSS ${backup.maxRssMb?.toFixed(0)} MB, ${backupFileMb.toFixed(0)} MB file`);
    const targetEnv = { ...process.env, ...target.env, TACET_BLOB_DIR: path.join(target.dataDir, 'blobs'), TACET_LOG_LEVEL: 'silent' };
    const restore = await timedTacet(cli, targetEnv, dir, 'restore', '--in', file, '--passphrase-file', passphrase);
    log(`  tacet restore: ${restore.seconds.toFixed(1)} s, peak RSS ${restore.maxRssMb?.toFixed(0)} MB (verifies every key, contact record and the audit chain)`);

    let baselineBackup: TimedStep;
    let baselineRestore: TimedStep;
    if (harness.database.config.kind === 'sqlite') {
      const copy = path.join(dir, 'baseline-copy.db');
      baselineBackup = await timed('sqlite3', [harness.database.config.file, `.backup '${copy}'`]);
      baselineRestore = await timed('sqlite3', [path.join(dir, 'baseline-restored.db'), `.restore '${copy}'`]);
      log(`  baseline     : sqlite3 .backup ${baselineBackup.seconds.toFixed(1)} s, .restore ${baselineRestore.seconds.toFixed(1)} s`);
    } else {
      const dump = path.join(dir, 'baseline.sql');
      baselineBackup = await timed('pg_dump', ['--no-owner', '-n', harness.database.config.schema ?? 'public', '-f', dump, PG_URL]);
      await run('createdb', ['-h', new URL(PG_URL).hostname, '-U', new URL(PG_URL).username, restoreDb]);
      baselineRestore = await timed('psql', ['-q', '-v', 'ON_ERROR_STOP=1', '-f', dump, pgUrlFor(restoreDb)]);
      log(`  baseline     : pg_dump ${baselineBackup.seconds.toFixed(1)} s, psql restore ${baselineRestore.seconds.toFixed(1)} s`);
    }
    const measurement = { people: options.people, dialect: options.dialect, generateSeconds, cli, idleRssMb, backupFileMb, backup, restore, baselineBackup, baselineRestore, backupRatio: backup.seconds / baselineBackup.seconds, restoreRatio: restore.seconds / baselineRestore.seconds };
    log(`  ratios       : backup ${measurement.backupRatio.toFixed(1)}x baseline, restore ${measurement.restoreRatio.toFixed(1)}x baseline`);
    return measurement;
  } finally {
    if (options.dialect === 'postgres') await run('dropdb', ['--if-exists', '-h', new URL(PG_URL).hostname, '-U', new URL(PG_URL).username, restoreDb]).catch(() => undefined);
    await target.cleanup();
    await harness.database.cleanup();
  }
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const { values: args } = parseArgs({ options: { people: { type: 'string', default: '480000' }, db: { type: 'string', default: 'sqlite' }, cli: { type: 'string', default: 'compiled' } } });
  const dialect = args.db;
  if (dialect !== 'sqlite' && dialect !== 'postgres') throw new Error('--db is sqlite or postgres');
  const cli = args.cli;
  if (cli !== 'compiled' && cli !== 'tsx') throw new Error('--cli is compiled or tsx');
  console.log(`Tacet backup benchmark - node ${process.version}, ${new Date().toISOString()}, ${dialect}, ${Number(args.people)} people; target peak RSS <= 256 MB`);
  await measureBackup({ people: Number(args.people), dialect, cli, log: (line) => console.log(line) });
}
