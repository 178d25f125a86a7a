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
import { type PersonKey, sealPersonRecord } from '../../crypto/keyring.js';
import { newId } from '../../crypto/random.js';
import type { Db } from '../../db/database.js';
import type { Clock } from '../../platform/clock.js';
import type { CoreConfig } from '../../platform/config.js';
import type { Logger } from '../../platform/logger.js';
import { type EnquiryBodyRecord, RECORD } from '../door/records.js';
import type { VaultService } from '../vault/vault.service.js';
import { openBatch, type QuarantineReason, toContact } from './inbox-opening.js';
import { type BatchWrites, clinicsBySlug, deleteInboxRows, findStoredSubmissions, insertBatch, listInboxBatch } from './ingest.repository.js';
import { loadCandidates, resolvePerson } from './person-matching.js';
import { sha256Hex } from '../../crypto/digest.js';
import { ENQUIRY_REFERENCE_CONTEXT, formatEnquiryReference } from '../../crypto/enquiry-suite.js';
import { routeEnquiries } from '../pipeline/routing.js';
import { addWorkingTime, type WorkingHours } from '../pipeline/working-time.js';
import { channelOf } from './channel.js';
import type { AcknowledgementQueue, AcknowledgementRequest } from '../acknowledgements/acknowledgement-queue.js';

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

/** The front desk's part in ingest: when a first response is due, and how long a forgotten shift lasts. */
export interface IngestFrontDesk {
  readonly firstResponseMs: number;
  readonly hours: WorkingHours;
  readonly shiftMaxMs: number;
}

/** The reference a person is shown for the enquiry with this submission id (enquiry-suite.ts). */
export function enquiryReference(submissionId: string): string {
  return formatEnquiryReference(sha256Hex(`${ENQUIRY_REFERENCE_CONTEXT}${submissionId}`));
}

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
      const acknowledgements: AcknowledgementRequest[] = [];
      const good = prepared.flatMap((p) => (p.ok ? [p.value] : []));
      const known = new Set(await findStoredSubmissions(trx, good.map((g) => g.submissionHash)));
      const people = await loadCandidates(trx, good);
      const writes: BatchWrites = { persons: [], personKeys: [], enquiries: [], quarantine: [], events: [] };

      for (const item of prepared) {
        if (!item.ok) {
          const { row, reason } = item;
          writes.quarantine.push({ id: row.id, received_at: row.received_at, clinic_slug: row.clinic_slug, key_id: row.key_id, enc: row.enc, ct: row.ct, source: row.source, reason, quarantined_at: at });
          events.push({ actor: 'system:ingest', action: 'enquiry.quarantine', recordRefs: [`inbox:${row.id}`], purpose: reason, outcome: 'failure' });
          result.quarantined += 1;
          result.quarantineReasons[reason] = (result.quarantineReasons[reason] ?? 0) + 1;
          continue;
        }
        const opened = item.value;
        if (known.has(opened.submissionHash)) {
          events.push({ actor: 'system:ingest', action: 'enquiry.duplicate', recordRefs: [`inbox:${opened.row.id}`], outcome: 'success' });
          result.duplicates += 1;
          continue;
        }
        known.add(opened.submissionHash);
        const incoming = toContact(opened.fields);
        const person = await resolvePerson(trx, keyring, opened, incoming, people, writes, at, events);
        const enquiryId = newId();
        const body: EnquiryBodyRecord = { procedure: opened.fields.procedure, message: opened.fields.message, consent: opened.fields.consent, submittedAs: incoming };
        writes.enquiries.push({
          id: enquiryId,
          person_id: person.personId,
          clinic_id: opened.clinicId,
          status: 'new',
          source: opened.row.source,
          received_at: opened.row.received_at,
          created_at: at,
          submission_hash: opened.submissionHash,
          body_envelope: sealPersonRecord(person.keys.get('enquiry') as PersonKey, RECORD.enquiryBody, enquiryId, body),
          reference: enquiryReference(opened.fields.sid),
          channel: channelOf(opened.fields.origin),
          stage_changed_at: opened.row.received_at,
          last_activity_at: opened.row.received_at,
          sla_due_at: addWorkingTime(new Date(opened.row.received_at), deps.frontDesk.firstResponseMs, deps.frontDesk.hours).toISOString(),
        });
        // The sealed form held this person's contact details and enquiry in clear: recorded as opened in both domains.
        events.push({ actor: 'system:ingest', action: 'enquiry.ingest', personIds: [person.personId], recordRefs: [`enquiry:${enquiryId}`, `inbox:${opened.row.id}`], outcome: 'success', domains: ['contact', 'enquiry'] });
        if (opened.fields.acknowledge) acknowledgements.push({ enquiryId, personId: person.personId, clinicId: opened.clinicId, organisationId: opened.organisationId, email: opened.fields.email, reference: enquiryReference(opened.fields.sid) });
        result.ingested += 1;
      }
      writes.events.push(...(await routeEnquiries(trx, writes.enquiries, at, new Date(deps.clock.now().getTime() - deps.frontDesk.shiftMaxMs).toISOString())));
      await insertBatch(trx, writes);
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
