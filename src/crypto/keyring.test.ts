import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { fromBase64Url, toBase64Url, utf8 } from './bytes.js';
import { blindIndex, deriveBlindIndexKeys } from './blind-index.js';
import { envelopeHeader, EnvelopeError, generateSymmetricKey, openEnvelope, sealEnvelope } from './envelope.js';
import { createPersonKey, openKeyring, openPersonKey, openPersonRecord, sealPersonRecord } from './keyring.js';
import { UnsealError } from './key-material.js';
import { initVault, vaultKeyFromPassphrase, VAULT_KDF_FLOOR, vaultKeyFromShares } from './vault-key.js';
import { checkFormToken, formTokenUse, issueFormToken } from './form-token.js';

// The floor is the cheapest the keyring accepts; production uses VAULT_KDF_PARAMS.
const FAST_KDF = VAULT_KDF_FLOOR;

describe('envelope', () => {
  const key = generateSymmetricKey('contact.v1');
  const resolve = (id: string) => (id === key.id ? key : undefined);

  it('round-trips and exposes key id and algorithm without a key', () => {
    const envelope = sealEnvelope(key, utf8('secret value'), 'persons/1/contact');
    assert.equal(openEnvelope(resolve, envelope, 'persons/1/contact').toString(), 'secret value');
    const header = envelopeHeader(envelope);
    assert.equal(header.keyId, 'contact.v1');
    assert.equal(header.alg, 'AES-256-GCM');
    assert.equal(header.v, 1);
  });

  it('rejects every single-bit flip, truncation, wrong context and wrong key', () => {
    const envelope = sealEnvelope(key, utf8('abc'), 'ctx');
    const bytes = fromBase64Url(envelope);
    for (let i = 0; i < bytes.length; i++) {
      const copy = Uint8Array.from(bytes);
      copy[i] = (copy[i] as number) ^ 0x04;
      assert.throws(() => openEnvelope(resolve, toBase64Url(copy), 'ctx'), EnvelopeError, `flip at ${i}`);
    }
    for (const cut of [1, 5, 16, bytes.length - 1]) {
      assert.throws(() => openEnvelope(resolve, toBase64Url(bytes.subarray(0, bytes.length - cut)), 'ctx'), EnvelopeError);
    }
    assert.throws(() => openEnvelope(resolve, envelope, 'other'), EnvelopeError);
    const impostor = { id: 'contact.v1', bytes: generateSymmetricKey('x').bytes };
    assert.throws(() => openEnvelope(() => impostor, envelope, 'ctx'), EnvelopeError);
    assert.throws(() => openEnvelope(resolve, 'not*base64', 'ctx'), EnvelopeError);
  });
});

describe('keyring', () => {
  it('unseals with the passphrase, refuses a wrong one, and opens person records', async () => {
    const init = await initVault({ passphrase: 'correct horse battery staple', kdfParams: FAST_KDF });
    await assert.rejects(vaultKeyFromPassphrase(init.vault, 'wrong horse'), UnsealError);
    const vaultKey = await vaultKeyFromPassphrase(init.vault, 'correct horse battery staple');
    const keyring = openKeyring(vaultKey, init.keys);
    const { key, wrapped, wrappingKeyId } = createPersonKey(keyring, 'person-1', 'contact');
    assert.equal(wrappingKeyId, 'contact.v1');
    assert.equal(envelopeHeader(wrapped).keyId, 'contact.v1');
    const record = sealPersonRecord(key, 'contact', 'person-1', { name: 'A' });
    const reopened = openPersonKey(keyring, 'person-1', 'contact', wrapped);
    assert.deepEqual(openPersonRecord(reopened, 'contact', 'person-1', record), { name: 'A' });
    // A DEK wrapped for one person or domain does not open as another's.
    assert.throws(() => openPersonKey(keyring, 'person-2', 'contact', wrapped), EnvelopeError);
    assert.throws(() => openPersonKey(keyring, 'person-1', 'clinical', wrapped), EnvelopeError);
    // A record does not open under another person's key, nor as another record.
    const otherKey = createPersonKey(keyring, 'person-1', 'contact').key;
    assert.throws(() => openPersonRecord(otherKey, 'contact', 'person-1', record), EnvelopeError);
    assert.throws(() => openPersonRecord(reopened, 'enquiry', 'person-1', record), EnvelopeError);
  });

  it('unseals with any k of n Shamir shares and refuses fewer or forged ones', async () => {
    const init = await initVault({ shamir: { threshold: 3, shares: 5 } });
    assert.equal(init.shares.length, 5);
    const [a, b, c, d] = init.shares as [string, string, string, string, string];
    const key1 = await vaultKeyFromShares(init.vault, [a, c, d]);
    const key2 = await vaultKeyFromShares(init.vault, [b, c, a]);
    assert.deepEqual(key1.bytes, key2.bytes);
    openKeyring(key1, init.keys);
    await assert.rejects(vaultKeyFromShares(init.vault, [a, b]), UnsealError);
    const forged = fromBase64Url(d);
    forged[3] = (forged[3] as number) ^ 0xff;
    await assert.rejects(vaultKeyFromShares(init.vault, [a, b, toBase64Url(forged)]), UnsealError);
    const otherVault = await initVault({ shamir: { threshold: 2, shares: 2 } });
    await assert.rejects(vaultKeyFromShares(init.vault, otherVault.shares), UnsealError);
  });

  it('refuses key material that was tampered with or comes from another vault', async () => {
    const first = await initVault({ passphrase: 'one passphrase here', kdfParams: FAST_KDF });
    const second = await initVault({ passphrase: 'one passphrase here', kdfParams: FAST_KDF });
    const vaultKey = await vaultKeyFromPassphrase(first.vault, 'one passphrase here');
    assert.throws(() => openKeyring(vaultKey, second.keys), UnsealError);
    const tampered = first.keys.map((record, i) => (i === 0 ? { ...record, wrapped: record.wrapped.slice(0, -2) + 'AA' } : record));
    assert.throws(() => openKeyring(vaultKey, tampered), UnsealError);
  });
});

describe('blind index', () => {
  it('is deterministic per key and field, differs across fields and keys, and is 64 bits', () => {
    const keys = deriveBlindIndexKeys(generateSymmetricKey('bi').bytes);
    const other = deriveBlindIndexKeys(generateSymmetricKey('bi').bytes);
    const value = 'someone@example.org';
    assert.equal(blindIndex(keys, 'email', value), blindIndex(keys, 'email', value));
    assert.match(blindIndex(keys, 'email', value), /^[0-9a-f]{16}$/);
    assert.notEqual(blindIndex(keys, 'email', value), blindIndex(keys, 'phone', value));
    assert.notEqual(blindIndex(keys, 'email', value), blindIndex(other, 'email', value));
  });
});

describe('form token', () => {
  it('accepts a human-paced submission and refuses fast, stale and forged ones', () => {
    const secret = generateSymmetricKey('form').bytes;
    const token = issueFormToken(secret, 1_000_000);
    assert.equal(checkFormToken(secret, token, 1_005_000, 3000, 3_600_000), 'ok');
    assert.equal(checkFormToken(secret, token, 1_001_000, 3000, 3_600_000), 'too-fast');
    assert.equal(checkFormToken(secret, token, 9_000_000, 3000, 3_600_000), 'expired');
    assert.equal(checkFormToken(secret, token.replace(/^1/, '2'), 2_005_000, 3000, 3_600_000), 'malformed');
    assert.equal(checkFormToken(generateSymmetricKey('x').bytes, token, 1_005_000, 3000, 3_600_000), 'malformed');
  });

  it('gives every issue its own id, so that each can be spent once; the use record holds a hash, not the token', () => {
    const secret = generateSymmetricKey('form').bytes;
    const [a, b] = [issueFormToken(secret, 1_000_000), issueFormToken(secret, 1_000_000)] as [string, string];
    assert.notEqual(a, b);
    assert.notEqual(formTokenUse(a, 3_600_000).idHash, formTokenUse(b, 3_600_000).idHash);
    assert.equal(formTokenUse(a, 3_600_000).idHash, formTokenUse(a, 3_600_000).idHash);
    assert.equal(formTokenUse(a, 3_600_000).expiresAt.getTime(), 4_600_000);
    assert.ok(!formTokenUse(a, 3_600_000).idHash.includes(a.split('.')[1] as string));
    // The nonce is signed: a new nonce on an old signature is refused.
    assert.equal(checkFormToken(secret, a.replace(/\.[^.]+\./, `.${'A'.repeat(22)}.`), 1_005_000, 3000, 3_600_000), 'malformed');
  });
});

describe('random pool', () => {
  it('never hands out the same bytes twice, across pool refills', async () => {
    const { randomSecret } = await import('./random.js');
    const seen = new Set<string>();
    for (let i = 0; i < 5000; i++) {
      const value = randomSecret(12).toString('hex');
      assert.ok(!seen.has(value));
      seen.add(value);
    }
    assert.equal(randomSecret(1000).length, 1000);
  });
});

describe('vault KDF floor', () => {
  it('refuses to protect a vault, or to unseal one, with Argon2id parameters below the floor', async () => {
    for (const weak of [{ memoryCost: 1024, timeCost: 3, parallelism: 1 }, { memoryCost: 65_536, timeCost: 1, parallelism: 1 }, { memoryCost: 65_536, timeCost: 3, parallelism: 0 }, { memoryCost: Number.NaN, timeCost: 3, parallelism: 1 }]) {
      await assert.rejects(initVault({ passphrase: 'correct horse battery staple', kdfParams: weak }), UnsealError);
    }
    const init = await initVault({ passphrase: 'correct horse battery staple', kdfParams: VAULT_KDF_FLOOR });
    assert.ok(await vaultKeyFromPassphrase(init.vault, 'correct horse battery staple'));
    // A database writer lowering the stored cost does not get a cheap guess past the floor check.
    const lowered = { ...init.vault, passphrase: init.vault.passphrase && { ...init.vault.passphrase, params: { memoryCost: 8, timeCost: 1, parallelism: 1 } } };
    await assert.rejects(vaultKeyFromPassphrase(lowered, 'correct horse battery staple'), /below the floor/);
  });
});
