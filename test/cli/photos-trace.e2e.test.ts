/** `tacet photos trace` as a DPO runs it on a leaked, re-compressed, resized copy. */
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import { after, before, describe, it } from 'node:test';
import sharp from 'sharp';
import { watermarkImage } from '../../src/core/photos/watermark.js';
import { ADMIN, createHarness, type Harness, PASSPHRASE } from '../helpers/harness.js';
import { photoLike } from '../helpers/images.js';

const run = promisify(execFile);
const root = path.resolve(import.meta.dirname, '../..');

describe('tacet photos trace', () => {
  let harness: Harness;
  let env: NodeJS.ProcessEnv;
  let passphraseFile: string;
  const tacet = (...args: string[]) => run(process.execPath, ['--import', 'tsx', path.join(root, 'src/cli/main.ts'), ...args], { cwd: root, env });

  before(async () => {
    harness = await createHarness('sqlite');
    env = { ...process.env, ...harness.database.env, TACET_LOG_LEVEL: 'silent' };
    passphraseFile = path.join(harness.database.dataDir, 'passphrase.txt');
    fs.writeFileSync(passphraseFile, PASSPHRASE, { mode: 0o600 });
  });
  after(async () => harness?.close());

  it('names the staff member and time of the served copy, and says so when there is no mark', async () => {
    const admin = await harness.core.db.selectFrom('staff').select(['id', 'display_name']).where('email', '=', ADMIN.email).executeTakeFirstOrThrow();
    const mark = 3_141_592_653;
    const at = '2026-11-20T14:05:00.000Z';
    await harness.core.db.insertInto('photo_marks').values({ mark, photo_id: '0f0f0f0f-0000-4000-8000-000000000001', staff_id: admin.id, kind: 'download', at }).execute();
    const served = await watermarkImage(await photoLike(1000, 750, 5), { staffId: admin.id, at: new Date(at) }, mark, harness.core.vault.keyring().markerKey);
    const leaked = path.join(harness.database.dataDir, 'leaked.jpg');
    fs.writeFileSync(leaked, await sharp(served).resize({ width: 500 }).jpeg({ quality: 70 }).toBuffer());
    const { stdout } = await tacet('photos', 'trace', leaked, '--passphrase-file', passphraseFile);
    assert.match(stdout, /Tacet watermark found/);
    assert.ok(stdout.includes(`staff ${admin.id}`) && stdout.includes(ADMIN.email));
    assert.match(stdout, /served at: 2026-11-20T14:05:00\.000Z/);
    const clean = path.join(harness.database.dataDir, 'clean.jpg');
    fs.writeFileSync(clean, await photoLike(1000, 750, 5));
    await assert.rejects(tacet('photos', 'trace', clean, '--passphrase-file', passphraseFile), (error: { code: number; stdout: string }) => error.code === 1 && /No Tacet watermark/.test(error.stdout));
    const traces = await harness.core.db.selectFrom('audit_events').select('purpose').where('action', '=', 'photo.trace').execute();
    assert.deepEqual(traces.map((t) => t.purpose).sort(), ['mark-found', 'no-mark']);
    await assert.rejects(tacet('photos', 'trace', path.join(harness.database.dataDir, 'missing.jpg'), '--passphrase-file', passphraseFile), /no such file/);
  });
});
