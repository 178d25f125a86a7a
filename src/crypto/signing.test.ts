import assert from 'node:assert/strict';
import { createHash, generateKeyPairSync, sign } from 'node:crypto';
import { describe, it } from 'node:test';
import { fromBase64Url, toBase64Url } from './bytes.js';
import { generateSigningKeyPair, importSigningKey, parseFingerprint, signingKeyFingerprint, signMessage, verifyMessage } from './signing.js';

const MESSAGE = 'tacet-audit-checkpoint/v1|7|abc|2026-01-01T00:00:00.000Z';

function spkiB64(publicKey: ReturnType<typeof generateKeyPairSync>['publicKey']): string {
  return toBase64Url(publicKey.export({ format: 'der', type: 'spki' }));
}

describe('audit signatures', () => {
  it('verifies an Ed25519 signature and rejects a changed message', () => {
    const pair = generateSigningKeyPair();
    const signature = signMessage(importSigningKey(pair.privateKeyPkcs8), MESSAGE);
    assert.equal(verifyMessage(pair.publicKeyB64, MESSAGE, signature), true);
    assert.equal(verifyMessage(pair.publicKeyB64, `${MESSAGE}x`, signature), false);
  });

  it('rejects a valid RSA or ECDSA signature: only Ed25519 keys are accepted', () => {
    const rsa = generateKeyPairSync('rsa', { modulusLength: 2048 });
    const rsaSignature = toBase64Url(sign('sha256', Buffer.from(MESSAGE), rsa.privateKey));
    assert.equal(verifyMessage(spkiB64(rsa.publicKey), MESSAGE, rsaSignature), false);
    const ec = generateKeyPairSync('ec', { namedCurve: 'P-256' });
    const ecSignature = toBase64Url(sign('sha256', Buffer.from(MESSAGE), ec.privateKey));
    assert.equal(verifyMessage(spkiB64(ec.publicKey), MESSAGE, ecSignature), false);
    const ed448 = generateKeyPairSync('ed448');
    assert.equal(verifyMessage(spkiB64(ed448.publicKey), MESSAGE, toBase64Url(sign(null, Buffer.from(MESSAGE), ed448.privateKey))), false);
  });

  it('fingerprints the raw Ed25519 public key with SHA-256, in hex groups', () => {
    const pair = generateSigningKeyPair();
    const raw = fromBase64Url(pair.publicKeyB64).subarray(-32);
    const expected = createHash('sha256').update(raw).digest('hex');
    const fingerprint = signingKeyFingerprint(pair.publicKeyB64);
    assert.match(fingerprint, /^[0-9a-f]{4}(:[0-9a-f]{4}){15}$/);
    assert.equal(fingerprint.replaceAll(':', ''), expected);
    // The same key as PEM has the same fingerprint; another key does not.
    const pem = `-----BEGIN PUBLIC KEY-----\n${Buffer.from(fromBase64Url(pair.publicKeyB64)).toString('base64')}\n-----END PUBLIC KEY-----\n`;
    assert.equal(signingKeyFingerprint(pem), fingerprint);
    assert.notEqual(signingKeyFingerprint(generateSigningKeyPair().publicKeyB64), fingerprint);
    assert.throws(() => signingKeyFingerprint(spkiB64(generateKeyPairSync('ec', { namedCurve: 'P-256' }).publicKey)), /Ed25519/);
  });

  it('parses a fingerprint however it is grouped, and nothing else', () => {
    const fingerprint = signingKeyFingerprint(generateSigningKeyPair().publicKeyB64);
    assert.equal(parseFingerprint(fingerprint.toUpperCase()), fingerprint);
    assert.equal(parseFingerprint(fingerprint.replaceAll(':', ' ')), fingerprint);
    assert.equal(parseFingerprint(fingerprint.replaceAll(':', '')), fingerprint);
    assert.equal(parseFingerprint(fingerprint.slice(0, -1)), undefined);
    assert.equal(parseFingerprint('/etc/tacet/audit-key.pub'), undefined);
  });
});
