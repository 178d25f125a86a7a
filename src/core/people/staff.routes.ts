/**
 * Staff administration (administrators, after step-up): create staff with
 * roles per clinic (one role in each of several clinics: add or remove one
 * at a time, or replace them all), disable leavers at once (sessions
 * revoked; never deleted: the audit trail names them) and re-enable them,
 * unlock locked factors. Every signed-in staff member may read the staff
 * directory (ids and names, for name pickers: staff names are not patient data).
 */
import type { FastifyInstance } from 'fastify';
import type { MfaService } from '../../auth/mfa.service.js';
import { checkPassword, normalisePassword } from '../../auth/password-policy.js';
import { CLINIC_ROLES, type ClinicRole, ORG_ROLES, type OrgRole } from '../../auth/roles.js';
import type { SessionService } from '../../auth/session.service.js';
import { clinicRolesOf, findStaffById } from '../../auth/staff.repository.js';
import { passwordSubject, type Throttle } from '../../auth/throttle.js';
import { hashPassword } from '../../crypto/passphrase.js';
import type { Db } from '../../db/database.js';
import type { Clock } from '../../platform/clock.js';
import { appError } from '../../platform/errors.js';
import { responseSchema, UUID_PATTERN, uuidParams } from '../../platform/http/schemas.js';
import type { RouteHttp } from '../http/route-http.js';
import { clearStaffLocks, createStaff, disableStaff, enableStaff, isStaffEmailTaken, listClinics, listStaffDirectory, listStaffOfOrganisation, removeClinicRole, setClinicRole, setStaffRoles } from '../org/org.repository.js';
import { passwordContextOf } from '../org/password-context.js';
import { ClinicList, presentClinic, presentStaffMember, StaffActResult, StaffCreated, StaffDirectory, StaffList, type StaffMember } from './staff.presenter.js';

const rolesSchema = {
  orgRole: { type: ['string', 'null'], enum: [...ORG_ROLES, null] },
  clinicRoles: {
    type: 'array',
    maxItems: 100,
    items: { type: 'object', required: ['clinicId', 'role'], additionalProperties: false, properties: { clinicId: { type: 'string', pattern: UUID_PATTERN }, role: { type: 'string', enum: [...CLINIC_ROLES] } } },
  },
} as const;

interface RolesBody {
  orgRole: OrgRole | null;
  clinicRoles: { clinicId: string; role: ClinicRole }[];
}

/** What the staff administration routes use. */
export interface StaffRouteDeps {
  readonly db: Db;
  readonly clock: Clock;
  readonly mfa: Pick<MfaService, 'status'>;
  readonly sessions: Pick<SessionService, 'revokeAll'>;
  readonly throttle: Pick<Throttle, 'unlockAccount' | 'isLocked'>;
  readonly http: RouteHttp;
}

const actResult = { response: { 200: responseSchema(StaffActResult) } };

/** Register staff administration routes. */
export function registerStaffRoutes(app: FastifyInstance, deps: StaffRouteDeps): void {
  const { db, http } = deps;

  /** The staff member, if in the actor's organisation (else NOT_FOUND). */
  async function staffInOrganisation(organisationId: string, id: string) {
    const staff = await findStaffById(db, id);
    if (!staff || staff.organisation_id !== organisationId) throw appError('NOT_FOUND');
    return staff;
  }

  async function assertClinicsInOrganisation(organisationId: string, clinicIds: readonly string[]): Promise<void> {
    const known = new Set((await listClinics(db)).filter((c) => c.organisation_id === organisationId).map((c) => c.id));
    const unknown = clinicIds.filter((id) => !known.has(id));
    if (unknown.length > 0) throw appError('VALIDATION_FAILED', ['clinicRoles']);
  }

  /** Which sign-in factors of this account are locked (the password counter is keyed by email, the others by id). */
  async function lockedFactorsOf(row: { id: string; email: string }): Promise<string[]> {
    const locked: string[] = [];
    if (await deps.throttle.isLocked('password', passwordSubject(row.email))) locked.push('password');
    for (const kind of ['totp', 'recovery', 'passkey'] as const) if (await deps.throttle.isLocked(kind, row.id)) locked.push(kind);
    return locked;
  }

  app.get('/api/v1/staff/directory', { config: { access: 'staff' }, schema: { response: { 200: responseSchema(StaffDirectory) } } }, async (request): Promise<StaffDirectory> => {
    const actor = http.actorOf(request);
    return { staff: (await listStaffDirectory(db, actor.organisationId)).map((row) => ({ id: row.id, name: row.display_name, isDisabled: row.disabled_at !== null })) };
  });

  app.get('/api/v1/clinics', { config: { access: 'staff' }, schema: { response: { 200: responseSchema(ClinicList) } } }, async (request): Promise<ClinicList> => {
    const actor = http.actorOf(request);
    return { clinics: (await listClinics(db)).filter((c) => c.organisation_id === actor.organisationId).map(presentClinic) };
  });

  app.get('/api/v1/staff', { config: { access: 'staff.manage' }, schema: { response: { 200: responseSchema(StaffList) } } }, async (request): Promise<StaffList> => {
    const actor = http.actorOf(request);
    const rows = await listStaffOfOrganisation(db, actor.organisationId);
    const staff: StaffMember[] = [];
    for (const row of rows) {
      const roles = await clinicRolesOf(db, row.id);
      const factors = await deps.mfa.status(row.id);
      staff.push(presentStaffMember(row, roles, factors, await lockedFactorsOf(row)));
    }
    return { staff };
  });

  const createBody = {
    type: 'object',
    required: ['email', 'name', 'password', 'orgRole', 'clinicRoles'],
    additionalProperties: false,
    properties: { email: { type: 'string', format: 'email', maxLength: 254 }, name: { type: 'string', minLength: 1, maxLength: 120 }, password: { type: 'string', maxLength: 1024 }, ...rolesSchema },
  } as const;
  app.post<{ Body: RolesBody & { email: string; name: string; password: string } }>(
    '/api/v1/staff',
    { config: { access: 'staff.manage' }, schema: { body: createBody, response: { 201: responseSchema(StaffCreated) } } },
    async (request, reply) => {
      await http.requireStepUp(request);
      const actor = http.actorOf(request);
      const body = request.body;
      await assertClinicsInOrganisation(actor.organisationId, body.clinicRoles.map((r) => r.clinicId));
      if (await isStaffEmailTaken(db, body.email)) throw appError('STAFF_EMAIL_TAKEN');
      // The initial password is the only factor until the person enrols MFA at first login: 15+ characters.
      const problems = checkPassword(body.password, { hasMfa: false, context: await passwordContextOf(db, { name: body.name, email: body.email, organisationId: actor.organisationId }) });
      if (problems.length > 0) throw appError('PASSWORD_REJECTED', problems);
      const id = await createStaff(
        db,
        { organisationId: actor.organisationId, email: body.email, displayName: body.name, passwordHash: await hashPassword(normalisePassword(body.password)), orgRole: body.orgRole, roles: body.clinicRoles },
        deps.clock.now().toISOString(),
      );
      await http.record(request, { action: 'staff.create', outcome: 'success', recordRefs: [`staff:${id}`] });
      return reply.status(201).send({ id } satisfies StaffCreated);
    },
  );

  app.put<{ Params: { id: string }; Body: RolesBody }>(
    '/api/v1/staff/:id/roles',
    { config: { access: 'staff.manage' }, schema: { params: uuidParams, body: { type: 'object', required: ['orgRole', 'clinicRoles'], additionalProperties: false, properties: rolesSchema }, ...actResult } },
    async (request): Promise<StaffActResult> => {
      await http.requireStepUp(request);
      const actor = http.actorOf(request);
      const staff = await staffInOrganisation(actor.organisationId, request.params.id);
      await assertClinicsInOrganisation(actor.organisationId, request.body.clinicRoles.map((r) => r.clinicId));
      await setStaffRoles(db, staff.id, request.body.orgRole, request.body.clinicRoles);
      await http.record(request, { action: 'staff.roles.change', outcome: 'success', recordRefs: [`staff:${staff.id}`] });
      return { status: 'updated' };
    },
  );

  app.post<{ Params: { id: string } }>('/api/v1/staff/:id/disable', { config: { access: 'staff.manage' }, schema: { params: uuidParams, ...actResult } }, async (request): Promise<StaffActResult> => {
    await http.requireStepUp(request);
    const actor = http.actorOf(request);
    const staff = await staffInOrganisation(actor.organisationId, request.params.id);
    if (staff.id === actor.staffId) throw appError('VALIDATION_FAILED', ['id']);
    await disableStaff(db, staff.id, deps.clock.now().toISOString());
    const revoked = await deps.sessions.revokeAll(staff.id);
    await http.record(request, { action: 'staff.disable', outcome: 'success', recordRefs: [`staff:${staff.id}`], purpose: `sessions-revoked:${revoked}` });
    return { status: 'disabled', sessionsRevoked: revoked };
  });

  app.post<{ Params: { id: string } }>('/api/v1/staff/:id/unlock', { config: { access: 'staff.manage' }, schema: { params: uuidParams, ...actResult } }, async (request): Promise<StaffActResult> => {
    await http.requireStepUp(request);
    const actor = http.actorOf(request);
    const staff = await staffInOrganisation(actor.organisationId, request.params.id);
    await deps.throttle.unlockAccount(staff.id, staff.email);
    // Lifts an automatic containment too: an administrator's decision after reviewing the alert.
    await clearStaffLocks(db, staff.id);
    await http.record(request, { action: 'staff.unlock', outcome: 'success', recordRefs: [`staff:${staff.id}`] });
    return { status: 'unlocked' };
  });

  app.post<{ Params: { id: string } }>('/api/v1/staff/:id/enable', { config: { access: 'staff.manage' }, schema: { params: uuidParams, ...actResult } }, async (request): Promise<StaffActResult> => {
    await http.requireStepUp(request);
    const actor = http.actorOf(request);
    const staff = await staffInOrganisation(actor.organisationId, request.params.id);
    if (!(await enableStaff(db, staff.id))) throw appError('CONFLICT');
    await http.record(request, { action: 'staff.enable', outcome: 'success', recordRefs: [`staff:${staff.id}`] });
    return { status: 'enabled' };
  });

  const clinicRoleParams = { type: 'object', required: ['id', 'clinicId'], properties: { id: { type: 'string', pattern: UUID_PATTERN }, clinicId: { type: 'string', pattern: UUID_PATTERN } } } as const;
  app.put<{ Params: { id: string; clinicId: string }; Body: { role: ClinicRole } }>(
    '/api/v1/staff/:id/clinic-roles/:clinicId',
    { config: { access: 'staff.manage' }, schema: { params: clinicRoleParams, body: { type: 'object', required: ['role'], additionalProperties: false, properties: { role: { type: 'string', enum: [...CLINIC_ROLES] } } }, ...actResult } },
    async (request): Promise<StaffActResult> => {
      await http.requireStepUp(request);
      const actor = http.actorOf(request);
      const staff = await staffInOrganisation(actor.organisationId, request.params.id);
      await assertClinicsInOrganisation(actor.organisationId, [request.params.clinicId]);
      await setClinicRole(db, staff.id, request.params.clinicId, request.body.role);
      await http.record(request, { action: 'staff.roles.change', outcome: 'success', recordRefs: [`staff:${staff.id}`, `clinic:${request.params.clinicId}`], purpose: `clinic-role:${request.body.role}` });
      return { status: 'updated' };
    },
  );

  app.delete<{ Params: { id: string; clinicId: string } }>('/api/v1/staff/:id/clinic-roles/:clinicId', { config: { access: 'staff.manage' }, schema: { params: clinicRoleParams, ...actResult } }, async (request): Promise<StaffActResult> => {
    await http.requireStepUp(request);
    const actor = http.actorOf(request);
    const staff = await staffInOrganisation(actor.organisationId, request.params.id);
    if (!(await removeClinicRole(db, staff.id, request.params.clinicId))) throw appError('NOT_FOUND');
    await http.record(request, { action: 'staff.roles.change', outcome: 'success', recordRefs: [`staff:${staff.id}`, `clinic:${request.params.clinicId}`], purpose: 'clinic-role:removed' });
    return { status: 'updated' };
  });
}
