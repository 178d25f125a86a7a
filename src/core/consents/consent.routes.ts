/**
 * Consent API: forms (organisation documents, versioned), signing on a
 * tablet in a staff session, signing links (public, single use; the token
 * travels in the request body, never in a URL the server sees), and
 * withdrawal of a photo scope.
 */
import type { FastifyInstance } from 'fastify';
import { responseSchema, UUID_PATTERN, uuidParams } from '../../platform/http/schemas.js';
import { PHOTO_SCOPES, type PhotoScope } from '../door/patient-door.js';
import type { RouteHttp } from '../http/route-http.js';
import { ConsentForm, ConsentFormList, ConsentSigned, LinkForm, LinkSigned, presentLinkForm, presentSigningLink, ScopeWithdrawn, SigningLink } from './consent.presenter.js';
import { type ConsentService, FORM_KINDS, type Signing } from './consent.service.js';

const signingProperties = {
  typedName: { type: 'string', minLength: 2, maxLength: 200 },
  drawnSignature: { type: 'string', minLength: 30, maxLength: 280_000 },
  scopes: { type: 'array', maxItems: 3, items: { type: 'string', enum: [...PHOTO_SCOPES] } },
} as const;
const tokenProperty = { token: { type: 'string', minLength: 20, maxLength: 100 } } as const;

export interface ConsentRouteDeps {
  readonly consents: ConsentService;
  readonly http: RouteHttp;
  /** Requests per minute per IP on the public signing-link routes. */
  readonly authRateMax: number;
}

export function registerConsentRoutes(app: FastifyInstance, deps: ConsentRouteDeps): void {
  const { consents, http } = deps;

  app.get('/api/v1/consent-forms', { config: { access: 'staff' }, schema: { response: { 200: responseSchema(ConsentFormList) } } }, async (request) => ({ forms: await consents.listForms(http.actorOf(request).organisationId) }));

  // Every version, old ones too (they stay for the signatures that name them): the administrator's history of each form.
  app.get('/api/v1/consent-forms/versions', { config: { access: 'consent.forms' }, schema: { response: { 200: responseSchema(ConsentFormList) } } }, async (request) => ({ forms: await consents.listFormVersions(http.actorOf(request).organisationId) }));

  app.post<{ Body: { kind: string; procedureKey: string; title: string; body: string } }>(
    '/api/v1/consent-forms',
    {
      config: { access: 'consent.forms' },
      schema: { body: { type: 'object', required: ['kind', 'procedureKey', 'title', 'body'], additionalProperties: false, properties: { kind: { type: 'string', enum: [...FORM_KINDS] }, procedureKey: { type: 'string', pattern: '^[a-z0-9-]{2,60}$' }, title: { type: 'string', minLength: 3, maxLength: 200 }, body: { type: 'string', minLength: 20, maxLength: 50_000 } } }, response: { 201: responseSchema(ConsentForm) } },
    },
    async (request, reply) => reply.status(201).send(await consents.createForm(http.actorOf(request), request.body)),
  );

  app.post<{ Params: { id: string }; Body: Signing & { formId: string } }>(
    '/api/v1/patients/:id/consents',
    { config: { access: 'consent.manage' }, schema: { params: uuidParams, body: { type: 'object', required: ['formId', 'typedName', 'drawnSignature', 'scopes'], additionalProperties: false, properties: { formId: { type: 'string', pattern: UUID_PATTERN }, ...signingProperties } }, response: { 201: responseSchema(ConsentSigned) } } },
    async (request, reply) => {
      const { formId, ...signing } = request.body;
      return reply.status(201).send(await consents.signOnTablet(http.actorOf(request), request.params.id, formId, signing));
    },
  );

  app.post<{ Params: { id: string }; Body: { scope: PhotoScope } }>(
    '/api/v1/patients/:id/photo-consent/withdraw',
    { config: { access: 'consent.manage' }, schema: { params: uuidParams, body: { type: 'object', required: ['scope'], additionalProperties: false, properties: { scope: { type: 'string', enum: [...PHOTO_SCOPES] } } }, response: { 200: responseSchema(ScopeWithdrawn) } } },
    async (request) => {
      await consents.withdrawScope(http.actorOf(request), request.params.id, request.body.scope);
      return { status: 'withdrawn' };
    },
  );

  app.post<{ Params: { id: string }; Body: { formId: string } }>(
    '/api/v1/patients/:id/consent-links',
    { config: { access: 'consent.manage' }, schema: { params: uuidParams, body: { type: 'object', required: ['formId'], additionalProperties: false, properties: { formId: { type: 'string', pattern: UUID_PATTERN } } }, response: { 201: responseSchema(SigningLink) } } },
    async (request, reply) => reply.status(201).send(presentSigningLink(await consents.createLink(http.actorOf(request), request.params.id, request.body.formId))),
  );

  const publicLimit = { rateLimit: { max: deps.authRateMax, timeWindow: 60_000 } };
  app.post<{ Body: { token: string } }>(
    '/api/v1/public/consent-links/form',
    { config: { access: 'public', ...publicLimit }, schema: { body: { type: 'object', required: ['token'], additionalProperties: false, properties: tokenProperty }, response: { 200: responseSchema(LinkForm) } } },
    async (request) => presentLinkForm(await consents.linkForm(request.body.token)),
  );

  app.post<{ Body: Signing & { token: string } }>(
    '/api/v1/public/consent-links/sign',
    { config: { access: 'public', ...publicLimit }, schema: { body: { type: 'object', required: ['token', 'typedName', 'drawnSignature', 'scopes'], additionalProperties: false, properties: { ...tokenProperty, ...signingProperties } }, response: { 201: responseSchema(LinkSigned) } } },
    async (request, reply) => {
      const { token, ...signing } = request.body;
      const signed = await consents.signByLink(token, signing, request.ip);
      return reply.status(201).send({ signedAt: signed.signedAt });
    },
  );
}
