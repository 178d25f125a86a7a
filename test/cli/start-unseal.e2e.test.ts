/**
 * The embedded start as a person runs it: first run creates a demo and prints
 * its secrets once; a restart comes up sealed and refuses personal data
 * until `tacet unseal` is given the passphrase.
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

function collect(child: ChildProcess): { text: () => string } {
  let out = '';
  child.stdout?.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr?.on('data', (d: Buffer) => (out += d.toString()));
  return { text: () => out };
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

  it('first run: demo created, secrets printed once, unsealed; restart: sealed until unsealed by the CLI', async () => {
    const first = tacet(['start']);
    running.push(first);
    const output = collect(first);
    await until(async () => (await vaultState()) === 'unsealed', 'first start');
    const passphrase = /Unseal passphrase : (\S+)/.exec(output.text())?.[1];
    assert.ok(passphrase, 'the demo passphrase is printed');
    assert.match(output.text(), /Admin password/);
    assert.match(output.text(), /Audit key fingerprint: [0-9a-f]{4}(:[0-9a-f]{4}){15} /, 'the audit key fingerprint is printed, to keep off the box');
    assert.equal((await fetch(`http://127.0.0.1:${intakePort}/enquire`)).status, 200);
    first.kill('SIGTERM');
    await new Promise((resolve) => first.once('exit', resolve));
    // Nothing secret was written to the data directory in the clear.
    for (const file of fs.readdirSync(dataDir)) assert.ok(!fs.readFileSync(path.join(dataDir, file)).includes(Buffer.from(passphrase)), file);

    const second = tacet(['start']);
    running.push(second);
    const secondOutput = collect(second);
    await until(async () => (await vaultState()) === 'sealed', 'second start');
    assert.doesNotMatch(secondOutput.text(), /Unseal passphrase :/, 'secrets are printed only once');

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
