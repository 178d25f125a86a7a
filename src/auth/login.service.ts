/**
 * Password sign-in (the first factor). Unknown and disabled accounts cost the
 * same Argon2id work as real ones and get the same answer (no user
 * enumeration); failures are throttled per email and per IP address.
 */
import type { AuditLog } from '../audit/audit-log.js';
import { hashPassword, verifyPassword } from '../crypto/passphrase.js';
import type { Db } from '../db/database.js';
import type { StaffRow } from '../db/tables.js';
import { appError } from '../platform/errors.js';
import { normalisePassword } from './password-policy.js';
import { findStaffByEmail } from './staff.repository.js';
import { passwordSubject, type Throttle } from './throttle.js';

/** Sign-in operations. */
export interface LoginService {
  /** The staff member for valid credentials; throws LOGIN_FAILED, LOGIN_LOCKED or RATE_LIMITED. */
  readonly login: (email: string, password: string, ip: string | null) => Promise<StaffRow>;
}

/** Create the login service. */
export function createLoginService(deps: { db: Db; audit: AuditLog; throttle: Throttle }): LoginService {
  const { throttle } = deps;
  let dummyHash: Promise<string> | undefined;
  const record = (actor: string, outcome: 'success' | 'failure' | 'denied', ip: string | null, purpose?: string) =>
    deps.db.transaction().execute((trx) => deps.audit.append(trx, [{ actor, action: 'auth.login.password', outcome, ip, ...(purpose ? { purpose } : {}) }]));

  return {
    async login(email, password, ip) {
      const subject = passwordSubject(email);
      if (ip && (await throttle.isLocked('ip', ip))) {
        await record('anonymous', 'denied', ip, 'ip-throttled');
        throw appError('RATE_LIMITED');
      }
      const staff = await findStaffByEmail(deps.db, email);
      dummyHash ??= hashPassword('tacet-dummy-password-for-timing-equalisation');
      // Always pay for one Argon2id verification, locked or not, known or not.
      const isValid = await verifyPassword(staff?.password_hash ?? (await dummyHash), normalisePassword(password));
      const actor = staff ? `staff:${staff.id}` : 'anonymous';
      if (await throttle.isLocked('password', subject)) {
        await record(actor, 'denied', ip, 'password-locked');
        throw appError('LOGIN_LOCKED');
      }
      if (!staff || !isValid) {
        const isNowLocked = await throttle.fail('password', subject);
        if (ip) await throttle.fail('ip', ip);
        await record(actor, 'failure', ip, isNowLocked ? 'password-locked' : undefined);
        throw appError(isNowLocked ? 'LOGIN_LOCKED' : 'LOGIN_FAILED');
      }
      await throttle.succeed('password', subject);
      if (staff.locked_at) {
        // Only someone who knows the password learns of the lock, and they are told whom to ask.
        await record(actor, 'denied', ip, 'account-locked');
        throw appError('ACCOUNT_LOCKED');
      }
      await record(actor, 'success', ip);
      return staff;
    },
  };
}
