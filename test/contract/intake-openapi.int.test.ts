/**
 * The intake's published contract: `/v1/openapi.json` is valid OpenAPI 3.1
 * whose schemas are JSON Schema 2020-12, lists what a clinic's website calls
 * (POST /v1/enquiries with its sealed body, GET /v1/publication) and every
 * other route the intake registers bar the hosted form's pages and assets,
 * and the intake's answers in this file fit it (the harness installs the check).
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { Validator } from '@seriousme/openapi-schema-validator';
import { Ajv2020 } from 'ajv/dist/2020.js';
import type { FastifyInstance } from 'fastify';
import { ENQUIRY_SUITE } from '../../src/crypto/enquiry-suite.js';
import { INTAKE_OPENAPI_PATH, isIntakeHiddenRoute } from '../../src/intake/intake-contract.js';
import { routeTable } from '../../src/platform/http/access.js';
import { contractRecord } from '../helpers/contract.js';
import { createHarness, type Harness, submitEnquiries } from '../helpers/harness.js';
import { generateEnquiries } from '../helpers/enquiries.js';

type Json = Record<string, unknown>;
interface Operation {
  readonly operationId?: string;
  readonly description?: string;
  readonly security?: unknown[];
  readonly requestBody?: { content: Record<string, { schema: Json }> };
  readonly responses: Record<string, Json>;
  readonly 'x-tacet-access'?: string;
}
interface Document {
  readonly openapi: string;
  readonly info: { title: string };
  readonly components: { schemas: Record<string, Json> };
  readonly paths: Record<string, Record<string, Operation>>;
}

describe("the intake's published contract", () => {
  let harness: Harness;
  let app: FastifyInstance;
  let document: Document;

  before(async () => {
    harness = await createHarness('sqlite');
    app = harness.intake.app;
    const response = await app.inject({ url: INTAKE_OPENAPI_PATH });
    assert.equal(response.statusCode, 200, response.body);
    assert.match(String(response.headers['content-type']), /^application\/json/);
    // A clinic's website may fetch it from its own origin, as it does the publication.
    assert.equal(response.headers['access-control-allow-origin'], '*');
    document = response.json<Document>();
  });
  after(async () => {
    await harness.close();
  });

  it('is valid OpenAPI 3.1 with JSON Schema 2020-12 schemas', async () => {
    const validator = new Validator();
    const result = await validator.validate(structuredClone(document) as unknown as Record<string, unknown>);
    assert.equal(result.valid, true, JSON.stringify(result.errors, null, 2));
    assert.equal(validator.version, '3.1');
    assert.equal(document.info.title, 'Tacet intake');
    const ajv = new Ajv2020({ strict: false });
    const operations = Object.values(document.paths).flatMap((item) => Object.values(item));
    const schemas = [...Object.values(document.components.schemas), ...operations.flatMap((op) => [...Object.values(op.requestBody?.content ?? {}), ...Object.values(op.responses).flatMap((r) => Object.values((r['content'] ?? {}) as Record<string, { schema: Json }>))].map((c) => c.schema))];
    assert.ok(schemas.every((schema) => ajv.validateSchema(schema)));
  });

  it('lists POST /v1/enquiries with its sealed body and how to seal, and GET /v1/publication', () => {
    const enquiries = document.paths['/v1/enquiries']?.['post'];
    assert.ok(enquiries, 'POST /v1/enquiries is documented');
    const body = enquiries.requestBody?.content['application/json']?.schema as { required: string[]; properties: Record<string, Json> };
    assert.deepEqual(body.required, ['v', 'suite', 'kid', 'clinic', 'enc', 'ct', 'formToken']);
    assert.equal(body.properties['suite']?.['const'], ENQUIRY_SUITE);
    assert.ok(enquiries.responses['202']?.['content'], 'the 202 answer has a schema');
    assert.match(enquiries.description ?? '', /RFC 9180/);
    assert.match(enquiries.description ?? '', /web\/form\/form\.ts/);
    const publication = document.paths['/v1/publication']?.['get'];
    assert.ok(publication?.responses['200']?.['content'], 'GET /v1/publication is documented with its answer');
  });

  it('documents every route the intake registers, bar the hosted form, each public with the error body', () => {
    const routes = routeTable(app).filter((r) => r.method !== 'HEAD');
    const undocumented: string[] = [];
    for (const route of routes) {
      const operation = document.paths[route.url.replace(/:(\w+)/g, '{$1}')]?.[route.method.toLowerCase()];
      if (isIntakeHiddenRoute(route.url)) {
        assert.equal(operation, undefined, `${route.method} ${route.url} should be hidden`);
        continue;
      }
      if (!operation) {
        undocumented.push(`${route.method} ${route.url}`);
        continue;
      }
      assert.equal(operation['x-tacet-access'], 'public', route.url);
      assert.deepEqual(operation.security, [], route.url);
      assert.deepEqual(operation.responses['default'], { $ref: '#/components/responses/Error' }, route.url);
    }
    assert.deepEqual(undocumented, []);
    const operations = Object.values(document.paths).flatMap((item) => Object.keys(item));
    assert.equal(operations.length, routes.filter((r) => !isIntakeHiddenRoute(r.url)).length, 'the document has no operation the intake does not serve');
    // The hidden ones are the hosted form (HTML and its assets); the /v1 API is all there.
    assert.ok(routes.filter((r) => r.url.startsWith('/v1/')).every((r) => !isIntakeHiddenRoute(r.url)));
  });

  it("checked the intake's answers in this file against its contract, with no violation", async () => {
    const checked = contractRecord.checked;
    await submitEnquiries(harness, generateEnquiries(0, 2), { ingest: false });
    assert.ok(contractRecord.checked > checked);
    assert.deepEqual(contractRecord.violations, []);
  });
});
