/** JSON-schema pieces shared by route modules. */
import { z } from 'zod';

/** Database ids (UUIDs) as they appear in paths and bodies. */
export const UUID_PATTERN = '^[0-9a-f-]{36}$';

/** `:id` path parameter holding a UUID. */
export const uuidParams = { type: 'object', properties: { id: { type: 'string', pattern: UUID_PATTERN } } } as const;

/**
 * A presenter's zod schema as the JSON Schema a route declares for its
 * response: Fastify serialises by it (unknown fields are dropped, a missing
 * required field fails loudly) and the OpenAPI document publishes it.
 * Types for the staff UI come from the same schema (`z.infer`).
 */
export function responseSchema(schema: z.ZodType): Record<string, unknown> {
  const json: Record<string, unknown> = z.toJSONSchema(schema, { target: 'draft-7', io: 'output' });
  delete json.$schema;
  return json;
}
