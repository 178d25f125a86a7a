/**
 * The contract check: every response a test's HTTP call receives from a tier
 * (the core, the intake) must validate against that app's own published
 * OpenAPI document (`app.swagger()`, src/platform/http/openapi.ts).
 *
 * Two stages, per response with a JSON body:
 * - `handler`: what the handler returned (before Fastify's serialiser) must
 *   fit the documented schema. This is where a field the schema lacks shows
 *   up: the serialiser would silently drop it, or coerce a wrong type.
 * - `sent`: what went over the wire must fit it too (errors included: every
 *   operation's `default` is the one error body).
 * A mismatch turns the response into a 500 naming the violation, so the test
 * that made the call fails; every violation is also kept in `contractRecord`.
 * A JSON success response whose status the operation does not document is
 * `undocumented`: recorded, and an error only where UNDOCUMENTED_FAILS says.
 */
import fs from 'node:fs';
import path from 'node:path';
import { formatParamUrl } from '@fastify/swagger';
import { Ajv2020, type ValidateFunction } from 'ajv/dist/2020.js';
import addFormatsModule from 'ajv-formats';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';

/**
 * Whether an undocumented JSON response fails its request: the rule, so a
 * route that answers JSON without declaring its response schema fails the
 * test that calls it. TACET_CONTRACT_UNDOCUMENTED=allow only to survey a
 * branch that is still adding schemas.
 */
export const UNDOCUMENTED_FAILS = process.env['TACET_CONTRACT_UNDOCUMENTED'] !== 'allow';

/** One response that broke the contract. */
export interface ContractViolation {
  /** `GET /api/v1/patients/:id 200`, `POST /v1/enquiries 202` (the route template, never the URL). */
  readonly response: string;
  readonly stage: 'handler' | 'sent' | 'undocumented';
  readonly errors: string;
}

/** What the check saw in this process (one test file). */
export const contractRecord = {
  /** Responses validated against a documented schema. */
  checked: 0,
  violations: [] as ContractViolation[],
  /** Undocumented JSON responses: `METHOD /route status` → how many. */
  undocumented: new Map<string, number>(),
};

type Json = Record<string, unknown>;
interface Operation {
  readonly responses?: Record<string, Json>;
}
interface Document {
  readonly paths: Record<string, Record<string, Operation>>;
  readonly components?: { readonly responses?: Record<string, Json> };
}

const DOC_ID = 'urn:tacet:openapi';
const addFormats = addFormatsModule as unknown as (ajv: Ajv2020) => Ajv2020;

/**
 * Validators for one document, compiled on first use and shared by every app
 * in the process that publishes the same document (each harness builds its own).
 * The document itself is the Ajv schema that a response's `$ref` points into,
 * so `#/components/...` references resolve as they do for an integrator.
 */
interface Validators {
  readonly validate: (pointer: string, data: unknown) => string | undefined;
}
const byDocument = new Map<string, Validators>();

function validatorsFor(document: Document): Validators {
  const text = JSON.stringify(document);
  const known = byDocument.get(text);
  if (known) return known;
  // strict: false, as an OpenAPI document is not a bare JSON Schema (it has paths, components, x- extensions).
  const ajv = addFormats(new Ajv2020({ strict: false, allErrors: true }));
  ajv.addSchema(JSON.parse(text) as Json, DOC_ID);
  const compiled = new Map<string, ValidateFunction>();
  const validators: Validators = {
    validate(pointer, data) {
      let validate = compiled.get(pointer);
      if (!validate) {
        validate = ajv.compile({ $ref: `${DOC_ID}#${pointer}` });
        compiled.set(pointer, validate);
      }
      if (validate(data)) return undefined;
      return (validate.errors ?? []).map((e) => `${e.instancePath || '/'} ${e.message ?? 'is invalid'}${'additionalProperty' in e.params ? ` (${String(e.params['additionalProperty'])})` : ''}`).join('; ');
    },
  };
  byDocument.set(text, validators);
  return validators;
}

function pointerTo(segments: readonly string[]): string {
  return segments.map((s) => `/${encodeURIComponent(s.replace(/~/g, '~0').replace(/\//g, '~1'))}`).join('');
}

/** `documented`: the JSON Pointer of the schema a response must fit; `undocumented`: the operation names no JSON body for it; `unlisted`: not in the contract. */
type Lookup = { readonly kind: 'documented'; readonly pointer: string } | { readonly kind: 'undocumented' } | { readonly kind: 'unlisted' };

function lookup(document: Document, method: string, url: string | undefined, status: number): Lookup {
  const errorSchema: Lookup = { kind: 'documented', pointer: pointerTo(['components', 'responses', 'Error', 'content', 'application/json', 'schema']) };
  // Fastify's own 404 (no route matched) answers with the error body too.
  if (url === undefined) return errorSchema;
  const docPath = formatParamUrl(url);
  const verb = method.toLowerCase();
  const operation = document.paths[docPath]?.[verb];
  if (!operation) return { kind: 'unlisted' };
  const responses = operation.responses ?? {};
  // A success only counts as documented by its own status; `default` (the error body) covers 4xx and 5xx.
  const keys = status < 400 ? [String(status)] : [String(status), `${String(status)[0]}XX`, 'default'];
  const key = keys.find((k) => responses[k] !== undefined);
  if (key === undefined) return status < 400 ? { kind: 'undocumented' } : errorSchema;
  const response = responses[key] as Json;
  const ref = typeof response['$ref'] === 'string' ? response['$ref'] : undefined;
  if (ref === '#/components/responses/Error') return errorSchema;
  const content = response['content'] as Record<string, unknown> | undefined;
  if (content?.['application/json'] === undefined) return { kind: 'undocumented' };
  return { kind: 'documented', pointer: pointerTo(['paths', docPath, verb, 'responses', key, 'content', 'application/json', 'schema']) };
}

function isJson(reply: FastifyReply): boolean {
  const type = reply.getHeader('content-type');
  return typeof type === 'string' && /^application\/([a-z.+-]+\+)?json\b/.test(type);
}

function bodyText(payload: unknown): string | undefined {
  if (typeof payload === 'string') return payload;
  if (Buffer.isBuffer(payload)) return payload.toString('utf8');
  return undefined; // a stream: not JSON the check can read
}

/** What a JSON response would carry: undefined members dropped, dates as strings. Undefined if it cannot be JSON. */
function asJson(value: unknown): unknown {
  try {
    const text = JSON.stringify(value);
    return text === undefined ? undefined : (JSON.parse(text) as unknown);
  } catch {
    return undefined;
  }
}

/** Install the check on a tier's app before it is ready (the harness does, on the core and the intake of every test installation). */
export function installContractCheck(app: FastifyInstance): void {
  let document: Document | undefined;
  let validators: Validators | undefined;
  const published = (): { document: Document; validators: Validators } => {
    document ??= app.swagger() as unknown as Document;
    validators ??= validatorsFor(document);
    return { document, validators };
  };
  const violations = new WeakMap<FastifyRequest, ContractViolation>();
  const name = (request: FastifyRequest, reply: FastifyReply) => `${request.method} ${request.routeOptions.url ?? '(no route)'} ${reply.statusCode}`;
  const violate = (request: FastifyRequest, violation: ContractViolation) => {
    contractRecord.violations.push(violation);
    if (!violations.has(request)) violations.set(request, violation);
  };

  app.addHook('preSerialization', async (request, reply, payload) => {
    const { document, validators } = published();
    const found = lookup(document, request.method, request.routeOptions.url, reply.statusCode);
    if (found.kind !== 'documented') return payload;
    const data = asJson(payload);
    const errors = data === undefined ? undefined : validators.validate(found.pointer, data);
    if (errors) violate(request, { response: name(request, reply), stage: 'handler', errors });
    return payload;
  });

  app.addHook('onSend', async (request, reply, payload) => {
    const text = bodyText(payload);
    if (request.method === 'HEAD' || text === undefined || text === '' || !isJson(reply)) return payload;
    const { document, validators } = published();
    const found = lookup(document, request.method, request.routeOptions.url, reply.statusCode);
    if (found.kind === 'undocumented') {
      const key = name(request, reply);
      contractRecord.undocumented.set(key, (contractRecord.undocumented.get(key) ?? 0) + 1);
      if (UNDOCUMENTED_FAILS) violate(request, { response: key, stage: 'undocumented', errors: 'the operation documents no JSON body for this status' });
    } else if (found.kind === 'documented') {
      contractRecord.checked += 1;
      let data: unknown;
      try {
        data = JSON.parse(text) as unknown;
      } catch {
        data = Symbol('not JSON');
      }
      const errors = typeof data === 'symbol' ? 'the body is not JSON' : validators.validate(found.pointer, data);
      if (errors) violate(request, { response: name(request, reply), stage: 'sent', errors });
    }
    const violation = violations.get(request);
    if (!violation) return payload;
    // Loud: the test that made this call sees a 500 naming what broke, whatever it asserts.
    process.stderr.write(`CONTRACT VIOLATION ${violation.response} (${violation.stage}): ${violation.errors}\n`);
    void reply.code(500);
    return JSON.stringify({ error: { code: 'CONTRACT_VIOLATION', message: `${violation.response} (${violation.stage}): ${violation.errors}` } });
  });
}

// With TACET_CONTRACT_REPORT=<dir>, each test process leaves what it saw there (for a summary across files).
const reportDir = process.env['TACET_CONTRACT_REPORT'];
if (reportDir) {
  process.on('exit', () => {
    fs.mkdirSync(reportDir, { recursive: true });
    const record = { file: process.argv[1], checked: contractRecord.checked, violations: contractRecord.violations, undocumented: Object.fromEntries(contractRecord.undocumented) };
    fs.writeFileSync(path.join(reportDir, `${process.pid}.json`), JSON.stringify(record, null, 2));
  });
}
