/**
 * The intake's published contract, served at `GET /v1/openapi.json`: what a
 * clinic's own website builds against (the sealed-enquiry endpoint and the
 * publication it seals to). The platform's generator
 * (src/platform/http/openapi.ts) makes it from these schemas; the hosted
 * form's pages and assets are left out, as nothing an integrator calls.
 */
import type { FastifyContextConfig, FastifyInstance } from 'fastify';
import { z } from 'zod';
import { ENQUIRY_HPKE_INFO, ENQUIRY_SUITE, MAX_SEALED_CT_CHARS } from '../crypto/enquiry-suite.js';
import { registerOpenApi } from '../platform/http/openapi.js';
import { responseSchema } from '../platform/http/schemas.js';
import { publicationSchema } from './publication.js';

/** Where the intake's contract is served. */
export const INTAKE_OPENAPI_PATH = '/v1/openapi.json';

/** Header carrying a fresh form token on a refusal the person fixes by sending again (the form script reads it). */
export const FRESH_TOKEN_HEADER = 'tacet-form-token';

/** The hosted form: its pages (the no-JS form posts to `/enquire` and answers HTML) and its script and style. */
const HOSTED_FORM: ReadonlySet<string> = new Set(['/', '/enquire', '/form.js', '/form.css']);

/** Routes left out of the intake's contract: the hosted form's HTML pages and static assets. */
export function isIntakeHiddenRoute(url: string): boolean {
  return HOSTED_FORM.has(url);
}

/** A sealed enquiry, as `POST /v1/enquiries` accepts it. */
export interface SealedBody {
  v: 1;
  suite: string;
  kid: string;
  clinic: string;
  enc: string;
  ct: string;
  formToken: string;
  website?: string;
}

/** The body of `POST /v1/enquiries` (JSON Schema, checked by Fastify before the handler). */
export const sealedBodySchema = {
  type: 'object',
  additionalProperties: false,
  required: ['v', 'suite', 'kid', 'clinic', 'enc', 'ct', 'formToken'],
  properties: {
    v: { const: 1, description: 'Envelope version.' },
    suite: { const: ENQUIRY_SUITE, description: 'The HPKE suite (RFC 9180 base mode, DHKEM(X25519, HKDF-SHA256) / HKDF-SHA256 / AES-256-GCM).' },
    kid: { type: 'string', pattern: '^[a-z0-9.-]{1,64}$', description: 'Id of the publication key sealed to (its `activeKid`).' },
    clinic: { type: 'string', pattern: '^[a-z0-9][a-z0-9-]{0,62}$', description: 'Slug of the clinic enquired at (one of the publication’s `clinics`).' },
    enc: { type: 'string', pattern: '^[A-Za-z0-9_-]{43}$', description: 'The HPKE encapsulated key, base64url without padding.' },
    ct: { type: 'string', minLength: 22, maxLength: MAX_SEALED_CT_CHARS, pattern: '^[A-Za-z0-9_-]+$', description: 'The HPKE ciphertext of the enquiry’s JSON fields, base64url without padding.' },
    formToken: { type: 'string', maxLength: 100, description: 'The form token from `GET /v1/publication`; good for one enquiry.' },
    website: { type: 'string', maxLength: 200, description: 'Honeypot: leave empty (a filled one is refused as automated).' },
  },
} as const;

/** `GET /healthz`: the process is alive. */
export const IntakeLiveness = z.object({ status: z.literal('ok') }).describe('The process is up.');

/** `GET /v1/publication`: the clinics and the public keys to seal to, with a fresh form token. */
export const PublicationAnswer = publicationSchema.extend({
  suite: z.literal(ENQUIRY_SUITE).describe('The HPKE suite to seal with.'),
  formToken: z.string().describe('An anti-bot form token for one enquiry: send it as `formToken` after the minimum fill time and before it expires.'),
  submissionId: z.string().describe('A fresh submission id to put in the sealed fields as `sid` (a repeat of the same enquiry is stored once).'),
}).describe('The publication: seal to the key `activeKid` names; `clinics` are the slugs an enquiry may name.');

/** `POST /v1/enquiries`: the sealed enquiry is stored. */
export const Accepted = z.object({ status: z.literal('accepted') }).describe('The sealed enquiry is stored for the clinic team (a repeat of one already stored is absorbed).');

const ENQUIRIES_DESCRIPTION = [
  `Seal the enquiry's fields as JSON (\`sid\`, \`name\`, \`email\`, \`phone\`, \`procedure\`, \`consent\`, and optionally \`dob\`, \`address\`, \`message\`, \`acknowledge\` (e-mail a confirmation) and \`origin\` (\`utmSource\`, \`utmMedium\`, \`utmCampaign\`, \`utmTerm\`, \`utmContent\`, \`referrer\`, \`page\`)); check them first with the form's own rules (\`src/intake/enquiry-fields.ts\`), since a sealed enquiry that breaks them is only found at the core; then seal them with RFC 9180 HPKE, suite \`${ENQUIRY_SUITE}\` (base mode, DHKEM(X25519, HKDF-SHA256), HKDF-SHA256, AES-256-GCM), to the \`publicKey\` of the \`activeKid\` that \`GET /v1/publication\` lists, with info \`${ENQUIRY_HPKE_INFO}\` and additional data \`${ENQUIRY_HPKE_INFO}|clinic=<clinic>|kid=<kid>\`.`,
  `Send \`enc\` and \`ct\` in base64url with that \`kid\`, the clinic's slug and the \`formToken\` from the same publication (one token per enquiry); after a spent or expired token, or one sent sooner than a person could fill the form (\`ENQUIRY_TOO_FAST\`), the refusal carries a fresh one in the \`${FRESH_TOKEN_HEADER}\` header, so the same sealed enquiry can be sent again (after a too-fast one, no sooner than that minimum again).`,
  'The hosted form’s script, `web/form/form.ts` in the Tacet repository, is the reference implementation.',
].join(' ');

const DESCRIPTION = [
  "Tacet's public intake: what a clinic's own website integrates with. It accepts enquiries sealed in the browser to the clinic group's published public key, and can read none of them back.",
  'Fetch `GET /v1/publication` (clinics, public keys and a form token), seal the enquiry, then `POST /v1/enquiries`. Every `/v1` answer allows any origin (CORS, no credentials); submissions are rate-limited per address.',
  'Errors share one body: `{ "error": { "code", "message", "fields"? } }`; the code is stable, the status follows from it, and the message is fit to show the person.',
].join('\n\n');

/** The route schemas of the intake's JSON routes. */
export const intakeSchemas = {
  healthz: { summary: 'Liveness: the process is up.', response: { 200: responseSchema(IntakeLiveness) } },
  publication: { summary: 'The clinics and the public keys to seal an enquiry to, with a fresh form token.', response: { 200: responseSchema(PublicationAnswer) } },
  preflight: { summary: 'CORS preflight for a browser posting from another origin.', response: { 204: { type: 'null', description: 'No body; the CORS headers allow the post.' } } },
  enquiries: { summary: 'Send a sealed enquiry.', description: ENQUIRIES_DESCRIPTION, body: sealedBodySchema, response: { 202: responseSchema(Accepted) } },
} as const;

/** Register the generator and `GET /v1/openapi.json` (with `config`, e.g. its rate limit). Call before any route is registered. */
export async function registerIntakeOpenApi(app: FastifyInstance, config: Omit<FastifyContextConfig, 'access'>): Promise<void> {
  await registerOpenApi(app, {
    path: INTAKE_OPENAPI_PATH,
    info: { title: 'Tacet intake', description: DESCRIPTION },
    summary: 'This document: the OpenAPI 3.1 contract of the public intake.',
    isHidden: isIntakeHiddenRoute,
    routeConfig: config,
  });
}
