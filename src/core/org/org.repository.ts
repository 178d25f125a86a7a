/** Organisations, clinics and staff records (no personal data of patients). */
import { newId } from '../../crypto/random.js';
import type { Db } from '../../db/database.js';
import type { ClinicRow, StaffRow } from '../../db/tables.js';
import type { ComplianceBlock, StaffActor } from '../../auth/actor.js';
import { type ClinicRole, isClinicRole, isOrgRole, type OrgRole } from '../../auth/roles.js';
import type { SessionRow } from '../../auth/session.service.js';

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
  input: { organisationId: string; email: string; displayName: string; passwordHash: string; orgRole: OrgRole | null; roles: readonly { clinicId: string; role: ClinicRole }[] },
  at: string,
): Promise<string> {
  const id = newId();
  await db.transaction().execute(async (trx) => {
    await trx
      .insertInto('staff')
      .values({ id, organisation_id: input.organisationId, email: input.email.toLowerCase(), display_name: input.displayName, password_hash: input.passwordHash, org_role: input.orgRole, disabled_at: null, created_at: at })
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

/** Clinic roles of a staff member, by clinic id. */
export async function clinicRolesOf(db: Db, staffId: string): Promise<Map<string, ClinicRole>> {
  // A role suspended by an overdue access review grants nothing until re-certified.
  const rows = await db.selectFrom('staff_clinic_roles').select(['clinic_id', 'role']).where('staff_id', '=', staffId).where('suspended_at', 'is', null).execute();
  return new Map(rows.flatMap((row) => (isClinicRole(row.role) ? [[row.clinic_id, row.role] as const] : [])));
}

/** Replace a staff member's roles. */
export async function setStaffRoles(db: Db, staffId: string, orgRole: OrgRole | null, roles: readonly { clinicId: string; role: ClinicRole }[]): Promise<void> {
  await db.transaction().execute(async (trx) => {
    await trx.updateTable('staff').set({ org_role: orgRole }).where('id', '=', staffId).execute();
    await trx.deleteFrom('staff_clinic_roles').where('staff_id', '=', staffId).execute();
    if (roles.length > 0) await trx.insertInto('staff_clinic_roles').values(roles.map((r) => ({ staff_id: staffId, clinic_id: r.clinicId, role: r.role }))).execute();
  });
}

/** The actor for a verified session, with what currently blocks them from personal data. */
export async function staffActorFor(db: Db, staff: StaffRow, session: SessionRow, ip: string | null, blocks: readonly ComplianceBlock[]): Promise<StaffActor> {
  return {
    kind: 'staff',
    staffId: staff.id,
    organisationId: staff.organisation_id,
    orgRole: staff.org_role && isOrgRole(staff.org_role) ? staff.org_role : null,
    clinicRoles: await clinicRolesOf(db, staff.id),
    sessionId: session.public_id,
    steppedUpAt: session.stepped_up_at ? new Date(session.stepped_up_at).getTime() : 0,
    ip,
    blocks,
  };
}
