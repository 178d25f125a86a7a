/** Parsing configuration from the environment: the error it raises, and value schemas the tiers share. */
import { z } from 'zod';

export const port = z.coerce.number().int().min(0).max(65_535);
export const positiveInt = z.coerce.number().int().positive();

/** JSON in an environment variable, checked against `schema`; `example` is shown when it does not parse. */
export function jsonSetting<T>(schema: z.ZodType<T>, example: string) {
  return z.string().transform((text, ctx) => {
    try {
      return schema.parse(JSON.parse(text));
    } catch {
      ctx.addIssue({ code: 'custom', message: `must be JSON like ${example}` });
      return z.NEVER;
    }
  });
}

/** Raised for invalid configuration; lists the variable names only. */
export class ConfigError extends Error {
  constructor(issues: readonly string[]) {
    super(`invalid configuration: ${issues.join('; ')}`);
    this.name = 'ConfigError';
  }
}

/** Parse `env` with `schema`. Throws `ConfigError` listing the variable names. */
export function parse<T extends z.ZodTypeAny>(schema: T, env: NodeJS.ProcessEnv): z.infer<T> {
  const result = schema.safeParse(env);
  if (!result.success) throw new ConfigError(result.error.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`));
  return result.data;
}
