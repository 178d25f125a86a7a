/**
 * Configuration, parsed once from the environment into frozen, schema-checked
 * objects. SECURITY: the intake config type has no key fields at all; an
 * intake process cannot be configured with a way to read enquiries.
 */
import os from 'node:os';
import path from 'node:path';
import { z } from 'zod';
import { parse, port, positiveInt } from './config-parse.js';
import { alertingEnv, type DetectionConfig, detectionConfig, readLimitEnv } from './detection-config.js';
import { type FrontDeskConfig, frontDeskConfig, frontDeskEnv } from './front-desk-config.js';

export { ConfigError } from './config-parse.js';
export { DEFAULT_READ_CAPS, DEFAULT_READ_LIMITS, type DetectionConfig } from './detection-config.js';

/** A PostgreSQL database (both tiers; the intake with its own INSERT-only role). */
export type PostgresConfig = { readonly kind: 'postgres'; readonly url: string; readonly schema?: string };

/**
 * The core's database: SQLite by default — the main file, and the inbox file
 * the intake writes, which the core attaches — or PostgreSQL when
 * DATABASE_URL is set.
 */
export type DatabaseConfig = { readonly kind: 'sqlite'; readonly file: string; readonly inboxFile: string } | PostgresConfig;

/**
 * The intake's database. SECURITY: on SQLite this is the inbox file alone;
 * the intake's configuration does not even name the main file.
 */
export type InboxDatabaseConfig = { readonly kind: 'sqlite'; readonly file: string } | PostgresConfig;

const shared = {
  TACET_DATA_DIR: z.string().min(1).default('.tacet'),
  DATABASE_URL: z.string().url().optional(),
  TACET_DB_SCHEMA: z.string().regex(/^[a-z_][a-z0-9_]{0,62}$/).optional(),
  TACET_LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  TACET_LOG_FILE: z.string().optional(),
  TACET_INTAKE_PUBLICATION: z.string().optional(),
  // SQLite: the inbox file both tiers use (default <data dir>/inbox.db); the intake opens only this one.
  TACET_INBOX_DB: z.string().min(1).optional(),
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
  ...readLimitEnv,
  TACET_BLOB_DIR: z.string().min(1).optional(),
  TACET_BLOB_S3_BUCKET: z.string().regex(/^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/).optional(),
  TACET_BLOB_S3_REGION: z.string().min(1).default('us-east-1'),
  TACET_BLOB_S3_ENDPOINT: z.string().url().optional(),
  TACET_BLOB_S3_PREFIX: z.string().regex(/^[a-z0-9][a-z0-9/-]*\/$/).optional(),
  // Several core instances share detection counters and sign-in rate limits through Redis (in-process without it).
  REDIS_URL: z.string().regex(/^rediss?:\/\//, 'must be a redis:// or rediss:// URL').optional(),
  // This instance's name in job leases; stable across restarts so a restarted instance takes back its own leases at once.
  TACET_INSTANCE_ID: z.string().regex(/^[A-Za-z0-9._:-]{1,100}$/).optional(),
  // Prometheus scrapes /metrics with this bearer token; without one, /metrics answers loopback only.
  TACET_METRICS_TOKEN: z.string().min(24).optional(),
  TACET_REDIS_PREFIX: z.string().regex(/^[a-z0-9:_-]{1,40}$/).default('tacet:'),
  // New starters: days to pass security training before it blocks personal data (0 = before first access).
  TACET_TRAINING_GRACE_DAYS: z.coerce.number().int().min(0).max(90).default(0),
  // Quarterly access reviews: days a clinic manager has to re-certify before unreviewed roles are suspended.
  TACET_ACCESS_REVIEW_DAYS: z.coerce.number().int().min(1).max(60).default(21),
  ...alertingEnv,
  ...frontDeskEnv,
});

/** What every tier is configured with. */
interface TierConfig {
  readonly dataDir: string;
  readonly logLevel: string;
  readonly logFile: string | undefined;
  readonly host: string;
  readonly port: number;
  /** The intake publication (public keys, clinics): written by the core, read by the intake. */
  readonly publicationFile: string;
}

/** Intake tier configuration. */
export interface IntakeConfig extends TierConfig {
  /** The inbox it writes to: on SQLite its own file, never the main database. */
  readonly database: InboxDatabaseConfig;
  readonly rateLimit: { readonly max: number; readonly windowMs: number };
  readonly minFillMs: number;
  readonly maxFormAgeMs: number;
  readonly bodyLimit: number;
}

/** Core tier configuration. */
export interface CoreConfig extends TierConfig {
  readonly database: DatabaseConfig;
  readonly ingestIntervalMs: number;
  readonly ingestBatch: number;
  readonly sessionIdleMs: number;
  readonly sessionAbsoluteMs: number;
  readonly cookieSecure: boolean;
  /** Requests per minute per IP on each sign-in route. */
  readonly authRateMax: number;
  /** WebAuthn relying party: the origin staff browsers use, and its host name as RP id. */
  readonly webauthn: { readonly origin: string; readonly rpId: string; readonly rpName: string };
  readonly detection: DetectionConfig;
  /** Queues, SLA and allowances (front-desk-config.ts). */
  readonly frontDesk: FrontDeskConfig;
  /** Local blob store root (encrypted photos and exports). */
  readonly blobDir: string;
  /** S3-compatible object storage instead of the local directory (credentials from the AWS SDK's usual sources, e.g. AWS_ACCESS_KEY_ID). */
  readonly blobS3: { readonly bucket: string; readonly region: string; readonly endpoint?: string; readonly prefix?: string } | undefined;
  readonly trainingGraceDays: number;
  readonly accessReviewDays: number;
  /** Shared state for several instances (detection counters, rate limits). */
  readonly redis: { readonly url: string; readonly prefix: string } | undefined;
  readonly metricsToken: string | undefined;
  readonly instanceId: string;
}

type SharedValues = {
  TACET_DATA_DIR: string;
  DATABASE_URL?: string | undefined;
  TACET_DB_SCHEMA?: string | undefined;
  TACET_LOG_LEVEL: string;
  TACET_LOG_FILE?: string | undefined;
  TACET_INTAKE_PUBLICATION?: string | undefined;
  TACET_INBOX_DB?: string | undefined;
};

function postgresConfig(v: SharedValues): PostgresConfig | undefined {
  return v.DATABASE_URL ? { kind: 'postgres', url: v.DATABASE_URL, ...(v.TACET_DB_SCHEMA ? { schema: v.TACET_DB_SCHEMA } : {}) } : undefined;
}

const inboxFileOf = (v: SharedValues): string => v.TACET_INBOX_DB ?? path.join(v.TACET_DATA_DIR, 'inbox.db');

/** The settings both tiers share. */
function sharedConfig(v: SharedValues) {
  return {
    dataDir: v.TACET_DATA_DIR,
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
    database: postgresConfig(v) ?? { kind: 'sqlite' as const, file: inboxFileOf(v) },
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
    database: postgresConfig(v) ?? { kind: 'sqlite' as const, file: path.join(v.TACET_DATA_DIR, 'tacet.db'), inboxFile: inboxFileOf(v) },
    host: v.TACET_CORE_HOST,
    port: v.TACET_CORE_PORT,
    ingestIntervalMs: v.TACET_INGEST_INTERVAL_MS,
    ingestBatch: v.TACET_INGEST_BATCH,
    sessionIdleMs: v.TACET_SESSION_IDLE_MINUTES * 60_000,
    sessionAbsoluteMs: v.TACET_SESSION_ABSOLUTE_HOURS * 3_600_000,
    cookieSecure: v.TACET_COOKIE_SECURE === 'true',
    authRateMax: v.TACET_AUTH_RATE_MAX,
    trainingGraceDays: v.TACET_TRAINING_GRACE_DAYS,
    accessReviewDays: v.TACET_ACCESS_REVIEW_DAYS,
    metricsToken: v.TACET_METRICS_TOKEN,
    instanceId: v.TACET_INSTANCE_ID ?? `${os.hostname()}:${v.TACET_CORE_PORT}`,
    redis: v.REDIS_URL ? Object.freeze({ url: v.REDIS_URL, prefix: v.TACET_REDIS_PREFIX }) : undefined,
    webauthn: Object.freeze(relyingParty(v.TACET_CORE_ORIGIN ?? `http://localhost:${v.TACET_CORE_PORT}`)),
    detection: Object.freeze(detectionConfig(v)),
    frontDesk: Object.freeze(frontDeskConfig(v)),
    blobDir: path.resolve(v.TACET_BLOB_DIR ?? path.join(v.TACET_DATA_DIR, 'blobs')),
    blobS3: v.TACET_BLOB_S3_BUCKET
      ? Object.freeze({ bucket: v.TACET_BLOB_S3_BUCKET, region: v.TACET_BLOB_S3_REGION, ...(v.TACET_BLOB_S3_ENDPOINT ? { endpoint: v.TACET_BLOB_S3_ENDPOINT } : {}), ...(v.TACET_BLOB_S3_PREFIX ? { prefix: v.TACET_BLOB_S3_PREFIX } : {}) })
      : undefined,
  });
}
