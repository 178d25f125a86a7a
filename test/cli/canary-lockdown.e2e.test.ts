/** `tacet canary add` and `tacet lockdown on|off` as an operator runs them, against a live installation's database. */
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import { after, before, describe, it } from 'node:test';
import { createHarness, type Harness, PASSPHRASE } from '../helpers/harness.js';

const run = promisify(execFile);
const root = path.resolve(import.meta.dirname, '../..');

describe('canary and lockdown commands', () => {
  let harness: Harness;
  let env: NodeJS.ProcessEnv;
  const tacet = (...args: string[]) => run(process.execPath, ['--import', 'tsx', path.join(root, 'src/cli/main.ts'), ...args], { cwd: root, env });

  before(async () => {
    harness = await createHarness('sqlite');
    env = { ...process.env, ...harness.database.env, TACET_LOG_LEVEL: 'silent' };
  });
  after(async () => harness?.close());

  it('plants canaries with the passphrase, and refuses a wrong one without planting anything', async () => {
    const file = path.join(harness.database.dataDir, 'passphrase.txt');
    fs.writeFileSync(file, 'not the passphrase', { mode: 0o600 });
    await assert.rejects(tacet('canary', 'add', '--count', '3', '--passphrase-file', file), (error: { code: number; stderr: string }) => error.code === 1 && /tacet:/.test(error.stderr));
    assert.equal((await harness.core.db.selectFrom('canary_markers').select('marker').execute()).length, 0);
    fs.writeFileSync(file, PASSPHRASE, { mode: 0o600 });
    const { stdout } = await tacet('canary', 'add', '--count', '3', '--email-domain', 'clinic-mail.example', '--passphrase-file', file);
    assert.match(stdout, /Planted 3 canary people across the clinics \(2 of them with patient records\)/);
    assert.equal((await harness.core.db.selectFrom('patients').select('id').execute()).length, 2);
    assert.equal((await harness.core.db.selectFrom('canary_markers').select('marker').execute()).length, 3);
    assert.equal((await harness.core.db.selectFrom('enquiries').select('id').execute()).length, 3);
    await assert.rejects(tacet('canary', 'add', '--count', '0', '--passphrase-file', file), /--count must be a whole number/);
  });

  it('turns lockdown on (signing everyone out) and off', async () => {
    await harness.core.sessions.create((await harness.core.db.selectFrom('staff').select('id').executeTakeFirstOrThrow()).id, { ip: null, userAgent: null });
    const on = await tacet('lockdown', 'on');
    assert.match(on.stdout, /Lockdown ON\. 1 sessions signed out/);
    assert.equal((await harness.core.db.selectFrom('sessions').select('id_hash').execute()).length, 0);
    const off = await tacet('lockdown', 'off');
    assert.match(off.stdout, /Lockdown OFF/);
    await assert.rejects(tacet('lockdown', 'maybe'), /use `tacet lockdown on`/);
  });
});
