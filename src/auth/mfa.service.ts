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
import { recoveryCode, sha256Hex } from '../crypto/random.js';
import type { Db } from '../db/database.js';
import type { StaffRow } from '../db/tables.js';
import type { Clock } from '../platform/clock.js';
import type { VaultService } from '../core/vault/vault.service.js';

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

function normaliseCode(code: string): string {
  return code.replace(/[\s-]/g, '').toLowerCase();
}

/** Create the MFA service. */
export function createMfaService(deps: { db: Db; vault: VaultService; clock: Clock; rp: RelyingParty }): MfaService {
  const { db, clock, rp } = deps;
  const now = () => clock.now().toISOString();

  async function loadTotp(staffId: string, confirmed: boolean): Promise<{ totp: TOTP; lastStep: number } | undefined> {
    const row = await db.selectFrom('staff_totp').selectAll().where('staff_id', '=', staffId).executeTakeFirst();
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

  async function passkeysOf(staffId: string) {
    return db.selectFrom('staff_passkeys').selectAll().where('staff_id', '=', staffId).execute();
  }

  return {
    async status(staffId) {
      const [passkeys, totp, codes] = await Promise.all([
        passkeysOf(staffId),
        db.selectFrom('staff_totp').select('confirmed_at').where('staff_id', '=', staffId).executeTakeFirst(),
        db.selectFrom('staff_recovery_codes').select('code_hash').where('staff_id', '=', staffId).where('used_at', 'is', null).execute(),
      ]);
      return {
        passkeys: passkeys.map((p) => ({ id: p.id, createdAt: p.created_at, lastUsedAt: p.last_used_at })),
        hasTotp: Boolean(totp?.confirmed_at),
        recoveryCodesLeft: codes.length,
      };
    },
    async hasAnyFactor(staffId) {
      const passkey = await db.selectFrom('staff_passkeys').select('id').where('staff_id', '=', staffId).executeTakeFirst();
      const totp = await db.selectFrom('staff_totp').select('staff_id').where('staff_id', '=', staffId).where('confirmed_at', 'is not', null).executeTakeFirst();
      return Boolean(passkey ?? totp);
    },
    async startTotp(staff) {
      const secret = new Secret({ size: 20 }).base32;
      const envelope = sealStaffSecret(deps.vault.keyring(), 'totp', staff.id, secret);
      await db.deleteFrom('staff_totp').where('staff_id', '=', staff.id).execute();
      await db.insertInto('staff_totp').values({ staff_id: staff.id, secret_envelope: envelope, confirmed_at: null, last_step: 0, created_at: now() }).execute();
      const uri = totpFor(secret, staff.email).toString();
      const svg = await QRCode.toString(uri, { type: 'svg', errorCorrectionLevel: 'M', margin: 2 });
      return { uri, secret, qrSvgDataUrl: `data:image/svg+xml;base64,${Buffer.from(svg).toString('base64')}` };
    },
    async confirmTotp(staffId, code) {
      const pending = await loadTotp(staffId, false);
      const step = pending && acceptedStep(pending.totp, code, pending.lastStep);
      if (step === undefined || !pending) return false;
      await db.updateTable('staff_totp').set({ confirmed_at: now(), last_step: step }).where('staff_id', '=', staffId).execute();
      return true;
    },
    async verifyTotp(staffId, code) {
      const current = await loadTotp(staffId, true);
      const step = current && acceptedStep(current.totp, code, current.lastStep);
      if (step === undefined || !current) return false;
      // SECURITY: compare-and-set on the step, so a replayed (or concurrent) code is accepted once.
      const result = await db.updateTable('staff_totp').set({ last_step: step }).where('staff_id', '=', staffId).where('last_step', '<', step).executeTakeFirst();
      return Number(result.numUpdatedRows) === 1;
    },
    async removeTotp(staffId) {
      await db.deleteFrom('staff_totp').where('staff_id', '=', staffId).execute();
    },
    async passkeyRegistrationOptions(staff) {
      const existing = await passkeysOf(staff.id);
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
      await db
        .insertInto('staff_passkeys')
        .values({ id: credential.id, staff_id: staffId, public_key: toBase64Url(credential.publicKey), counter: credential.counter, transports: JSON.stringify(credential.transports ?? []), created_at: now(), last_used_at: null })
        .execute();
      return true;
    },
    async passkeyAuthenticationOptions(staffId) {
      const existing = await passkeysOf(staffId);
      return generateAuthenticationOptions({ rpID: rp.id, userVerification: 'required', allowCredentials: existing.map((p) => ({ id: p.id, transports: JSON.parse(p.transports) as string[] })) });
    },
    async verifyPasskey(staffId, response, expectedChallenge) {
      const stored = typeof response?.id === 'string' ? await db.selectFrom('staff_passkeys').selectAll().where('id', '=', response.id).where('staff_id', '=', staffId).executeTakeFirst() : undefined;
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
      await db.updateTable('staff_passkeys').set({ counter: verification.authenticationInfo.newCounter, last_used_at: now() }).where('id', '=', stored.id).execute();
      return true;
    },
    async removePasskey(staffId, credentialId) {
      const result = await db.deleteFrom('staff_passkeys').where('staff_id', '=', staffId).where('id', '=', credentialId).executeTakeFirst();
      return Number(result.numDeletedRows) > 0;
    },
    async issueRecoveryCodes(staffId) {
      const codes = Array.from({ length: RECOVERY_CODES }, () => recoveryCode());
      await db.transaction().execute(async (trx) => {
        await trx.deleteFrom('staff_recovery_codes').where('staff_id', '=', staffId).execute();
        await trx.insertInto('staff_recovery_codes').values(codes.map((code) => ({ staff_id: staffId, code_hash: sha256Hex(`recovery|${normaliseCode(code)}`), used_at: null, created_at: now() }))).execute();
      });
      return codes;
    },
    async useRecoveryCode(staffId, code) {
      const result = await db
        .updateTable('staff_recovery_codes')
        .set({ used_at: now() })
        .where('staff_id', '=', staffId)
        .where('code_hash', '=', sha256Hex(`recovery|${normaliseCode(code)}`))
        .where('used_at', 'is', null)
        .executeTakeFirst();
      return Number(result.numUpdatedRows) === 1;
    },
  };
}
