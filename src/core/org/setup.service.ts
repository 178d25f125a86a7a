/**
 * First-time set-up of an installation: vault, organisation, clinics and the
 * first administrator, then the intake publication.
 */
import { checkPassword, describePasswordProblems, normalisePassword } from '../../auth/password-policy.js';
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
  /**
   * Also make the first administrator clinic manager of every clinic (demo and
   * small practices). Off by default: administering staff does not need to
   * read patients' data.
   */
  readonly adminManagesClinics?: boolean;
  readonly passphrase?: string;
  readonly shamir?: { readonly threshold: number; readonly shares: number };
  readonly isDemo?: boolean;
  readonly kdfParams?: Argon2Params;
}


/** Create everything. Returns Shamir shares (to hand out once) and the admin's id. */
export async function setupInstallation(
  deps: { db: Db; vault: VaultService; clock: Clock; publicationFile: string },
  input: SetupInput,
): Promise<{ shares: string[]; adminId: string }> {
  const problems = checkPassword(input.admin.password, { hasMfa: false, context: [input.admin.name, input.admin.email, input.organisation, ...input.clinics.map((c) => c.name)] });
  if (problems.length > 0) throw new Error(`administrator password refused: ${describePasswordProblems(problems, false)}`);
  if (input.clinics.length === 0) throw new Error('at least one clinic is required');
  for (const clinic of input.clinics) if (!/^[a-z0-9][a-z0-9-]{0,62}$/.test(clinic.slug)) throw new Error(`clinic slug "${clinic.slug}" must be lower-case letters, digits and dashes`);
  const { shares, intakePublicKeys } = await deps.vault.initialise({
    ...(input.passphrase ? { passphrase: input.passphrase } : {}),
    ...(input.shamir ? { shamir: input.shamir } : {}),
    ...(input.kdfParams ? { kdfParams: input.kdfParams } : {}),
    isDemo: input.isDemo ?? false,
  });
  const at = deps.clock.now().toISOString();
  const { organisationId, clinicIds } = await createOrganisation(deps.db, { name: input.organisation, clinics: input.clinics }, at);
  const roles = input.adminManagesClinics ? Object.values(clinicIds).map((clinicId) => ({ clinicId, role: 'clinic_manager' as const })) : [];
  const adminId = await createStaff(
    deps.db,
    { organisationId, email: input.admin.email, displayName: input.admin.name, passwordHash: await hashPassword(normalisePassword(input.admin.password)), orgRole: 'administrator', roles },
    at,
  );
  const publication = await buildPublication(deps.db, (kid) => intakePublicKeys.get(kid));
  if (publication) writePublication(deps.publicationFile, publication);
  return { shares, adminId };
}
