/** What a staff member's password must not be built from (see auth/password-policy.ts). */
import type { Db } from '../../db/database.js';
import { findOrganisationName, listClinics } from './org.repository.js';

/** The person's name and email, the organisation's name and every clinic's name. */
export async function passwordContextOf(db: Db, person: { name: string; email: string; organisationId: string }): Promise<string[]> {
  const organisationName = await findOrganisationName(db, person.organisationId);
  const clinics = await listClinics(db);
  return [person.name, person.email, organisationName ?? '', ...clinics.map((c) => c.name)];
}
