/** Response shapes for sign-in: where a browser stands (`SignInState`), factor checks, passkey challenges, sign-out. */
import { z } from 'zod';
import type { ComplianceBlock } from '../../auth/actor.js';
import type { FactorStatus } from '../../auth/mfa.service.js';
import { CLINIC_ROLES, type ClinicRole, ORG_ROLES, type OrgRole, permissionsOf } from '../../auth/roles.js';
import type { StaffRow } from '../../db/tables.js';

const COMPLIANCE_BLOCKS = ['mfa', 'training', 'policy'] as const satisfies readonly ComplianceBlock[];

/**
 * Where the browser stands: signed out; password proven and a second factor
 * to give (`second-factor`) or to enrol first (`enrol`); or signed in. Only
 * `stage` is present when signed out.
 */
export const SignInState = z.object({
  stage: z.enum(['signed-out', 'second-factor', 'enrol', 'signed-in']),
  staff: z
    .object({
      id: z.string(),
      name: z.string(),
      email: z.string(),
      orgRole: z.enum(ORG_ROLES).nullable(),
      clinicRoles: z.array(z.object({ clinicId: z.string(), clinicName: z.string(), role: z.enum(CLINIC_ROLES) })),
      permissions: z.array(z.string()),
    })
    .optional(),
  /** Which factors the account can sign in with (TOTP is not offered to roles that must use a passkey). */
  factors: z.object({ passkey: z.boolean(), totp: z.boolean(), recovery: z.boolean() }).optional(),
  passkeyRequired: z.boolean().optional(),
  /** Re-authenticated in the last few minutes (sensitive acts need it). */
  steppedUp: z.boolean().optional(),
  /** What keeps this person from patient data (the UI shows "My tasks" instead); empty until signed in. */
  blocks: z.array(z.enum(COMPLIANCE_BLOCKS)).optional(),
});
export type SignInState = z.infer<typeof SignInState>;

/** A second factor (or a recovery code, which also says how many are left) was accepted. */
export const FactorVerified = z.object({ status: z.literal('verified'), recoveryCodesLeft: z.number().optional() });
export type FactorVerified = z.infer<typeof FactorVerified>;

/** A WebAuthn credential named in options (the browser picks among them). */
export const CredentialDescriptor = z.looseObject({ id: z.string(), type: z.string(), transports: z.array(z.string()).optional() });

/** WebAuthn `PublicKeyCredentialRequestOptionsJSON` as @simplewebauthn/server makes it (further fields pass through). */
export const PasskeyRequestOptions = z.looseObject({
  challenge: z.string(),
  rpId: z.string().optional(),
  allowCredentials: z.array(CredentialDescriptor).optional(),
  timeout: z.number().optional(),
  userVerification: z.string().optional(),
  extensions: z.looseObject({}).optional(),
});

/** Signed out (everywhere: with how many sessions ended). */
export const SignedOut = z.object({ status: z.literal('signed-out'), sessionsRevoked: z.number().optional() });
export type SignedOut = z.infer<typeof SignedOut>;

/** What a signed-in (or half signed-in) browser is told about itself. */
export interface SignInFacts {
  readonly staff: StaffRow;
  readonly stage: 'second-factor' | 'enrol' | 'signed-in';
  readonly factors: FactorStatus;
  readonly clinicRoles: ReadonlyMap<string, ClinicRole>;
  readonly clinicNames: ReadonlyMap<string, string>;
  readonly orgRole: OrgRole | null;
  readonly isPasskeyRequired: boolean;
  readonly isSteppedUp: boolean;
  readonly blocks: readonly ComplianceBlock[];
}

export function presentSignInState(facts: SignInFacts): SignInState {
  const { staff, factors } = facts;
  return {
    stage: facts.stage,
    staff: {
      id: staff.id,
      name: staff.display_name,
      email: staff.email,
      orgRole: facts.orgRole,
      clinicRoles: [...facts.clinicRoles].map(([clinicId, role]) => ({ clinicId, clinicName: facts.clinicNames.get(clinicId) ?? '', role })),
      permissions: permissionsOf(facts.orgRole, facts.clinicRoles.values()),
    },
    factors: { passkey: factors.passkeys.length > 0, totp: factors.hasTotp && !facts.isPasskeyRequired, recovery: factors.recoveryCodesLeft > 0 },
    passkeyRequired: facts.isPasskeyRequired,
    steppedUp: facts.isSteppedUp,
    blocks: [...facts.blocks],
  };
}
