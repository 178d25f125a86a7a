/**
 * The public intake tier. It accepts sealed enquiries (and seals no-JS form
 * posts in memory on arrival), checks their shape, rate-limits, stops bots,
 * and appends ciphertext to the inbox.
 *
 * SECURITY: this module may import only `crypto/seal.ts` and
 * `crypto/form-token.ts` from the crypto module. It holds public keys only
 * and has no route or code path that reads the inbox.
 */
import formbody from '@fastify/formbody';
import rateLimit from '@fastify/rate-limit';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { checkFormToken, type FormTokenUse, formTokenUse, issueFormToken } from '../crypto/form-token.js';
import { ENQUIRY_SUITE } from '../crypto/enquiry-suite.js';
import { randomToken, randomSecret } from '../crypto/random.js';
import { importSealingKey, sealEnquiry, type SealingKey } from '../crypto/seal.js';
import type { InboxDb } from '../db/tables/intake.js';
import type { Clock } from '../platform/clock.js';
import type { IntakeConfig } from '../platform/config.js';
import { AppError, appError } from '../platform/errors.js';
import { createHttpApp } from '../platform/http/http-app.js';
import type { Logger } from '../platform/logger.js';
import { readAsset } from '../platform/paths.js';
import { enquiryFieldsSchema, invalidFieldNames } from './enquiry-fields.js';
import { FRESH_TOKEN_HEADER, intakeSchemas, registerIntakeOpenApi, type SealedBody } from './intake-contract.js';
import { renderEnquiryPage, renderMessagePage, type TypedValues } from './form-page.js';
import { acceptSubmission } from './inbox-writer.js';
import type { Publication } from './publication.js';

/** What the intake tier is built from. Note: no keyring, no private key. */
export interface IntakeDeps {
  readonly config: Pick<IntakeConfig, 'rateLimit' | 'minFillMs' | 'maxFormAgeMs' | 'bodyLimit'>;
  /** The inbox it writes to (and the ledger of spent form tokens, shared by every intake instance writing there). */
  readonly db: InboxDb;
  readonly publication: Publication;
  readonly logger: Logger;
  readonly clock: Clock;
  /** Secret for anti-bot form tokens; random per process unless shared across instances. */
  readonly formSecret?: Uint8Array;
}

interface ValidationIssue {
  readonly instancePath: string;
  readonly keyword: string;
  readonly params: Record<string, unknown>;
}

function issueField(issue: ValidationIssue): string {
  const named = issue.params['missingProperty'] ?? issue.params['additionalProperty'];
  return issue.instancePath.slice(1) || (typeof named === 'string' ? named : 'body');
}

/** The no-JS form's fields that are given back as typed when the form must be sent again. */
const TYPED = ['name', 'email', 'phone', 'dob', 'address', 'procedure', 'message', 'consent'] as const;

const CSP = "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self'; connect-src 'self'; form-action 'self'; base-uri 'none'; frame-ancestors 'none'";

/** Build the intake HTTP app. */
export async function createIntakeApp(deps: IntakeDeps): Promise<FastifyInstance> {
  const { clock, config } = deps;
  const formSecret = deps.formSecret ?? randomSecret();
  const formScript = readAsset('web/form/dist/form.js', 'npm run build:form');
  const formCss = readAsset('web/form/form.css', 'git checkout web/form/form.css');
  // The publication can change while running (a rotated intake key, a new clinic): `usePublication` swaps it whole.
  let publication = deps.publication;
  let clinics = new Set<string>();
  let keys = new Map<string, SealingKey>();
  let activeKey: SealingKey;
  const usePublication = (next: Publication) => {
    publication = next;
    clinics = new Set(next.clinics.map((clinic) => clinic.slug));
    keys = new Map<string, SealingKey>(next.keys.map((key) => [key.kid, importSealingKey(key.kid, key.publicKey)]));
    activeKey = keys.get(next.activeKid) as SealingKey;
  };
  usePublication(deps.publication);

  const app = createHttpApp({ logger: deps.logger, bodyLimit: config.bodyLimit, contentSecurityPolicy: CSP, permissions: [] });
  await app.register(formbody, { bodyLimit: config.bodyLimit });
  await app.register(rateLimit, { global: false, errorResponseBuilder: () => appError('RATE_LIMITED') });
  const submitLimit = { max: config.rateLimit.max, timeWindow: config.rateLimit.windowMs };
  const pageLimit = { max: config.rateLimit.max * 10, timeWindow: config.rateLimit.windowMs };
  // The published contract (GET /v1/openapi.json) sees every route registered after it.
  await registerIntakeOpenApi(app, { rateLimit: pageLimit });

  // A token for sending the same form again after a spent or expired one. Back-dated by the minimum fill
  // time: this person already took it (the token they sent is proof), and must not be refused as too fast.
  const againToken = () => issueFormToken(formSecret, clock.now().getTime() - config.minFillMs);
  const isSendAgain = (error: unknown): error is AppError => error instanceof AppError && (error.code === 'ENQUIRY_FORM_ALREADY_USED' || error.code === 'ENQUIRY_FORM_EXPIRED');

  /** Refuse bots; for a good token, what spending it records (spent only when the submission is accepted). */
  function checkBot(formToken: string, honeypot: string | undefined): FormTokenUse {
    if (honeypot) throw appError('ENQUIRY_REJECTED_AS_AUTOMATED');
    const verdict = checkFormToken(formSecret, formToken, clock.now().getTime(), config.minFillMs, config.maxFormAgeMs);
    if (verdict === 'expired') throw appError('ENQUIRY_FORM_EXPIRED');
    if (verdict !== 'ok') throw appError('ENQUIRY_REJECTED_AS_AUTOMATED');
    return formTokenUse(formToken, config.maxFormAgeMs);
  }

  // Embeds on a clinic's own site call /v1/* from another origin; no credentials are involved.
  // Set on every /v1 answer, refusals (429, 4xx) included, so the embedded form can show them.
  app.addHook('onRequest', async (request, reply) => {
    if (request.url.startsWith('/v1/')) {
      void reply
        .header('Access-Control-Allow-Origin', '*')
        .header('Access-Control-Allow-Headers', 'content-type')
        .header('Access-Control-Allow-Methods', 'GET, POST')
        .header('Access-Control-Expose-Headers', FRESH_TOKEN_HEADER)
        .header('Access-Control-Max-Age', '600');
    }
  });

  app.get('/healthz', { config: { access: 'public' }, schema: intakeSchemas.healthz }, async () => ({ status: 'ok' }));
  app.get('/', { config: { access: 'public' } }, async (_request, reply) => reply.redirect('/enquire'));
  app.get('/form.js', { config: { access: 'public', rateLimit: pageLimit } }, async (_request, reply) =>
    reply.type('text/javascript; charset=utf-8').header('Cache-Control', 'public, max-age=300').header('Cross-Origin-Resource-Policy', 'cross-origin').send(formScript),
  );
  app.get('/form.css', { config: { access: 'public', rateLimit: pageLimit } }, async (_request, reply) =>
    reply.type('text/css; charset=utf-8').header('Cache-Control', 'public, max-age=300').header('Cross-Origin-Resource-Policy', 'cross-origin').send(formCss),
  );

  app.get<{ Querystring: { clinic?: string } }>('/enquire', { config: { access: 'public', rateLimit: pageLimit } }, async (request, reply) => {
    const clinic = typeof request.query.clinic === 'string' && clinics.has(request.query.clinic) ? request.query.clinic : undefined;
    const body = renderEnquiryPage({ publication, formToken: issueFormToken(formSecret, clock.now().getTime()), submissionId: randomToken(16), ...(clinic ? { clinic } : {}) });
    return reply.type('text/html; charset=utf-8').send(body);
  });

  app.get('/enquire/thanks', { config: { access: 'public', rateLimit: pageLimit } }, async (_request, reply) =>
    reply.type('text/html; charset=utf-8').send(renderMessagePage('Thank you', 'Your enquiry has been sent securely. The clinic team will be in touch.')),
  );

  app.get('/v1/publication', { config: { access: 'public', rateLimit: pageLimit }, schema: intakeSchemas.publication }, async () => {
    return { ...publication, suite: ENQUIRY_SUITE, formToken: issueFormToken(formSecret, clock.now().getTime()), submissionId: randomToken(16) };
  });

  app.options('/v1/enquiries', { config: { access: 'public', rateLimit: pageLimit }, schema: intakeSchemas.preflight }, async (_request, reply) => reply.status(204).send());

  app.post<{ Body: SealedBody }>(
    '/v1/enquiries',
    { config: { access: 'public', rateLimit: submitLimit }, schema: intakeSchemas.enquiries, attachValidation: true },
    async (request: FastifyRequest<{ Body: SealedBody }>, reply) => {
      if (request.validationError) {
        const issues = (request.validationError.validation ?? []) as readonly ValidationIssue[];
        if (issues.some((v) => v.instancePath === '/ct' && v.keyword === 'maxLength')) throw appError('ENQUIRY_ENVELOPE_TOO_LARGE');
        throw appError('ENQUIRY_ENVELOPE_INVALID', [...new Set(issues.map(issueField))]);
      }
      const body = request.body;
      try {
        const token = checkBot(body.formToken, body.website);
        if (!clinics.has(body.clinic)) throw appError('ENQUIRY_UNKNOWN_CLINIC');
        if (!keys.has(body.kid)) throw appError('ENQUIRY_UNKNOWN_KEY');
        await acceptSubmission(deps.db, token, { clinic: body.clinic, kid: body.kid, enc: body.enc, ct: body.ct, source: 'js' }, clock.now().toISOString());
      } catch (error) {
        // The form script puts this token in place, so the person can send what they typed again.
        if (isSendAgain(error)) void reply.header(FRESH_TOKEN_HEADER, againToken());
        throw error;
      }
      return reply.status(202).send({ status: 'accepted' });
    },
  );

  app.post<{ Body: Record<string, unknown> }>('/enquire', { config: { access: 'public', rateLimit: submitLimit } }, async (request, reply) => {
    const form = request.body;
    if (!form || typeof form !== 'object') throw appError('BAD_REQUEST');
    const text = (name: string): string | undefined => (typeof form[name] === 'string' ? (form[name] as string) : undefined);
    const clinic = text('clinic') ?? '';
    // A refusal the person fixes by sending again (a spent or expired token) gives them the same form back,
    // filled in as they left it, with a fresh token and the same submission id (so a repeat is one enquiry at ingest).
    const sendAgain = (error: AppError) => {
      const sid = text('sid') ?? '';
      const typed = Object.fromEntries(TYPED.flatMap((name) => (text(name) === undefined ? [] : [[name, text(name)]]))) as TypedValues;
      const page = renderEnquiryPage({
        publication,
        formToken: againToken(),
        submissionId: enquiryFieldsSchema.shape.sid.safeParse(sid).success ? sid : randomToken(16),
        values: typed,
        notice: error.message,
        ...(clinics.has(clinic) ? { clinic } : {}),
      });
      // SECURITY: the page carries what they typed: never stored by a cache.
      return reply.status(error.status).header('Cache-Control', 'no-store').type('text/html; charset=utf-8').send(page);
    };
    let token: FormTokenUse;
    try {
      token = checkBot(text('formToken') ?? '', text('website'));
    } catch (error) {
      if (isSendAgain(error)) return sendAgain(error);
      return reply.status(422).type('text/html; charset=utf-8').send(renderMessagePage('Please try again', (error as Error).message));
    }
    const parsed = enquiryFieldsSchema.safeParse({
      sid: text('sid'),
      name: text('name'),
      email: text('email'),
      phone: text('phone'),
      dob: text('dob') || undefined,
      address: text('address') || undefined,
      procedure: text('procedure'),
      message: text('message') ?? '',
      consent: text('consent') === 'yes' || text('consent') === 'on',
    });
    const invalid = [...(clinics.has(clinic) ? [] : ['clinic']), ...(parsed.success ? [] : invalidFieldNames(parsed.error))];
    if (!parsed.success || invalid.length > 0) {
      return reply.status(400).type('text/html; charset=utf-8').send(renderMessagePage('Some details need attention', 'Please check these fields:', invalid));
    }
    // SECURITY: sealed here, in memory; the plaintext is never written anywhere.
    const sealed = sealEnquiry(activeKey, clinic, new TextEncoder().encode(JSON.stringify(parsed.data)));
    try {
      await acceptSubmission(deps.db, token, { clinic, kid: activeKey.kid, enc: sealed.enc, ct: sealed.ct, source: 'form' }, clock.now().toISOString());
    } catch (error) {
      if (isSendAgain(error)) return sendAgain(error);
      throw error;
    }
    return reply.redirect(`/enquire/thanks`, 303);
  });

  publicationSetters.set(app, usePublication);
  return app;
}

const publicationSetters = new WeakMap<FastifyInstance, (next: Publication) => void>();

/** Serve a new publication from now on (the core rotated the intake key or changed clinics). */
export function setPublication(app: FastifyInstance, next: Publication): void {
  const set = publicationSetters.get(app);
  if (!set) throw new Error('not an intake app');
  set(next);
}
