/**
 * Configuration, parsed once from the environment into frozen, schema-checked
 * objects. SECURITY: the intake config type has no key fields at all; an
 * intake process cannot be configured with a way to read enquiries.
 */
import path from 'node:path';
import { z } from 'zod';

const port = z.coerce.number().int().min(0).max(65_535);
const positiveInt = z.coerce.number().int().positive();

/** Database location: SQLite file by default, PostgreSQL when DATABASE_URL is set. */
export type DatabaseConfig = { readonly kind: 'sqlite'; readonly file: string } | { readonly kind: 'postgres'; readonly url: string; readonly schema?: string };

const shared = {
  TACET_DATA_DIR: z.string().min(1).default('.tacet'),
  DATABASE_URL: z.string().url().optional(),
  TACET_DB_SCHEMA: z.string().regex(/^[a-z_][a-z0-9_]{0,62}$/).optional(),
  TACET_LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  TACET_LOG_FILE: z.string().optional(),
  TACET_INTAKE_PUBLICATION: z.string().optional(),
};

const intakeSchema = z.object({
  ...shared,
  TACET_INTAKE_HOST: z.string().default('127.0.0.1'),
  TACET_INTAKE_PORT: port.default(8080),
  TACET_INTAKE_RATE_MAX: positiveInt.default(20),
  TACET_INTAKE_RATE_WINDOW_MS: positiveInt.default(60_000),
  TACET_INTAKE_MIN_FILL_MS: z.coerce.number().int().min(0).default(3000),
  TACET_INTAKE_MAX_FORM_AGE_MS: positiveInt.default(24 * 3_600_000),
  TACET_INTAKE_BODY_LIMIT: positiveInt.max(1_048_576).default(65_536),
});

const coreSchema = z.object({
  ...shared,
  TACET_CORE_HOST: z.string().default('127.0.0.1'),
  TACET_CORE_PORT: port.default(8081),
  TACET_INGEST_INTERVAL_MS: positiveInt.default(2000),
  TACET_INGEST_BATCH: positiveInt.max(5000).default(500),
  TACET_SESSION_IDLE_MINUTES: positiveInt.default(15),
  TACET_SESSION_ABSOLUTE_HOURS: positiveInt.default(12),
  TACET_COOKIE_SECURE: z.enum(['true', 'false']).default('true'),
  TACET_AUTH_RATE_MAX: positiveInt.default(20),
  /** The staff UI's origin as browsers see it (WebAuthn binds passkeys to it). */
  TACET_CORE_ORIGIN: z
    .string()
    .refine((value) => /^https?:\/\/[^/]+$/.test(value) && URL.canParse(value), 'must be an origin like https://tacet.clinic.example')
    .optional(),
  TACET_READ_MAX_PERSONS: positiveInt.default(60),
  TACET_READ_WINDOW_MINUTES: positiveInt.default(10),
});

/** What every tier is configured with. */
interface TierConfig {
  readonly dataDir: string;
  readonly database: DatabaseConfig;
  readonly logLevel: string;
  readonly logFile: string | undefined;
  readonly host: string;
  readonly port: number;
  /** The intake publication (public keys, clinics): written by the core, read by the intake. */
  readonly publicationFile: string;
}

/** Intake tier configuration. */
export interface IntakeConfig extends TierConfig {
  readonly rateLimit: { readonly max: number; readonly windowMs: number };
  readonly minFillMs: number;
  readonly maxFormAgeMs: number;
  readonly bodyLimit: number;
}

/** Core tier configuration. */
export interface CoreConfig extends TierConfig {
  readonly ingestIntervalMs: number;
  readonly ingestBatch: number;
  readonly sessionIdleMs: number;
  readonly sessionAbsoluteMs: number;
  readonly cookieSecure: boolean;
  /** Requests per minute per IP on each sign-in route. */
  readonly authRateMax: number;
  /** WebAuthn relying party: the origin staff browsers use, and its host name as RP id. */
  readonly webauthn: { readonly origin: string; readonly rpId: string; readonly rpName: string };
  /** Distinct persons one staff member may open per window before reads are refused. */
  readonly readGuard: { readonly maxDistinctPersons: number; readonly windowMs: number };
}

/** Raised for invalid configuration; lists the variable names only. */
export class ConfigError extends Error {
  constructor(issues: readonly string[]) {
    super(`invalid configuration: ${issues.join('; ')}`);
    this.name = 'ConfigError';
  }
}

function parse<T extends z.ZodTypeAny>(schema: T, env: NodeJS.ProcessEnv): z.infer<T> {
  const result = schema.safeParse(env);
  if (!result.success) throw new ConfigError(result.error.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`));
  return result.data;
}

type SharedValues = { TACET_DATA_DIR: string; DATABASE_URL?: string | undefined; TACET_DB_SCHEMA?: string | undefined; TACET_LOG_LEVEL: string; TACET_LOG_FILE?: string | undefined; TACET_INTAKE_PUBLICATION?: string | undefined };

/** The settings both tiers share. */
function sharedConfig(v: SharedValues) {
  const database: DatabaseConfig = v.DATABASE_URL
    ? { kind: 'postgres', url: v.DATABASE_URL, ...(v.TACET_DB_SCHEMA ? { schema: v.TACET_DB_SCHEMA } : {}) }
    : { kind: 'sqlite', file: path.join(v.TACET_DATA_DIR, 'tacet.db') };
  return {
    dataDir: v.TACET_DATA_DIR,
    database,
    logLevel: v.TACET_LOG_LEVEL,
    logFile: v.TACET_LOG_FILE,
    publicationFile: v.TACET_INTAKE_PUBLICATION ?? path.join(v.TACET_DATA_DIR, 'intake-publication.json'),
  };
}

/** Parse the intake tier's configuration. Throws `ConfigError`. */
export function loadIntakeConfig(env: NodeJS.ProcessEnv = process.env): IntakeConfig {
  const v = parse(intakeSchema, env);
  return Object.freeze({
    ...sharedConfig(v),
    host: v.TACET_INTAKE_HOST,
    port: v.TACET_INTAKE_PORT,
    rateLimit: Object.freeze({ max: v.TACET_INTAKE_RATE_MAX, windowMs: v.TACET_INTAKE_RATE_WINDOW_MS }),
    minFillMs: v.TACET_INTAKE_MIN_FILL_MS,
    maxFormAgeMs: v.TACET_INTAKE_MAX_FORM_AGE_MS,
    bodyLimit: v.TACET_INTAKE_BODY_LIMIT,
  });
}

function relyingParty(origin: string): { origin: string; rpId: string; rpName: string } {
  return { origin, rpId: new URL(origin).hostname, rpName: 'Tacet' };
}

/** Parse the core tier's configuration. Throws `ConfigError`. */
export function loadCoreConfig(env: NodeJS.ProcessEnv = process.env): CoreConfig {
  const v = parse(coreSchema, env);
  return Object.freeze({
    ...sharedConfig(v),
    host: v.TACET_CORE_HOST,
    port: v.TACET_CORE_PORT,
    ingestIntervalMs: v.TACET_INGEST_INTERVAL_MS,
    ingestBatch: v.TACET_INGEST_BATCH,
    sessionIdleMs: v.TACET_SESSION_IDLE_MINUTES * 60_000,
    sessionAbsoluteMs: v.TACET_SESSION_ABSOLUTE_HOURS * 3_600_000,
    cookieSecure: v.TACET_COOKIE_SECURE === 'true',
    authRateMax: v.TACET_AUTH_RATE_MAX,
    webauthn: Object.freeze(relyingParty(v.TACET_CORE_ORIGIN ?? `http://localhost:${v.TACET_CORE_PORT}`)),
    readGuard: Object.freeze({ maxDistinctPersons: v.TACET_READ_MAX_PERSONS, windowMs: v.TACET_READ_WINDOW_MINUTES * 60_000 }),
  });
}
