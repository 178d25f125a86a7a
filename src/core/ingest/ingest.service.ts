/**
 * Ingest: open sealed enquiries from the inbox, match or create the person
 * (blind indexes, confirmed by decrypting the candidate), store every field
 * under the person's data keys in one transaction per batch, and only once
 * that has committed delete the inbox rows. The inbox may be another
 * database file (SQLite: the intake's own, attached), and a transaction over
 * two WAL files is not atomic across them, so the order is what keeps it
 * safe: a crash loses nothing (the rows are still in the inbox) and a retry
 * duplicates nothing (a stored submission is recognised by its hash, a
 * quarantined row by its id). A bad envelope is moved to quarantine with a
 * reason, never dropped.
 */
import type { AuditEvent, AuditLog } from '../../audit/audit-log.js';
import { createPersonKey, type Keyring, type PersonKey, sealPersonRecord } from '../../crypto/keyring.js';
import { openEnquiry } from '../../crypto/open.js';
import { newId, sha256Hex } from '../../crypto/random.js';
import type { Db } from '../../db/database.js';
import type { EnquiriesTable, InboxQuarantineTable, InboxRow, PersonKeysTable, PersonsTable } from '../../db/tables.js';
import type { Insertable } from 'kysely';
import { enquiryFieldsSchema, type EnquiryFields } from '../../intake/enquiry-fields.js';
import type { Clock } from '../../platform/clock.js';
import type { Logger } from '../../platform/logger.js';
import { admitSystemInBatch } from '../door/system-admission.js';
import { type ContactRecord, type EnquiryBodyRecord, RECORD } from '../door/records.js';
import { normaliseEmail } from '../persons/normalise.js';
import { findPersonKeys, findPersonsByIndexes, insertPersonKey, indexesFor, type PersonIndexes, type PersonRow, updatePersonContact } from '../persons/persons.repository.js';
import type { VaultService } from '../vault/vault.service.js';

/** Why an envelope went to quarantine. */
export type QuarantineReason = 'unknown-clinic' | 'unknown-key' | 'open-failed' | 'invalid-json' | 'invalid-fields';

/** Counts from one ingest run. */
export interface IngestResult {
  readonly ingested: number;
  readonly duplicates: number;
  readonly quarantined: number;
  readonly quarantineReasons: Partial<Record<QuarantineReason, number>>;
}

interface Opened {
  readonly row: InboxRow;
  readonly clinicId: string;
  readonly organisationId: string;
  readonly fields: EnquiryFields;
  readonly normalisedEmail: string;
  readonly indexes: PersonIndexes;
  readonly submissionHash: string;
}

type Prepared = { readonly ok: true; readonly value: Opened } | { readonly ok: false; readonly row: InboxRow; readonly reason: QuarantineReason };

/** A person whose keys and contact are open in memory for this batch. */
interface KnownPerson {
  readonly personId: string;
  contact: ContactRecord;
  readonly keys: Map<string, PersonKey>;
}

interface Candidate {
  readonly row: PersonRow;
  readonly wrapped: Map<string, string>;
  known?: KnownPerson;
}

/** Candidates by `e:<org>:<emailBi>` / `p:<org>:<phoneBi>`. */
type PeopleIndex = Map<string, Candidate[]>;

interface BatchWrites {
  readonly persons: Insertable<PersonsTable>[];
  readonly personKeys: Insertable<PersonKeysTable>[];
  readonly enquiries: Insertable<EnquiriesTable>[];
  readonly quarantine: Insertable<InboxQuarantineTable>[];
}

function* chunks<T>(items: readonly T[], size = 200): Generator<T[]> {
  for (let i = 0; i < items.length; i += size) yield items.slice(i, i + size);
}

function indexColumns(indexes: PersonIndexes): { email_bi: string | null; phone_bi: string | null; surname_dob_bi: string | null } {
  return { email_bi: indexes.emailBi, phone_bi: indexes.phoneBi, surname_dob_bi: indexes.surnameDobBi };
}

/**
 * Open a candidate person to confirm a blind-index match (indexes are
 * truncated, so they only nominate candidates), through the gate's system
 * entrance: the event naming the person and the domains opened joins the
 * batch's events, appended in the batch's transaction.
 */
function openCandidate(events: AuditEvent[], keyring: Keyring, candidate: Candidate, inboxId: string): KnownPerson | undefined {
  // A person whose keys were shredded can no longer be matched (or read): treat as a stranger.
  if (!candidate.wrapped.has('contact')) return undefined;
  const personId = candidate.row.id;
  const keys = [...candidate.wrapped].flatMap(([domain, wrapped]) => (domain === 'contact' || domain === 'enquiry' ? [{ personId, domain, wrapped } as const] : []));
  const admission = admitSystemInBatch(events, keyring, { actor: 'system:ingest' }, { action: 'enquiry.match', purpose: 'match-candidate', recordRefs: [`inbox:${inboxId}`], keys });
  const contact = admission.open<ContactRecord>(personId, 'contact', RECORD.contact, personId, candidate.row.contactEnvelope);
  return { personId, contact, keys: new Map(keys.map((k) => [k.domain, admission.personKey(personId, k.domain)])) };
}

/** The ingest service. */
export interface IngestService {
  /** Process one batch. Throws VAULT_SEALED when sealed. */
  readonly runOnce: (limit?: number) => Promise<IngestResult>;
  /** Process until the inbox is empty. */
  readonly drain: () => Promise<IngestResult>;
}

function toContact(fields: EnquiryFields): ContactRecord {
  return {
    name: fields.name,
    email: fields.email,
    phone: fields.phone,
    ...(fields.dob ? { dob: fields.dob } : {}),
    ...(fields.address ? { address: fields.address } : {}),
  };
}

function sameName(a: string, b: string): boolean {
  return a.normalize('NFKC').trim().toLowerCase().replace(/\s+/g, ' ') === b.normalize('NFKC').trim().toLowerCase().replace(/\s+/g, ' ');
}

/** Create the ingest service. */
export function createIngestService(deps: { db: Db; vault: VaultService; audit: AuditLog; clock: Clock; logger: Logger; batchSize: number }): IngestService {
  const { db, audit } = deps;

  async function prepare(keyring: Keyring, rows: readonly InboxRow[]): Promise<Prepared[]> {
    const clinics = new Map((await db.selectFrom('clinics').select(['id', 'slug', 'organisation_id']).execute()).map((c) => [c.slug, c]));
    return rows.map((row): Prepared => {
      const clinic = clinics.get(row.clinic_slug);
      if (!clinic) return { ok: false, row, reason: 'unknown-clinic' };
      const key = keyring.intakeKey(row.key_id);
      if (!key) return { ok: false, row, reason: 'unknown-key' };
      let plaintext: Buffer;
      try {
        plaintext = openEnquiry(key, row.clinic_slug, row.enc, row.ct);
      } catch {
        return { ok: false, row, reason: 'open-failed' };
      }
      let json: unknown;
      try {
        json = JSON.parse(plaintext.toString('utf8'));
      } catch {
        return { ok: false, row, reason: 'invalid-json' };
      }
      const parsed = enquiryFieldsSchema.safeParse(json);
      if (!parsed.success) return { ok: false, row, reason: 'invalid-fields' };
      const contact = toContact(parsed.data);
      return {
        ok: true,
        value: {
          row,
          clinicId: clinic.id,
          organisationId: clinic.organisation_id,
          fields: parsed.data,
          normalisedEmail: normaliseEmail(contact.email),
          indexes: indexesFor(keyring, contact),
          submissionHash: sha256Hex(`submission|${clinic.id}|${parsed.data.sid}`),
        },
      };
    });
  }

  async function runOnce(limit = deps.batchSize): Promise<IngestResult> {
    const keyring = deps.vault.keyring();
    const rows = await db.selectFrom('enquiry_inbox').selectAll().orderBy('received_at').orderBy('id').limit(limit).execute();
    if (rows.length === 0) return { ingested: 0, duplicates: 0, quarantined: 0, quarantineReasons: {} };
    const prepared = await prepare(keyring, rows);
    const at = deps.clock.now().toISOString();
    const result = { ingested: 0, duplicates: 0, quarantined: 0, quarantineReasons: {} as Partial<Record<QuarantineReason, number>> };

    await db.transaction().execute(async (trx) => {
      const events: AuditEvent[] = [];
      const good = prepared.flatMap((p) => (p.ok ? [p.value] : []));
      const known = new Set(
        good.length === 0
          ? []
          : (await trx.selectFrom('enquiries').select('submission_hash').where('submission_hash', 'in', good.map((g) => g.submissionHash)).execute()).map((r) => r.submission_hash),
      );
      const people = await loadCandidates(trx, good);
      const writes: BatchWrites = { persons: [], personKeys: [], enquiries: [], quarantine: [] };

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
        });
        // The sealed form held this person's contact details and enquiry in clear: recorded as opened in both domains.
        events.push({ actor: 'system:ingest', action: 'enquiry.ingest', personIds: [person.personId], recordRefs: [`enquiry:${enquiryId}`, `inbox:${opened.row.id}`], outcome: 'success', domains: ['contact', 'enquiry'] });
        result.ingested += 1;
      }
      for (const chunk of chunks(writes.persons)) await trx.insertInto('persons').values(chunk).execute();
      for (const chunk of chunks(writes.personKeys)) await trx.insertInto('person_keys').values(chunk).execute();
      for (const chunk of chunks(writes.enquiries)) await trx.insertInto('enquiries').values(chunk).execute();
      for (const chunk of chunks(writes.quarantine)) await trx.insertInto('inbox_quarantine').values(chunk).onConflict((oc) => oc.column('id').doNothing()).execute();
      await audit.append(trx, events);
    });
    // Only after the commit: see the module comment.
    for (const chunk of chunks(rows.map((row) => row.id), 500)) await db.deleteFrom('enquiry_inbox').where('id', 'in', chunk).execute();
    if (result.quarantined > 0) deps.logger.warn({ quarantined: result.quarantined, reasons: result.quarantineReasons }, 'sealed enquiries quarantined');
    return result;
  }

  /** One query for every candidate person of the batch (by blind index), keyed for in-memory matching. */
  async function loadCandidates(trx: Db, batch: readonly Opened[]): Promise<PeopleIndex> {
    const index: PeopleIndex = new Map();
    const byOrg = new Map<string, Opened[]>();
    for (const item of batch) byOrg.set(item.organisationId, [...(byOrg.get(item.organisationId) ?? []), item]);
    for (const [organisationId, items] of byOrg) {
      const emailBis = [...new Set(items.flatMap((i) => (i.indexes.emailBi ? [i.indexes.emailBi] : [])))];
      const phoneBis = [...new Set(items.flatMap((i) => (i.indexes.phoneBi ? [i.indexes.phoneBi] : [])))];
      const candidates: PersonRow[] = [];
      for (let i = 0; i < Math.max(emailBis.length, phoneBis.length); i += 400) {
        candidates.push(...(await findPersonsByIndexes(trx, organisationId, emailBis.slice(i, i + 400), phoneBis.slice(i, i + 400))));
      }
      const wrapped = await findPersonKeys(trx, candidates.map((c) => c.id));
      for (const candidate of candidates) {
        const entry: Candidate = { row: candidate, wrapped: wrapped.get(candidate.id) ?? new Map() };
        for (const key of [candidate.emailBi && `e:${organisationId}:${candidate.emailBi}`, candidate.phoneBi && `p:${organisationId}:${candidate.phoneBi}`]) {
          if (key) index.set(key, [...(index.get(key) ?? []), entry]);
        }
      }
    }
    return index;
  }

  async function resolvePerson(trx: Db, keyring: Keyring, item: Opened, incoming: ContactRecord, people: PeopleIndex, writes: BatchWrites, at: string, events: AuditEvent[]): Promise<KnownPerson> {
    const emailKey = `e:${item.organisationId}:${item.indexes.emailBi}`;
    const phoneKey = item.indexes.phoneBi ? `p:${item.organisationId}:${item.indexes.phoneBi}` : undefined;
    // Email match wins; a phone-only match must also carry the same name (households share phones).
    const candidates = [...(people.get(emailKey) ?? []), ...(phoneKey ? (people.get(phoneKey) ?? []) : [])];
    let match: KnownPerson | undefined;
    for (const candidate of candidates) {
      const known = candidate.known ?? openCandidate(events, keyring, candidate, item.row.id);
      if (!known) continue;
      candidate.known = known;
      if (normaliseEmail(known.contact.email) === item.normalisedEmail || (candidate.row.phoneBi === item.indexes.phoneBi && sameName(known.contact.name, incoming.name))) {
        match = known;
        break;
      }
    }
    let person: KnownPerson;
    if (match) {
      if (!match.keys.has('enquiry')) {
        const created = createPersonKey(keyring, match.personId, 'enquiry');
        await insertPersonKey(trx, match.personId, { domain: 'enquiry', wrappingKeyId: created.wrappingKeyId, wrapped: created.wrapped }, at);
        match.keys.set('enquiry', created.key);
      }
      // Latest submission wins for each field it supplies.
      match.contact = { ...match.contact, ...incoming };
      const envelope = sealPersonRecord(match.keys.get('contact') as PersonKey, RECORD.contact, match.personId, match.contact);
      const pending = writes.persons.find((p) => p.id === match?.personId);
      if (pending) Object.assign(pending, { contact_envelope: envelope, ...indexColumns(indexesFor(keyring, match.contact)) });
      else await updatePersonContact(trx, match.personId, envelope, indexesFor(keyring, match.contact), at);
      person = match;
    } else {
      const personId = newId();
      const contactKey = createPersonKey(keyring, personId, 'contact');
      const enquiryKey = createPersonKey(keyring, personId, 'enquiry');
      writes.persons.push({
        id: personId,
        organisation_id: item.organisationId,
        created_at: at,
        updated_at: at,
        contact_envelope: sealPersonRecord(contactKey.key, RECORD.contact, personId, incoming),
        ...indexColumns(item.indexes),
      });
      for (const created of [contactKey, enquiryKey]) {
        writes.personKeys.push({ person_id: personId, domain: created.key.domain, wrapping_key_id: created.wrappingKeyId, wrapped_dek: created.wrapped, created_at: at });
      }
      person = { personId, contact: incoming, keys: new Map([['contact', contactKey.key], ['enquiry', enquiryKey.key]]) };
      const entry: Candidate = { row: { id: personId, contactEnvelope: '', emailBi: item.indexes.emailBi, phoneBi: item.indexes.phoneBi }, wrapped: new Map(), known: person };
      for (const key of [emailKey, phoneKey]) if (key) people.set(key, [...(people.get(key) ?? []), entry]);
    }
    return person;
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
