import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { Aes256Gcm, CipherSuite, DhkemX25519HkdfSha256, HkdfSha256 } from '@hpke/core';
import { fromBase64Url, toBase64Url, utf8 } from './bytes.js';
import { ENQUIRY_HPKE_INFO, enquiryAad } from './enquiry-suite.js';
import { AEAD, contextOpen, contextSeal, dh, kemSharedSecret, keySchedule, scheduleParams, x25519PrivateKey, x25519PublicKey } from './hpke-schedule.js';
import { generateIntakeKeyPair, importOpeningKey, openBase, openEnquiry } from './open.js';
import { importSealingKey, sealBase, sealEnquiry } from './seal.js';

const hex = (text: string): Buffer => Buffer.from(text, 'hex');
const toArrayBuffer = (bytes: Uint8Array): ArrayBuffer => Uint8Array.from(bytes).buffer;

// RFC 9180 Appendix A.1.1: DHKEM(X25519, HKDF-SHA256), HKDF-SHA256, AES-128-GCM, base mode.
const A11 = {
  info: '4f6465206f6e2061204772656369616e2055726e',
  pkEm: '37fda3567bdbd628e88668c3c8d7e97d1d1253b6d4ea6d44c150f741f1bf4431',
  skEm: '52c4a758a802cd8b936eceea314432798d5baf2d7e9235dc084ab1b9cfa2f736',
  pkRm: '3948cfe0ad1ddb695d780e59077195da6c56506b027329794ab02bca80815c4d',
  skRm: '4612c550263fc8ad58375df3f557aac531d26850903e55a9f23f21d8534e8ac8',
  sharedSecret: 'fe0e18c9f024ce43799ae393c7e8fe8fce9d218875e8227b0187c04e7d2ea1fc',
  keyScheduleContext:
    '00725611c9d98c07c03f60095cd32d400d8347d45ed67097bbad50fc56da742d07cb6cffde367bb0565ba28bb02c90744a20f5ef37f30523526106f637abb05449',
  key: '4531685d41d65f03dc48f6b8302c05b0',
  baseNonce: '56d890e5accaaf011cff4b7d',
  exporterSecret: '45ff1c2e220db587171952c0592d5f5ebe103f1561a2614e38f2ffd47e99e3f8',
  pt: '4265617574792069732074727574682c20747275746820626561757479',
  encryptions: [
    { seq: 0, aad: '436f756e742d30', ct: 'f938558b5d72f1a23810b4be2ab4f84331acc02fc97babc53a52ae8218a355a96d8770ac83d07bea87e13c512a' },
    { seq: 1, aad: '436f756e742d31', ct: 'af2d7e9ac9ae7e270f46ba1f975be53c09f8d875bdc8535458c2494e8a6eab251c03d0c22a56b8ca42c2063b84' },
    { seq: 255, aad: '436f756e742d323535', ct: '7175db9717964058640a3a11fb9007941a5d1757fda1a6935c805c21af32505bf106deefec4a49ac38d71c9e0a' },
    { seq: 256, aad: '436f756e742d323536', ct: '957f9800542b0b8891badb026d79cc54597cb2d225b54c00c5238c25d05c30e3fbeda97d2e0e1aba483a2df9f2' },
  ],
};

describe('HPKE (RFC 9180) on node:crypto', () => {
  it('reproduces the Appendix A.1.1 key schedule and encryptions', () => {
    const params = scheduleParams(AEAD.aes128gcm, hex(A11.info));
    assert.equal(Buffer.from(params.keyScheduleContext).toString('hex'), A11.keyScheduleContext);
    const enc = hex(A11.pkEm);
    const senderSecret = kemSharedSecret(dh(x25519PrivateKey(hex(A11.skEm)), x25519PublicKey(hex(A11.pkRm))), enc, hex(A11.pkRm));
    const recipientSecret = kemSharedSecret(dh(x25519PrivateKey(hex(A11.skRm)), x25519PublicKey(enc)), enc, hex(A11.pkRm));
    assert.equal(senderSecret.toString('hex'), A11.sharedSecret);
    assert.equal(recipientSecret.toString('hex'), A11.sharedSecret);
    const context = keySchedule(params, senderSecret);
    assert.equal(context.key.toString('hex'), A11.key);
    assert.equal(context.baseNonce.toString('hex'), A11.baseNonce);
    assert.equal(context.exporterSecret().toString('hex'), A11.exporterSecret);
    for (const vector of A11.encryptions) {
      assert.equal(contextSeal(context, vector.seq, hex(vector.aad), hex(A11.pt)).toString('hex'), vector.ct, `seq ${vector.seq}`);
      assert.equal(contextOpen(context, vector.seq, hex(vector.aad), hex(vector.ct)).toString('hex'), A11.pt);
    }
  });

  it('SealBase with the vector ephemeral key yields the vector enc and ciphertext; OpenBase reverses it', () => {
    const params = scheduleParams(AEAD.aes128gcm, hex(A11.info));
    const recipient = importSealingKey('kat', toBase64Url(hex(A11.pkRm)));
    const sealed = sealBase(recipient, params, hex('436f756e742d30'), hex(A11.pt), { privateKey: x25519PrivateKey(hex(A11.skEm)), publicKey: x25519PublicKey(hex(A11.pkEm)) });
    assert.equal(Buffer.from(sealed.enc).toString('hex'), A11.pkEm);
    assert.equal(Buffer.from(sealed.ct).toString('hex'), A11.encryptions[0]?.ct);
    const opening = importOpeningKey('kat', hex(A11.skRm), hex(A11.pkRm));
    assert.equal(openBase(opening, params, sealed.enc, hex('436f756e742d30'), sealed.ct).toString('hex'), A11.pt);
  });

  it('interoperates with the browser library (@hpke/core) in both directions, AES-256-GCM', async () => {
    const suite = new CipherSuite({ kem: new DhkemX25519HkdfSha256(), kdf: new HkdfSha256(), aead: new Aes256Gcm() });
    const pair = generateIntakeKeyPair();
    const opening = importOpeningKey('intake.v1', pair.privateKeyRaw, fromBase64Url(pair.publicKeyB64));
    const body = utf8(JSON.stringify({ note: 'interop ü' }));
    const aad = utf8(enquiryAad('clinic-a', 'intake.v1'));

    const publicKey = await suite.kem.importKey('raw', toArrayBuffer(fromBase64Url(pair.publicKeyB64)), true);
    const fromBrowser = await suite.seal({ recipientPublicKey: publicKey, info: utf8(ENQUIRY_HPKE_INFO) }, body, aad);
    const opened = openEnquiry(opening, 'clinic-a', toBase64Url(new Uint8Array(fromBrowser.enc)), toBase64Url(new Uint8Array(fromBrowser.ct)));
    assert.deepEqual(new Uint8Array(opened), body);

    const fromServer = sealEnquiry(importSealingKey('intake.v1', pair.publicKeyB64), 'clinic-a', body);
    const privateKey = await suite.kem.importKey('raw', toArrayBuffer(pair.privateKeyRaw), false);
    const plain = await suite.open({ recipientKey: privateKey, enc: fromBase64Url(fromServer.enc), info: utf8(ENQUIRY_HPKE_INFO) }, fromBase64Url(fromServer.ct), aad);
    assert.deepEqual(new Uint8Array(plain), body);
  });

  it('refuses tampered, truncated, re-targeted and wrong-key ciphertexts', () => {
    const pair = generateIntakeKeyPair();
    const other = generateIntakeKeyPair();
    const opening = importOpeningKey('intake.v1', pair.privateKeyRaw, fromBase64Url(pair.publicKeyB64));
    const sealed = sealEnquiry(importSealingKey('intake.v1', pair.publicKeyB64), 'clinic-a', utf8('hello'));
    assert.equal(openEnquiry(opening, 'clinic-a', sealed.enc, sealed.ct).toString(), 'hello');
    const ct = fromBase64Url(sealed.ct);
    for (let i = 0; i < ct.length; i++) {
      const flipped = Uint8Array.from(ct);
      flipped[i] = (flipped[i] as number) ^ 0x01;
      assert.throws(() => openEnquiry(opening, 'clinic-a', sealed.enc, toBase64Url(flipped)), `flip at ${i}`);
    }
    const enc = fromBase64Url(sealed.enc);
    enc[0] = (enc[0] as number) ^ 0x80;
    assert.throws(() => openEnquiry(opening, 'clinic-a', toBase64Url(enc), sealed.ct));
    assert.throws(() => openEnquiry(opening, 'clinic-a', sealed.enc, toBase64Url(ct.subarray(0, ct.length - 1))));
    assert.throws(() => openEnquiry(opening, 'clinic-a', sealed.enc, toBase64Url(ct.subarray(0, 10))));
    assert.throws(() => openEnquiry(opening, 'clinic-b', sealed.enc, sealed.ct), 'moved to another clinic');
    const wrong = importOpeningKey('intake.v1', other.privateKeyRaw, fromBase64Url(other.publicKeyB64));
    assert.throws(() => openEnquiry(wrong, 'clinic-a', sealed.enc, sealed.ct));
    assert.throws(() => openEnquiry(opening, 'clinic-a', toBase64Url(new Uint8Array(32)), sealed.ct), 'small-order point');
  });
});
