/** Response shapes for a staff member's own factors, password and sessions. */
import { z } from 'zod';
import { CredentialDescriptor } from './sign-in.presenter.js';

/** The account's factors (`GET /api/v1/me/factors`). */
export const FactorStatus = z.object({
  passkeys: z.array(z.object({ id: z.string(), createdAt: z.string(), lastUsedAt: z.string().nullable() })),
  hasTotp: z.boolean(),
  recoveryCodesLeft: z.number(),
});
export type FactorStatus = z.infer<typeof FactorStatus>;

/** A pending authenticator-app enrolment: the secret as a URI, as text and as a QR code (SVG data URL). */
export const TotpEnrolment = z.object({ uri: z.string(), secret: z.string(), qrSvgDataUrl: z.string() });
export type TotpEnrolment = z.infer<typeof TotpEnrolment>;

/** A factor was enrolled; the first one also brings the recovery codes (shown once). */
export const FactorEnrolled = z.object({ status: z.literal('enrolled'), recoveryCodes: z.array(z.string()).optional() });
export type FactorEnrolled = z.infer<typeof FactorEnrolled>;

/** WebAuthn `PublicKeyCredentialCreationOptionsJSON` as @simplewebauthn/server makes it (further fields pass through). */
export const PasskeyCreationOptions = z.looseObject({
  challenge: z.string(),
  rp: z.looseObject({ name: z.string(), id: z.string().optional() }),
  user: z.looseObject({ id: z.string(), name: z.string(), displayName: z.string() }),
  pubKeyCredParams: z.array(z.looseObject({ alg: z.number(), type: z.string() })),
  timeout: z.number().optional(),
  attestation: z.string().optional(),
  excludeCredentials: z.array(CredentialDescriptor).optional(),
  authenticatorSelection: z.looseObject({}).optional(),
  extensions: z.looseObject({}).optional(),
  hints: z.array(z.string()).optional(),
});

/** New recovery codes (shown once; the old ones no longer work). */
export const RecoveryCodes = z.object({ recoveryCodes: z.array(z.string()) });
export type RecoveryCodes = z.infer<typeof RecoveryCodes>;

export const PasswordChanged = z.object({ status: z.literal('changed'), otherSessionsRevoked: z.number() });
export type PasswordChanged = z.infer<typeof PasswordChanged>;

/** A signed-in session as its owner sees it (no token, no hash). */
export const SessionSummary = z.object({ id: z.string(), createdAt: z.string(), lastSeenAt: z.string(), ip: z.string().nullable(), userAgent: z.string().nullable(), isCurrent: z.boolean() });
export type SessionSummary = z.infer<typeof SessionSummary>;
export const SessionList = z.object({ sessions: z.array(SessionSummary) });
export type SessionList = z.infer<typeof SessionList>;

/** A factor was removed (`removed`) or a session ended (`revoked`). */
export const Removed = z.object({ status: z.enum(['removed', 'revoked']) });
export type Removed = z.infer<typeof Removed>;
