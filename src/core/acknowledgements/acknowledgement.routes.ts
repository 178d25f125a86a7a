/**
 * The acknowledgement e-mail's template: read, save (the organisation's
 * default or one clinic's own), reset a clinic to the default, preview.
 * Access is decided per clinic in the service (acknowledgement.policy.ts:
 * the administrator, and clinic managers for their clinics), so the routes
 * declare `staff`; anyone else gets 404.
 */
import type { FastifyInstance } from 'fastify';
import { responseSchema, UUID_PATTERN } from '../../platform/http/schemas.js';
import type { RouteHttp } from '../http/route-http.js';
import { TEMPLATE_LIMITS } from './acknowledgement-template.js';
import { AcknowledgementOverview, AcknowledgementPreview, AcknowledgementTemplateSaved, presentOverview } from './acknowledgement.presenter.js';
import type { AcknowledgementService } from './acknowledgement.service.js';

export interface AcknowledgementRouteDeps {
  readonly acknowledgements: AcknowledgementService;
  readonly http: RouteHttp;
}

interface TemplateBody {
  clinicId: string | null;
  subject: string;
  body: string;
  nextSteps: string;
  openingHours: string;
}

const clinicId = { anyOf: [{ type: 'string', pattern: UUID_PATTERN }, { type: 'null' }] };
// Lengths a little over the limits: the service's own check names the part that is too long.
const templateBody = {
  type: 'object',
  additionalProperties: false,
  required: ['clinicId', 'subject', 'body', 'nextSteps', 'openingHours'],
  properties: {
    clinicId,
    subject: { type: 'string', maxLength: TEMPLATE_LIMITS.subject * 2 },
    body: { type: 'string', maxLength: TEMPLATE_LIMITS.body * 2 },
    nextSteps: { type: 'string', maxLength: TEMPLATE_LIMITS.nextSteps * 2 },
    openingHours: { type: 'string', maxLength: TEMPLATE_LIMITS.openingHours * 2 },
  },
} as const;

export function registerAcknowledgementRoutes(app: FastifyInstance, deps: AcknowledgementRouteDeps): void {
  const { acknowledgements, http } = deps;
  const access = { access: 'staff' as const };
  const templateOf = (b: TemplateBody) => ({ subject: b.subject, body: b.body, nextSteps: b.nextSteps, openingHours: b.openingHours });

  app.get('/api/v1/acknowledgement-template', { config: access, schema: { response: { 200: responseSchema(AcknowledgementOverview) } } }, async (request) => presentOverview(await acknowledgements.overview(http.actorOf(request))));

  app.put<{ Body: TemplateBody }>('/api/v1/acknowledgement-template', { config: access, schema: { body: templateBody, response: { 200: responseSchema(AcknowledgementTemplateSaved) } } }, async (request) => {
    await acknowledgements.save(http.actorOf(request), request.body.clinicId, templateOf(request.body));
    return { status: 'saved' as const };
  });

  app.post<{ Body: { clinicId: string } }>(
    '/api/v1/acknowledgement-template/reset',
    { config: access, schema: { body: { type: 'object', additionalProperties: false, required: ['clinicId'], properties: { clinicId: { type: 'string', pattern: UUID_PATTERN } } }, response: { 200: responseSchema(AcknowledgementTemplateSaved) } } },
    async (request) => {
      await acknowledgements.reset(http.actorOf(request), request.body.clinicId);
      return { status: 'reset' as const };
    },
  );

  app.post<{ Body: TemplateBody }>('/api/v1/acknowledgement-template/preview', { config: access, schema: { body: templateBody, response: { 200: responseSchema(AcknowledgementPreview) } } }, async (request) =>
    acknowledgements.preview(http.actorOf(request), request.body.clinicId, templateOf(request.body)),
  );
}
