/**
 * Serves the staff UI (React, built by Vite into web/staff/dist): the HTML
 * shell for every UI path and the hashed assets. The shell holds no data;
 * everything personal arrives through the authenticated JSON API.
 */
import fs from 'node:fs';
import path from 'node:path';
import type { FastifyInstance } from 'fastify';
import { packageRoot, readAsset } from '../../platform/paths.js';

const TYPES: Record<string, string> = { '.js': 'text/javascript; charset=utf-8', '.css': 'text/css; charset=utf-8', '.svg': 'image/svg+xml', '.woff2': 'font/woff2' };
/** Client-side routes that get the shell. */
export const UI_PATHS = ['/', '/login', '/enquiries', '/enquiries/:id', '/needs-attention', '/needs-attention/:id', '/patients', '/patients/:id', '/exports', '/sign', '/incidents', '/incidents/:id', '/retention', '/security', '/staff', '/break-glass', '/alerts', '/approvals', '/tasks', '/compliance', '/rights', '/access-reviews', '/acknowledgement', '/consent-forms', '/today', '/pipeline', '/reports'] as const;

/** Register the UI routes. Throws at start-up if the UI was not built. */
export function registerStaffUi(app: FastifyInstance): void {
  const shell = readAsset('web/staff/dist/index.html', 'npm run build:staff');
  const assetsDir = path.join(packageRoot(), 'web/staff/dist/assets');
  const assets = new Map<string, { body: Buffer; type: string }>();
  for (const name of fs.existsSync(assetsDir) ? fs.readdirSync(assetsDir) : []) {
    const type = TYPES[path.extname(name)];
    if (type) assets.set(name, { body: fs.readFileSync(path.join(assetsDir, name)), type });
  }
  // The HTML shell and hashed assets, not JSON: no response schemas.
  for (const url of UI_PATHS) {
    app.get(url, { config: { access: 'public' } }, async (_request, reply) => reply.type('text/html; charset=utf-8').send(shell));
  }
  app.get<{ Params: { name: string } }>('/assets/:name', { config: { access: 'public' } }, async (request, reply) => {
    const asset = assets.get(request.params.name);
    if (!asset) return reply.status(404).send({ error: { code: 'NOT_FOUND', message: 'Not found.' } });
    // Names carry a content hash, so they can be cached for long.
    return reply.type(asset.type).header('Cache-Control', 'public, max-age=31536000, immutable').send(asset.body);
  });
}
