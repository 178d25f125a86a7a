/**
 * Attacker test T1: the public intake tier holds no way to read an enquiry.
 * Its whole import graph is checked (not just direct imports), its config
 * cannot carry a key, its publication is public keys only, and it exposes no
 * read route. On PostgreSQL its role is INSERT-only (intake-role.int.test.ts).
 */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, it } from 'node:test';
import { loadIntakeConfig } from '../../src/platform/config.js';
import { parsePublication } from '../../src/intake/publication.js';
import { generateIntakeKeyPair } from '../../src/crypto/open.js';
import { reachableFrom, sourceFiles } from '../helpers/import-graph.js';

const root = path.resolve(import.meta.dirname, '../..');
const FORBIDDEN = ['src/crypto/open.ts', 'src/crypto/keyring.ts', 'src/crypto/vault-key.ts', 'src/crypto/key-material.ts', 'src/crypto/envelope.ts', 'src/crypto/blind-index.ts', 'src/crypto/passphrase.ts', 'src/crypto/index.ts'].map((f) => path.join(root, f));

describe('intake tier boundary', () => {
  it('cannot reach any code that opens, unwraps or derives keys, nor any core module', () => {
    const entries = [...sourceFiles(path.join(root, 'src/intake')).filter((f) => !f.endsWith('.test.ts')), path.join(root, 'web/form/form.ts')];
    const { files, packages } = reachableFrom(entries);
    for (const forbidden of FORBIDDEN) assert.ok(!files.has(forbidden), `intake reaches ${path.relative(root, forbidden)}`);
    for (const file of files) assert.ok(!file.startsWith(path.join(root, 'src/core')), `intake reaches ${path.relative(root, file)}`);
    assert.ok(!packages.has('shamir-secret-sharing') && !packages.has('@node-rs/argon2'), 'intake reaches key-handling packages');
    // The check has teeth: the core's ingest does reach the opener.
    assert.ok(reachableFrom([path.join(root, 'src/core/ingest/ingest.service.ts')]).files.has(path.join(root, 'src/crypto/open.ts')));
  });

  it('has a config with no key fields and ignores any key put in its environment', () => {
    const config = loadIntakeConfig({ TACET_DATA_DIR: '/tmp/x', TACET_VAULT_KEY: 'x', TACET_INTAKE_PRIVATE_KEY: 'y' });
    const keys = JSON.stringify(config);
    assert.doesNotMatch(keys, /private|vault|passphrase|secret|share/i);
    assert.ok(!keys.includes('"x"') && !keys.includes('"y"'));
  });

  it('accepts only public keys in its publication', () => {
    const pair = generateIntakeKeyPair();
    const publication = { version: 1, organisation: 'O', clinics: [{ slug: 'a', name: 'A' }], activeKid: 'intake.v1', keys: [{ kid: 'intake.v1', publicKey: pair.publicKeyB64 }] };
    assert.doesNotThrow(() => parsePublication(publication));
    assert.throws(() => parsePublication({ ...publication, keys: [{ kid: 'intake.v1', publicKey: pair.publicKeyB64, privateKey: Buffer.from(pair.privateKeyRaw).toString('base64url') }] }));
    assert.throws(() => parsePublication({ ...publication, vaultKey: 'x' }));
  });

  it('started as its own process with only its config, serves no way to read the inbox', async () => {
    const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'tacet-intake-'));
    const pair = generateIntakeKeyPair();
    fs.writeFileSync(
      path.join(dataDir, 'intake-publication.json'),
      JSON.stringify({ version: 1, organisation: 'O', clinics: [{ slug: 'clinic-a', name: 'A' }], activeKid: 'intake.v1', keys: [{ kid: 'intake.v1', publicKey: pair.publicKeyB64 }] }),
    );
    const port = 20_000 + Math.floor(Math.random() * 20_000);
    const child = spawn(process.execPath, ['--import', 'tsx', path.join(root, 'src/cli/main.ts'), 'intake'], {
      env: { PATH: process.env['PATH'] ?? '', TACET_DATA_DIR: dataDir, TACET_INTAKE_PORT: String(port), TACET_LOG_LEVEL: 'warn' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    try {
      const base = `http://127.0.0.1:${port}`;
      for (let i = 0; i < 100; i++) {
        if (await fetch(`${base}/healthz`).then((r) => r.ok).catch(() => false)) break;
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
      assert.equal((await fetch(`${base}/enquire`)).status, 200);
      for (const probe of ['/v1/enquiries', '/v1/enquiries/1', '/v1/inbox', '/api/v1/enquiries', '/enquiries', '/v1/keys/private']) {
        const response = await fetch(`${base}${probe}`);
        assert.equal(response.status, 404, probe);
      }
      const publication = await (await fetch(`${base}/v1/publication`)).text();
      assert.ok(!publication.includes(Buffer.from(pair.privateKeyRaw).toString('base64url')));
    } finally {
      child.kill('SIGTERM');
      fs.rmSync(dataDir, { recursive: true, force: true });
    }
  });
});
