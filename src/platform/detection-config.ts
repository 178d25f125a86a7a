/**
 * Detection and alerting settings: how many distinct people a role may open
 * before the account is locked, the baseline rule, business hours, and where
 * alerts and audit checkpoints go. Parsed with the core's configuration.
 */
import path from 'node:path';
import { z } from 'zod';
import { ConfigError, jsonSetting, positiveInt } from './config-parse.js';

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
  /** The sender of acknowledgement e-mails to enquirers (TACET_ACK_FROM, else TACET_ALERT_FROM). */
  readonly ackFrom: string;
  readonly alertEmails: readonly string[];
  readonly webhook: { readonly url: string; readonly secret: string } | undefined;
  readonly checkpointMs: number;
  readonly auditExportFile: string;
  /** The pinned audit key (fingerprint, or a file of fingerprints / public keys) `tacet audit verify` trusts; kept off the box. */
  readonly auditTrustedKey: string | undefined;
  readonly syslog: { readonly host: string; readonly port: number } | undefined;
}

/** The core's variables for read limits and lockout. */
export const readLimitEnv = {
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
};

/** The core's variables for business hours, alerting and audit checkpoints (with the photo window, which the core's schema lists here: issues are reported in schema order). */
export const alertingEnv = {
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
  /** The sender of acknowledgement e-mails to enquirers (default: TACET_ALERT_FROM). */
  TACET_ACK_FROM: z.string().email().optional(),
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
};

/** The parsed values detectionConfig reads. */
type DetectionValues = z.output<z.ZodObject<typeof readLimitEnv & typeof alertingEnv>> & { readonly TACET_DATA_DIR: string };

function minutesOfDay(text: string): number {
  const [h, m] = text.split(':').map(Number);
  return (h as number) * 60 + (m as number);
}

/** The detection settings from the parsed core variables. Throws `ConfigError` for a webhook without its secret. */
export function detectionConfig(v: DetectionValues): DetectionConfig {
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
    ackFrom: v.TACET_ACK_FROM ?? v.TACET_ALERT_FROM,
    alertEmails: (v.TACET_ALERT_EMAILS ?? '').split(',').map((e) => e.trim()).filter(Boolean),
    webhook: v.TACET_ALERT_WEBHOOK_URL && v.TACET_ALERT_WEBHOOK_SECRET ? { url: v.TACET_ALERT_WEBHOOK_URL, secret: v.TACET_ALERT_WEBHOOK_SECRET } : undefined,
    checkpointMs: v.TACET_AUDIT_CHECKPOINT_MINUTES * 60_000,
    auditExportFile: v.TACET_AUDIT_EXPORT_FILE ? path.resolve(v.TACET_AUDIT_EXPORT_FILE) : path.join(dataDir, 'audit-checkpoints.jsonl'),
    auditTrustedKey: v.TACET_AUDIT_TRUSTED_KEY || undefined,
    syslog: syslog ? { host: syslog.hostname, port: Number(syslog.port) } : undefined,
  };
}
