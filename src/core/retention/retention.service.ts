/**
 * Retention: a schedule per data category, applied by a daily job that
 * crypto-shreds expired persons — first their wrapped data keys (from that
 * moment nothing of theirs can be decrypted, not even with the vault key),
 * then their ciphertext rows, then their photo blobs. Legal holds stop it for
 * named persons. Each run is logged with counts only; the audit log records
 * the run, never who.
 */
import { actorEvent, type StaffActor } from '../../auth/actor.js';
import type { AuditLog } from '../../audit/audit-log.js';
import { newId } from '../../crypto/random.js';
import type { Db } from '../../db/database.js';
import type { Clock } from '../../platform/clock.js';
import { appError } from '../../platform/errors.js';
import type { BlobStore } from '../../storage/blob-store.js';
import {
  countLegalHolds,
  deleteLegalHold,
  findHeldPersonOrganisationId,
  findPersonOrganisationId,
  finishRetentionRun,
  insertRetentionRun,
  listExpiredEnquirers,
  listExpiredPatients,
  listRetentionRules,
  listRetentionRuns,
  upsertLegalHold,
  upsertRetentionRule,
} from './retention.repository.js';
import { deletePhotoBlobs, shredPersons } from './shred.repository.js';

/** Categories and their defaults (months after the last activity in them). */
export const RETENTION_DEFAULTS = {
  'unconverted-enquiry': { months: 6, label: 'Enquiries from people who did not become patients (months after the last enquiry)' },
  'patient-record': { months: 96, label: 'Patient records: clinical, photos, consents, invoices (months after the last activity; 8 years for adults under UK professional guidance)' },
} as const;
export type RetentionCategory = keyof typeof RETENTION_DEFAULTS;
export const RETENTION_CATEGORIES = Object.keys(RETENTION_DEFAULTS) as RetentionCategory[];

const BATCH = 5000;
const DAY = 86_400_000;

function monthsBefore(now: Date, months: number): string {
  const d = new Date(now.getTime());
  d.setUTCMonth(d.getUTCMonth() - months);
  return d.toISOString();
}

export function createRetentionService(deps: { db: Db; audit: AuditLog; clock: Clock; blobs: BlobStore }) {
  const { db, audit, clock } = deps;

  async function schedule(organisationId: string): Promise<Record<RetentionCategory, number>> {
    const rows = await listRetentionRules(db, organisationId);
    const out = Object.fromEntries(RETENTION_CATEGORIES.map((c) => [c, RETENTION_DEFAULTS[c].months])) as Record<RetentionCategory, number>;
    for (const row of rows) if (row.category in out) out[row.category as RetentionCategory] = row.months;
    return out;
  }

  /** Persons of a category whose last activity is before `cutoff`, not on legal hold (ids only). */
  async function expired(organisationId: string, category: RetentionCategory, cutoff: string, limit: number): Promise<string[]> {
    return category === 'unconverted-enquiry' ? listExpiredEnquirers(db, organisationId, cutoff, limit) : listExpiredPatients(db, organisationId, cutoff, limit);
  }

  return {
    schedule,

    async setRule(actor: StaffActor, category: RetentionCategory, months: number): Promise<void> {
      const at = clock.now().toISOString();
      await db.transaction().execute(async (trx) => {
        await upsertRetentionRule(trx, { organisation_id: actor.organisationId, category, months, updated_at: at, updated_by: actor.staffId });
        await audit.append(trx, [{ ...actorEvent(actor), action: 'retention.rule', purpose: `${category}:${months}`, outcome: 'success' }]);
      });
    },

    async hold(actor: StaffActor, personId: string, reason: string): Promise<void> {
      if ((await findPersonOrganisationId(db, personId)) !== actor.organisationId) throw appError('NOT_FOUND');
      await db.transaction().execute(async (trx) => {
        await upsertLegalHold(trx, { person_id: personId, reason, created_at: clock.now().toISOString(), created_by: actor.staffId });
        await audit.append(trx, [{ ...actorEvent(actor), action: 'legal-hold.place', personIds: [personId], outcome: 'success' }]);
      });
    },

    async release(actor: StaffActor, personId: string): Promise<void> {
      if ((await findHeldPersonOrganisationId(db, personId)) !== actor.organisationId) throw appError('NOT_FOUND');
      await db.transaction().execute(async (trx) => {
        await deleteLegalHold(trx, personId);
        await audit.append(trx, [{ ...actorEvent(actor), action: 'legal-hold.release', personIds: [personId], outcome: 'success' }]);
      });
    },

    /** How many people each category would shred now, and how many more within `days` days, for the DPO. */
    async upcoming(organisationId: string, days = 30): Promise<Record<RetentionCategory, { now: number; next: number }>> {
      const rules = await schedule(organisationId);
      const now = clock.now();
      const out = {} as Record<RetentionCategory, { now: number; next: number }>;
      for (const category of RETENTION_CATEGORIES) {
        const due = (await expired(organisationId, category, monthsBefore(now, rules[category]), 10_000_000)).length;
        const soon = (await expired(organisationId, category, monthsBefore(new Date(now.getTime() + days * DAY), rules[category]), 10_000_000)).length;
        out[category] = { now: due, next: soon - due };
      }
      return out;
    },

    /** Apply the schedule now. Returns counts per category (never who). */
    async run(organisationId: string): Promise<{ id: string; shredded: Record<RetentionCategory, number>; held: number }> {
      const rules = await schedule(organisationId);
      const now = clock.now();
      const id = newId();
      const shredded = Object.fromEntries(RETENTION_CATEGORIES.map((c) => [c, 0])) as Record<RetentionCategory, number>;
      await insertRetentionRun(db, { id, organisation_id: organisationId, started_at: now.toISOString(), finished_at: null, shredded: '{}', held: 0 });
      for (const category of RETENTION_CATEGORIES) {
        const cutoff = monthsBefore(now, rules[category]);
        for (;;) {
          const batch = await expired(organisationId, category, cutoff, BATCH);
          if (batch.length === 0) break;
          const blobs = await db.transaction().execute(async (trx) => {
            const keys = await shredPersons(trx, batch, { reason: `retention:${category}`, at: now.toISOString() });
            await audit.append(trx, [{ actor: 'system:retention', action: 'retention.shred', recordRefs: [`retention-run:${id}`], purpose: `${category}:${batch.length}`, outcome: 'success' }]);
            return keys;
          });
          // Blobs go after the commit: their keys are already gone, so a crash here leaves only undecryptable bytes.
          await deletePhotoBlobs(deps.blobs, blobs);
          shredded[category] += batch.length;
        }
      }
      const held = await countLegalHolds(db, organisationId);
      await finishRetentionRun(db, id, { finished_at: clock.now().toISOString(), shredded: JSON.stringify(shredded), held });
      return { id, shredded, held };
    },

    async runs(organisationId: string) {
      return (await listRetentionRuns(db, organisationId)).map((r) => ({ id: r.id, startedAt: r.started_at, finishedAt: r.finished_at, shredded: JSON.parse(r.shredded) as Record<string, number>, held: r.held }));
    },
  };
}

export type RetentionService = ReturnType<typeof createRetentionService>;
