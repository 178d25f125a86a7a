/**
 * Breach response API for the DPO and administrators (incident.manage):
 * the register, indicators, scope, assessment, decisions, reports (Markdown
 * and PDF), notice template and notices, containment and evidence. Steps
 * that decrypt people's contact details or act on accounts need a fresh
 * step-up.
 */
import type { FastifyInstance } from 'fastify';
import { actorEvent } from '../../auth/actor.js';
import { responseSchema, UUID_PATTERN, uuidParams } from '../../platform/http/schemas.js';
import type { RouteHttp } from '../http/route-http.js';
import { type RotateBody, rotateBodySchema, rotateDomains } from '../vault/key-rotation.js';
import {
  Assessment,
  Decision,
  DetailsUpdated,
  EvidenceBundle,
  Incident,
  IncidentDeclared,
  IncidentList,
  IndicatorAdded,
  KeysRotated,
  NoticesQueued,
  NoticeStatus,
  NoticeTemplate,
  presentIncident,
  presentIncidentList,
  presentScopedPersons,
  ReportCreated,
  ScopedPersons,
  ScopeSummary,
  SessionsRevoked,
  TemplateSaved,
} from './incident.presenter.js';
import type { IncidentService } from './incident.service.js';
import { type IncidentDetails, type Regime, REGIMES, renderReportPdf } from './report.js';
import { COMPONENTS } from './scope-model.js';

const text = (max: number) => ({ type: 'string', maxLength: max }) as const;
const ISO = { type: 'string', pattern: '^\\d{4}-\\d{2}-\\d{2}T\\d{2}:\\d{2}(:\\d{2}(\\.\\d{1,3})?)?(Z|[+-]\\d{2}:\\d{2})$' } as const;
const detailsSchema = {
  type: 'object',
  additionalProperties: false,
  required: ['whatHappened', 'howDiscovered', 'likelyConsequences', 'measuresBefore', 'measuresAfter', 'staffInvolved', 'staffTraining', 'contactPoint'],
  properties: {
    whatHappened: text(5000),
    howDiscovered: text(2000),
    likelyConsequences: text(3000),
    measuresBefore: text(3000),
    measuresAfter: text(3000),
    staffInvolved: { type: 'boolean' },
    staffTraining: text(2000),
    contactPoint: text(1000),
    lateReason: text(2000),
  },
} as const;
const versionParams = { type: 'object', properties: { id: { type: 'string', pattern: UUID_PATTERN }, version: { type: 'integer', minimum: 1 } } } as const;

export interface IncidentRouteDeps {
  readonly incidents: IncidentService;
  readonly http: RouteHttp;
  /** What rotating keys as a containment step needs (the vault's rotateDomains). */
  readonly keyRotation: Parameters<typeof rotateDomains>[0];
}

export function registerIncidentRoutes(app: FastifyInstance, deps: IncidentRouteDeps): void {
  const { incidents, http } = deps;
  const access = { access: 'incident.manage' as const };

  app.get('/api/v1/incidents', { config: access, schema: { response: { 200: responseSchema(IncidentList) } } }, async (request) => presentIncidentList(await incidents.list(http.actorOf(request))));

  app.post<{ Body: { title: string; regime: Regime; awareAt: string; occurredFrom?: string; occurredTo?: string; details: IncidentDetails } }>(
    '/api/v1/incidents',
    { config: access, schema: { body: { type: 'object', additionalProperties: false, required: ['title', 'regime', 'awareAt', 'details'], properties: { title: { type: 'string', minLength: 3, maxLength: 200 }, regime: { type: 'string', enum: [...REGIMES] }, awareAt: ISO, occurredFrom: ISO, occurredTo: ISO, details: detailsSchema } }, response: { 201: responseSchema(IncidentDeclared) } } },
    async (request, reply) => reply.status(201).send(await incidents.declare(http.actorOf(request), request.body)),
  );

  app.get<{ Params: { id: string } }>('/api/v1/incidents/:id', { config: access, schema: { params: uuidParams, response: { 200: responseSchema(Incident) } } }, async (request) => presentIncident(await incidents.view(http.actorOf(request), request.params.id)));

  app.put<{ Params: { id: string }; Body: { details: IncidentDetails; occurredFrom?: string; occurredTo?: string; status?: string } }>(
    '/api/v1/incidents/:id/details',
    { config: access, schema: { params: uuidParams, body: { type: 'object', additionalProperties: false, required: ['details'], properties: { details: detailsSchema, occurredFrom: ISO, occurredTo: ISO, status: { type: 'string', enum: ['open', 'contained', 'closed'] } } }, response: { 200: responseSchema(DetailsUpdated) } } },
    async (request) => {
      await incidents.updateDetails(http.actorOf(request), request.params.id, request.body);
      return { status: 'updated' };
    },
  );

  app.post<{ Params: { id: string }; Body: { kind: 'staff' | 'session' | 'ip-range' | 'window' | 'component'; value: string; from?: string; to?: string } }>(
    '/api/v1/incidents/:id/indicators',
    {
      config: access,
      schema: {
        params: uuidParams,
        body: {
          type: 'object',
          additionalProperties: false,
          required: ['kind', 'value'],
          properties: { kind: { type: 'string', enum: ['staff', 'session', 'ip-range', 'window', 'component'] }, value: { type: 'string', minLength: 1, maxLength: 100 }, from: ISO, to: ISO },
          allOf: [
            { if: { properties: { kind: { const: 'component' } } }, then: { properties: { value: { type: 'string', anyOf: [{ enum: COMPONENTS.filter((c) => c !== 'key') }, { type: 'string', pattern: '^key:[a-z0-9.-]{2,40}$' }] } } } },
            { if: { properties: { kind: { const: 'staff' } } }, then: { properties: { value: { type: 'string', pattern: UUID_PATTERN } } } },
            { if: { properties: { kind: { const: 'ip-range' } } }, then: { properties: { value: { type: 'string', pattern: '^[0-9a-fA-F:.]+(/\\d{1,3})?$' } } } },
            { if: { properties: { kind: { const: 'window' } } }, then: { required: ['from', 'to'] } },
          ],
        },
        response: { 201: responseSchema(IndicatorAdded) },
      },
    },
    async (request, reply) => reply.status(201).send(await incidents.addIndicator(http.actorOf(request), request.params.id, request.body)),
  );

  app.post<{ Params: { id: string } }>('/api/v1/incidents/:id/scope', { config: access, schema: { params: uuidParams, response: { 200: responseSchema(ScopeSummary) } } }, async (request) => incidents.computeScope(http.actorOf(request), request.params.id));

  app.get<{ Params: { id: string }; Querystring: { limit: number; after?: string } }>(
    '/api/v1/incidents/:id/persons',
    { config: access, schema: { params: uuidParams, querystring: { type: 'object', additionalProperties: false, properties: { limit: { type: 'integer', minimum: 1, maximum: 5000, default: 1000 }, after: { type: 'string', pattern: UUID_PATTERN } } }, response: { 200: responseSchema(ScopedPersons) } } },
    async (request) => presentScopedPersons(await incidents.persons(http.actorOf(request), request.params.id, { limit: request.query.limit ?? 1000, ...(request.query.after ? { after: request.query.after } : {}) })),
  );

  app.post<{ Params: { id: string }; Body: { hipaa?: { natureAndExtent: string; unauthorisedPerson: string; acquiredOrViewed: string; mitigation: string; lowProbabilityOfCompromise: boolean } } }>(
    '/api/v1/incidents/:id/assessment',
    {
      config: access,
      schema: {
        params: uuidParams,
        body: { type: 'object', additionalProperties: false, properties: { hipaa: { type: 'object', additionalProperties: false, required: ['natureAndExtent', 'unauthorisedPerson', 'acquiredOrViewed', 'mitigation', 'lowProbabilityOfCompromise'], properties: { natureAndExtent: text(3000), unauthorisedPerson: text(3000), acquiredOrViewed: text(3000), mitigation: text(3000), lowProbabilityOfCompromise: { type: 'boolean' } } } } },
        response: { 200: responseSchema(Assessment) },
      },
    },
    async (request) => {
      const actor = http.actorOf(request);
      // A HIPAA assessment opens addresses (state counts): re-authenticate first.
      const incident = await incidents.view(actor, request.params.id);
      if (incident.regime === 'hipaa') await http.requireStepUp(request);
      return incidents.assess(actor, request.params.id, request.body ?? {});
    },
  );

  app.post<{ Params: { id: string }; Body: { notifyRegulator: boolean; notifyIndividuals: boolean; reasons: string } }>(
    '/api/v1/incidents/:id/decision',
    { config: access, schema: { params: uuidParams, body: { type: 'object', additionalProperties: false, required: ['notifyRegulator', 'notifyIndividuals', 'reasons'], properties: { notifyRegulator: { type: 'boolean' }, notifyIndividuals: { type: 'boolean' }, reasons: { type: 'string', minLength: 10, maxLength: 5000 } } }, response: { 200: responseSchema(Decision) } } },
    async (request) => incidents.decide(http.actorOf(request), request.params.id, request.body),
  );

  app.post<{ Params: { id: string }; Body: { kind: 'initial' | 'follow-up' } }>(
    '/api/v1/incidents/:id/reports',
    { config: access, schema: { params: uuidParams, body: { type: 'object', additionalProperties: false, required: ['kind'], properties: { kind: { type: 'string', enum: ['initial', 'follow-up'] } } }, response: { 201: responseSchema(ReportCreated) } } },
    async (request, reply) => reply.status(201).send(await incidents.report(http.actorOf(request), request.params.id, request.body.kind)),
  );

  // Replies with the report's Markdown or PDF, not JSON: no response schema.
  app.get<{ Params: { id: string; version: number }; Querystring: { format: 'md' | 'pdf' } }>(
    '/api/v1/incidents/:id/reports/:version',
    { config: access, schema: { params: versionParams, querystring: { type: 'object', additionalProperties: false, properties: { format: { type: 'string', enum: ['md', 'pdf'], default: 'md' } } } } },
    async (request, reply) => {
      const markdown = await incidents.reportMarkdown(http.actorOf(request), request.params.id, request.params.version);
      const name = `breach-report-${request.params.id.slice(0, 8)}-v${request.params.version}`;
      if (request.query.format === 'pdf') {
        void reply.header('content-type', 'application/pdf').header('content-disposition', `attachment; filename="${name}.pdf"`);
        return reply.send(await renderReportPdf(markdown));
      }
      void reply.header('content-type', 'text/markdown; charset=utf-8').header('content-disposition', `attachment; filename="${name}.md"`);
      return reply.send(markdown);
    },
  );

  app.get('/api/v1/notice-template', { config: access, schema: { response: { 200: responseSchema(NoticeTemplate) } } }, async (request) => incidents.template(http.actorOf(request)));
  app.put<{ Body: { subject: string; body: string } }>(
    '/api/v1/notice-template',
    { config: access, schema: { body: { type: 'object', additionalProperties: false, required: ['subject', 'body'], properties: { subject: { type: 'string', minLength: 5, maxLength: 200 }, body: { type: 'string', minLength: 50, maxLength: 20_000 } } }, response: { 200: responseSchema(TemplateSaved) } } },
    async (request) => {
      await incidents.saveTemplate(http.actorOf(request), request.body);
      return { status: 'saved' };
    },
  );

  app.post<{ Params: { id: string }; Body: { includeUnintelligible?: boolean } }>(
    '/api/v1/incidents/:id/notices',
    { config: access, schema: { params: uuidParams, body: { type: 'object', additionalProperties: false, properties: { includeUnintelligible: { type: 'boolean' } } }, response: { 200: responseSchema(NoticesQueued) } } },
    async (request) => {
      await http.requireStepUp(request);
      return incidents.sendNotices(http.actorOf(request), request.params.id, { includeUnintelligible: request.body?.includeUnintelligible ?? false });
    },
  );

  app.get<{ Params: { id: string } }>('/api/v1/incidents/:id/notices', { config: access, schema: { params: uuidParams, response: { 200: responseSchema(NoticeStatus) } } }, async (request) => incidents.noticeStatus(http.actorOf(request), request.params.id));

  app.post<{ Params: { id: string }; Body: { staffId?: string } }>(
    '/api/v1/incidents/:id/containment/sessions',
    { config: access, schema: { params: uuidParams, body: { type: 'object', additionalProperties: false, properties: { staffId: { type: 'string', pattern: UUID_PATTERN } } }, response: { 200: responseSchema(SessionsRevoked) } } },
    async (request) => {
      await http.requireStepUp(request);
      return incidents.revokeSessions(http.actorOf(request), request.params.id, request.body?.staffId);
    },
  );

  app.post<{ Params: { id: string }; Body: RotateBody }>('/api/v1/incidents/:id/containment/keys', { config: access, schema: { params: uuidParams, body: rotateBodySchema, response: { 200: responseSchema(KeysRotated) } } }, async (request) => {
    await http.requireStepUp(request);
    const actor = http.actorOf(request);
    await incidents.view(actor, request.params.id);
    const { actor: label, ip, sessionId } = actorEvent(actor);
    const rotated = await rotateDomains(deps.keyRotation, request.body, label, ip, sessionId);
    await incidents.recordStep(actor, request.params.id, 'containment.keys', `Keys rotated (${rotated.join(', ')}); person keys are being re-wrapped in the background, with no downtime.`);
    return { rotated };
  });

  app.post<{ Params: { id: string } }>('/api/v1/incidents/:id/evidence', { config: access, schema: { params: uuidParams, response: { 200: responseSchema(EvidenceBundle) } } }, async (request) => {
    await http.requireStepUp(request);
    return incidents.evidence(http.actorOf(request), request.params.id);
  });
}
