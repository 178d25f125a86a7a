/**
 * What the per-request log lines say about a request. SECURITY: never the
 * URL. Query strings and path segments can carry personal data (a form
 * prefilled with `?name=…&email=…`, an email typed into a path), so a request
 * is logged by its route template (`/api/v1/patients/:id`), or `unmatched`
 * when no route matched — never by its path or query, encoded or not.
 */
import type { FastifyReply, FastifyRequest } from 'fastify';

/** The route label for logs and metrics when no route matched (404s). */
export const UNMATCHED_ROUTE = 'unmatched';

/** A request as logged: method and route template only. */
export interface LoggedRequest {
  readonly method: string;
  readonly route: string;
}

/** A reply as logged: status, with the request's method and route so each line stands alone. */
export interface LoggedReply {
  readonly statusCode: number;
  readonly method?: string;
  readonly route?: string;
}

/** The route template of a request, or `UNMATCHED_ROUTE`. */
export function routeTemplateOf(request: FastifyRequest): string {
  return request.routeOptions.url ?? UNMATCHED_ROUTE;
}

function isFastifyRequest(value: unknown): value is FastifyRequest {
  return typeof value === 'object' && value !== null && 'routeOptions' in value && 'method' in value;
}

function serializeRequest(value: unknown): LoggedRequest | undefined {
  // Anything that is not a Fastify request (a raw request, a hand-made object) is dropped rather than risk its URL.
  return isFastifyRequest(value) ? { method: value.method, route: routeTemplateOf(value) } : undefined;
}

function serializeReply(value: unknown): LoggedReply | undefined {
  if (typeof value !== 'object' || value === null || !('statusCode' in value) || typeof value.statusCode !== 'number') return undefined;
  const request: unknown = (value as Partial<FastifyReply>).request;
  return isFastifyRequest(request) ? { statusCode: value.statusCode, method: request.method, route: routeTemplateOf(request) } : { statusCode: value.statusCode };
}

/** pino serializers for Fastify's `req` and `res` log fields (they replace Fastify's, which log `req.url`). */
export const REQUEST_LOG_SERIALIZERS = { req: serializeRequest, res: serializeReply } as const;
