/**
 * The single door: only the gate (src/core/door/admission.ts) unwraps a
 * person key, decrypts a person record or derives a file key, and only the
 * ingest (and the quarantine door, after the gate) opens sealed enquiries.
 * A person key is opaque: its DEK cannot be
 * read or forged outside src/crypto. A new code path that decrypts personal
 * data anywhere else fails this test.
 */
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { describe, it } from 'node:test';
import { createPersonKey, openKeyring, PersonKey, sealPersonRecord } from '../../src/crypto/keyring.js';
import { initVault, VAULT_KDF_FLOOR, vaultKeyFromPassphrase } from '../../src/crypto/vault-key.js';
import { sourceFiles } from '../helpers/import-graph.js';

const FAST_KDF = VAULT_KDF_FLOOR;

const root = path.resolve(import.meta.dirname, '../..');
const production = sourceFiles(path.join(root, 'src')).filter((f) => !f.endsWith('.test.ts'));
const rel = (file: string) => path.relative(root, file);

function callers(pattern: RegExp): string[] {
  return production.filter((file) => pattern.test(fs.readFileSync(file, 'utf8'))).map(rel);
}

describe('single door to personal data', () => {
  for (const name of ['openPersonKey', 'openPersonRecord', 'personFileKey']) {
    it(`only the gate calls ${name} (besides its definition)`, () => {
      assert.deepEqual(callers(new RegExp(`\\b${name}\\b`)).sort(), ['src/core/door/admission.ts', 'src/crypto/keyring.ts']);
    });
  }

  it('a person key is opaque: no field holds its DEK, and only src/crypto can make one', async () => {
    const passphrase = 'a long enough test passphrase';
    const init = await initVault({ passphrase, kdfParams: FAST_KDF });
    const keyring = openKeyring(await vaultKeyFromPassphrase(init.vault, passphrase), init.keys);
    const { key } = createPersonKey(keyring, 'person-1', 'clinical');
    const values = Reflect.ownKeys(key).map((k) => (key as unknown as Record<PropertyKey, unknown>)[k]);
    assert.deepEqual(Reflect.ownKeys(key).sort(), ['domain', 'personId']);
    assert.ok(values.every((v) => typeof v === 'string'), 'no bytes on the object');
    assert.ok(!/"(dek|bytes)"/.test(JSON.stringify(key)));
    assert.ok(Object.isFrozen(key));
    assert.throws(() => new PersonKey(Symbol('forged'), 'person-1', 'clinical', Buffer.alloc(32)), /src\/crypto only/);
    // Still a working key for sealing.
    assert.match(sealPersonRecord(key, 'note', 'n1', { text: 'x' }), /\S/);
  });

  it('only the ingest opens sealed enquiries', () => {
    assert.deepEqual(callers(/\bopenEnquiry\b/).sort(), ['src/core/ingest/inbox-opening.ts', 'src/crypto/open.ts']);
  });

  it('a quarantined envelope is opened only by the ingest and the quarantine door (after the gate admits the read)', () => {
    assert.deepEqual(callers(/\bopenInboxEnvelope\b/).sort(), ['src/core/door/quarantine-door.ts', 'src/core/ingest/inbox-opening.ts']);
    const door = fs.readFileSync(path.join(root, 'src/core/door/quarantine-door.ts'), 'utf8');
    // The one decrypting call sits right after the admission it depends on.
    assert.match(door, /await gate\.admitUnowned\([^;]*;\s*return openInboxEnvelope\(/);
    assert.equal(door.match(/openInboxEnvelope\(/g)?.length, 1);
  });

  it('only src/crypto imports node:crypto', () => {
    const importers = [...production, ...sourceFiles(path.join(root, 'web'))].filter((file) => /from ['"](node:)?crypto['"]/.test(fs.readFileSync(file, 'utf8'))).map(rel);
    assert.ok(importers.length > 0);
    for (const file of importers) assert.match(file, /^src\/crypto\//);
  });
});
