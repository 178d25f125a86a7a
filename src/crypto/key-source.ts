/**
 * The narrow view of the vault that code outside the core needs: is it
 * unsealed, and (when it is) the keyring. The MFA service and the audit
 * checkpoints take this instead of the core's VaultService, so that `auth`
 * and `audit` do not import `core`.
 */
import type { Keyring } from './keyring.js';

export interface KeySource {
  /** True once the master key is in memory. */
  readonly isUnsealed: () => boolean;
  /** The keyring; throws (VAULT_SEALED) while sealed. */
  readonly keyring: () => Keyring;
}
