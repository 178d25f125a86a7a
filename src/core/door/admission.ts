/**
 * The door's gate, shared by every kind of personal-data read (enquiries,
 * patient records, photos). In this order: authorise (tenancy, role, care
 * relationship, restricted list; forbidden = not found, audited) → lockdown
 * approval → detection rules → audit in its own committed transaction →
 * only then unwrap the person's keys for the domains the permission covers.
 * Every event it writes names the key domains it opened (`domains`), which
 * is what incident scope is computed from.
 *
 * Two more entrances, and no other code unwraps a person key:
 *  - system work (ingest matching, the name index, restore verification,
 *    breach-notice contacts): `admitSystem` records who, why, whom and which
 *    domains, then opens exactly those keys;
 *  - writes: `sealerFor` gives a sealer that encrypts under a person's key
 *    (creating it on first use) and opens nothing.
 *
 * SECURITY: the returned `Admission` opens one person's records, in the
 * domains asked for, and nothing else. This file is the only production
 * caller of `openPersonKey`, `openPersonRecord` and `personFileKey`
 * (test/security/single-door.test.ts).
 */
import { actorLabel, type StaffActor } from '../../auth/actor.js';
import { canAccessPerson, hasOrgPermission, type PersonFacts } from '../../auth/policy.js';
import type { ClinicPermission } from '../../auth/roles.js';
import type { AuditEvent, AuditLog } from '../../audit/audit-log.js';
import { createAuditWriter } from '../../audit/group-commit.js';
import { createPersonKey, type Domain, type Keyring, openPersonKey, openPersonRecord, type PersonKey, personFileKey, sealPersonRecord } from '../../crypto/keyring.js';
import { newId } from '../../crypto/random.js';
import type { Db } from '../../db/database.js';
import type { Clock } from '../../platform/clock.js';
import { AppError, appError } from '../../platform/errors.js';
import type { Detection, ReadSignal } from '../detection/detection.service.js';
import { hasApproval, isLockdown } from '../detection/lockdown.js';
import type { VaultService } from '../vault/vault.service.js';

/** Where a person is and how they are flagged: enough to decide access, nothing personal. */
export interface PersonLocation {
  readonly personId: string;
  readonly organisationId: string;
  readonly isRestricted: boolean;
  readonly clinicIds: readonly string[];
}

/** One read about to happen. */
export interface AdmitRequest {
  /** A clinic permission, or `rights.manage`: the DPO fulfilling an open data-subject request for this very person. */
  readonly permission: ClinicPermission | 'rights.manage';
  readonly action: string;
  readonly recordRefs: readonly string[];
  readonly purpose: string;
  readonly domains: readonly Domain[];
  /** Photo reads feed the photo-burst rule. */
  readonly photo?: ReadSignal['photo'];
}

/** A granted read: opens this person's records in the granted domains. */
export interface Admission {
  readonly personId: string;
  readonly facts: PersonFacts;
  readonly open: <T>(domain: Domain, recordType: string, recordId: string, envelope: string) => T;
  readonly fileKey: (domain: Domain, fileId: string) => Buffer;
  /** Re-seal a record of this person in a granted domain (rectification). */
  readonly seal: (domain: Domain, recordType: string, recordId: string, value: unknown) => string;
}

export interface Gate {
  readonly facts: (actor: StaffActor, location: PersonLocation) => Promise<PersonFacts>;
  readonly admit: (actor: StaffActor, location: PersonLocation | undefined, request: AdmitRequest) => Promise<Admission>;
  /** Record a refusal (and count it for the repeated-denials rule), then throw NOT_FOUND. */
  readonly deny: (actor: StaffActor, action: string, recordRefs: readonly string[], personIds?: readonly string[]) => Promise<never>;
  /** Record a door event; `domains` (the key domains opened) defaults to none. */
  readonly record: (actor: StaffActor, event: { action: string; recordRefs: readonly string[]; personIds: readonly string[]; outcome: 'success' | 'denied'; purpose?: string; domains?: readonly Domain[] }) => Promise<void>;
}

export interface GateDeps {
  readonly db: Db;
  readonly vault: VaultService;
  readonly audit: AuditLog;
  readonly detection: Detection;
  readonly clock: Clock;
}

export function createGate(deps: GateDeps): Gate {
  const { db, audit } = deps;

  // Every decision is committed to the audit chain before the caller goes on (group commit: concurrent reads share a transaction).
  const writer = createAuditWriter({ db, audit });
  async function record(actor: StaffActor, event: Parameters<Gate['record']>[1]): Promise<void> {
    await writer.write({ actor: actorLabel(actor), ip: actor.ip, sessionId: actor.sessionId, action: event.action, recordRefs: [...event.recordRefs], personIds: [...event.personIds], outcome: event.outcome, ...(event.purpose ? { purpose: event.purpose } : {}), domains: event.domains ?? [] });
  }

  async function deny(actor: StaffActor, action: string, recordRefs: readonly string[], personIds: readonly string[] = []): Promise<never> {
    await record(actor, { action, recordRefs, personIds, outcome: 'denied' });
    await deps.detection.afterDenied(actor);
    throw appError('NOT_FOUND');
  }

  async function facts(actor: StaffActor, location: PersonLocation): Promise<PersonFacts> {
    const now = deps.clock.now().toISOString();
    const [listed, grant, care] = await Promise.all([
      location.isRestricted ? db.selectFrom('restricted_access').select('staff_id').where('person_id', '=', location.personId).where('staff_id', '=', actor.staffId).executeTakeFirst() : undefined,
      db.selectFrom('break_glass_grants').select('id').where('person_id', '=', location.personId).where('staff_id', '=', actor.staffId).where('expires_at', '>', now).executeTakeFirst(),
      db.selectFrom('care_relationships').select('staff_id').where('person_id', '=', location.personId).where('staff_id', '=', actor.staffId).executeTakeFirst(),
    ]);
    return { organisationId: location.organisationId, clinicIds: location.clinicIds, isRestricted: location.isRestricted, isOnRestrictedList: Boolean(listed), hasBreakGlass: Boolean(grant), isInCareTeam: Boolean(care) };
  }

  /** SECURITY: the DPO's access to a person is bound to an open data-subject request for that very person. */
  async function hasOpenRightsRequest(actor: StaffActor, location: PersonLocation): Promise<boolean> {
    if (!hasOrgPermission(actor, 'rights.manage') || location.organisationId !== actor.organisationId) return false;
    const open = await db.selectFrom('rights_requests').select('id').where('person_id', '=', location.personId).where('organisation_id', '=', actor.organisationId).where('status', '=', 'open').executeTakeFirst();
    return open !== undefined;
  }

  async function admit(actor: StaffActor, location: PersonLocation | undefined, request: AdmitRequest): Promise<Admission> {
    // SECURITY: forbidden and absent look the same to the caller (404).
    if (!location) return deny(actor, request.action, request.recordRefs);
    const personFacts = await facts(actor, location);
    const isAllowed = request.permission === 'rights.manage' ? await hasOpenRightsRequest(actor, location) : canAccessPerson(actor, request.permission, personFacts);
    if (!isAllowed) return deny(actor, request.action, request.recordRefs, [location.personId]);
    const refused = { action: request.action, recordRefs: request.recordRefs, personIds: [location.personId], outcome: 'denied' as const };
    if (actor.blocks.length > 0) {
      // SECURITY: no second factor, training out of date or a policy not acknowledged: nothing opens (the routes refuse first; this is the backstop).
      await record(actor, { ...refused, purpose: `compliance:${actor.blocks.join(',')}` });
      throw appError('COMPLIANCE_REQUIRED', actor.blocks);
    }
    if ((await isLockdown(db)) && !(await hasApproval(db, actor.staffId, location.personId, deps.clock.now().toISOString()))) {
      await record(actor, { ...refused, purpose: 'lockdown:approval-required' });
      throw appError('APPROVAL_REQUIRED');
    }
    try {
      await deps.detection.beforeRead(actor, { personId: location.personId, clinicId: location.clinicIds[0] ?? '', isRestricted: location.isRestricted, ...(request.photo ? { photo: request.photo } : {}) });
    } catch (error) {
      // SECURITY: the read that tripped a rule is refused, and recorded as refused.
      await record(actor, { ...refused, purpose: `detection:${error instanceof AppError ? error.code : 'error'}` });
      throw error;
    }
    const keyring = deps.vault.keyring();
    const rows = request.domains.length === 0 ? [] : await db.selectFrom('person_keys').select(['domain', 'wrapped_dek']).where('person_id', '=', location.personId).where('domain', 'in', [...request.domains]).execute();
    // SECURITY: the event names every domain whose key this admission can open (asked for and held by the person): scope counts these as read in clear.
    await record(actor, { ...refused, outcome: 'success', purpose: personFacts.hasBreakGlass ? `break-glass:${request.purpose}` : request.purpose, domains: rows.map((row) => row.domain as Domain) });
    const keys = new Map<Domain, PersonKey>();
    const personKey = (domain: Domain): PersonKey => {
      let key = keys.get(domain);
      if (!key) {
        if (!request.domains.includes(domain)) throw new Error(`domain ${domain} was not admitted`);
        const wrapped = rows.find((row) => row.domain === domain)?.wrapped_dek;
        if (!wrapped) throw new Error(`missing ${domain} key for a person`);
        key = openPersonKey(keyring, location.personId, domain, wrapped);
        keys.set(domain, key);
      }
      return key;
    };
    return {
      personId: location.personId,
      facts: personFacts,
      open: <T>(domain: Domain, recordType: string, recordId: string, envelope: string) => openPersonRecord(personKey(domain), recordType, recordId, envelope) as T,
      fileKey: (domain, fileId) => personFileKey(personKey(domain), fileId),
      seal: (domain, recordType, recordId, value) => sealPersonRecord(personKey(domain), recordType, recordId, value),
    };
  }

  return { facts, admit, deny, record };
}

/** Who does system work: a job (`system:ingest`), or the staff member it is done for (breach notices). */
export interface SystemCaller {
  readonly actor: string;
  readonly ip?: string | null;
  readonly sessionId?: string | null;
}

/** A person key as stored (a person_keys row). */
export interface StoredPersonKey {
  readonly personId: string;
  readonly domain: Domain;
  readonly wrapped: string;
}

/** System work about to open these keys. */
export interface SystemRequest {
  readonly action: string;
  readonly purpose?: string;
  readonly recordRefs?: readonly string[];
  readonly keys: readonly StoredPersonKey[];
}

/** Granted system work: opens the requested keys, and no others. */
export interface SystemAdmission {
  readonly open: <T>(personId: string, domain: Domain, recordType: string, recordId: string, envelope: string) => T;
  readonly fileKey: (personId: string, domain: Domain, fileId: string) => Buffer;
  /** The key itself, for sealing under it (opaque: `sealPersonRecord` only) or to prove it unwraps. */
  readonly personKey: (personId: string, domain: Domain) => PersonKey;
}

const SYSTEM_EVENT_PERSONS = 500;

/** The audit events of a system request: people grouped by the domains opened for them, at most 500 to an event. */
function systemEvents(caller: SystemCaller, request: SystemRequest): AuditEvent[] {
  const byPerson = new Map<string, Set<Domain>>();
  for (const key of request.keys) byPerson.set(key.personId, (byPerson.get(key.personId) ?? new Set<Domain>()).add(key.domain));
  const groups = new Map<string, string[]>();
  for (const [personId, domains] of byPerson) {
    const label = [...domains].sort().join(',');
    const group = groups.get(label);
    if (group) group.push(personId);
    else groups.set(label, [personId]);
  }
  const events: AuditEvent[] = [];
  for (const [label, personIds] of groups) {
    for (let i = 0; i < personIds.length; i += SYSTEM_EVENT_PERSONS) {
      events.push({ actor: caller.actor, ip: caller.ip ?? null, sessionId: caller.sessionId ?? null, action: request.action, personIds: personIds.slice(i, i + SYSTEM_EVENT_PERSONS), recordRefs: [...(request.recordRefs ?? [])], purpose: request.purpose ?? null, outcome: 'success', domains: label.split(',') });
    }
  }
  return events;
}

function systemAdmission(keyring: Keyring, request: SystemRequest): SystemAdmission {
  const wrapped = new Map(request.keys.map((k) => [`${k.domain}|${k.personId}`, k.wrapped]));
  const opened = new Map<string, PersonKey>();
  const personKey = (personId: string, domain: Domain): PersonKey => {
    const id = `${domain}|${personId}`;
    let key = opened.get(id);
    if (!key) {
      const stored = wrapped.get(id);
      if (!stored) throw new Error(`the ${domain} key of a person was not admitted`);
      key = openPersonKey(keyring, personId, domain, stored);
      opened.set(id, key);
    }
    return key;
  };
  return {
    personKey,
    open: <T>(personId: string, domain: Domain, recordType: string, recordId: string, envelope: string) => openPersonRecord(personKey(personId, domain), recordType, recordId, envelope) as T,
    fileKey: (personId, domain, fileId) => personFileKey(personKey(personId, domain), fileId),
  };
}

/**
 * The system entrance: record (committed, in a transaction of its own) who
 * opens which people's keys in which domains and why, then open exactly
 * those. No staff authorisation or detection applies: the callers are jobs
 * of the core itself, or steps already authorised (breach notices).
 */
export async function admitSystem(deps: { readonly db: Db; readonly audit: AuditLog }, keyring: Keyring, caller: SystemCaller, request: SystemRequest): Promise<SystemAdmission> {
  const events = systemEvents(caller, request);
  // Inside a caller's transaction (a restore's verification) the record commits with that work, or neither does.
  if (events.length > 0) await (deps.db.isTransaction ? deps.audit.append(deps.db, events) : deps.db.transaction().execute((trx) => deps.audit.append(trx, events)));
  return systemAdmission(keyring, request);
}

/**
 * The system entrance inside a batch that appends `events` in its own
 * transaction before it commits (the ingest): the record of what was opened
 * commits with the work it served, or neither does (and then nothing opened
 * left the process).
 */
export function admitSystemInBatch(events: AuditEvent[], keyring: Keyring, caller: SystemCaller, request: SystemRequest): SystemAdmission {
  events.push(...systemEvents(caller, request));
  return systemAdmission(keyring, request);
}

/** Encrypts new records (and files) under one person's key for a domain; opens nothing. */
export interface PersonSealer {
  readonly personId: string;
  readonly domain: Domain;
  readonly seal: (recordType: string, recordId: string, value: unknown) => string;
  /** A new file id and the key to encrypt that file under (ids of existing files are not accepted). */
  readonly newFile: () => { readonly fileId: string; readonly fileKey: Buffer };
}

/**
 * The sealer for writes: the person's key for `domain`, created (wrapped
 * under the active domain key) the first time the domain is used. The
 * caller has admitted the write through the gate and audits it with the row.
 */
export async function sealerFor(deps: { readonly db: Db; readonly vault: VaultService; readonly clock: Clock }, personId: string, domain: Domain): Promise<PersonSealer> {
  const keyring = deps.vault.keyring();
  const stored = () => deps.db.selectFrom('person_keys').select('wrapped_dek').where('person_id', '=', personId).where('domain', '=', domain).executeTakeFirst();
  let row = await stored();
  if (!row) {
    const created = createPersonKey(keyring, personId, domain);
    await deps.db
      .insertInto('person_keys')
      .values({ person_id: personId, domain, wrapping_key_id: created.wrappingKeyId, wrapped_dek: created.wrapped, created_at: deps.clock.now().toISOString() })
      .onConflict((oc) => oc.columns(['person_id', 'domain']).doNothing())
      .execute();
    // Another request may have won the race: whatever is stored is the key.
    row = await stored();
    if (!row) throw new Error(`missing ${domain} key for a person`);
  }
  const key = openPersonKey(keyring, personId, domain, row.wrapped_dek);
  return {
    personId,
    domain,
    seal: (recordType, recordId, value) => sealPersonRecord(key, recordType, recordId, value),
    newFile: () => {
      const fileId = newId();
      return { fileId, fileKey: personFileKey(key, fileId) };
    },
  };
}
