/**
 * The API reference page, `GET /api/reference`: Swagger UI rendering
 * `/api/openapi.json`, entirely from this origin under the app's strict CSP
 * (no inline script or style, nothing from a CDN, no online validator).
 *
 * The Swagger UI files are the ones @fastify/swagger-ui vendors; its plugin
 * is not registered, because its routes declare no `config.access` (the app
 * refuses to start with such a route) and it would add a second copy of the
 * document. These routes serve the same files and declare themselves public.
 */
import fs from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import type { FastifyInstance } from 'fastify';
import { OPENAPI_PATH } from './openapi.js';

/** Where the page is served. */
export const REFERENCE_PATH = '/api/reference';

const PAGE = `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Tacet API reference</title>
<link rel="stylesheet" href="${REFERENCE_PATH}/swagger-ui.css">
<link rel="stylesheet" href="${REFERENCE_PATH}/reference.css">
<link rel="icon" type="image/png" href="${REFERENCE_PATH}/favicon-32x32.png">
</head>
<body>
<main id="reference" aria-label="Tacet API reference"></main>
<script src="${REFERENCE_PATH}/swagger-ui-bundle.js"></script>
<script src="${REFERENCE_PATH}/reference.js"></script>
</body>
</html>
`;

// Swagger UI's start, as a file of its own (CSP: script-src 'self'). No validator badge: it would call out.
// No deep links: they put a link inside each operation's button (nested controls, too small a target).
const START = `'use strict';
window.SwaggerUIBundle({
  url: ${JSON.stringify(OPENAPI_PATH)},
  dom_id: '#reference',
  deepLinking: false,
  validatorUrl: null,
  presets: [window.SwaggerUIBundle.presets.apis],
  layout: 'BaseLayout',
  docExpansion: 'none',
  defaultModelsExpandDepth: 0,
});
`;

// WCAG AA over Swagger UI's own styles: contrast 4.5:1 (darker method badges, version stamps and links), 24 px targets,
// and example bodies that wrap instead of scrolling (a scrolling region would need keyboard focus).
const STYLE = `body { margin: 0; background: #fafafa; }
#reference { display: block; }
.swagger-ui .opblock .opblock-summary .view-line-link.copy-to-clipboard { width: 24px; min-width: 24px; }
.swagger-ui .copy-to-clipboard button { min-width: 24px; min-height: 24px; }
.swagger-ui .opblock.opblock-get .opblock-summary-method { background: #1565c0; }
.swagger-ui .opblock.opblock-post .opblock-summary-method { background: #137a4f; }
.swagger-ui .opblock.opblock-put .opblock-summary-method { background: #a65200; }
.swagger-ui .opblock.opblock-delete .opblock-summary-method { background: #c62828; }
.swagger-ui .opblock.opblock-patch .opblock-summary-method { background: #00796b; }
.swagger-ui .info .title small { background: #555b66; }
.swagger-ui .info .title small.version-stamp { background: #3f6b00; }
.swagger-ui .info a, .swagger-ui .info .url { color: #1f5fa8; }
.swagger-ui .btn.authorize { border-color: #137a4f; color: #137a4f; }
.swagger-ui .btn.authorize svg { color: #137a4f; fill: #137a4f; }
.swagger-ui .highlight-code > .microlight { max-height: none; overflow: visible; white-space: pre-wrap; overflow-wrap: anywhere; }
`;

interface Asset {
  readonly body: Buffer | string;
  readonly type: string;
}

/** The vendored Swagger UI files, read once at start-up. */
function swaggerUiAssets(): Map<string, Asset> {
  const dir = path.join(path.dirname(createRequire(import.meta.url).resolve('@fastify/swagger-ui/package.json')), 'static');
  const file = (name: string, type: string): [string, Asset] => [name, { body: fs.readFileSync(path.join(dir, name)), type }];
  return new Map([
    file('swagger-ui.css', 'text/css; charset=utf-8'),
    file('swagger-ui-bundle.js', 'text/javascript; charset=utf-8'),
    file('favicon-32x32.png', 'image/png'),
    ['reference.js', { body: START, type: 'text/javascript; charset=utf-8' }],
    ['reference.css', { body: STYLE, type: 'text/css; charset=utf-8' }],
  ]);
}

/** Register the page and its assets (public, like the document they render). */
export function registerApiReference(app: FastifyInstance): void {
  const assets = swaggerUiAssets();
  // HTML: no JSON response schema.
  app.get(REFERENCE_PATH, { config: { access: 'public' } }, async (_request, reply) => reply.type('text/html; charset=utf-8').send(PAGE));
  for (const [name, asset] of assets) {
    // Static files: no JSON response schema.
    app.get(`${REFERENCE_PATH}/${name}`, { config: { access: 'public' } }, async (_request, reply) => reply.type(asset.type).header('Cache-Control', 'no-cache').send(asset.body));
  }
}
