/**
 * Matching a submission to its person: blind indexes nominate candidates
 * (they are truncated, so they only nominate), and decrypting a candidate's
 * contact confirms the match. A match gets the submission's contact details
 * (latest wins per field); no match makes a new person with its own keys.
 */
import type { AuditEvent } from '../../audit/audit-log.js';
import { createPersonKey, type Keyring, type PersonKey, sealPersonRecord } from '../../crypto/keyring.js';
import { newId } from '../../crypto/random.js';
import type { Db } from '../../db/database.js';
import { admitSystemInBatch, type SystemCaller } from '../door/system-admission.js';
import { type ContactRecord, RECORD } from '../door/records.js';
import { normaliseEmail } from '../persons/normalise.js';
import { findPersonKeys, findPersonsByIndexes, insertPersonKey, indexesFor, type PersonIndexes, type PersonRow, updatePersonContact } from '../persons/persons.repository.js';
import type { Opened } from './inbox-opening.js';
import type { BatchWrites } from './ingest.repository.js';

/** A person whose keys and contact are open in memory for this batch. */
export interface KnownPerson {
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
export type PeopleIndex = Map<string, Candidate[]>;

function indexColumns(indexes: PersonIndexes): { email_bi: string | null; phone_bi: string | null; surname_dob_bi: string | null } {
  return { email_bi: indexes.emailBi, phone_bi: indexes.phoneBi, surname_dob_bi: indexes.surnameDobBi };
}

function sameName(a: string, b: string): boolean {
  return a.normalize('NFKC').trim().toLowerCase().replace(/\s+/g, ' ') === b.normalize('NFKC').trim().toLowerCase().replace(/\s+/g, ' ');
}

/**
 * Open a candidate person to confirm a blind-index match, through the gate's
 * system entrance: the event naming the person and the domains opened joins
 * the batch's events, appended in the batch's transaction.
 */
function openCandidate(events: AuditEvent[], keyring: Keyring, candidate: Candidate, inboxId: string, caller: SystemCaller): KnownPerson | undefined {
  // A person whose keys were shredded can no longer be matched (or read): treat as a stranger.
  if (!candidate.wrapped.has('contact')) return undefined;
  const personId = candidate.row.id;
  const keys = [...candidate.wrapped].flatMap(([domain, wrapped]) => (domain === 'contact' || domain === 'enquiry' ? [{ personId, domain, wrapped } as const] : []));
  const admission = admitSystemInBatch(events, keyring, caller, { action: 'enquiry.match', purpose: 'match-candidate', recordRefs: [`inbox:${inboxId}`], keys });
  const contact = admission.open<ContactRecord>(personId, 'contact', RECORD.contact, personId, candidate.row.contactEnvelope);
  return { personId, contact, keys: new Map(keys.map((k) => [k.domain, admission.personKey(personId, k.domain)])) };
}

/** One query for every candidate person of the batch (by blind index), keyed for in-memory matching. */
export async function loadCandidates(trx: Db, batch: readonly Opened[]): Promise<PeopleIndex> {
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

/**
 * The person a submission belongs to: a confirmed match (updated, and given
 * an enquiry key if it had none) or a new person queued in `writes`. Email
 * match wins; a phone-only match must also carry the same name. Candidates
 * are opened through the system entrance as `caller` (the ingest job, or the
 * staff member accepting a quarantined enquiry: they never see the candidate).
 */
export async function resolvePerson(trx: Db, keyring: Keyring, item: Opened, incoming: ContactRecord, people: PeopleIndex, writes: BatchWrites, at: string, events: AuditEvent[], caller: SystemCaller): Promise<KnownPerson> {
  const emailKey = `e:${item.organisationId}:${item.indexes.emailBi}`;
  const phoneKey = item.indexes.phoneBi ? `p:${item.organisationId}:${item.indexes.phoneBi}` : undefined;
  // Email match wins; a phone-only match must also carry the same name (households share phones).
  const candidates = [...(people.get(emailKey) ?? []), ...(phoneKey ? (people.get(phoneKey) ?? []) : [])];
  let match: KnownPerson | undefined;
  for (const candidate of candidates) {
    const known = candidate.known ?? openCandidate(events, keyring, candidate, item.row.id, caller);
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
