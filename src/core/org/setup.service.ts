/**
 * First-time set-up of an installation: vault, organisation, clinics and the
 * first administrator, then the intake publication.
 */
import { hashPassword } from '../../crypto/passphrase.js';
import type { Argon2Params } from '../../crypto/passphrase.js';
import type { Db } from '../../db/database.js';
import type { Clock } from '../../platform/clock.js';
import type { VaultService } from '../vault/vault.service.js';
import { createOrganisation, createStaff } from './org.repository.js';
import { buildPublication, writePublication } from './publication.service.js';

/** What `setupInstallation` needs. */
export interface SetupInput {
  readonly organisation: string;
  readonly clinics: readonly { slug: string; name: string }[];
  readonly admin: { readonly email: string; readonly name: string; readonly password: string };
  readonly passphrase?: string;
  readonly shamir?: { readonly threshold: number; readonly shares: number };
  readonly isDemo?: boolean;
  readonly kdfParams?: Argon2Params;
}

/** Minimum length of a password that is the only factor (NIST SP 800-63B). */
export const MIN_PASSWORD_LENGTH = 15;

/** Create everything. Returns Shamir shares (to hand out once) and the admin's id. */
export async function setupInstallation(
  deps: { db: Db; vault: VaultService; clock: Clock; publicationFile: string },
  input: SetupInput,
): Promise<{ shares: string[]; adminId: string }> {
  if ([...input.admin.password].length < MIN_PASSWORD_LENGTH) throw new Error(`the administrator password must have at least ${MIN_PASSWORD_LENGTH} characters`);
  if (input.clinics.length === 0) throw new Error('at least one clinic is required');
  for (const clinic of input.clinics) if (!/^[a-z0-9][a-z0-9-]{0,62}$/.test(clinic.slug)) throw new Error(`clinic slug "${clinic.slug}" must be lower-case letters, digits and dashes`);
  const { shares } = await deps.vault.initialise({
    ...(input.passphrase ? { passphrase: input.passphrase } : {}),
    ...(input.shamir ? { shamir: input.shamir } : {}),
    ...(input.kdfParams ? { kdfParams: input.kdfParams } : {}),
    isDemo: input.isDemo ?? false,
  });
  const at = deps.clock.now().toISOString();
  const { organisationId } = await createOrganisation(deps.db, { name: input.organisation, clinics: input.clinics }, at);
  const adminId = await createStaff(deps.db, { organisationId, email: input.admin.email, displayName: input.admin.name, passwordHash: await hashPassword(input.admin.password), isAdmin: true, roles: [] }, at);
  const publication = await buildPublication(deps.db);
  if (publication) writePublication(deps.publicationFile, publication);
  return { shares, adminId };
}
