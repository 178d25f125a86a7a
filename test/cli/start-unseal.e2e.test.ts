/**
 * The embedded start as a service runs it (output captured, not a terminal):
 * first run creates a demo and writes its secrets once to a 0600 file in the
 * data directory, printing only the file's path — neither secret reaches the
 * captured output; a restart comes up sealed and refuses personal data until
 * `tacet unseal` is given the passphrase. (On a terminal they are printed
 * once, as before: src/cli/first-run-secrets.test.ts.)
 */
import assert from 'node:assert/strict';
import { type ChildProcess, spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, describe, it } from 'node:test';

const root = path.resolve(import.meta.dirname, '../..');
const cli = path.join(root, 'src/cli/main.ts');
const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'tacet-start-'));
const intakePort = 21_000 + Math.floor(Math.random() * 10_000);
const corePort = intakePort + 1;
const env = { PATH: process.env['PATH'] ?? '', TACET_DATA_DIR: dataDir, TACET_INTAKE_PORT: String(intakePort), TACET_CORE_PORT: String(corePort), TACET_LOG_LEVEL: 'warn' };

function tacet(args: string[], input?: string): ChildProcess {
  const child = spawn(process.execPath, ['--import', 'tsx', cli, ...args], { env, cwd: root, stdio: ['pipe', 'pipe', 'pipe'] });
  if (input !== undefined) child.stdin?.end(input);
  return child;
}

function collect(child: ChildProcess): { text: () => string; stdout: () => string; stderr: () => string } {
  let stdout = '';
  let stderr = '';
  child.stdout?.on('data', (d: Buffer) => (stdout += d.toString()));
  child.stderr?.on('data', (d: Buffer) => (stderr += d.toString()));
  return { text: () => stdout + stderr, stdout: () => stdout, stderr: () => stderr };
}

async function until(check: () => Promise<boolean>, what: string): Promise<void> {
  for (let i = 0; i < 300; i++) {
    if (await check().catch(() => false)) return;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`timed out waiting for ${what}`);
}

const vaultState = async () => ((await (await fetch(`http://127.0.0.1:${corePort}/api/v1/vault`)).json()) as { state: string }).state;

describe('tacet start on embedded defaults', () => {
  const running: ChildProcess[] = [];
  after(() => {
    for (const child of running) child.kill('SIGKILL');
    fs.rmSync(dataDir, { recursive: true, force: true });
  });

  it('first run: demo created, secrets written once to a 0600 file and never to the output, unsealed; restart: sealed until unsealed by the CLI', async () => {
    const first = tacet(['start']);
    running.push(first);
    const output = collect(first);
    await until(async () => (await vaultState()) === 'unsealed', 'first start');
    // The output names the file and says to read and delete it; the secrets are in the file only.
    const secretsFile = /Read them once:\s+cat (\S+)/.exec(output.text())?.[1];
    assert.equal(secretsFile, path.join(fs.realpathSync(dataDir), 'first-run-secrets.txt'));
    assert.match(output.text(), /Then delete it:\s+rm \S+first-run-secrets\.txt/);
    assert.equal(fs.statSync(secretsFile).mode & 0o777, 0o600, 'only the owner can read the secrets file');
    const secrets = fs.readFileSync(secretsFile, 'utf8');
    const passphrase = /Unseal passphrase : (\S+)/.exec(secrets)?.[1];
    const password = /Admin password {4}: (\S+)/.exec(secrets)?.[1];
    assert.ok(passphrase && password, 'the file holds the passphrase and the admin password');
    for (const [stream, text] of [['stdout', output.stdout()], ['stderr', output.stderr()]] as const) {
      assert.ok(!text.includes(passphrase), `the passphrase is not in ${stream}`);
      assert.ok(!text.includes(password), `the admin password is not in ${stream}`);
    }
    assert.doesNotMatch(output.text(), /Unseal passphrase :|Admin password {4}:/);
    assert.match(output.text(), /Audit key fingerprint: [0-9a-f]{4}(:[0-9a-f]{4}){15} /, 'the audit key fingerprint (not secret) is printed, to keep off the box');
    assert.equal((await fetch(`http://127.0.0.1:${intakePort}/enquire`)).status, 200);
    first.kill('SIGTERM');
    await new Promise((resolve) => first.once('exit', resolve));
    // The person reads the file and deletes it, as told; then nothing secret is in the data directory in the clear.
    fs.rmSync(secretsFile);
    for (const file of fs.readdirSync(dataDir)) assert.ok(!fs.readFileSync(path.join(dataDir, file)).includes(Buffer.from(passphrase)), file);

    const second = tacet(['start']);
    running.push(second);
    const secondOutput = collect(second);
    await until(async () => (await vaultState()) === 'sealed', 'second start');
    assert.doesNotMatch(secondOutput.text(), /Unseal passphrase :|first-run-secrets/, 'secrets are given only once');
    assert.ok(!fs.existsSync(path.join(dataDir, 'first-run-secrets.txt')), 'a restart writes no secrets file');

    const wrong = tacet(['unseal', '--url', `http://127.0.0.1:${corePort}`], 'not the passphrase\n');
    const wrongOut = collect(wrong);
    const wrongCode = await new Promise((resolve) => wrong.once('exit', resolve));
    assert.equal(wrongCode, 1);
    assert.match(wrongOut.text(), /not accepted/);
    assert.equal(await vaultState(), 'sealed');

    const right = tacet(['unseal', '--url', `http://127.0.0.1:${corePort}`], `${passphrase}\n`);
    assert.equal(await new Promise((resolve) => right.once('exit', resolve)), 0);
    assert.equal(await vaultState(), 'unsealed');
    second.kill('SIGTERM');
    await new Promise((resolve) => second.once('exit', resolve));
  });
});
