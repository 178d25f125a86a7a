/**
 * Password sign-in. Unknown accounts cost the same Argon2id work as known
 * ones and get the same answer (no user enumeration). MFA arrives with the
 * identity issue; this is the first factor.
 */
import type { AuditLog } from '../audit/audit-log.js';
import { hashPassword, verifyPassword } from '../crypto/passphrase.js';
import type { Db } from '../db/database.js';
import { appError } from '../platform/errors.js';
import { findStaffByEmail } from '../core/org/org.repository.js';

/** Sign-in operations. */
export interface LoginService {
  /** The staff id for valid credentials; throws LOGIN_FAILED otherwise. */
  readonly login: (email: string, password: string, ip: string | null) => Promise<string>;
}

/** Create the login service. */
export function createLoginService(deps: { db: Db; audit: AuditLog }): LoginService {
  let dummyHash: Promise<string> | undefined;
  return {
    async login(email, password, ip) {
      const staff = await findStaffByEmail(deps.db, email);
      dummyHash ??= hashPassword('tacet-dummy-password-for-timing-equalisation');
      const isValid = await verifyPassword(staff?.password_hash ?? (await dummyHash), password);
      const ok = Boolean(staff) && isValid;
      await deps.db.transaction().execute((trx) =>
        deps.audit.append(trx, [{ actor: staff ? `staff:${staff.id}` : 'anonymous', action: 'auth.login.password', outcome: ok ? 'success' : 'failure', ip }]),
      );
      if (!ok || !staff) throw appError('LOGIN_FAILED');
      return staff.id;
    },
  };
}
