/** JSON-schema pieces shared by route modules. */

/** Database ids (UUIDs) as they appear in paths and bodies. */
export const UUID_PATTERN = '^[0-9a-f-]{36}$';

/** `:id` path parameter holding a UUID. */
export const uuidParams = { type: 'object', properties: { id: { type: 'string', pattern: UUID_PATTERN } } } as const;
