/**
 * Staff administration (administrators, after step-up): create staff with
 * roles per clinic, change roles, disable leavers at once (sessions revoked;
 * never deleted: the audit trail names them), unlock locked factors.
 */
import type { FastifyInstance } from 'fastify';
import { UUID_PATTERN, uuidParams } from '../../platform/http/schemas.js';
import { checkPassword, normalisePassword } from '../../auth/password-policy.js';
import { CLINIC_ROLES, type ClinicRole, ORG_ROLES, type OrgRole } from '../../auth/roles.js';
import { hashPassword } from '../../crypto/passphrase.js';
import { appError } from '../../platform/errors.js';
import type { RouteContext } from '../http/core-app.js';
import { clinicRolesOf, createStaff, findStaffById, listClinics, setStaffRoles } from '../org/org.repository.js';

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

/** Register staff administration routes. */
export function registerStaffRoutes(app: FastifyInstance, ctx: RouteContext): void {
  const { db } = ctx;

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

  app.get('/api/v1/clinics', { config: { access: 'staff' } }, async (request) => {
    const actor = ctx.actorOf(request);
    return { clinics: (await listClinics(db)).filter((c) => c.organisation_id === actor.organisationId).map((c) => ({ id: c.id, slug: c.slug, name: c.name })) };
  });

  app.get('/api/v1/staff', { config: { access: 'staff.manage' } }, async (request) => {
    const actor = ctx.actorOf(request);
    const rows = await db.selectFrom('staff').selectAll().where('organisation_id', '=', actor.organisationId).orderBy('display_name').execute();
    const staff = [];
    for (const row of rows) {
      const roles = await clinicRolesOf(db, row.id);
      const factors = await ctx.mfa.status(row.id);
      staff.push({
        id: row.id,
        email: row.email,
        name: row.display_name,
        orgRole: row.org_role,
        clinicRoles: [...roles].map(([clinicId, role]) => ({ clinicId, role })),
        disabledAt: row.disabled_at,
        lockedAt: row.locked_at,
        lockReason: row.lock_reason,
        factors: { passkeys: factors.passkeys.length, totp: factors.hasTotp },
      });
    }
    return { staff };
  });

  const createBody = {
    type: 'object',
    required: ['email', 'name', 'password', 'orgRole', 'clinicRoles'],
    additionalProperties: false,
    properties: { email: { type: 'string', format: 'email', maxLength: 254 }, name: { type: 'string', minLength: 1, maxLength: 120 }, password: { type: 'string', maxLength: 1024 }, ...rolesSchema },
  } as const;
  app.post<{ Body: RolesBody & { email: string; name: string; password: string } }>('/api/v1/staff', { config: { access: 'staff.manage' }, schema: { body: createBody } }, async (request, reply) => {
    await ctx.requireStepUp(request);
    const actor = ctx.actorOf(request);
    const body = request.body;
    await assertClinicsInOrganisation(actor.organisationId, body.clinicRoles.map((r) => r.clinicId));
    if (await db.selectFrom('staff').select('id').where('email', '=', body.email.trim().toLowerCase()).executeTakeFirst()) throw appError('STAFF_EMAIL_TAKEN');
    const organisation = await db.selectFrom('organisations').select('name').where('id', '=', actor.organisationId).executeTakeFirst();
    // The initial password is the only factor until the person enrols MFA at first login: 15+ characters.
    const problems = checkPassword(body.password, { hasMfa: false, context: [body.name, body.email, organisation?.name ?? '', ...(await listClinics(db)).map((c) => c.name)] });
    if (problems.length > 0) throw appError('PASSWORD_REJECTED', problems);
    const id = await createStaff(
      db,
      { organisationId: actor.organisationId, email: body.email, displayName: body.name, passwordHash: await hashPassword(normalisePassword(body.password)), orgRole: body.orgRole, roles: body.clinicRoles },
      ctx.clock.now().toISOString(),
    );
    await ctx.record(request, { action: 'staff.create', outcome: 'success', recordRefs: [`staff:${id}`] });
    return reply.status(201).send({ id });
  });

  app.put<{ Params: { id: string }; Body: RolesBody }>(
    '/api/v1/staff/:id/roles',
    { config: { access: 'staff.manage' }, schema: { params: uuidParams, body: { type: 'object', required: ['orgRole', 'clinicRoles'], additionalProperties: false, properties: rolesSchema } } },
    async (request) => {
      await ctx.requireStepUp(request);
      const actor = ctx.actorOf(request);
      const staff = await staffInOrganisation(actor.organisationId, request.params.id);
      await assertClinicsInOrganisation(actor.organisationId, request.body.clinicRoles.map((r) => r.clinicId));
      await setStaffRoles(db, staff.id, request.body.orgRole, request.body.clinicRoles);
      await ctx.record(request, { action: 'staff.roles.change', outcome: 'success', recordRefs: [`staff:${staff.id}`] });
      return { status: 'updated' };
    },
  );

  app.post<{ Params: { id: string } }>('/api/v1/staff/:id/disable', { config: { access: 'staff.manage' }, schema: { params: uuidParams } }, async (request) => {
    await ctx.requireStepUp(request);
    const actor = ctx.actorOf(request);
    const staff = await staffInOrganisation(actor.organisationId, request.params.id);
    if (staff.id === actor.staffId) throw appError('VALIDATION_FAILED', ['id']);
    await db.updateTable('staff').set({ disabled_at: ctx.clock.now().toISOString() }).where('id', '=', staff.id).where('disabled_at', 'is', null).execute();
    const revoked = await ctx.sessions.revokeAll(staff.id);
    await ctx.record(request, { action: 'staff.disable', outcome: 'success', recordRefs: [`staff:${staff.id}`], purpose: `sessions-revoked:${revoked}` });
    return { status: 'disabled', sessionsRevoked: revoked };
  });

  app.post<{ Params: { id: string } }>('/api/v1/staff/:id/unlock', { config: { access: 'staff.manage' }, schema: { params: uuidParams } }, async (request) => {
    await ctx.requireStepUp(request);
    const actor = ctx.actorOf(request);
    const staff = await staffInOrganisation(actor.organisationId, request.params.id);
    await ctx.throttle.unlockAccount(staff.id, staff.email);
    // Lifts an automatic containment too: an administrator's decision after reviewing the alert.
    await db.updateTable('staff').set({ locked_at: null, lock_reason: null, exports_frozen_at: null }).where('id', '=', staff.id).execute();
    await ctx.record(request, { action: 'staff.unlock', outcome: 'success', recordRefs: [`staff:${staff.id}`] });
    return { status: 'unlocked' };
  });
}
