/**
 * Ingest: open sealed enquiries from the inbox (inbox-opening.ts), match or
 * create the person (person-matching.ts: blind indexes, confirmed by
 * decrypting the candidate), store every field under the person's data keys
 * in one transaction per batch, and only once that has committed delete the
 * inbox rows. The inbox may be another database file (SQLite: the intake's
 * own, attached), and a transaction over two WAL files is not atomic across
 * them, so the order is what keeps it safe: a crash loses nothing (the rows
 * are still in the inbox) and a retry duplicates nothing (a stored
 * submission is recognised by its hash, a quarantined row by its id). A bad
 * envelope is moved to quarantine with a reason, never dropped.
 */
import type { AuditEvent, AuditLog } from '../../audit/audit-log.js';
import type { Db } from '../../db/database.js';
import type { Clock } from '../../platform/clock.js';
import type { CoreConfig } from '../../platform/config.js';
import type { Logger } from '../../platform/logger.js';
import type { VaultService } from '../vault/vault.service.js';
import { openBatch, type QuarantineReason } from './inbox-opening.js';
import { type BatchWrites, clinicsBySlug, deleteInboxRows, insertBatch, listInboxBatch } from './ingest.repository.js';
import { type IngestFrontDesk, stageSubmissions } from './store-submissions.js';
import type { AcknowledgementQueue, AcknowledgementRequest } from '../acknowledgements/acknowledgement-queue.js';
import { enquiryReference } from './enquiry-reference.js';

export type { QuarantineReason } from './inbox-opening.js';

/** Counts from one ingest run. */
export interface IngestResult {
  readonly ingested: number;
  readonly duplicates: number;
  readonly quarantined: number;
  readonly quarantineReasons: Partial<Record<QuarantineReason, number>>;
}

/** The ingest service. */
export interface IngestService {
  /** Process one batch. Throws VAULT_SEALED when sealed. */
  readonly runOnce: (limit?: number) => Promise<IngestResult>;
  /** Process until the inbox is empty. */
  readonly drain: () => Promise<IngestResult>;
}

export type { IngestFrontDesk } from './store-submissions.js';
export { enquiryReference } from './enquiry-reference.js';

/** The front desk's ingest settings from the core's configuration. */
export function ingestFrontDeskOf(config: Pick<CoreConfig, 'detection' | 'frontDesk'>): IngestFrontDesk {
  const { start, end, timeZone } = config.detection.businessHours;
  return { firstResponseMs: config.frontDesk.firstResponseMs, hours: { start, end, timeZone, workingDays: config.frontDesk.workingDays }, shiftMaxMs: config.frontDesk.shiftMaxMs };
}

/** Create the ingest service. */
export function createIngestService(deps: {
  db: Db;
  vault: VaultService;
  audit: AuditLog;
  clock: Clock;
  logger: Logger;
  batchSize: number;
  frontDesk: IngestFrontDesk;
  /** Acknowledgement e-mails, queued in the batch's transaction (absent: none). */
  acknowledgements?: AcknowledgementQueue;
  /** Called after a batch queued mail (delivers it at once). */
  onQueued?: () => void;
}): IngestService {
  const { db, audit } = deps;

  async function runOnce(limit = deps.batchSize): Promise<IngestResult> {
    const keyring = deps.vault.keyring();
    const rows = await listInboxBatch(db, limit);
    if (rows.length === 0) return { ingested: 0, duplicates: 0, quarantined: 0, quarantineReasons: {} };
    const prepared = openBatch(keyring, rows, await clinicsBySlug(db));
    const at = deps.clock.now().toISOString();
    const result = { ingested: 0, duplicates: 0, quarantined: 0, quarantineReasons: {} as Partial<Record<QuarantineReason, number>> };
    let acknowledged = 0;

    await db.transaction().execute(async (trx) => {
      const events: AuditEvent[] = [];
      const writes: BatchWrites = { persons: [], personKeys: [], enquiries: [], quarantine: [], events: [] };
      for (const item of prepared) {
        if (item.ok) continue;
        const { row, reason } = item;
        writes.quarantine.push({ id: row.id, received_at: row.received_at, clinic_slug: row.clinic_slug, key_id: row.key_id, enc: row.enc, ct: row.ct, source: row.source, reason, quarantined_at: at });
        events.push({ actor: 'system:ingest', action: 'enquiry.quarantine', recordRefs: [`inbox:${row.id}`], purpose: reason, outcome: 'failure' });
        result.quarantined += 1;
        result.quarantineReasons[reason] = (result.quarantineReasons[reason] ?? 0) + 1;
      }
      const good = prepared.flatMap((p) => (p.ok ? [p.value] : []));
      const staged = await stageSubmissions(trx, good, writes, events, {
        keyring,
        frontDesk: deps.frontDesk,
        at,
        now: deps.clock.now(),
        caller: { actor: 'system:ingest' },
        // The sealed form held this person's contact details and enquiry in clear: recorded as opened in both domains.
        eventFor: (opened, personId, enquiryId) => ({ actor: 'system:ingest', action: 'enquiry.ingest', personIds: [personId], recordRefs: [`enquiry:${enquiryId}`, `inbox:${opened.row.id}`], outcome: 'success', domains: ['contact', 'enquiry'] }),
      });
      for (const opened of staged.duplicates) events.push({ actor: 'system:ingest', action: 'enquiry.duplicate', recordRefs: [`inbox:${opened.row.id}`], outcome: 'success' });
      result.ingested += staged.stored.length;
      result.duplicates += staged.duplicates.length;
      await insertBatch(trx, writes);
      const acknowledgements: AcknowledgementRequest[] = staged.stored
        .filter(({ opened }) => opened.fields.acknowledge)
        .map(({ opened, enquiryId, personId }) => ({ enquiryId, personId, clinicId: opened.clinicId, organisationId: opened.organisationId, email: opened.fields.email, reference: enquiryReference(opened.fields.sid) }));
      // In this transaction: a crash before the commit queues nothing, and the retry queues it once.
      const queued = (await deps.acknowledgements?.queue(trx, keyring, acknowledgements, new Date(at))) ?? [];
      events.push(...queued);
      acknowledged = queued.length;
      await audit.append(trx, events);
    });
    // Only after the commit: see the module comment.
    await deleteInboxRows(db, rows.map((row) => row.id));
    if (acknowledged > 0) deps.onQueued?.();
    if (result.quarantined > 0) deps.logger.warn({ quarantined: result.quarantined, reasons: result.quarantineReasons }, 'sealed enquiries quarantined');
    return result;
  }

  return {
    runOnce,
    async drain() {
      const total = { ingested: 0, duplicates: 0, quarantined: 0, quarantineReasons: {} as Partial<Record<QuarantineReason, number>> };
      for (;;) {
        const step = await runOnce();
        total.ingested += step.ingested;
        total.duplicates += step.duplicates;
        total.quarantined += step.quarantined;
        for (const [reason, count] of Object.entries(step.quarantineReasons)) total.quarantineReasons[reason as QuarantineReason] = (total.quarantineReasons[reason as QuarantineReason] ?? 0) + count;
        if (step.ingested + step.duplicates + step.quarantined === 0) return total;
      }
    },
  };
}
