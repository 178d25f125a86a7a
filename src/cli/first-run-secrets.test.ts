/** First-run secrets: printed once on a terminal; otherwise a 0600 file, created exclusively, and only its path printed. */
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, it } from 'node:test';
import { deliverSecretNotice, FIRST_RUN_SECRETS_FILE, isWatchedByPerson, releaseSecretsFile, reserveSecretsFile, type SecretNotice } from './first-run-secrets.js';

const notice: SecretNotice = { title: 'DEMO INSTALLATION CREATED - shown ONCE', secret: ['Unseal passphrase : pass-Zq7', 'Admin password    : word-Xk9'], open: ['Audit key fingerprint: ab12'] };

/** What `work` wrote to stderr (where notices go). */
function stderrOf(work: () => void): string {
  let out = '';
  const original = process.stderr.write.bind(process.stderr);
  process.stderr.write = ((chunk: string | Uint8Array) => {
    out += chunk.toString();
    return true;
  }) as typeof process.stderr.write;
  try {
    work();
  } finally {
    process.stderr.write = original;
  }
  return out;
}

describe('first-run secrets', () => {
  let dataDir: string;
  beforeEach(() => {
    dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'tacet-secrets-'));
  });
  afterEach(() => fs.rmSync(dataDir, { recursive: true, force: true }));

  it('counts as watched only when both stdout and stderr are terminals', () => {
    assert.equal(isWatchedByPerson({ stdout: { isTTY: true }, stderr: { isTTY: true } }), true);
    assert.equal(isWatchedByPerson({ stdout: {}, stderr: { isTTY: true } }), false);
    assert.equal(isWatchedByPerson({ stdout: { isTTY: true }, stderr: {} }), false);
  });

  it('on a terminal prints the secrets once and writes no file', () => {
    const printed = stderrOf(() => deliverSecretNotice(notice, { isTerminal: true }));
    assert.match(printed, /pass-Zq7/);
    assert.match(printed, /word-Xk9/);
    assert.deepEqual(fs.readdirSync(dataDir), []);
  });

  it('otherwise writes them to a 0600 file and prints only its path, the instruction and the open lines', () => {
    const reserved = reserveSecretsFile(dataDir);
    const printed = stderrOf(() => deliverSecretNotice(notice, { isTerminal: false, reserved }));
    assert.doesNotMatch(printed, /pass-Zq7|word-Xk9/);
    assert.ok(printed.includes(`cat ${reserved.file}`) && printed.includes(`rm ${reserved.file}`));
    assert.match(printed, /Audit key fingerprint: ab12/);
    assert.equal(reserved.file, path.join(fs.realpathSync(dataDir), FIRST_RUN_SECRETS_FILE));
    assert.equal(fs.statSync(reserved.file).mode & 0o777, 0o600);
    const written = fs.readFileSync(reserved.file, 'utf8');
    assert.ok(written.includes('pass-Zq7') && written.includes('word-Xk9') && written.includes('ab12'));
  });

  it('never reuses an existing file or follows a planted symlink, and a released reservation leaves nothing', () => {
    const target = path.join(dataDir, 'elsewhere.txt');
    fs.writeFileSync(target, 'untouched');
    fs.symlinkSync(target, path.join(dataDir, FIRST_RUN_SECRETS_FILE));
    assert.throws(() => reserveSecretsFile(dataDir), /already exists: read it if you need it, delete it, and start again/);
    assert.equal(fs.readFileSync(target, 'utf8'), 'untouched');
    fs.rmSync(path.join(dataDir, FIRST_RUN_SECRETS_FILE));
    const reserved = reserveSecretsFile(dataDir);
    releaseSecretsFile(reserved);
    assert.ok(!fs.existsSync(reserved.file));
  });
});
