/** Organisations, clinics and staff records (no personal data of patients). */
import { newId } from '../../crypto/random.js';
import type { Db } from '../../db/database.js';
import type { ClinicRow, StaffRow } from '../../db/tables.js';
import type { ComplianceBlock, StaffActor } from '../../auth/actor.js';
import { type ClinicRole, isOrgRole, type OrgRole } from '../../auth/roles.js';
import type { SessionRow } from '../../auth/session.service.js';
import { clinicRolesOf } from '../../auth/staff.repository.js';
import { DEFAULT_STAGES } from '../pipeline/stages.js';

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
    await trx.insertInto('pipeline_stages').values(DEFAULT_STAGES.map((stage, position) => ({ organisation_id: organisationId, key: stage.key, label: stage.label, position, kind: stage.kind }))).execute();
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

/** The name of an organisation that must exist (reports, letters, exports); throws if it does not. */
export async function getOrganisationName(db: Db, organisationId: string): Promise<string> {
  return (await db.selectFrom('organisations').select('name').where('id', '=', organisationId).executeTakeFirstOrThrow()).name;
}

/** The name of an organisation, if it exists. */
export async function findOrganisationName(db: Db, organisationId: string): Promise<string | undefined> {
  const row = await db.selectFrom('organisations').select('name').where('id', '=', organisationId).executeTakeFirst();
  return row?.name;
}

/** Every staff member of an organisation (disabled ones too), by name. */
export async function listStaffOfOrganisation(db: Db, organisationId: string): Promise<StaffRow[]> {
  return db.selectFrom('staff').selectAll().where('organisation_id', '=', organisationId).orderBy('display_name').execute();
}

/** The enabled staff of an organisation, by name (what the DPO's overview lists). */
export async function listEnabledStaffOfOrganisation(db: Db, organisationId: string) {
  return db.selectFrom('staff').select(['id', 'display_name', 'email', 'created_at', 'org_role', 'locked_at']).where('organisation_id', '=', organisationId).where('disabled_at', 'is', null).orderBy('display_name').execute();
}

/** Whether any staff record (disabled ones too) has this email. */
export async function isStaffEmailTaken(db: Db, email: string): Promise<boolean> {
  const row = await db.selectFrom('staff').select('id').where('email', '=', email.trim().toLowerCase()).executeTakeFirst();
  return row !== undefined;
}

/** Disable a staff member (a no-op if already disabled: the first date stays). */
export async function disableStaff(db: Db, staffId: string, at: string): Promise<void> {
  await db.updateTable('staff').set({ disabled_at: at }).where('id', '=', staffId).where('disabled_at', 'is', null).execute();
}

/** Re-enable a disabled staff member (their roles were kept; sessions ended when they were disabled). Answers whether they were disabled. */
export async function enableStaff(db: Db, staffId: string): Promise<boolean> {
  const result = await db.updateTable('staff').set({ disabled_at: null }).where('id', '=', staffId).where('disabled_at', 'is not', null).executeTakeFirst();
  return Number(result.numUpdatedRows) === 1;
}

/** Give a staff member a role at one clinic (replacing the role they held there, if any). */
export async function setClinicRole(db: Db, staffId: string, clinicId: string, role: ClinicRole): Promise<void> {
  await db.transaction().execute(async (trx) => {
    await trx.deleteFrom('staff_clinic_roles').where('staff_id', '=', staffId).where('clinic_id', '=', clinicId).execute();
    await trx.insertInto('staff_clinic_roles').values({ staff_id: staffId, clinic_id: clinicId, role }).execute();
  });
}

/** Take away a staff member's role at one clinic. Answers whether they held one. */
export async function removeClinicRole(db: Db, staffId: string, clinicId: string): Promise<boolean> {
  const result = await db.deleteFrom('staff_clinic_roles').where('staff_id', '=', staffId).where('clinic_id', '=', clinicId).executeTakeFirst();
  return Number(result.numDeletedRows) === 1;
}

/** The staff directory of an organisation: ids and names only, by name (for pickers; names are not patient data). */
export async function listStaffDirectory(db: Db, organisationId: string) {
  return db.selectFrom('staff').select(['id', 'display_name', 'disabled_at']).where('organisation_id', '=', organisationId).orderBy('display_name').execute();
}

/** Lift a lock and an export freeze (an administrator's decision). */
export async function clearStaffLocks(db: Db, staffId: string): Promise<void> {
  await db.updateTable('staff').set({ locked_at: null, lock_reason: null, exports_frozen_at: null }).where('id', '=', staffId).execute();
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

/** Slug and name of these clinics, by id (list rows carry them). */
export async function findClinicLabels(db: Db, clinicIds: readonly string[]): Promise<Map<string, { slug: string; name: string }>> {
  if (clinicIds.length === 0) return new Map();
  const rows = await db.selectFrom('clinics').select(['id', 'slug', 'name']).where('id', 'in', [...clinicIds]).execute();
  return new Map(rows.map((row) => [row.id, { slug: row.slug, name: row.name }]));
}

/** A row's clinic label from findClinicLabels (every listed row's clinic was asked for). */
export function labelOf(labels: ReadonlyMap<string, { slug: string; name: string }>, clinicId: string): { slug: string; name: string } {
  const label = labels.get(clinicId);
  if (!label) throw new Error('clinic label missing for a listed row');
  return label;
}
