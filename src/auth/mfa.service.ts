/**
 * Second factors: passkeys (WebAuthn, the default; phishing-resistant), TOTP
 * (RFC 6238, the fallback) and one-time recovery codes. No SMS, no e-mail
 * codes, no security questions.
 *
 * SECURITY: TOTP seeds are sealed with the vault-derived staff-secret key;
 * a code is accepted once (the last used time step is kept). Recovery codes
 * are ~99-bit random and stored as SHA-256 hashes. WebAuthn origin and RP id
 * come from configuration, never from the request.
 */
import {
  type AuthenticationResponseJSON,
  generateAuthenticationOptions,
  generateRegistrationOptions,
  type PublicKeyCredentialCreationOptionsJSON,
  type PublicKeyCredentialRequestOptionsJSON,
  type RegistrationResponseJSON,
  verifyAuthenticationResponse,
  verifyRegistrationResponse,
} from '@simplewebauthn/server';
import { Secret, TOTP } from 'otpauth';
import QRCode from 'qrcode';
import { fromBase64Url, toBase64Url, utf8 } from '../crypto/bytes.js';
import { openStaffSecret, sealStaffSecret } from '../crypto/keyring.js';
import { recoveryCode } from '../crypto/random.js';
import { sha256Hex } from '../crypto/digest.js';
import type { KeySource } from '../crypto/key-source.js';
import type { Db } from '../db/database.js';
import type { StaffRow } from '../db/tables.js';
import type { Clock } from '../platform/clock.js';
import {
  advanceTotpStep,
  confirmTotp,
  countUnusedRecoveryCodes,
  deletePasskey,
  deleteTotp,
  findPasskey,
  findTotp,
  findTotpConfirmedAt,
  hasConfirmedTotp,
  hasPasskey,
  insertPasskey,
  insertTotp,
  listPasskeys,
  markPasskeyUsed,
  replaceRecoveryCodes,
  useRecoveryCode,
} from './factor.repository.js';

/** Which factors an account has. */
export interface FactorStatus {
  readonly passkeys: readonly { id: string; createdAt: string; lastUsedAt: string | null }[];
  readonly hasTotp: boolean;
  readonly recoveryCodesLeft: number;
}

export interface TotpEnrolment {
  readonly uri: string;
  readonly secret: string;
  readonly qrSvgDataUrl: string;
}

/** Relying-party settings (from configuration). */
export interface RelyingParty {
  readonly name: string;
  readonly id: string;
  readonly origin: string;
}

export interface MfaService {
  readonly status: (staffId: string) => Promise<FactorStatus>;
  readonly hasAnyFactor: (staffId: string) => Promise<boolean>;
  readonly startTotp: (staff: StaffRow) => Promise<TotpEnrolment>;
  /** Confirm a pending TOTP enrolment with a first code. */
  readonly confirmTotp: (staffId: string, code: string) => Promise<boolean>;
  readonly verifyTotp: (staffId: string, code: string) => Promise<boolean>;
  readonly removeTotp: (staffId: string) => Promise<void>;
  readonly passkeyRegistrationOptions: (staff: StaffRow) => Promise<PublicKeyCredentialCreationOptionsJSON>;
  readonly registerPasskey: (staffId: string, response: RegistrationResponseJSON, expectedChallenge: string) => Promise<boolean>;
  readonly passkeyAuthenticationOptions: (staffId: string) => Promise<PublicKeyCredentialRequestOptionsJSON>;
  readonly verifyPasskey: (staffId: string, response: AuthenticationResponseJSON, expectedChallenge: string) => Promise<boolean>;
  readonly removePasskey: (staffId: string, credentialId: string) => Promise<boolean>;
  /** Replace all recovery codes; returns the new ones (shown once). */
  readonly issueRecoveryCodes: (staffId: string) => Promise<string[]>;
  readonly useRecoveryCode: (staffId: string, code: string) => Promise<boolean>;
}

const TOTP_PERIOD = 30;
const RECOVERY_CODES = 10;

function totpFor(secret: string, label: string): TOTP {
  return new TOTP({ issuer: 'Tacet', label, algorithm: 'SHA1', digits: 6, period: TOTP_PERIOD, secret: Secret.fromBase32(secret) });
}

/** What is stored of a recovery code: the hash of its normalised form (spaces, dashes and case do not matter). */
function recoveryCodeHash(code: string): string {
  return sha256Hex(`recovery|${code.replace(/[\s-]/g, '').toLowerCase()}`);
}

/** Create the MFA service. `vault` is only asked for the keyring (the staff-secret key seals TOTP seeds). */
export function createMfaService(deps: { db: Db; vault: KeySource; clock: Clock; rp: RelyingParty }): MfaService {
  const { db, clock, rp } = deps;
  const now = () => clock.now().toISOString();

  async function loadTotp(staffId: string, confirmed: boolean): Promise<{ totp: TOTP; lastStep: number } | undefined> {
    const row = await findTotp(db, staffId);
    if (!row || (row.confirmed_at !== null) !== confirmed) return undefined;
    const secret = openStaffSecret(deps.vault.keyring(), 'totp', staffId, row.secret_envelope);
    return { totp: totpFor(secret, staffId), lastStep: Number(row.last_step) };
  }

  /** The time step a code belongs to, if valid (±1 step of drift) and newer than the last one used. */
  function acceptedStep(totp: TOTP, code: string, lastStep: number): number | undefined {
    const token = code.replace(/\s/g, '');
    if (!/^\d{6}$/.test(token)) return undefined;
    const timestamp = clock.now().getTime();
    const delta = totp.validate({ token, timestamp, window: 1 });
    if (delta === null) return undefined;
    const step = totp.counter({ timestamp }) + delta;
    return step > lastStep ? step : undefined;
  }

  return {
    async status(staffId) {
      const [passkeys, totp, recoveryCodesLeft] = await Promise.all([listPasskeys(db, staffId), findTotpConfirmedAt(db, staffId), countUnusedRecoveryCodes(db, staffId)]);
      return {
        passkeys: passkeys.map((p) => ({ id: p.id, createdAt: p.created_at, lastUsedAt: p.last_used_at })),
        hasTotp: Boolean(totp?.confirmed_at),
        recoveryCodesLeft,
      };
    },
    async hasAnyFactor(staffId) {
      const hasKey = await hasPasskey(db, staffId);
      const hasTotp = await hasConfirmedTotp(db, staffId);
      return hasKey || hasTotp;
    },
    async startTotp(staff) {
      const secret = new Secret({ size: 20 }).base32;
      const envelope = sealStaffSecret(deps.vault.keyring(), 'totp', staff.id, secret);
      await deleteTotp(db, staff.id);
      await insertTotp(db, { staff_id: staff.id, secret_envelope: envelope, confirmed_at: null, last_step: 0, created_at: now() });
      const uri = totpFor(secret, staff.email).toString();
      const svg = await QRCode.toString(uri, { type: 'svg', errorCorrectionLevel: 'M', margin: 2 });
      return { uri, secret, qrSvgDataUrl: `data:image/svg+xml;base64,${Buffer.from(svg).toString('base64')}` };
    },
    async confirmTotp(staffId, code) {
      const pending = await loadTotp(staffId, false);
      const step = pending && acceptedStep(pending.totp, code, pending.lastStep);
      if (step === undefined || !pending) return false;
      await confirmTotp(db, staffId, now(), step);
      return true;
    },
    async verifyTotp(staffId, code) {
      const current = await loadTotp(staffId, true);
      const step = current && acceptedStep(current.totp, code, current.lastStep);
      if (step === undefined || !current) return false;
      // SECURITY: compare-and-set on the step, so a replayed (or concurrent) code is accepted once.
      return advanceTotpStep(db, staffId, step);
    },
    removeTotp: (staffId) => deleteTotp(db, staffId),
    async passkeyRegistrationOptions(staff) {
      const existing = await listPasskeys(db, staff.id);
      return generateRegistrationOptions({
        rpName: rp.name,
        rpID: rp.id,
        userName: staff.email,
        userDisplayName: staff.display_name,
        userID: Uint8Array.from(utf8(staff.id)),
        attestationType: 'none',
        excludeCredentials: existing.map((p) => ({ id: p.id, transports: JSON.parse(p.transports) as string[] })),
        authenticatorSelection: { residentKey: 'preferred', userVerification: 'required' },
      });
    },
    async registerPasskey(staffId, response, expectedChallenge) {
      let verification;
      try {
        verification = await verifyRegistrationResponse({ response, expectedChallenge, expectedOrigin: rp.origin, expectedRPID: rp.id, requireUserVerification: true });
      } catch {
        return false;
      }
      if (!verification.verified) return false;
      const { credential } = verification.registrationInfo;
      await insertPasskey(db, { id: credential.id, staff_id: staffId, public_key: toBase64Url(credential.publicKey), counter: credential.counter, transports: JSON.stringify(credential.transports ?? []), created_at: now(), last_used_at: null });
      return true;
    },
    async passkeyAuthenticationOptions(staffId) {
      const existing = await listPasskeys(db, staffId);
      return generateAuthenticationOptions({ rpID: rp.id, userVerification: 'required', allowCredentials: existing.map((p) => ({ id: p.id, transports: JSON.parse(p.transports) as string[] })) });
    },
    async verifyPasskey(staffId, response, expectedChallenge) {
      const stored = typeof response?.id === 'string' ? await findPasskey(db, staffId, response.id) : undefined;
      if (!stored) return false;
      let verification;
      try {
        verification = await verifyAuthenticationResponse({
          response,
          expectedChallenge,
          expectedOrigin: rp.origin,
          expectedRPID: rp.id,
          requireUserVerification: true,
          credential: { id: stored.id, publicKey: Uint8Array.from(fromBase64Url(stored.public_key)), counter: Number(stored.counter), transports: JSON.parse(stored.transports) as string[] },
        });
      } catch {
        return false;
      }
      if (!verification.verified) return false;
      await markPasskeyUsed(db, stored.id, verification.authenticationInfo.newCounter, now());
      return true;
    },
    removePasskey: (staffId, credentialId) => deletePasskey(db, staffId, credentialId),
    async issueRecoveryCodes(staffId) {
      const codes = Array.from({ length: RECOVERY_CODES }, () => recoveryCode());
      await replaceRecoveryCodes(db, staffId, codes.map(recoveryCodeHash), now());
      return codes;
    },
    useRecoveryCode: (staffId, code) => useRecoveryCode(db, staffId, recoveryCodeHash(code), now()),
  };
}
