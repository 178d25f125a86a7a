/**
 * Detection rules evaluated at the single door as each read happens.
 *
 * Critical (the read is refused and the account contained at once):
 *  - a canary person is touched;
 *  - distinct persons opened exceed the role's limit in 10 minutes, its cap in
 *    any hour, or its cap for the working day (the slow thief: under the short
 *    window all day still meets the longer ones);
 *  - repeated denials (probing for records out of reach);
 *  - a burst of full-size photo views/downloads (photos walking out one by one).
 * Export attempts always raise an alert (high if exports are frozen).
 * Non-blocking (alert only): distinct persons today above k × the larger of
 * the staff member's own median day and their same-role peers' (read-baseline),
 * restricted person opened, access outside business hours, access from a
 * network not seen before for this person.
 *
 * Counters are in this process, or in Redis shared by every instance (detection-state.ts).
 */
import type { StaffActor } from '../../auth/actor.js';
import type { ClinicRole } from '../../auth/roles.js';
import type { KeySource } from '../../crypto/key-source.js';
import type { Db } from '../../db/database.js';
import type { Clock } from '../../platform/clock.js';
import type { DetectionConfig } from '../../platform/config.js';
import type { FrontDeskConfig } from '../../platform/front-desk-config.js';
import { appError } from '../../platform/errors.js';
import type { AlertInput, AlertService } from './alert.service.js';
import { isCanary } from './canary.js';
import { type DetectionState, type EventKind, memoryDetectionState, type ReadWindow } from './detection-state.js';
import type { Containment } from './containment.js';
import { addStaffNetwork, listStaffNetworks } from './detection.repository.js';
import { dateInZone, isOffHours, minutesInZone, networkOf } from './network.js';
import { createReadBaseline } from './read-baseline.js';

/** A read about to happen. */
export interface ReadSignal {
  readonly personId: string;
  readonly clinicId: string;
  readonly isRestricted: boolean;
  /** A full-size photo served (view) or downloaded: counted by the photo-burst rule. */
  readonly photo?: 'view' | 'download';
  /** The enquiry read is assigned to the reader (decided by the door from the row, never by the caller's say-so): counted against the assigned-work allowance instead of the read limits. */
  readonly assignedWork?: boolean;
}

/** Enquiries about to enter someone's queue: `claim` (the actor takes them) or `reassign` (the actor hands them to `toSelf` or another). */
export interface AssignmentSignal {
  readonly kind: 'claim' | 'reassign';
  readonly count: number;
  /** A reassignment to the actor themself counts as claiming too. */
  readonly toSelf: boolean;
  readonly clinicId: string;
}

export interface Detection {
  /** Evaluate the rules for a read; throws ACCOUNT_LOCKED (after containing) if a critical rule fires. */
  readonly beforeRead: (actor: StaffActor, read: ReadSignal) => Promise<void>;
  /** Count a denial; contains the account when denials pile up. */
  readonly afterDenied: (actor: StaffActor) => Promise<void>;
  /** An export was asked for (of these persons): always an alert for the DPO. */
  readonly exportAttempt: (actor: StaffActor, personIds: readonly string[], outcome: 'requested' | 'refused-frozen' | 'approved') => Promise<void>;
  /**
   * Count enquiries entering a queue against the actor's claim limits (and a
   * manager's reassignments against the reassignment limit); throws
   * ASSIGNMENT_LIMIT (nothing counted) past one, after a high alert (once a day)
   * and a denial (so a login that keeps trying meets the repeated-denials rule).
   */
  readonly beforeAssign: (actor: StaffActor, assignment: AssignmentSignal) => Promise<void>;
}

export function createDetection(deps: { db: Db; clock: Clock; vault: KeySource; config: DetectionConfig; frontDesk: Pick<FrontDeskConfig, 'assignedAllowance' | 'claimLimits' | 'reassignPerHour'>; alerts: AlertService; containment: Containment; state?: DetectionState }): Detection {
  const { db, clock, config } = deps;
  // Counters in this process, or shared by every core instance through Redis (see detection-state.ts).
  const state = deps.state ?? memoryDetectionState();
  const baseline = createReadBaseline({ db, days: config.baseline.days });

  async function critical(actor: StaffActor, alert: AlertInput): Promise<never> {
    await deps.containment.contain(actor.staffId, alert, { ip: actor.ip, sessionId: actor.sessionId });
    await state.clear(actor.staffId);
    throw appError('ACCOUNT_LOCKED');
  }

  async function notice(alert: AlertInput): Promise<void> {
    await db.transaction().execute((trx) => deps.alerts.raise(trx, alert).then(() => undefined));
  }

  /** The working day is the window since local midnight. */
  function sinceMidnight(now: Date): number {
    return minutesInZone(now, config.businessHours.timeZone) * 60_000 + (now.getTime() % 60_000) + 1;
  }

  /**
   * Count the person in the 10-minute, hour and working-day windows (or, for
   * one's own assigned work, the allowance's hour and day); contain the
   * account at the first one over.
   */
  async function countRead(actor: StaffActor, read: ReadSignal, role: ClinicRole): Promise<void> {
    const now = clock.now();
    const limit = config.readLimits[role];
    const caps = config.readCaps[role];
    const allowance = deps.frontDesk.assignedAllowance[role];
    const windows: readonly { name: ReadWindow; ms: number; max: number; rule: string; within: string }[] = read.assignedWork
      ? [
          { name: 'assigned-hour', ms: 3_600_000, max: allowance.hour, rule: 'assigned-work-hour', within: 'of their own assigned enquiries within an hour' },
          { name: 'assigned-day', ms: sinceMidnight(now), max: allowance.day, rule: 'assigned-work-day', within: 'of their own assigned enquiries in one working day' },
        ]
      : [
          { name: 'short', ms: limit.windowMs, max: limit.persons, rule: 'read-velocity', within: `within ${limit.windowMs / 60_000} minutes` },
          { name: 'hour', ms: 3_600_000, max: caps.hour, rule: 'read-velocity-hour', within: 'within an hour' },
          { name: 'day', ms: sinceMidnight(now), max: caps.day, rule: 'read-daily-cap', within: 'in one working day' },
        ];
    for (const window of windows) {
      const counted = await state.admitPerson(window.name, actor.staffId, read.personId, now.getTime(), window.ms, window.max);
      if (!counted.allowed) {
        await critical(actor, { severity: 'critical', rule: window.rule, staffId: actor.staffId, personIds: [...counted.seen, read.personId], detail: `More than ${window.max} distinct people opened ${window.within}.` });
      }
      if (window.name === 'day' && counted.isNew) await compareWithBaseline(actor, role, dateInZone(now, config.businessHours.timeZone), counted.count);
    }
  }

  /** Remember today's count; alert (once a day) when it is far above this person's usual day and their peers'. */
  async function compareWithBaseline(actor: StaffActor, role: ClinicRole, day: string, persons: number): Promise<void> {
    await baseline.record(actor.staffId, role, day, persons);
    const { factor, floor } = config.baseline;
    if (persons <= factor * floor) return;
    const medians = await baseline.medians(actor.staffId, role, day);
    // No history yet (a new installation or role): the fixed caps hold until there is a baseline to compare with.
    if (medians.own === undefined && medians.peers === undefined) return;
    const usual = Math.max(medians.own ?? 0, medians.peers ?? 0, floor);
    if (persons <= factor * usual || !(await state.once(`baseline|${actor.staffId}|${day}`, 36 * 3_600_000))) return;
    const said = (value: number | undefined) => (value === undefined ? 'not yet known' : String(value));
    await notice({
      severity: 'high',
      rule: 'read-baseline',
      staffId: actor.staffId,
      detail: `${persons} distinct people opened today: more than ${factor} times the usual day (this staff member's median ${said(medians.own)}, their peers' ${said(medians.peers)}, floor ${floor}). A stolen login reading slowly looks like this.`,
    });
  }

  return {
    async beforeRead(actor, read) {
      if (await isCanary(db, deps.vault.keyring(), read.personId)) {
        await critical(actor, { severity: 'critical', rule: 'canary-touched', staffId: actor.staffId, personIds: [read.personId], detail: 'A canary record was opened. No genuine patient uses it: this is a strong sign of a stolen login or an intruder.' });
      }
      await countRead(actor, read, actor.clinicRoles.get(read.clinicId) ?? 'receptionist');
      const now = clock.now().getTime();
      if (read.photo && !(await state.admitEvent('photo', actor.staffId, now, config.photoBurst.windowMs, config.photoBurst.max))) {
        await critical(actor, { severity: 'critical', rule: 'photo-download-burst', staffId: actor.staffId, personIds: [read.personId], detail: `More than ${config.photoBurst.max} full-size photos viewed or downloaded within ${config.photoBurst.windowMs / 60_000} minutes.` });
      }

      if (read.isRestricted) await notice({ severity: 'medium', rule: 'restricted-person-opened', staffId: actor.staffId, personIds: [read.personId], detail: 'A restricted (VIP) person was opened by a staff member on the access list or under break-glass.' });
      const nowDate = clock.now();
      const day = `${actor.staffId}|${nowDate.toISOString().slice(0, 10)}`;
      if (isOffHours(minutesInZone(nowDate, config.businessHours.timeZone), config.businessHours) && (await state.once(`off-hours|${day}`, 36 * 3_600_000))) {
        await notice({ severity: 'low', rule: 'off-hours-access', staffId: actor.staffId, personIds: [read.personId], detail: 'Personal data opened outside business hours.' });
      }
      const network = networkOf(actor.ip);
      if (network) {
        const known = await listStaffNetworks(db, actor.staffId);
        if (!known.includes(network)) {
          await addStaffNetwork(db, actor.staffId, network, nowDate.toISOString());
          // The first network a person ever uses is their baseline, not an anomaly.
          if (known.length > 0) await notice({ severity: 'medium', rule: 'new-network', staffId: actor.staffId, personIds: [read.personId], detail: 'Personal data opened from a network this staff member has not used before.' });
        }
      }
    },
    async exportAttempt(actor, personIds, outcome) {
      const count = personIds.length;
      const detail =
        outcome === 'refused-frozen'
          ? `An export of ${count} people's data was attempted while exports are frozen for this account; it was refused.`
          : outcome === 'approved'
            ? `An export of ${count} people's data was approved by a second person.`
            : `An export of ${count} people's data was requested.`;
      await notice({ severity: outcome === 'refused-frozen' ? 'high' : 'medium', rule: 'export-attempt', staffId: actor.staffId, personIds: [...personIds], detail });
    },
    async beforeAssign(actor, assignment) {
      const role = actor.clinicRoles.get(assignment.clinicId) ?? 'receptionist';
      const now = clock.now();
      const claims = deps.frontDesk.claimLimits[role];
      const checks: { kind: EventKind; ms: number; max: number; what: string }[] = [];
      if (assignment.kind === 'reassign') checks.push({ kind: 'reassign', ms: 3_600_000, max: deps.frontDesk.reassignPerHour, what: `${deps.frontDesk.reassignPerHour} reassignments within an hour` });
      if (assignment.kind === 'claim' || assignment.toSelf) {
        checks.push({ kind: 'claim-hour', ms: 3_600_000, max: claims.hour, what: `${claims.hour} enquiries taken into their own queue within an hour` });
        checks.push({ kind: 'claim-day', ms: sinceMidnight(now), max: claims.day, what: `${claims.day} enquiries taken into their own queue in one working day` });
      }
      // Each window admits all or nothing, atomically; a refusal in a later window leaves the earlier counted (errs towards the limit).
      for (const check of checks) {
        const { allowed, used } = await state.admitEvents(check.kind, actor.staffId, now.getTime(), check.ms, check.max, assignment.count);
        if (!allowed) {
          if (await state.once(`assign-limit|${actor.staffId}|${dateInZone(now, config.businessHours.timeZone)}`, 36 * 3_600_000)) {
            await notice({ severity: 'high', rule: 'assignment-limit', staffId: actor.staffId, detail: `Tried to take more than ${check.what} (${used} already). The assignment was refused. A stolen login filling its own queue looks like this.` });
          }
          await this.afterDenied(actor);
          throw appError('ASSIGNMENT_LIMIT');
        }
      }
    },
    async afterDenied(actor) {
      const recent = await state.countEvent('denial', actor.staffId, clock.now().getTime(), config.denials.windowMs);
      if (recent >= config.denials.max) {
        await critical(actor, { severity: 'critical', rule: 'repeated-denials', staffId: actor.staffId, detail: `${recent} refused attempts to open records within ${config.denials.windowMs / 60_000} minutes (probing for records out of reach).` });
      }
    },
  };
}
