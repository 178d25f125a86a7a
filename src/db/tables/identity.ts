/**
 * Staff identity: sessions (0001_initial), second factors and sign-in
 * throttling, and the access rules that go beyond roles: restricted persons,
 * care relationships, break-glass grants (0002_identity).
 */

export interface SessionsTable {
  id_hash: string;
  /** Random id shown in the session list (never the cookie value). */
  public_id: string;
  staff_id: string;
  created_at: string;
  last_seen_at: string;
  expires_at: string;
  /** When the second factor was verified; null while only the password is proven. */
  mfa_at: string | null;
  stepped_up_at: string | null;
  ip: string | null;
  user_agent: string | null;
  /** Pending WebAuthn challenge (base64url) and its expiry. */
  challenge: string | null;
  challenge_expires_at: string | null;
}

export interface StaffTotpTable {
  staff_id: string;
  secret_envelope: string;
  confirmed_at: string | null;
  last_step: number;
  created_at: string;
}

export interface StaffPasskeysTable {
  id: string;
  staff_id: string;
  public_key: string;
  counter: number;
  transports: string;
  created_at: string;
  last_used_at: string | null;
}

export interface StaffRecoveryCodesTable {
  staff_id: string;
  code_hash: string;
  used_at: string | null;
  created_at: string;
}

export interface AuthThrottleTable {
  key: string;
  failures: number;
  first_failure_at: string;
  locked_at: string | null;
}

export interface RestrictedAccessTable {
  person_id: string;
  staff_id: string;
  created_at: string;
}

export interface CareRelationshipsTable {
  person_id: string;
  staff_id: string;
  created_at: string;
}

export interface BreakGlassGrantsTable {
  id: string;
  staff_id: string;
  person_id: string;
  justification_envelope: string;
  created_at: string;
  expires_at: string;
  reviewed_at: string | null;
  reviewed_by: string | null;
  review_outcome: string | null;
}
