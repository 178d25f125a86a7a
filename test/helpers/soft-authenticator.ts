/**
 * A software WebAuthn authenticator (ES256, attestation "none") for tests
 * that drive the passkey routes over HTTP without a browser — and for the
 * attacks: replayed assertions, wrong origin, tampered signatures.
 */
import crypto from 'node:crypto';
import { encodeCBOR } from '@levischuck/tiny-cbor';

const b64url = (bytes: Uint8Array | Buffer) => Buffer.from(bytes).toString('base64url');

export interface SoftCredential {
  readonly id: string;
  readonly privateKey: crypto.KeyObject;
  signCount: number;
}

/** Create a credential for registration options; returns the response JSON and the credential. */
export function softRegister(options: { challenge: string; rp: { id?: string } }, origin: string): { response: Record<string, unknown>; credential: SoftCredential } {
  const rpId = options.rp.id ?? new URL(origin).hostname;
  const { privateKey, publicKey } = crypto.generateKeyPairSync('ec', { namedCurve: 'P-256' });
  const jwk = publicKey.export({ format: 'jwk' });
  const credentialId = crypto.randomBytes(16);
  const cose = encodeCBOR(
    new Map<number, number | Uint8Array>([
      [1, 2],
      [3, -7],
      [-1, 1],
      [-2, new Uint8Array(Buffer.from(String(jwk.x), 'base64url'))],
      [-3, new Uint8Array(Buffer.from(String(jwk.y), 'base64url'))],
    ]),
  );
  const idLength = Buffer.alloc(2);
  idLength.writeUInt16BE(credentialId.length);
  const authData = Buffer.concat([crypto.createHash('sha256').update(rpId).digest(), Buffer.from([0x45]), Buffer.alloc(4), Buffer.alloc(16), idLength, credentialId, Buffer.from(cose)]);
  const attStmt = new Map<string, string>();
  const attestationObject = encodeCBOR(new Map<string, string | Map<string, string> | Uint8Array>([['fmt', 'none'], ['attStmt', attStmt], ['authData', new Uint8Array(authData)]]));
  const clientDataJSON = Buffer.from(JSON.stringify({ type: 'webauthn.create', challenge: options.challenge, origin, crossOrigin: false }));
  return {
    credential: { id: b64url(credentialId), privateKey, signCount: 0 },
    response: {
      id: b64url(credentialId),
      rawId: b64url(credentialId),
      type: 'public-key',
      response: { clientDataJSON: b64url(clientDataJSON), attestationObject: b64url(attestationObject), transports: ['internal'] },
      clientExtensionResults: {},
    },
  };
}

/** Sign an authentication challenge. */
export function softAssert(credential: SoftCredential, challenge: string, origin: string, rpId = new URL(origin).hostname): Record<string, unknown> {
  credential.signCount += 1;
  const count = Buffer.alloc(4);
  count.writeUInt32BE(credential.signCount);
  const authData = Buffer.concat([crypto.createHash('sha256').update(rpId).digest(), Buffer.from([0x05]), count]);
  const clientDataJSON = Buffer.from(JSON.stringify({ type: 'webauthn.get', challenge, origin, crossOrigin: false }));
  const signature = crypto.sign('sha256', Buffer.concat([authData, crypto.createHash('sha256').update(clientDataJSON).digest()]), credential.privateKey);
  return {
    id: credential.id,
    rawId: credential.id,
    type: 'public-key',
    response: { clientDataJSON: b64url(clientDataJSON), authenticatorData: b64url(authData), signature: b64url(signature) },
    clientExtensionResults: {},
  };
}
