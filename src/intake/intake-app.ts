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
import { sha256Hex } from '../crypto/digest.js';
import { ENQUIRY_REFERENCE_CONTEXT, ENQUIRY_SUITE, formatEnquiryReference } from '../crypto/enquiry-suite.js';
import { randomToken, randomSecret } from '../crypto/random.js';
import { importSealingKey, sealEnquiry, type SealingKey } from '../crypto/seal.js';
import type { InboxDb } from '../db/tables/intake.js';
import type { Clock } from '../platform/clock.js';
import type { IntakeConfig } from '../platform/config.js';
import { AppError, appError } from '../platform/errors.js';
import { createHttpApp } from '../platform/http/http-app.js';
import type { Logger } from '../platform/logger.js';
import { readAsset } from '../platform/paths.js';
import { captureOrigin, enquiryFieldsSchema, FIELD_MESSAGES, fieldErrors, ORIGIN_MAX, UTM_PARAMS } from './enquiry-fields.js';
import { FRESH_TOKEN_HEADER, intakeSchemas, registerIntakeOpenApi, type SealedBody } from './intake-contract.js';
import { ORIGIN_FIELDS, type OriginFields, renderEnquiryPage, renderMessagePage, renderThanksPage, type TypedValues } from './form-page.js';
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
const TYPED = ['name', 'email', 'phone', 'dob', 'address', 'procedure', 'message', 'consent', 'acknowledge'] as const;

/**
 * Where a visitor to the hosted page came from, carried through the no-JS form: the UTM parameters of the
 * page's query, and of the Referer only its origin (SECURITY: a referring page's path or query can carry
 * personal data; a browser's own referrer policy usually sends no more). A referral from the intake itself is not one.
 */
function originOfRequest(query: Record<string, unknown>, referer: string | undefined, host: string | undefined): OriginFields {
  const origin: Record<string, string> = {};
  for (const [param, key] of UTM_PARAMS) {
    const value = query[param];
    if (typeof value === 'string' && value.trim()) origin[param] = value.trim().slice(0, ORIGIN_MAX[key]);
  }
  if (referer && URL.canParse(referer)) {
    const url = new URL(referer);
    if ((url.protocol === 'https:' || url.protocol === 'http:') && url.host !== host) origin['referrer'] = url.origin;
  }
  return origin;
}

/** The notice on a form given back for no fault of its fields (the same words as ENQUIRY_TOO_FAST's). */
const SEND_AGAIN = 'Please check your details and send again.';

/** The reference the person is shown (the core stores the same: enquiryReference in ingest.service.ts). */
function referenceOf(sid: string): string {
  return formatEnquiryReference(sha256Hex(`${ENQUIRY_REFERENCE_CONTEXT}${sid}`));
}

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

  /**
   * The token for sending the same form again after a refusal the person fixes that way, or undefined for
   * a refusal they cannot (a bot's). After a spent or expired token it is back-dated by the minimum fill
   * time: this person already took that long (the token they sent is proof). After a too-fast post it is
   * not: SECURITY: a bot that re-posts at once is refused again, and must wait like anyone filling the form.
   */
  const freshTokenFor = (error: unknown): string | undefined => {
    if (!(error instanceof AppError)) return undefined;
    if (error.code === 'ENQUIRY_TOO_FAST') return issueFormToken(formSecret, clock.now().getTime());
    if (error.code === 'ENQUIRY_FORM_ALREADY_USED' || error.code === 'ENQUIRY_FORM_EXPIRED') return issueFormToken(formSecret, clock.now().getTime() - config.minFillMs);
    return undefined;
  };

  /** Refuse bots; for a good token, what spending it records (spent only when the submission is accepted). */
  function checkBot(formToken: string, honeypot: string | undefined): FormTokenUse {
    if (honeypot) throw appError('ENQUIRY_REJECTED_AS_AUTOMATED');
    const verdict = checkFormToken(formSecret, formToken, clock.now().getTime(), config.minFillMs, config.maxFormAgeMs);
    if (verdict === 'expired') throw appError('ENQUIRY_FORM_EXPIRED');
    if (verdict === 'too-fast') throw appError('ENQUIRY_TOO_FAST');
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

  app.get<{ Querystring: Record<string, unknown> }>('/enquire', { config: { access: 'public', rateLimit: pageLimit } }, async (request, reply) => {
    const clinic = typeof request.query['clinic'] === 'string' && clinics.has(request.query['clinic']) ? request.query['clinic'] : undefined;
    const body = renderEnquiryPage({
      publication,
      formToken: issueFormToken(formSecret, clock.now().getTime()),
      submissionId: randomToken(16),
      origin: originOfRequest(request.query, request.headers.referer, request.headers.host),
      ...(clinic ? { clinic } : {}),
    });
    return reply.type('text/html; charset=utf-8').send(body);
  });

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
        const fresh = freshTokenFor(error);
        if (fresh) void reply.header(FRESH_TOKEN_HEADER, fresh);
        throw error;
      }
      return reply.status(202).send({ status: 'accepted' });
    },
  );

  app.post<{ Body: Record<string, unknown> }>('/enquire', { config: { access: 'public', rateLimit: submitLimit } }, async (request, reply) => {
    const form = request.body;
    if (!form || typeof form !== 'object') throw appError('BAD_REQUEST');
    const text = (name: string): string | undefined => (typeof form[name] === 'string' ? (form[name] as string) : undefined);
    const isTicked = (name: string) => text(name) === 'yes' || text(name) === 'on';
    const clinic = text('clinic') ?? '';
    const origin = Object.fromEntries(ORIGIN_FIELDS.flatMap((name) => (text(name) ? [[name, text(name)]] : []))) as OriginFields;
    const sid = text('sid') ?? '';
    const isSidGood = enquiryFieldsSchema.shape.sid.safeParse(sid).success;
    // Whatever stops this post, the person gets the same form back, filled in as they left it, with the same
    // submission id (so a repeat is one enquiry at ingest): nothing typed is lost at the form.
    const formAgain = (status: number, formToken: string, errors: Record<string, string>, notice?: string) => {
      const typed = Object.fromEntries(TYPED.flatMap((name) => (text(name) === undefined ? [] : [[name, text(name)]]))) as TypedValues;
      const page = renderEnquiryPage({
        publication,
        formToken,
        submissionId: isSidGood ? sid : randomToken(16),
        values: typed,
        errors,
        origin,
        ...(notice ? { notice } : {}),
        ...(clinics.has(clinic) ? { clinic } : {}),
      });
      // SECURITY: the page carries what they typed: never stored by a cache.
      return reply.status(status).header('Cache-Control', 'no-store').type('text/html; charset=utf-8').send(page);
    };
    // A bot's refusal (honeypot, forged token) is final; a too-fast, spent or expired token gives the form back.
    let bot: { readonly token: FormTokenUse } | { readonly refusal: AppError; readonly fresh: string };
    try {
      bot = { token: checkBot(text('formToken') ?? '', text('website')) };
    } catch (error) {
      const fresh = freshTokenFor(error);
      if (fresh === undefined) return reply.status(422).type('text/html; charset=utf-8').send(renderMessagePage('Please try again', (error as Error).message));
      bot = { refusal: error as AppError, fresh };
    }
    const parsed = enquiryFieldsSchema.safeParse({
      sid,
      name: text('name'),
      email: text('email'),
      phone: text('phone'),
      dob: text('dob') || undefined,
      address: text('address') || undefined,
      procedure: text('procedure'),
      message: text('message') ?? '',
      consent: isTicked('consent'),
      acknowledge: isTicked('acknowledge'),
      origin: captureOrigin({ ...Object.fromEntries(UTM_PARAMS.map(([param, key]) => [key, origin[param]])), referrer: origin.referrer }),
    });
    // A bad submission id is the page's fault, not the person's: the form comes back with a fresh one.
    const errors: Record<string, string> = { ...(clinics.has(clinic) ? {} : { clinic: FIELD_MESSAGES.clinic }), ...(parsed.success ? {} : fieldErrors(parsed.error)) };
    delete errors['sid'];
    const hasErrors = Object.keys(errors).length > 0;
    if ('refusal' in bot) return formAgain(hasErrors ? 400 : bot.refusal.status, bot.fresh, errors, bot.refusal.message);
    if (!parsed.success || hasErrors) {
      // The token is still unspent (only an accepted enquiry spends it), so the same one goes back.
      return formAgain(400, text('formToken') ?? '', errors, hasErrors ? undefined : SEND_AGAIN);
    }
    // SECURITY: sealed here, in memory; the plaintext is never written anywhere.
    const sealed = sealEnquiry(activeKey, clinic, new TextEncoder().encode(JSON.stringify(parsed.data)));
    try {
      await acceptSubmission(deps.db, bot.token, { clinic, kid: activeKey.kid, enc: sealed.enc, ct: sealed.ct, source: 'form' }, clock.now().toISOString());
    } catch (error) {
      const fresh = freshTokenFor(error);
      if (fresh) return formAgain((error as AppError).status, fresh, {}, (error as AppError).message);
      throw error;
    }
    // The thank-you is the answer to the post itself: the reference is never put in a URL.
    const thanks = renderThanksPage({ publication, reference: referenceOf(parsed.data.sid), isAcknowledged: parsed.data.acknowledge });
    return reply.status(200).header('Cache-Control', 'no-store').type('text/html; charset=utf-8').send(thanks);
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
