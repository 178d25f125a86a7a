/**
 * The staff API's published contract, served at `GET /api/openapi.json`:
 * the platform's generator (src/platform/http/openapi.ts: operations from the
 * routes' own schemas, access, tags, the one error body) with what is the
 * core's own: the session cookie as the security of every non-public
 * operation, the staff access sentences, and the UI shell and reference page
 * left out.
 */
import type { FastifyInstance } from 'fastify';
import { PUBLIC_ACCESS_TEXT, registerOpenApi as registerDocument } from '../../platform/http/openapi.js';
import { UI_PATHS } from './staff-ui.js';

/** Where the contract is served. */
export const OPENAPI_PATH = '/api/openapi.json';
/** The security scheme's name in the document. */
export const SESSION_SCHEME = 'session';

/** Options for the contract. */
export interface OpenApiOptions {
  /** The session cookie's name (`__Host-tacet_session` behind TLS, `tacet_session` otherwise). */
  readonly cookieName: string;
}

const UI_ROUTES: ReadonlySet<string> = new Set<string>(UI_PATHS);

/**
 * Routes left out of the contract, as nothing an integrator calls: the staff
 * UI's HTML shell and hashed assets (a browser application, not an API) and
 * the reference page with its assets (it renders this document).
 */
export function isHiddenRoute(url: string): boolean {
  return UI_ROUTES.has(url) || url.startsWith('/assets/') || url.startsWith('/api/reference');
}

function accessText(access: string): string {
  switch (access) {
    case 'public':
      return PUBLIC_ACCESS_TEXT;
    case 'authenticating':
      return 'Access: a session that has passed the password step (the second factor may still be pending).';
    case 'staff':
      return 'Access: any fully signed-in staff member (password and second factor).';
    default:
      return `Access: a fully signed-in staff member holding the permission \`${access}\`; anyone else is answered 404 as if the route did not exist.`;
  }
}

const DESCRIPTION = [
  "Tacet's staff API, on the staff network only. Every operation states who may call it (`x-tacet-access`).",
  'Sign in with `POST /api/v1/auth/login` (email and password), then prove the second factor; the session is the cookie that sign-in sets. A route you may not use answers 404, as if it did not exist.',
  'State changes must come from the same origin: a browser sends `Origin`/`Sec-Fetch-Site` itself, and a script sends neither or the same host.',
  'Errors share one body: `{ "error": { "code", "message", "fields"? } }`; the code is stable, the status follows from it.',
].join('\n\n');

/**
 * Register the generator and `GET /api/openapi.json`. Call before any route
 * is registered: the generator sees routes as they are added.
 */
export async function registerOpenApi(app: FastifyInstance, options: OpenApiOptions): Promise<void> {
  await registerDocument(app, {
    path: OPENAPI_PATH,
    info: { title: 'Tacet', description: DESCRIPTION },
    summary: 'This document: the OpenAPI 3.1 contract of the staff API.',
    isHidden: isHiddenRoute,
    describeAccess: accessText,
    securityOf: (access) => (access === 'public' ? [] : [{ [SESSION_SCHEME]: [] }]),
    securitySchemes: {
      [SESSION_SCHEME]: { type: 'apiKey', in: 'cookie', name: options.cookieName, description: 'The session cookie set at sign-in (HttpOnly, SameSite=Strict).' },
    },
  });
}
