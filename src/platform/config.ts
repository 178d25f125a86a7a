/**
 * Configuration, parsed once from the environment into frozen, schema-checked
 * objects. SECURITY: the intake config type has no key fields at all; an
 * intake process cannot be configured with a way to read enquiries.
 */
import os from 'node:os';
import path from 'node:path';
import { z } from 'zod';

const port = z.coerce.number().int().min(0).max(65_535);
const positiveInt = z.coerce.number().int().positive();

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

const readLimitSchema = z.object({ persons: z.number().int().positive(), minutes: z.number().int().positive() }).strict();
const readLimitsSchema = z.object({ receptionist: readLimitSchema, nurse: readLimitSchema, practitioner: readLimitSchema, clinic_manager: readLimitSchema }).partial().strict();

/** Distinct persons a role may open per window before the account is locked (documented defaults). */
export const DEFAULT_READ_LIMITS = { receptionist: { persons: 40, minutes: 10 }, nurse: { persons: 40, minutes: 10 }, practitioner: { persons: 60, minutes: 10 }, clinic_manager: { persons: 80, minutes: 10 } } as const;

const readCapSchema = z.object({ hour: z.number().int().positive(), day: z.number().int().positive() }).strict();
const readCapsSchema = z.object({ receptionist: readCapSchema, nurse: readCapSchema, practitioner: readCapSchema, clinic_manager: readCapSchema }).partial().strict();

/**
 * The longer windows (documented defaults): distinct persons a role may open in
 * any rolling hour and in one working day (a calendar day in TACET_TIMEZONE)
 * before the account is locked. A reader who stays just under the 10-minute
 * limit meets the hour cap; one who stays under that meets the day cap.
 */
export const DEFAULT_READ_CAPS = { receptionist: { hour: 120, day: 300 }, nurse: { hour: 120, day: 300 }, practitioner: { hour: 180, day: 450 }, clinic_manager: { hour: 240, day: 600 } } as const;

/** JSON in an environment variable, checked against `schema`; `example` is shown when it does not parse. */
function jsonSetting<T>(schema: z.ZodType<T>, example: string) {
  return z.string().transform((text, ctx) => {
    try {
      return schema.parse(JSON.parse(text));
    } catch {
      ctx.addIssue({ code: 'custom', message: `must be JSON like ${example}` });
      return z.NEVER;
    }
  });
}

/** Detection and alerting settings. */
export interface DetectionConfig {
  readonly readLimits: Readonly<Record<keyof typeof DEFAULT_READ_LIMITS, { readonly persons: number; readonly windowMs: number }>>;
  /** Distinct persons per rolling hour and per working day, by role. */
  readonly readCaps: Readonly<Record<keyof typeof DEFAULT_READ_CAPS, { readonly hour: number; readonly day: number }>>;
  /** Today's distinct persons against the median day of the last `days` days (own and same-role peers'). */
  readonly baseline: { readonly factor: number; readonly floor: number; readonly days: number };
  readonly denials: { readonly max: number; readonly windowMs: number };
  /** Full-size photo views and downloads per window before the account is locked. */
  readonly photoBurst: { readonly max: number; readonly windowMs: number };
  readonly businessHours: { readonly start: number; readonly end: number; readonly timeZone: string };
  readonly smtpUrl: string | undefined;
  readonly alertFrom: string;
  readonly alertEmails: readonly string[];
  readonly webhook: { readonly url: string; readonly secret: string } | undefined;
  readonly checkpointMs: number;
  readonly auditExportFile: string;
  /** The pinned audit key (fingerprint, or a file of fingerprints / public keys) `tacet audit verify` trusts; kept off the box. */
  readonly auditTrustedKey: string | undefined;
  readonly syslog: { readonly host: string; readonly port: number } | undefined;
}

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
  /** Override every role's distinct-person read limit (and window). */
  TACET_READ_MAX_PERSONS: positiveInt.optional(),
  TACET_READ_WINDOW_MINUTES: positiveInt.optional(),
  /** Per-role limits as JSON, e.g. {"receptionist":{"persons":40,"minutes":10}}. */
  TACET_DETECT_READ_LIMITS: jsonSetting(readLimitsSchema, '{"receptionist":{"persons":40,"minutes":10}}').optional(),
  /** Per-role hour and working-day caps as JSON, e.g. {"receptionist":{"hour":120,"day":300}}. */
  TACET_DETECT_READ_CAPS: jsonSetting(readCapsSchema, '{"receptionist":{"hour":120,"day":300}}').optional(),
  /** The baseline rule: alert when distinct people today exceed FACTOR × the larger of the staff member's own and their peers' median day (never below FLOOR) over the last DAYS days. */
  TACET_DETECT_BASELINE_FACTOR: z.coerce.number().min(1.5).max(20).default(3),
  TACET_DETECT_BASELINE_FLOOR: positiveInt.default(50),
  TACET_DETECT_BASELINE_DAYS: positiveInt.max(365).default(30),
  TACET_DETECT_DENIALS: positiveInt.default(20),
  TACET_DETECT_DENIAL_MINUTES: positiveInt.default(10),
  TACET_DETECT_PHOTOS: positiveInt.default(60),
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
  TACET_DETECT_PHOTO_MINUTES: positiveInt.default(10),
  TACET_BUSINESS_HOURS: z
    .string()
    .regex(/^([01]\d|2[0-3]):[0-5]\d-([01]\d|2[0-3]):[0-5]\d$/)
    .default('07:00-20:00'),
  TACET_TIMEZONE: z
    .string()
    .refine((zone) => {
      try {
        new Intl.DateTimeFormat('en-GB', { timeZone: zone });
        return true;
      } catch {
        return false;
      }
    }, 'must be an IANA time zone like Europe/London')
    .default('Europe/London'),
  TACET_SMTP_URL: z.string().regex(/^smtps?:\/\//).optional(),
  TACET_ALERT_FROM: z.string().email().default('tacet-alerts@localhost'),
  TACET_ALERT_EMAILS: z.string().optional(),
  TACET_ALERT_WEBHOOK_URL: z.string().url().optional(),
  TACET_ALERT_WEBHOOK_SECRET: z.string().min(16).optional(),
  TACET_AUDIT_CHECKPOINT_MINUTES: positiveInt.default(5),
  TACET_AUDIT_EXPORT_FILE: z.string().optional(),
  TACET_AUDIT_TRUSTED_KEY: z.string().optional(),
  TACET_AUDIT_SYSLOG: z
    .string()
    .regex(/^udp:\/\/[^:/]+:\d+$/)
    .optional(),
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

function minutesOfDay(text: string): number {
  const [h, m] = text.split(':').map(Number);
  return (h as number) * 60 + (m as number);
}

function detectionConfig(v: z.infer<typeof coreSchema>): DetectionConfig {
  const dataDir = path.resolve(v.TACET_DATA_DIR);
  const roles = Object.keys(DEFAULT_READ_LIMITS) as (keyof typeof DEFAULT_READ_LIMITS)[];
  const readLimits = Object.fromEntries(
    roles.map((role) => {
      const limit = v.TACET_DETECT_READ_LIMITS?.[role] ?? DEFAULT_READ_LIMITS[role];
      return [role, { persons: v.TACET_READ_MAX_PERSONS ?? limit.persons, windowMs: (v.TACET_READ_WINDOW_MINUTES ?? limit.minutes) * 60_000 }];
    }),
  ) as DetectionConfig['readLimits'];
  const [start, end] = v.TACET_BUSINESS_HOURS.split('-') as [string, string];
  const syslog = v.TACET_AUDIT_SYSLOG ? new URL(v.TACET_AUDIT_SYSLOG) : undefined;
  if (v.TACET_ALERT_WEBHOOK_URL && !v.TACET_ALERT_WEBHOOK_SECRET) throw new ConfigError(['TACET_ALERT_WEBHOOK_SECRET']);
  // Windows nest: an hour never allows fewer people than ten minutes, nor a day fewer than an hour.
  const readCaps = Object.fromEntries(
    roles.map((role) => {
      const cap = v.TACET_DETECT_READ_CAPS?.[role] ?? DEFAULT_READ_CAPS[role];
      const hour = Math.max(cap.hour, readLimits[role].persons);
      return [role, { hour, day: Math.max(cap.day, hour) }];
    }),
  ) as DetectionConfig['readCaps'];
  return {
    readLimits,
    readCaps,
    baseline: { factor: v.TACET_DETECT_BASELINE_FACTOR, floor: v.TACET_DETECT_BASELINE_FLOOR, days: v.TACET_DETECT_BASELINE_DAYS },
    denials: { max: v.TACET_DETECT_DENIALS, windowMs: v.TACET_DETECT_DENIAL_MINUTES * 60_000 },
    photoBurst: { max: v.TACET_DETECT_PHOTOS, windowMs: v.TACET_DETECT_PHOTO_MINUTES * 60_000 },
    businessHours: { start: minutesOfDay(start), end: minutesOfDay(end), timeZone: v.TACET_TIMEZONE },
    smtpUrl: v.TACET_SMTP_URL,
    alertFrom: v.TACET_ALERT_FROM,
    alertEmails: (v.TACET_ALERT_EMAILS ?? '').split(',').map((e) => e.trim()).filter(Boolean),
    webhook: v.TACET_ALERT_WEBHOOK_URL && v.TACET_ALERT_WEBHOOK_SECRET ? { url: v.TACET_ALERT_WEBHOOK_URL, secret: v.TACET_ALERT_WEBHOOK_SECRET } : undefined,
    checkpointMs: v.TACET_AUDIT_CHECKPOINT_MINUTES * 60_000,
    auditExportFile: v.TACET_AUDIT_EXPORT_FILE ? path.resolve(v.TACET_AUDIT_EXPORT_FILE) : path.join(dataDir, 'audit-checkpoints.jsonl'),
    auditTrustedKey: v.TACET_AUDIT_TRUSTED_KEY || undefined,
    syslog: syslog ? { host: syslog.hostname, port: Number(syslog.port) } : undefined,
  };
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
    blobDir: path.resolve(v.TACET_BLOB_DIR ?? path.join(v.TACET_DATA_DIR, 'blobs')),
    blobS3: v.TACET_BLOB_S3_BUCKET
      ? Object.freeze({ bucket: v.TACET_BLOB_S3_BUCKET, region: v.TACET_BLOB_S3_REGION, ...(v.TACET_BLOB_S3_ENDPOINT ? { endpoint: v.TACET_BLOB_S3_ENDPOINT } : {}), ...(v.TACET_BLOB_S3_PREFIX ? { prefix: v.TACET_BLOB_S3_PREFIX } : {}) })
      : undefined,
  });
}
