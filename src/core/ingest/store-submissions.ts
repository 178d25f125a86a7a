/**
 * Storing opened submissions as enquiries: the one code path shared by the
 * ingest job and a quarantined enquiry accepted by staff
 * (door/quarantine-door.ts). In the caller's transaction it recognises a
 * submission already stored (by its hash), matches or creates the person by
 * blind index (person-matching.ts), seals the enquiry under the person's
 * enquiry key with its reference, channel and first-response due time, and
 * routes it (pipeline/routing.ts). It queues rows in `writes` and audit
 * events in `events`; the caller inserts and appends them in the same
 * transaction.
 */
import type { AuditEvent } from '../../audit/audit-log.js';
import { type Keyring, type PersonKey, sealPersonRecord } from '../../crypto/keyring.js';
import { newId } from '../../crypto/random.js';
import type { Db } from '../../db/database.js';
import type { SystemCaller } from '../door/system-admission.js';
import { type EnquiryBodyRecord, RECORD } from '../door/records.js';
import { routeEnquiries } from '../pipeline/routing.js';
import { addWorkingTime, type WorkingHours } from '../pipeline/working-time.js';
import { channelOf } from './channel.js';
import { type Opened, toContact } from './inbox-opening.js';
import { type BatchWrites, findStoredSubmissions } from './ingest.repository.js';
import { enquiryReference } from './enquiry-reference.js';
import { loadCandidates, resolvePerson } from './person-matching.js';

/** The front desk's part in storing: when a first response is due, and how long a forgotten shift lasts. */
export interface IngestFrontDesk {
  readonly firstResponseMs: number;
  readonly hours: WorkingHours;
  readonly shiftMaxMs: number;
}

/** How one call stores: who opens match candidates, when, and the event recording each stored enquiry. */
export interface StoreContext {
  readonly keyring: Keyring;
  readonly frontDesk: IngestFrontDesk;
  /** ISO time of the write. */
  readonly at: string;
  readonly now: Date;
  readonly caller: SystemCaller;
  readonly eventFor: (opened: Opened, personId: string, enquiryId: string) => AuditEvent;
}

/** What `stageSubmissions` queued: the enquiries stored, and the submissions that were already stored (nothing queued for them). */
export interface Staged {
  readonly stored: readonly { readonly opened: Opened; readonly enquiryId: string; readonly personId: string }[];
  readonly duplicates: readonly Opened[];
}

/** Queue `items` as enquiries (see the module comment), in order; a submission seen before (stored, or earlier in `items`) is a duplicate. */
export async function stageSubmissions(trx: Db, items: readonly Opened[], writes: BatchWrites, events: AuditEvent[], context: StoreContext): Promise<Staged> {
  const known = new Set(await findStoredSubmissions(trx, items.map((item) => item.submissionHash)));
  const people = await loadCandidates(trx, items);
  const stored: { opened: Opened; enquiryId: string; personId: string }[] = [];
  const duplicates: Opened[] = [];
  const firstNew = writes.enquiries.length;
  for (const opened of items) {
    if (known.has(opened.submissionHash)) {
      duplicates.push(opened);
      continue;
    }
    known.add(opened.submissionHash);
    const incoming = toContact(opened.fields);
    const person = await resolvePerson(trx, context.keyring, opened, incoming, people, writes, context.at, events, context.caller);
    const enquiryId = newId();
    const body: EnquiryBodyRecord = { procedure: opened.fields.procedure, message: opened.fields.message, consent: opened.fields.consent, submittedAs: incoming };
    writes.enquiries.push({
      id: enquiryId,
      person_id: person.personId,
      clinic_id: opened.clinicId,
      status: 'new',
      source: opened.row.source,
      received_at: opened.row.received_at,
      created_at: context.at,
      submission_hash: opened.submissionHash,
      body_envelope: sealPersonRecord(person.keys.get('enquiry') as PersonKey, RECORD.enquiryBody, enquiryId, body),
      reference: enquiryReference(opened.fields.sid),
      channel: channelOf(opened.fields.origin),
      stage_changed_at: opened.row.received_at,
      last_activity_at: opened.row.received_at,
      sla_due_at: addWorkingTime(new Date(opened.row.received_at), context.frontDesk.firstResponseMs, context.frontDesk.hours).toISOString(),
    });
    events.push(context.eventFor(opened, person.personId, enquiryId));
    stored.push({ opened, enquiryId, personId: person.personId });
  }
  const shiftSince = new Date(context.now.getTime() - context.frontDesk.shiftMaxMs).toISOString();
  writes.events.push(...(await routeEnquiries(trx, writes.enquiries.slice(firstNew), context.at, shiftSince)));
  return { stored, duplicates };
}
