/**
 * Where the first run's secrets (the demo's unseal passphrase and admin
 * password) go. A person at a terminal sees them once, as before. When
 * output is not a terminal (a service manager, `npm start > log`, CI) it is
 * captured somewhere that outlives the moment: then the secrets go to a file
 * only the owner can read, and the output carries its path alone.
 */
import fs from 'node:fs';
import path from 'node:path';
import { printSecretNotice } from './banner.js';

/** The file in the data directory that holds first-run secrets when output is not a terminal. */
export const FIRST_RUN_SECRETS_FILE = 'first-run-secrets.txt';

/** A notice with secrets in it: `secret` lines never reach captured output. */
export interface SecretNotice {
  readonly title: string;
  /** Lines that carry a secret (shown on a terminal, or written to the file). */
  readonly secret: readonly string[];
  /** Lines safe for any log (fingerprints, hints). */
  readonly open: readonly string[];
}

/** True when a person is watching: both output streams are terminals (the notice goes to stderr, logs to stdout). */
export function isWatchedByPerson(streams: { stdout: { isTTY?: boolean }; stderr: { isTTY?: boolean } } = process): boolean {
  return streams.stdout.isTTY === true && streams.stderr.isTTY === true;
}

/**
 * Reserve the secrets file before anything is created, so that a stale one
 * (or a planted symlink) stops the first run before it makes secrets nobody
 * can read. SECURITY: O_CREAT|O_EXCL ('wx') never follows or reuses an
 * existing path; mode 0600 from the first byte. Throws with an instruction.
 */
export function reserveSecretsFile(dataDir: string): { readonly file: string; readonly fd: number } {
  const file = path.resolve(dataDir, FIRST_RUN_SECRETS_FILE);
  fs.mkdirSync(path.dirname(file), { recursive: true, mode: 0o700 });
  try {
    return { file, fd: fs.openSync(file, 'wx', 0o600) };
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EEXIST') throw new Error(`${file} already exists: read it if you need it, delete it, and start again`);
    throw error;
  }
}

/** Undo `reserveSecretsFile` (the first run failed: nothing is left behind). */
export function releaseSecretsFile(reserved: { readonly file: string; readonly fd: number }): void {
  fs.closeSync(reserved.fd);
  fs.rmSync(reserved.file, { force: true });
}

/**
 * Show the notice once: on a terminal in full; otherwise write it to the
 * reserved file (fsync'd, 0600) and print only the open lines and where the
 * secrets are, with the instruction to read and delete the file.
 */
export function deliverSecretNotice(notice: SecretNotice, target: { readonly isTerminal: true } | { readonly isTerminal: false; readonly reserved: { readonly file: string; readonly fd: number } }): void {
  if (target.isTerminal) {
    printSecretNotice(notice.title, [...notice.secret, ...notice.open]);
    return;
  }
  const { file, fd } = target.reserved;
  try {
    fs.writeSync(fd, `${notice.title}\n\n${[...notice.secret, ...notice.open].join('\n')}\n`);
    fs.fsyncSync(fd);
  } finally {
    fs.closeSync(fd);
  }
  printSecretNotice(`${notice.title.replace(/ - .*$/, '')} - secrets written to a file, not to this output`, [
    'Output is not a terminal, so the secrets were not printed (they would end up in a log).',
    `Read them once:  cat ${file}`,
    `Then delete it:  rm ${file}`,
    '',
    ...notice.open,
  ]);
}
