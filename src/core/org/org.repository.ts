/** Organisations, clinics and staff records (no personal data of patients). */
import { newId } from '../../crypto/random.js';
import type { Db } from '../../db/database.js';
import type { ClinicRow, StaffRow } from '../../db/tables.js';

/** Create the organisation and its clinics. Returns their ids. */
export async function createOrganisation(
  db: Db,
  input: { name: string; clinics: readonly { slug: string; name: string }[] },
  at: string,
): Promise<{ organisationId: string; clinicIds: Record<string, string> }> {
  const organisationId = newId();
  const clinicIds: Record<string, string> = {};
  await db.transaction().execute(async (trx) => {
    await trx.insertInto('organisations').values({ id: organisationId, name: input.name, created_at: at }).execute();
    for (const clinic of input.clinics) {
      const id = newId();
      clinicIds[clinic.slug] = id;
      await trx.insertInto('clinics').values({ id, organisation_id: organisationId, slug: clinic.slug, name: clinic.name, created_at: at }).execute();
    }
  });
  return { organisationId, clinicIds };
}

/** The single organisation of this installation, if created. */
export async function findOrganisation(db: Db): Promise<{ id: string; name: string } | undefined> {
  return db.selectFrom('organisations').select(['id', 'name']).orderBy('created_at').limit(1).executeTakeFirst();
}

/** All clinics, by name. */
export async function listClinics(db: Db): Promise<ClinicRow[]> {
  return db.selectFrom('clinics').selectAll().orderBy('name').execute();
}

/** Create a staff member with roles per clinic. */
export async function createStaff(
  db: Db,
  input: { organisationId: string; email: string; displayName: string; passwordHash: string; isAdmin: boolean; roles: readonly { clinicId: string; role: string }[] },
  at: string,
): Promise<string> {
  const id = newId();
  await db.transaction().execute(async (trx) => {
    await trx
      .insertInto('staff')
      .values({ id, organisation_id: input.organisationId, email: input.email.toLowerCase(), display_name: input.displayName, password_hash: input.passwordHash, is_admin: input.isAdmin ? 1 : 0, disabled_at: null, created_at: at })
      .execute();
    for (const role of input.roles) await trx.insertInto('staff_clinic_roles').values({ staff_id: id, clinic_id: role.clinicId, role: role.role }).execute();
  });
  return id;
}

/** Find an enabled staff member by email. */
export async function findStaffByEmail(db: Db, email: string): Promise<StaffRow | undefined> {
  return db.selectFrom('staff').selectAll().where('email', '=', email.trim().toLowerCase()).where('disabled_at', 'is', null).executeTakeFirst();
}

/** Find a staff member by id. */
export async function findStaffById(db: Db, id: string): Promise<StaffRow | undefined> {
  return db.selectFrom('staff').selectAll().where('id', '=', id).executeTakeFirst();
}

/** Clinic ids a staff member may work in (administrators: every clinic of their organisation). */
export async function clinicIdsForStaff(db: Db, staff: StaffRow): Promise<string[]> {
  if (staff.is_admin === 1) {
    const rows = await db.selectFrom('clinics').select('id').where('organisation_id', '=', staff.organisation_id).execute();
    return rows.map((row) => row.id);
  }
  const rows = await db.selectFrom('staff_clinic_roles').select('clinic_id').where('staff_id', '=', staff.id).execute();
  return rows.map((row) => row.clinic_id);
}
