/** Passkey ceremonies against our endpoints: the browser's WebAuthn prompt between an options call and a verify call. */
import { startAuthentication, startRegistration } from '@simplewebauthn/browser';
import { api } from './api.js';
import type { FactorEnrolled } from './api-types.js';

/** Prove it is you with a passkey (sign-in or step-up). */
export async function verifyWithPasskey(): Promise<void> {
  const optionsJSON = await api<Parameters<typeof startAuthentication>[0]['optionsJSON']>('POST', '/api/v1/auth/passkey/options');
  const response = await startAuthentication({ optionsJSON });
  await api('POST', '/api/v1/auth/passkey', { response });
}

/** Create a passkey for the signed-in person (recovery codes come back with their first factor). */
export async function registerPasskey(): Promise<FactorEnrolled> {
  const optionsJSON = await api<Parameters<typeof startRegistration>[0]['optionsJSON']>('POST', '/api/v1/me/factors/passkey/options');
  const response = await startRegistration({ optionsJSON });
  return api<FactorEnrolled>('POST', '/api/v1/me/factors/passkey', { response });
}
