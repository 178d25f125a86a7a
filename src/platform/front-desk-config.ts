/**
 * Front-desk settings: the first-response SLA in working time, re-engagement
 * of idle enquiries, and the allowances that let a shift work its own queue
 * without meeting the read limits meant for a thief (ADR 0019).
 *
 * Why these defaults stop a thief but not a shift: a receptionist's day is
 * the enquiries routed to them plus what they claim. Reads of their own
 * assigned work count here, not against the 10-minute limit, so triaging 80
 * new enquiries in an hour is ordinary work. A stolen login cannot grow its
 * own queue: routing hands out only what the public form brings in (its own
 * rate limit, shared round-robin among everyone on shift), and claiming or
 * being reassigned work is counted per person (CLAIMS) and refused past it,
 * with an alert. So the most a thief reads through the queue in a day is its
 * claims plus its share of the day's enquiries, and outside the queue every
 * read still meets the read limits and caps; past either, the account is
 * locked within the request.
 */
import { z } from 'zod';
import { jsonSetting, positiveInt } from './config-parse.js';

const allowanceSchema = z.object({ hour: z.number().int().positive(), day: z.number().int().positive() }).strict();
const perRole = <T extends z.ZodType>(schema: T) => z.object({ receptionist: schema, nurse: schema, practitioner: schema, clinic_manager: schema }).partial().strict();

/** Distinct people of one's own assigned work a role may open per rolling hour and per working day (documented defaults). */
export const DEFAULT_ASSIGNED_ALLOWANCES = {
  receptionist: { hour: 150, day: 400 },
  nurse: { hour: 100, day: 300 },
  practitioner: { hour: 100, day: 300 },
  clinic_manager: { hour: 150, day: 400 },
} as const;

/** Enquiries a role may take into its own queue (claimed from the pool, or reassigned to itself) per rolling hour and per working day. */
export const DEFAULT_CLAIM_LIMITS = {
  receptionist: { hour: 40, day: 120 },
  nurse: { hour: 20, day: 60 },
  practitioner: { hour: 20, day: 60 },
  clinic_manager: { hour: 60, day: 200 },
} as const;

/** Enquiries a clinic manager may reassign (to anyone) per rolling hour: bulk reassignment at a shift change, not the whole inbox. */
export const DEFAULT_REASSIGN_PER_HOUR = 300;

export type RoleName = keyof typeof DEFAULT_ASSIGNED_ALLOWANCES;

/** Front-desk settings. */
export interface FrontDeskConfig {
  readonly assignedAllowance: Readonly<Record<RoleName, { readonly hour: number; readonly day: number }>>;
  readonly claimLimits: Readonly<Record<RoleName, { readonly hour: number; readonly day: number }>>;
  readonly reassignPerHour: number;
  /** First response due within this much working time of arrival. */
  readonly firstResponseMs: number;
  /** An open enquiry with no activity for this long gets a re-engagement follow-up. */
  readonly reengageMs: number;
  /** Working days, 0 = Sunday … 6 = Saturday (with the business hours of TACET_BUSINESS_HOURS). */
  readonly workingDays: readonly number[];
  /** A shift nobody ended is over after this long (nobody is routed work overnight by a forgotten "on shift"). */
  readonly shiftMaxMs: number;
}

/** The core's front-desk variables. */
export const frontDeskEnv = {
  /** Per-role allowances as JSON, e.g. {"receptionist":{"hour":150,"day":400}}. */
  TACET_ASSIGNED_ALLOWANCES: jsonSetting(perRole(allowanceSchema), '{"receptionist":{"hour":150,"day":400}}').optional(),
  /** Per-role claim limits as JSON, e.g. {"receptionist":{"hour":40,"day":120}}. */
  TACET_CLAIM_LIMITS: jsonSetting(perRole(allowanceSchema), '{"receptionist":{"hour":40,"day":120}}').optional(),
  TACET_REASSIGN_PER_HOUR: positiveInt.default(DEFAULT_REASSIGN_PER_HOUR),
  TACET_FIRST_RESPONSE_MINUTES: positiveInt.max(7 * 24 * 60).default(60),
  TACET_REENGAGE_DAYS: positiveInt.max(365).default(7),
  TACET_WORKING_DAYS: z
    .string()
    .regex(/^[0-6](,[0-6])*$/, 'must be day numbers 0 (Sunday) to 6 (Saturday), comma-separated, e.g. 1,2,3,4,5,6')
    .default('1,2,3,4,5,6'),
  TACET_SHIFT_MAX_HOURS: positiveInt.max(24).default(12),
};

type FrontDeskValues = z.output<z.ZodObject<typeof frontDeskEnv>>;

/** The front-desk settings from the parsed core variables. */
export function frontDeskConfig(v: FrontDeskValues): FrontDeskConfig {
  const roles = Object.keys(DEFAULT_ASSIGNED_ALLOWANCES) as RoleName[];
  const byRole = (given: Partial<Record<RoleName, { hour: number; day: number }>> | undefined, defaults: Record<RoleName, { readonly hour: number; readonly day: number }>) =>
    Object.fromEntries(roles.map((role) => {
      const value = given?.[role] ?? defaults[role];
      return [role, { hour: value.hour, day: Math.max(value.day, value.hour) }];
    })) as Record<RoleName, { hour: number; day: number }>;
  return {
    assignedAllowance: byRole(v.TACET_ASSIGNED_ALLOWANCES, DEFAULT_ASSIGNED_ALLOWANCES),
    claimLimits: byRole(v.TACET_CLAIM_LIMITS, DEFAULT_CLAIM_LIMITS),
    reassignPerHour: v.TACET_REASSIGN_PER_HOUR,
    firstResponseMs: v.TACET_FIRST_RESPONSE_MINUTES * 60_000,
    reengageMs: v.TACET_REENGAGE_DAYS * 86_400_000,
    workingDays: [...new Set(v.TACET_WORKING_DAYS.split(',').map(Number))].sort(),
    shiftMaxMs: v.TACET_SHIFT_MAX_HOURS * 3_600_000,
  };
}
