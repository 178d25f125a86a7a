/**
 * The one error catalogue. Codes are stable API; messages are fixed text and
 * SECURITY: never contain personal data or secrets (details carry field names only).
 */

const CATALOGUE = {
  BAD_REQUEST: [400, 'The request is malformed.'],
  VALIDATION_FAILED: [400, 'Some fields are missing or invalid.'],
  BODY_TOO_LARGE: [413, 'The request body is too large.'],
  UNSUPPORTED_MEDIA_TYPE: [415, 'This content type is not accepted here.'],
  RATE_LIMITED: [429, 'Too many requests. Please wait a moment and try again.'],
  NOT_FOUND: [404, 'Not found.'],
  UNAUTHENTICATED: [401, 'Please sign in.'],
  FORBIDDEN_ORIGIN: [403, 'Cross-site request refused.'],
  VAULT_SEALED: [503, 'Tacet is sealed. An operator must unseal it before personal data can be read.'],
  VAULT_ALREADY_INITIALISED: [409, 'The vault is already initialised.'],
  VAULT_NOT_INITIALISED: [503, 'The vault has not been initialised. Run `tacet init`.'],
  UNSEAL_FAILED: [401, 'The unseal material was not accepted.'],
  KEY_MATERIAL_TAMPERED: [503, 'Stored key material failed its integrity check, so the vault stays sealed and nothing is published. See the critical alert and restore key material from a verified backup.'],
  ENQUIRY_ENVELOPE_INVALID: [400, 'The sealed enquiry is malformed.'],
  ENQUIRY_ENVELOPE_TOO_LARGE: [413, 'The sealed enquiry is too large.'],
  ENQUIRY_UNKNOWN_KEY: [422, 'The enquiry was sealed to a key this service does not publish. Reload the form and try again.'],
  ENQUIRY_UNKNOWN_CLINIC: [422, 'That clinic is not known.'],
  ENQUIRY_REJECTED_AS_AUTOMATED: [422, 'The submission looked automated. Please reload the form and try again.'],
  ENQUIRY_TOO_FAST: [422, 'Please check your details and send again.'],
  ENQUIRY_FORM_EXPIRED: [422, 'The form expired. Please reload it and submit again.'],
  ENQUIRY_FORM_ALREADY_USED: [409, 'This form was already sent once, so it was not accepted again. If you meant to send another enquiry, check the details and send it again.'],
  LOGIN_FAILED: [401, 'Email or password is incorrect.'],
  LOGIN_LOCKED: [429, 'Too many failed attempts: password sign-in is locked for 15 minutes. An administrator can unlock it sooner.'],
  MFA_FAILED: [401, 'That code or passkey was not accepted.'],
  FACTOR_LOCKED: [429, 'This sign-in method is locked after repeated failures. Use another factor (passkey, authenticator or recovery code) or ask an administrator to unlock it.'],
  MFA_REQUIRED: [401, 'Confirm your second factor to continue.'],
  ENROLMENT_REQUIRED: [403, 'Set up a second factor (a passkey, or an authenticator app where allowed) before continuing.'],
  PASSKEY_REQUIRED: [403, 'Your role must sign in with a passkey; authenticator codes are not allowed for it.'],
  STEP_UP_REQUIRED: [403, 'Confirm it is you: re-authenticate with your passkey or authenticator code, then try again.'],
  CHALLENGE_EXPIRED: [400, 'The sign-in challenge expired or was already used. Start again.'],
  PASSWORD_REJECTED: [422, 'The password does not meet the password policy; the reasons are listed.'],
  STAFF_EMAIL_TAKEN: [409, 'A staff member with that email already exists.'],
  ASSIGNMENT_LIMIT: [429, 'You have taken on as many enquiries as one person may in this period. Work through your queue, or ask your clinic manager to assign more.'],
  ACCOUNT_LOCKED: [423, 'This account has been locked to protect patients’ data. Contact your data-protection officer or administrator.'],
  APPROVAL_REQUIRED: [403, 'Tacet is in lockdown: opening personal data needs a second person’s approval. Request approval, then try again.'],
  PHOTO_CONSENT_MISSING: [403, 'The patient has not consented to their photos being used this way (or has withdrawn that consent).'],
  PHOTO_TOO_LARGE: [413, 'The photo is larger than allowed (40 MB).'],
  PHOTO_NOT_AN_IMAGE: [415, 'Only JPEG, PNG and WebP photos are accepted.'],
  PHOTO_POLYGLOT: [422, 'The file carries data after the image; it was refused.'],
  PHOTO_TOO_MANY_PIXELS: [422, 'The image has too many pixels to process safely (possible decompression bomb).'],
  PHOTO_CORRUPT: [422, 'The image could not be read; it may be damaged or truncated.'],
  EXPORTS_FROZEN: [403, 'Exports are frozen for this account. Contact your data-protection officer.'],
  EXPORT_NEEDS_APPROVAL: [403, 'Exporting more than one patient’s photos needs a second person’s approval.'],
  EXPORT_SELF_APPROVAL: [403, 'A second person must approve this export; you cannot approve your own request.'],
  CONSENT_LINK_INVALID: [410, 'This signing link has expired or was already used. Ask the clinic for a new one.'],
  COMPLIANCE_REQUIRED: [403, 'Before you can open patient records, finish your security tasks: the reasons are listed (second factor, training, policy). Open “My tasks”.'],
  SELF_CERTIFICATION: [403, 'Nobody can re-certify their own access; another manager or the administrator must do it.'],
  REQUEST_CLOSED: [409, 'This request is already closed.'],
  QUARANTINE_NOT_OPENABLE: [409, 'This enquiry cannot be opened, so it cannot be accepted. Keep it, or discard it with a reason.'],
  CONFLICT: [409, 'That change conflicts with the current state; reload and try again.'],
  INCIDENT_INDICATORS_REQUIRED: [409, 'Add what is known (an indicator: a login, session, address range, time window or component taken) and compute the scope before assessing.'],
  INCIDENT_SCOPE_REQUIRED: [409, 'Compute the scope from the current indicators before assessing.'],
  ACK_TEMPLATE_INVALID: [422, 'The acknowledgement template cannot be saved: the problems are listed. Placeholders allowed: {clinic}, {reference}, {nextSteps}, {openingHours}; the body must include {reference}.'],
  LAST_FACTOR: [409, 'This is your last second factor; add another before removing it.'],
  INTERNAL: [500, 'Something went wrong. Nothing you sent has been lost; please try again.'],
} as const satisfies Record<string, readonly [number, string]>;

/** Stable error codes. */
export type ErrorCode = keyof typeof CATALOGUE;

/** The only error type that crosses the HTTP edge with its message. */
export class AppError extends Error {
  readonly code: ErrorCode;
  readonly status: number;
  readonly fields: readonly string[];

  constructor(code: ErrorCode, fields: readonly string[] = []) {
    const [status, message] = CATALOGUE[code];
    super(message);
    this.name = 'AppError';
    this.code = code;
    this.status = status;
    this.fields = fields;
  }
}

/** Factory: `appError('NOT_FOUND')`. */
export function appError(code: ErrorCode, fields: readonly string[] = []): AppError {
  return new AppError(code, fields);
}

/** The JSON body for an error response. */
export function errorBody(error: AppError): { error: { code: ErrorCode; message: string; fields?: readonly string[] } } {
  return { error: { code: error.code, message: error.message, ...(error.fields.length > 0 ? { fields: error.fields } : {}) } };
}
