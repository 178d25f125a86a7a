/**
 * Patient API: list (metadata only), search (POST: names never go in a
 * URL), convert an enquiry, open the record (contact + schedule + consents),
 * the clinical and financial records (each its own permission and key), and
 * the writes that go with them.
 */
import type { FastifyInstance } from 'fastify';
import { clinicsWith } from '../../auth/policy.js';
import { UUID_PATTERN, uuidParams } from '../../platform/http/schemas.js';
import type { RouteContext } from '../http/core-app.js';
import { APPOINTMENT_KINDS, PROCEDURE_STATUSES } from './patients.service.js';

const DATE = '^\\d{4}-\\d{2}-\\d{2}$';
const DATE_TIME = '^\\d{4}-\\d{2}-\\d{2}T\\d{2}:\\d{2}(:\\d{2}(\\.\\d{1,3})?)?(Z|[+-]\\d{2}:\\d{2})$';

const object = (required: readonly string[], properties: Record<string, unknown>) => ({ type: 'object', required, additionalProperties: false, properties }) as const;

export function registerPatientRoutes(app: FastifyInstance, ctx: RouteContext): void {
  const { db, patients, patientService } = ctx;

  app.get<{ Querystring: { clinic?: string; before?: string; limit?: number } }>(
    '/api/v1/patients',
    {
      config: { access: 'contact.read' },
      schema: { querystring: { type: 'object', additionalProperties: false, properties: { clinic: { type: 'string', pattern: `^$|${UUID_PATTERN}` }, before: { type: 'string', maxLength: 30 }, limit: { type: 'integer', minimum: 1, maximum: 200, default: 50 } } } },
    },
    async (request) => {
      const actor = ctx.actorOf(request);
      const clinicIds = clinicsWith(actor, 'contact.read').filter((id) => !request.query.clinic || id === request.query.clinic);
      if (clinicIds.length === 0) return { patients: [] };
      let query = db
        .selectFrom('patients')
        .innerJoin('persons', 'persons.id', 'patients.person_id')
        .innerJoin('clinics', 'clinics.id', 'patients.clinic_id')
        .select(['patients.id', 'patients.status', 'patients.created_at', 'clinics.slug', 'clinics.name', 'clinics.id as clinic_id'])
        .select((eb) => eb.selectFrom('appointments').select((a) => a.fn.min('starts_at').as('next')).whereRef('appointments.patient_id', '=', 'patients.id').where('appointments.starts_at', '>=', ctx.clock.now().toISOString()).as('next_appointment'))
        .where('patients.clinic_id', 'in', clinicIds)
        // SECURITY: restricted persons do not appear, not even as a row, for anyone not on their list.
        .where((eb) => eb.or([eb('persons.is_restricted', '=', 0), eb.exists(eb.selectFrom('restricted_access').select('restricted_access.person_id').whereRef('restricted_access.person_id', '=', 'persons.id').where('restricted_access.staff_id', '=', actor.staffId))]))
        .orderBy('patients.created_at', 'desc')
        .orderBy('patients.id', 'desc')
        .limit(request.query.limit ?? 50);
      if (request.query.before) query = query.where('patients.created_at', '<', request.query.before);
      const rows = await query.execute();
      return { patients: rows.map((r) => ({ id: r.id, status: r.status, createdAt: r.created_at, clinic: { id: r.clinic_id, slug: r.slug, name: r.name }, nextAppointment: r.next_appointment ?? null })) };
    },
  );

  app.post<{ Body: { name?: string; dob?: string; email?: string; phone?: string } }>(
    '/api/v1/patients/search',
    {
      config: { access: 'contact.read' },
      schema: { body: { type: 'object', additionalProperties: false, minProperties: 1, properties: { name: { type: 'string', minLength: 2, maxLength: 200 }, dob: { type: 'string', pattern: DATE }, email: { type: 'string', minLength: 3, maxLength: 320 }, phone: { type: 'string', minLength: 5, maxLength: 40 } } } },
    },
    // Results (each an audited read), or none with isTooBroad when more than a handful match (patient-search.ts).
    async (request) => patients.search(ctx.actorOf(request), request.body),
  );

  app.post<{ Params: { id: string } }>('/api/v1/enquiries/:id/convert', { config: { access: 'patient.write' }, schema: { params: uuidParams } }, async (request, reply) => {
    const result = await patientService.convertEnquiry(ctx.actorOf(request), request.params.id);
    return reply.status(result.created ? 201 : 200).send(result);
  });

  app.get<{ Params: { id: string } }>('/api/v1/patients/:id', { config: { access: 'contact.read' }, schema: { params: uuidParams } }, async (request) => {
    const view = await patients.readPatient(ctx.actorOf(request), request.params.id, 'patient-care');
    // Who can be booked for this patient: the clinic's active practitioners (staff names, no patient data).
    const practitioners = await db
      .selectFrom('staff_clinic_roles')
      .innerJoin('staff', 'staff.id', 'staff_clinic_roles.staff_id')
      .select(['staff.id', 'staff.display_name'])
      .where('staff_clinic_roles.clinic_id', '=', view.clinicId)
      .where('staff_clinic_roles.role', '=', 'practitioner')
      .where('staff.disabled_at', 'is', null)
      .orderBy('staff.display_name')
      .execute();
    return { ...view, practitioners: practitioners.map((p) => ({ id: p.id, name: p.display_name })) };
  });

  app.get<{ Params: { id: string } }>('/api/v1/patients/:id/clinical', { config: { access: 'clinical.read' }, schema: { params: uuidParams } }, async (request) => patients.readClinical(ctx.actorOf(request), request.params.id, 'clinical-care'));

  app.get<{ Params: { id: string } }>('/api/v1/patients/:id/financial', { config: { access: 'financial.read' }, schema: { params: uuidParams } }, async (request) => patients.readFinancial(ctx.actorOf(request), request.params.id, 'billing'));

  app.post<{ Params: { id: string }; Body: { kind: string; startsAt: string; endsAt: string; practitionerId?: string } }>(
    '/api/v1/patients/:id/appointments',
    {
      config: { access: 'patient.write' },
      schema: { params: uuidParams, body: object(['kind', 'startsAt', 'endsAt'], { kind: { type: 'string', enum: [...APPOINTMENT_KINDS] }, startsAt: { type: 'string', pattern: DATE_TIME }, endsAt: { type: 'string', pattern: DATE_TIME }, practitionerId: { type: 'string', pattern: UUID_PATTERN } }) },
    },
    async (request, reply) => reply.status(201).send(await patientService.addAppointment(ctx.actorOf(request), request.params.id, request.body)),
  );

  app.post<{ Params: { id: string }; Body: { text: string; appointmentId?: string } }>(
    '/api/v1/patients/:id/notes',
    { config: { access: 'clinical.write' }, schema: { params: uuidParams, body: object(['text'], { text: { type: 'string', minLength: 1, maxLength: 20_000 }, appointmentId: { type: 'string', pattern: UUID_PATTERN } }) } },
    async (request, reply) => reply.status(201).send(await patientService.addClinicalNote(ctx.actorOf(request), request.params.id, request.body)),
  );

  app.post<{ Params: { id: string }; Body: { name: string; details: string; status: (typeof PROCEDURE_STATUSES)[number]; performedOn?: string } }>(
    '/api/v1/patients/:id/procedures',
    {
      config: { access: 'clinical.write' },
      schema: { params: uuidParams, body: object(['name', 'details', 'status'], { name: { type: 'string', minLength: 1, maxLength: 200 }, details: { type: 'string', maxLength: 20_000 }, status: { type: 'string', enum: [...PROCEDURE_STATUSES] }, performedOn: { type: 'string', pattern: DATE } }) },
    },
    async (request, reply) => reply.status(201).send(await patientService.addProcedure(ctx.actorOf(request), request.params.id, request.body)),
  );

  app.post<{ Params: { id: string }; Body: { currency: string; lines: { description: string; amountMinor: number }[] } }>(
    '/api/v1/patients/:id/invoices',
    {
      config: { access: 'financial.write' },
      schema: {
        params: uuidParams,
        body: object(['currency', 'lines'], {
          currency: { type: 'string', pattern: '^[A-Z]{3}$' },
          lines: { type: 'array', minItems: 1, maxItems: 50, items: object(['description', 'amountMinor'], { description: { type: 'string', minLength: 1, maxLength: 200 }, amountMinor: { type: 'integer', minimum: 0, maximum: 100_000_000 } }) },
        }),
      },
    },
    async (request, reply) => reply.status(201).send(await patientService.addInvoice(ctx.actorOf(request), request.params.id, request.body)),
  );

  app.post<{ Params: { id: string }; Body: { amountMinor: number; method: string } }>(
    '/api/v1/invoices/:id/payments',
    { config: { access: 'financial.write' }, schema: { params: uuidParams, body: object(['amountMinor', 'method'], { amountMinor: { type: 'integer', minimum: 1, maximum: 100_000_000 }, method: { type: 'string', enum: ['card', 'bank-transfer', 'cash', 'finance'] } }) } },
    async (request, reply) => reply.status(201).send(await patientService.addPayment(ctx.actorOf(request), request.params.id, request.body)),
  );
}
