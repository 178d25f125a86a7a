/**
 * Patient API: list (metadata only), search (POST: names never go in a
 * URL), convert an enquiry, open the record (contact + schedule + consents),
 * the clinical and financial records (each its own permission and key), and
 * the writes that go with them.
 */
import type { FastifyInstance } from 'fastify';
import { clinicsWith } from '../../auth/policy.js';
import type { Db } from '../../db/database.js';
import { CURSOR_PATTERN, decodeCursor } from '../../db/keyset.js';
import type { Clock } from '../../platform/clock.js';
import { responseSchema, UUID_PATTERN, uuidParams } from '../../platform/http/schemas.js';
import type { PatientDoor } from '../door/patient-door.js';
import type { RouteHttp } from '../http/route-http.js';
import { ClinicalRecord, ConvertedEnquiry, Created, FinancialRecord, PatientList, PatientRecord, PatientSearchAnswer, PaymentTaken, presentClinical, presentFinancial, presentPatient, presentPatientList } from './patients.presenter.js';
import { listPatientRows, listPractitioners } from './patients.repository.js';
import { APPOINTMENT_KINDS, PROCEDURE_STATUSES, type PatientService } from './patients.service.js';

const DATE = '^\\d{4}-\\d{2}-\\d{2}$';
const DATE_TIME = '^\\d{4}-\\d{2}-\\d{2}T\\d{2}:\\d{2}(:\\d{2}(\\.\\d{1,3})?)?(Z|[+-]\\d{2}:\\d{2})$';

const object = (required: readonly string[], properties: Record<string, unknown>) => ({ type: 'object', required, additionalProperties: false, properties }) as const;

const created = { 201: responseSchema(Created) };

export interface PatientRouteDeps {
  readonly db: Db;
  readonly clock: Clock;
  readonly patients: PatientDoor;
  readonly patientService: PatientService;
  readonly http: RouteHttp;
}

export function registerPatientRoutes(app: FastifyInstance, deps: PatientRouteDeps): void {
  const { db, patients, patientService, http } = deps;

  app.get<{ Querystring: { clinic?: string; cursor?: string; limit?: number } }>(
    '/api/v1/patients',
    {
      config: { access: 'contact.read' },
      schema: {
        querystring: { type: 'object', additionalProperties: false, properties: { clinic: { type: 'string', pattern: `^$|${UUID_PATTERN}` }, cursor: { type: 'string', pattern: CURSOR_PATTERN }, limit: { type: 'integer', minimum: 1, maximum: 200, default: 50 } } },
        response: { 200: responseSchema(PatientList) },
      },
    },
    async (request) => {
      const actor = http.actorOf(request);
      const clinicIds = clinicsWith(actor, 'contact.read').filter((id) => !request.query.clinic || id === request.query.clinic);
      if (clinicIds.length === 0) return { patients: [] };
      return presentPatientList(await listPatientRows(db, actor, clinicIds, { after: request.query.cursor ? decodeCursor(request.query.cursor) : undefined, limit: request.query.limit ?? 50 }, deps.clock.now().toISOString()));
    },
  );

  app.post<{ Body: { name?: string; dob?: string; email?: string; phone?: string } }>(
    '/api/v1/patients/search',
    {
      config: { access: 'contact.read' },
      schema: {
        body: { type: 'object', additionalProperties: false, minProperties: 1, properties: { name: { type: 'string', minLength: 2, maxLength: 200 }, dob: { type: 'string', pattern: DATE }, email: { type: 'string', minLength: 3, maxLength: 320 }, phone: { type: 'string', minLength: 5, maxLength: 40 } } },
        response: { 200: responseSchema(PatientSearchAnswer) },
      },
    },
    // Results (each an audited read), or none with isTooBroad when more than a handful match (patient-search.ts).
    async (request) => patients.search(http.actorOf(request), request.body),
  );

  app.post<{ Params: { id: string } }>('/api/v1/enquiries/:id/convert', { config: { access: 'patient.write' }, schema: { params: uuidParams, response: { 200: responseSchema(ConvertedEnquiry), 201: responseSchema(ConvertedEnquiry) } } }, async (request, reply) => {
    const result = await patientService.convertEnquiry(http.actorOf(request), request.params.id);
    return reply.status(result.created ? 201 : 200).send(result);
  });

  app.get<{ Params: { id: string } }>('/api/v1/patients/:id', { config: { access: 'contact.read' }, schema: { params: uuidParams, response: { 200: responseSchema(PatientRecord) } } }, async (request) => {
    const view = await patients.readPatient(http.actorOf(request), request.params.id, 'patient-care');
    // Who can be booked for this patient: the clinic's active practitioners (staff names, no patient data).
    return presentPatient(view, await listPractitioners(db, view.clinicId));
  });

  app.get<{ Params: { id: string } }>('/api/v1/patients/:id/clinical', { config: { access: 'clinical.read' }, schema: { params: uuidParams, response: { 200: responseSchema(ClinicalRecord) } } }, async (request) =>
    presentClinical(await patients.readClinical(http.actorOf(request), request.params.id, 'clinical-care')),
  );

  app.get<{ Params: { id: string } }>('/api/v1/patients/:id/financial', { config: { access: 'financial.read' }, schema: { params: uuidParams, response: { 200: responseSchema(FinancialRecord) } } }, async (request) =>
    presentFinancial(await patients.readFinancial(http.actorOf(request), request.params.id, 'billing')),
  );

  app.post<{ Params: { id: string }; Body: { kind: string; startsAt: string; endsAt: string; practitionerId?: string } }>(
    '/api/v1/patients/:id/appointments',
    {
      config: { access: 'patient.write' },
      schema: { params: uuidParams, body: object(['kind', 'startsAt', 'endsAt'], { kind: { type: 'string', enum: [...APPOINTMENT_KINDS] }, startsAt: { type: 'string', pattern: DATE_TIME }, endsAt: { type: 'string', pattern: DATE_TIME }, practitionerId: { type: 'string', pattern: UUID_PATTERN } }), response: created },
    },
    async (request, reply) => reply.status(201).send(await patientService.addAppointment(http.actorOf(request), request.params.id, request.body)),
  );

  app.post<{ Params: { id: string }; Body: { text: string; appointmentId?: string } }>(
    '/api/v1/patients/:id/notes',
    { config: { access: 'clinical.write' }, schema: { params: uuidParams, body: object(['text'], { text: { type: 'string', minLength: 1, maxLength: 20_000 }, appointmentId: { type: 'string', pattern: UUID_PATTERN } }), response: created } },
    async (request, reply) => reply.status(201).send(await patientService.addClinicalNote(http.actorOf(request), request.params.id, request.body)),
  );

  app.post<{ Params: { id: string }; Body: { name: string; details: string; status: (typeof PROCEDURE_STATUSES)[number]; performedOn?: string } }>(
    '/api/v1/patients/:id/procedures',
    {
      config: { access: 'clinical.write' },
      schema: { params: uuidParams, body: object(['name', 'details', 'status'], { name: { type: 'string', minLength: 1, maxLength: 200 }, details: { type: 'string', maxLength: 20_000 }, status: { type: 'string', enum: [...PROCEDURE_STATUSES] }, performedOn: { type: 'string', pattern: DATE } }), response: created },
    },
    async (request, reply) => reply.status(201).send(await patientService.addProcedure(http.actorOf(request), request.params.id, request.body)),
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
        response: created,
      },
    },
    async (request, reply) => reply.status(201).send(await patientService.addInvoice(http.actorOf(request), request.params.id, request.body)),
  );

  app.post<{ Params: { id: string }; Body: { amountMinor: number; method: string } }>(
    '/api/v1/invoices/:id/payments',
    { config: { access: 'financial.write' }, schema: { params: uuidParams, body: object(['amountMinor', 'method'], { amountMinor: { type: 'integer', minimum: 1, maximum: 100_000_000 }, method: { type: 'string', enum: ['card', 'bank-transfer', 'cash', 'finance'] } }), response: { 201: responseSchema(PaymentTaken) } } },
    async (request, reply) => reply.status(201).send(await patientService.addPayment(http.actorOf(request), request.params.id, request.body)),
  );
}
