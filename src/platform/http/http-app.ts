/**
 * Shared Fastify set-up for both tiers: error mapping at the edge, security
 * headers, access declarations, request logging by route template. Errors
 * answer with the catalogue's fixed text; SECURITY: no request data is ever
 * echoed in an error or written to the log.
 */
import Fastify, { type FastifyBaseLogger, type FastifyError, type FastifyInstance, type FastifyReply, type FastifyRequest } from 'fastify';
import { AppError, appError, errorBody } from '../errors.js';
import type { Logger } from '../logger.js';
import { requireAccessDeclarations } from './access.js';
import { REQUEST_LOG_SERIALIZERS } from './request-log.js';

/** Options for `createHttpApp`. */
export interface HttpAppOptions {
  readonly logger: Logger;
  readonly bodyLimit: number;
  /** Content-Security-Policy for HTML responses. */
  readonly contentSecurityPolicy: string;
  /** The permission names this tier's routes may declare as access (besides public, authenticating, staff). */
  readonly permissions: readonly string[];
  readonly trustProxy?: boolean;
  /** Lets a tier answer some errors its own way (e.g. staff pages redirect to sign-in); returns true if it replied. */
  readonly renderError?: (error: AppError, request: FastifyRequest, reply: FastifyReply) => boolean;
}

function fromFastifyError(error: FastifyError): AppError {
  if (error.validation) return appError('VALIDATION_FAILED', [...new Set(error.validation.map((v) => String(v.instancePath.split('/')[1] ?? (v.params as { missingProperty?: string }).missingProperty ?? 'body')))]);
  switch (error.code) {
    case 'FST_ERR_CTP_BODY_TOO_LARGE':
      return appError('BODY_TOO_LARGE');
    case 'FST_ERR_CTP_INVALID_MEDIA_TYPE':
    case 'FST_ERR_CTP_INVALID_CONTENT_LENGTH':
      return appError('UNSUPPORTED_MEDIA_TYPE');
    case 'FST_ERR_CTP_EMPTY_JSON_BODY':
    case 'FST_ERR_CTP_INVALID_JSON_BODY':
      return appError('BAD_REQUEST');
    default:
      if (error.statusCode === 429) return appError('RATE_LIMITED');
      if (error.statusCode === 413) return appError('BODY_TOO_LARGE');
      if (error.statusCode === 415) return appError('UNSUPPORTED_MEDIA_TYPE');
      if (error.statusCode !== undefined && error.statusCode >= 400 && error.statusCode < 500) return appError('BAD_REQUEST');
      return appError('INTERNAL');
  }
}

/** Create a Fastify instance with Tacet's edge behaviour. */
export function createHttpApp(options: HttpAppOptions): FastifyInstance {
  const app = Fastify({
    // SECURITY: request lines name the route template, never the URL (see request-log.ts). Fastify keeps a
    // logger's own serializers over its defaults, so these apply to its "incoming request"/"request completed" lines.
    loggerInstance: options.logger.child({}, { serializers: REQUEST_LOG_SERIALIZERS }) as FastifyBaseLogger,
    bodyLimit: options.bodyLimit,
    trustProxy: options.trustProxy ?? false,
    requestIdHeader: false,
    ajv: { customOptions: { removeAdditional: false, allErrors: false } },
  });
  requireAccessDeclarations(app, options.permissions);
  // Only JSON (and, where a tier registers it, urlencoded forms) is accepted; plain text is refused with 415.
  app.removeContentTypeParser('text/plain');

  app.addHook('onSend', async (_request, reply, payload) => {
    reply.header('X-Content-Type-Options', 'nosniff');
    // 'same-origin', not 'no-referrer': under no-referrer browsers send `Origin: null` on
    // same-origin form posts, which the CSRF check rightly refuses. Nothing leaves for other origins.
    reply.header('Referrer-Policy', 'same-origin');
    reply.header('Cross-Origin-Opener-Policy', 'same-origin');
    reply.header('Permissions-Policy', 'camera=(), microphone=(), geolocation=(), interest-cohort=()');
    reply.header('Strict-Transport-Security', 'max-age=63072000; includeSubDomains');
    if (!reply.hasHeader('Content-Security-Policy')) reply.header('Content-Security-Policy', options.contentSecurityPolicy);
    if (!reply.hasHeader('Cache-Control')) reply.header('Cache-Control', 'no-store');
    return payload;
  });

  app.setErrorHandler((error: FastifyError | AppError, request, reply) => {
    const appErr = error instanceof AppError ? error : fromFastifyError(error);
    if (appErr.status >= 500) request.log.error({ err: { name: error.name, code: (error as FastifyError).code, stack: error.stack } }, 'request failed');
    else request.log.info({ code: appErr.code }, 'request refused');
    if (options.renderError?.(appErr, request, reply)) return;
    void reply.status(appErr.status).type('application/json; charset=utf-8').send(errorBody(appErr));
  });

  app.setNotFoundHandler({}, (_request, reply) => {
    void reply.status(404).send(errorBody(appError('NOT_FOUND')));
  });
  return app;
}
