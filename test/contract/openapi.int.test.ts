/**
 * The published API contract: `/api/openapi.json` is valid OpenAPI 3.1 whose
 * schemas are JSON Schema 2020-12, it lists every route the core registers
 * (bar the hidden UI and reference routes) with its access, the reference
 * page is served under the strict CSP, and the contract check rejects what
 * breaks the contract (the negative cases run on a bare app with test-only routes).
 */
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { Validator } from '@seriousme/openapi-schema-validator';
import { Ajv2020 } from 'ajv/dist/2020.js';
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { REFERENCE_PATH } from '../../src/core/http/api-reference.js';
import { isHiddenRoute, OPENAPI_PATH, registerOpenApi, SESSION_SCHEME } from '../../src/core/http/openapi.js';
import { createHttpApp } from '../../src/platform/http/http-app.js';
import { routeTable } from '../../src/platform/http/access.js';
import { responseSchema } from '../../src/platform/http/schemas.js';
import { createLogger } from '../../src/platform/logger.js';
import { packageRoot } from '../../src/platform/paths.js';
import { contractRecord, installContractCheck, UNDOCUMENTED_FAILS } from '../helpers/contract.js';
import { createHarness, type Harness } from '../helpers/harness.js';

type Json = Record<string, unknown>;
interface Operation {
  readonly operationId?: string;
  readonly tags?: string[];
  readonly security?: Record<string, string[]>[];
  readonly responses: Record<string, Json>;
  readonly 'x-tacet-access'?: string;
}
interface Document {
  readonly openapi: string;
  readonly info: { title: string; version: string };
  readonly components: { securitySchemes: Record<string, Json>; schemas: Record<string, Json> };
  readonly paths: Record<string, Record<string, Operation>>;
}

/** Every JSON Schema in the document: parameters, bodies, responses and components. */
function schemasOf(document: Document): { where: string; schema: unknown }[] {
  const found: { where: string; schema: unknown }[] = Object.entries(document.components.schemas).map(([name, schema]) => ({ where: `components.schemas.${name}`, schema }));
  const walk = (node: unknown, where: string): void => {
    if (node === null || typeof node !== 'object') return;
    for (const [key, value] of Object.entries(node as Json)) {
      if (key === 'schema') found.push({ where: `${where}.schema`, schema: value });
      else walk(value, `${where}.${key}`);
    }
  };
  walk(document.paths, 'paths');
  return found;
}

describe('the published API contract', () => {
  let harness: Harness;
  let app: FastifyInstance;
  let document: Document;

  before(async () => {
    harness = await createHarness('sqlite');
    app = harness.core.app;
    const response = await app.inject({ url: OPENAPI_PATH });
    assert.equal(response.statusCode, 200, response.body);
    assert.match(String(response.headers['content-type']), /^application\/json/);
    document = response.json<Document>();
  });
  after(async () => {
    await harness.close();
  });

  it('is valid OpenAPI 3.1, titled and versioned as the package', async () => {
    const validator = new Validator();
    const result = await validator.validate(structuredClone(document) as unknown as Record<string, unknown>);
    assert.equal(result.valid, true, JSON.stringify(result.errors, null, 2));
    assert.equal(validator.version, '3.1');
    const pkg = JSON.parse(fs.readFileSync(path.join(packageRoot(), 'package.json'), 'utf8')) as { version: string };
    assert.deepEqual({ title: document.info.title, version: document.info.version }, { title: 'Tacet', version: pkg.version });
  });

  it('holds only JSON Schema 2020-12 (the dialect of OpenAPI 3.1), no draft-7 forms', () => {
    const ajv = new Ajv2020({ strict: false });
    const invalid = schemasOf(document).filter(({ schema }) => !ajv.validateSchema(schema as object));
    assert.deepEqual(invalid.map((s) => s.where), []);
  });

  it('describes the session cookie as the security of every non-public operation', () => {
    assert.deepEqual(document.components.securitySchemes[SESSION_SCHEME], { type: 'apiKey', in: 'cookie', name: 'tacet_session', description: 'The session cookie set at sign-in (HttpOnly, SameSite=Strict).' });
  });

  it('lists every route the core registers with its access, a tag and the error body', () => {
    const routes = routeTable(app).filter((r) => r.method !== 'HEAD'); // Fastify's own twins of GET routes
    const missing: string[] = [];
    for (const route of routes) {
      const operation = document.paths[route.url.replace(/:(\w+)/g, '{$1}')]?.[route.method.toLowerCase()];
      if (isHiddenRoute(route.url)) {
        assert.equal(operation, undefined, `${route.method} ${route.url} should be hidden`);
        continue;
      }
      if (!operation) {
        missing.push(`${route.method} ${route.url}`);
        continue;
      }
      const where = `${route.method} ${route.url}`;
      assert.equal(operation['x-tacet-access'], route.access, where);
      assert.deepEqual(operation.security, route.access === 'public' ? [] : [{ [SESSION_SCHEME]: [] }], where);
      assert.equal(operation.tags?.length, 1, where);
      assert.deepEqual(operation.responses['default'], { $ref: '#/components/responses/Error' }, where);
    }
    assert.deepEqual(missing, []);
    const operations = Object.values(document.paths).flatMap((item) => Object.keys(item));
    assert.equal(operations.length, routes.filter((r) => !isHiddenRoute(r.url)).length, 'the document has no operation the core does not serve');
    const ids = Object.values(document.paths).flatMap((item) => Object.values(item).map((op) => op.operationId));
    assert.equal(new Set(ids).size, ids.length, 'operation ids are unique');
    assert.ok(ids.every((id) => typeof id === 'string' && /^[a-z][A-Za-z0-9]*$/.test(id)), 'every operation has an id');
    // The hidden ones are the staff UI's shell and assets and the reference page; the API itself is all there.
    assert.ok(routes.filter((r) => r.url.startsWith('/api/v1/')).every((r) => !isHiddenRoute(r.url)));
  });

  it('serves the reference page from this origin under the strict CSP', async () => {
    const page = await app.inject({ url: REFERENCE_PATH });
    assert.equal(page.statusCode, 200);
    assert.match(String(page.headers['content-type']), /^text\/html/);
    const csp = String(page.headers['content-security-policy']);
    assert.match(csp, /script-src 'self';/);
    assert.match(csp, /style-src 'self';/);
    assert.doesNotMatch(csp, /unsafe-inline|unsafe-eval|https?:/);
    // No inline script or style: every script has a src, no style element or attribute, nothing from elsewhere.
    assert.deepEqual([...page.body.matchAll(/<script(?![^>]*\bsrc=)[^>]*>/g)], []);
    assert.doesNotMatch(page.body, /<style|\sstyle=|https?:\/\//);
    for (const [asset] of page.body.matchAll(/(?<=(?:src|href)=")[^"]+/g)) {
      const response = await app.inject({ url: asset });
      assert.equal(response.statusCode, 200, asset);
      assert.equal(response.headers['content-security-policy'], csp, asset);
    }
  });

  it('checked the responses of this file against the contract, with no violation', (t) => {
    assert.ok(contractRecord.checked > 0);
    assert.deepEqual(contractRecord.violations, []);
    const operations = Object.values(document.paths).flatMap((item) => Object.values(item));
    const documented = operations.filter((op) => Object.entries(op.responses).some(([status, r]) => status !== 'default' && r['content'] !== undefined));
    t.diagnostic(`${documented.length} of ${operations.length} operations document a JSON success body`);
  });
});

describe('the contract check', () => {
  let app: FastifyInstance;
  const Counted = z.object({ n: z.number() });
  const before_ = { violations: 0 };

  before(async () => {
    app = createHttpApp({ logger: createLogger({ level: 'silent' }), bodyLimit: 1024, contentSecurityPolicy: "default-src 'none'", permissions: [] });
    await registerOpenApi(app, { cookieName: 'tacet_session' });
    const documented = { config: { access: 'public' as const }, schema: { response: { 200: responseSchema(Counted) } } };
    app.get('/api/v1/contract-test/good', documented, async () => ({ n: 1 }));
    // A field the schema lacks: the serialiser would drop it silently; the check names it.
    app.get('/api/v1/contract-test/extra-field', documented, async () => ({ n: 1, secret: 'dropped' }));
    // A wrong type: the serialiser would coerce it; the check refuses it.
    app.get('/api/v1/contract-test/wrong-type', documented, async () => ({ n: 'one' }));
    // An error in a shape other than the one error body, sent as ready-made JSON (so only the `sent` stage sees it).
    app.get('/api/v1/contract-test/bad-error', { config: { access: 'public' } }, async (_request, reply) => reply.code(400).type('application/json').send('{"message":"nope"}'));
    app.get('/api/v1/contract-test/undocumented', { config: { access: 'public' } }, async () => ({ ok: true }));
    installContractCheck(app);
    before_.violations = contractRecord.violations.length;
  });
  after(async () => {
    await app.close();
    // These were meant to break the contract: keep them out of the file's record.
    contractRecord.violations.splice(before_.violations);
    contractRecord.undocumented.delete('GET /api/v1/contract-test/undocumented 200');
  });

  it('passes a response that fits its schema, and an error in the one error body', async () => {
    const good = await app.inject({ url: '/api/v1/contract-test/good' });
    assert.equal(good.statusCode, 200, good.body);
    assert.deepEqual(good.json(), { n: 1 });
    const notFound = await app.inject({ url: '/api/v1/contract-test/nowhere' });
    assert.equal(notFound.statusCode, 404, notFound.body);
    assert.equal(contractRecord.violations.length, before_.violations);
  });

  for (const [route, stage, pattern] of [
    ['extra-field', 'handler', /must NOT have additional properties \(secret\)/],
    ['wrong-type', 'handler', /\/n must be number/],
    ['bad-error', 'sent', /must have required property 'error'/],
  ] as const) {
    it(`fails the request loudly on ${route} (${stage})`, async () => {
      const response = await app.inject({ url: `/api/v1/contract-test/${route}` });
      assert.equal(response.statusCode, 500);
      const body = response.json<{ error: { code: string; message: string } }>();
      assert.equal(body.error.code, 'CONTRACT_VIOLATION');
      assert.match(body.error.message, pattern);
      const recorded = contractRecord.violations.find((v) => v.response.startsWith(`GET /api/v1/contract-test/${route} `));
      assert.equal(recorded?.stage, stage);
    });
  }

  it('records a JSON success the operation does not document', async () => {
    const response = await app.inject({ url: '/api/v1/contract-test/undocumented' });
    assert.equal(response.statusCode, UNDOCUMENTED_FAILS ? 500 : 200);
    assert.equal(contractRecord.undocumented.get('GET /api/v1/contract-test/undocumented 200'), 1);
  });
});
