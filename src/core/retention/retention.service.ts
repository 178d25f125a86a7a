/**
 * Retention: a schedule per data category, applied by a daily job that
 * crypto-shreds expired persons — first their wrapped data keys (from that
 * moment nothing of theirs can be decrypted, not even with the vault key),
 * then their ciphertext rows, then their photo blobs. Legal holds stop it for
 * named persons. Each run is logged with counts only; the audit log records
 * the run, never who.
 */
import { sql } from 'kysely';
import { actorLabel, type StaffActor } from '../../auth/actor.js';
import type { AuditLog } from '../../audit/audit-log.js';
import { newId } from '../../crypto/random.js';
import type { Db } from '../../db/database.js';
import type { Clock } from '../../platform/clock.js';
import { appError } from '../../platform/errors.js';
import type { BlobStore } from '../../storage/blob-store.js';
import { deletePhotoBlobs, shredPersons } from './shred.js';

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
    const rows = await db.selectFrom('retention_rules').select(['category', 'months']).where('organisation_id', '=', organisationId).execute();
    const out = Object.fromEntries(RETENTION_CATEGORIES.map((c) => [c, RETENTION_DEFAULTS[c].months])) as Record<RetentionCategory, number>;
    for (const row of rows) if (row.category in out) out[row.category as RetentionCategory] = row.months;
    return out;
  }

  /** Persons of a category whose last activity is before `cutoff`, not on legal hold (ids only). */
  async function expired(organisationId: string, category: RetentionCategory, cutoff: string, limit: number): Promise<string[]> {
    const rows =
      category === 'unconverted-enquiry'
        ? await sql<{ person_id: string }>`SELECT e.person_id FROM enquiries e INNER JOIN persons p ON p.id = e.person_id
            WHERE p.organisation_id = ${organisationId}
              AND NOT EXISTS (SELECT 1 FROM patients pa WHERE pa.person_id = e.person_id)
              AND NOT EXISTS (SELECT 1 FROM legal_holds h WHERE h.person_id = e.person_id)
            GROUP BY e.person_id HAVING max(e.received_at) < ${cutoff} LIMIT ${sql.lit(limit)}`.execute(db)
        : await sql<{ person_id: string }>`SELECT pa.person_id FROM patients pa INNER JOIN persons p ON p.id = pa.person_id
            WHERE p.organisation_id = ${organisationId}
              AND NOT EXISTS (SELECT 1 FROM legal_holds h WHERE h.person_id = pa.person_id)
              AND pa.created_at < ${cutoff}
              AND NOT EXISTS (SELECT 1 FROM appointments a WHERE a.patient_id = pa.id AND a.ends_at >= ${cutoff})
              AND NOT EXISTS (SELECT 1 FROM clinical_notes n WHERE n.patient_id = pa.id AND n.created_at >= ${cutoff})
              AND NOT EXISTS (SELECT 1 FROM photos ph WHERE ph.patient_id = pa.id AND ph.created_at >= ${cutoff})
              AND NOT EXISTS (SELECT 1 FROM invoices i WHERE i.patient_id = pa.id AND i.issued_at >= ${cutoff})
            LIMIT ${sql.lit(limit)}`.execute(db);
    return rows.rows.map((r) => r.person_id);
  }

  return {
    schedule,

    async setRule(actor: StaffActor, category: RetentionCategory, months: number): Promise<void> {
      const at = clock.now().toISOString();
      await db.transaction().execute(async (trx) => {
        await trx
          .insertInto('retention_rules')
          .values({ organisation_id: actor.organisationId, category, months, updated_at: at, updated_by: actor.staffId })
          .onConflict((oc) => oc.columns(['organisation_id', 'category']).doUpdateSet({ months, updated_at: at, updated_by: actor.staffId }))
          .execute();
        await audit.append(trx, [{ actor: actorLabel(actor), ip: actor.ip, sessionId: actor.sessionId, action: 'retention.rule', purpose: `${category}:${months}`, outcome: 'success' }]);
      });
    },

    async hold(actor: StaffActor, personId: string, reason: string): Promise<void> {
      const person = await db.selectFrom('persons').select('organisation_id').where('id', '=', personId).executeTakeFirst();
      if (person?.organisation_id !== actor.organisationId) throw appError('NOT_FOUND');
      await db.transaction().execute(async (trx) => {
        await trx.insertInto('legal_holds').values({ person_id: personId, reason, created_at: clock.now().toISOString(), created_by: actor.staffId }).onConflict((oc) => oc.column('person_id').doUpdateSet({ reason })).execute();
        await audit.append(trx, [{ actor: actorLabel(actor), ip: actor.ip, sessionId: actor.sessionId, action: 'legal-hold.place', personIds: [personId], outcome: 'success' }]);
      });
    },

    async release(actor: StaffActor, personId: string): Promise<void> {
      const held = await db.selectFrom('legal_holds').innerJoin('persons', 'persons.id', 'legal_holds.person_id').select('persons.organisation_id').where('legal_holds.person_id', '=', personId).executeTakeFirst();
      if (held?.organisation_id !== actor.organisationId) throw appError('NOT_FOUND');
      await db.transaction().execute(async (trx) => {
        await trx.deleteFrom('legal_holds').where('person_id', '=', personId).execute();
        await audit.append(trx, [{ actor: actorLabel(actor), ip: actor.ip, sessionId: actor.sessionId, action: 'legal-hold.release', personIds: [personId], outcome: 'success' }]);
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
      await db.insertInto('retention_runs').values({ id, organisation_id: organisationId, started_at: now.toISOString(), finished_at: null, shredded: '{}', held: 0 }).execute();
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
      const held = Number((await db.selectFrom('legal_holds').innerJoin('persons', 'persons.id', 'legal_holds.person_id').select((eb) => eb.fn.countAll<number>().as('n')).where('persons.organisation_id', '=', organisationId).executeTakeFirst())?.n ?? 0);
      await db.updateTable('retention_runs').set({ finished_at: clock.now().toISOString(), shredded: JSON.stringify(shredded), held }).where('id', '=', id).execute();
      return { id, shredded, held };
    },

    async runs(organisationId: string) {
      return (await db.selectFrom('retention_runs').selectAll().where('organisation_id', '=', organisationId).orderBy('started_at', 'desc').limit(30).execute()).map((r) => ({ id: r.id, startedAt: r.started_at, finishedAt: r.finished_at, shredded: JSON.parse(r.shredded) as Record<string, number>, held: r.held }));
    },
  };
}

export type RetentionService = ReturnType<typeof createRetentionService>;
