/**
 * The gate: every staff read of personal data (enquiries, patient records,
 * photos, data-subject requests) is admitted here, in this order: authorise
 * (tenancy, role, care relationship, restricted list; forbidden = not found,
 * audited) → compliance blocks → lockdown approval → detection rules →
 * audit (group-committed: the caller waits until its event is committed) →
 * only then unwrap the person's keys for the domains the permission covers.
 * Every event it writes names the key domains it opened (`domains`), which
 * is what incident scope is computed from. See README.md in this folder.
 *
 * The two other entrances open their keys here too, and nothing else does:
 *  - system work (system-admission.ts): `openSystemKeys`;
 *  - writes (sealer.ts): `openSealer`, which seals and opens nothing.
 *
 * SECURITY: an `Admission` opens one person's records, in the domains asked
 * for, and nothing else. This file is the only production caller of
 * `openPersonKey`, `openPersonRecord` and `personFileKey`
 * (test/security/single-door.test.ts).
 */
import { actorEvent, type StaffActor } from '../../auth/actor.js';
import { canAccessPerson, hasOrgPermission, type PersonFacts } from '../../auth/policy.js';
import type { ClinicPermission } from '../../auth/roles.js';
import type { AuditLog } from '../../audit/audit-log.js';
import { createAuditWriter } from '../../audit/group-commit.js';
import { type Keyring, openPersonKey, openPersonRecord, type PersonKey, personFileKey, sealPersonRecord } from '../../crypto/keyring.js';
import { type Domain } from '../../crypto/key-material.js';
import { newId } from '../../crypto/random.js';
import type { Db } from '../../db/database.js';
import type { Clock } from '../../platform/clock.js';
import { AppError, appError } from '../../platform/errors.js';
import type { Detection, ReadSignal } from '../detection/detection.service.js';
import { hasApproval, isLockdown } from '../detection/lockdown.js';
import { findWrappedKeys } from '../persons/persons.repository.js';
import type { VaultService } from '../vault/vault.service.js';
import { findAccessRecords, hasOpenRightsRequest } from './visibility.repository.js';

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
  /** The record is the actor's own assigned work (the door decided from the row): the assigned-work allowance counts it. */
  readonly assignedWork?: boolean;
}

/** What an unowned read opens: counted by detection under `subjectId`, in the clinic it belongs to. */
export interface UnownedSubject {
  readonly subjectId: string;
  readonly clinicId: string;
}

/** An unowned read about to happen: recorded with the key domains its plaintext belongs to. */
export interface UnownedRequest {
  readonly action: string;
  readonly recordRefs: readonly string[];
  readonly purpose: string;
  readonly domains: readonly Domain[];
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
  /**
   * A read of personal data that belongs to no person yet (a quarantined
   * envelope): the caller has decided tenancy; this runs compliance,
   * lockdown and detection (counting `subjectId` like a person) and commits
   * the success event. It returns nothing to open with: the caller decrypts
   * only after it resolves (quarantine-door.ts).
   */
  readonly admitUnowned: (actor: StaffActor, subject: UnownedSubject, request: UnownedRequest) => Promise<void>;
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

  // Every decision is committed to the audit chain before the caller goes on. Group commit (audit/group-commit.ts):
  // events of concurrent reads share one transaction of their own (never the caller's); each waits for that commit.
  const writer = createAuditWriter({ db, audit });
  async function record(actor: StaffActor, event: Parameters<Gate['record']>[1]): Promise<void> {
    await writer.write({ ...actorEvent(actor), action: event.action, recordRefs: [...event.recordRefs], personIds: [...event.personIds], outcome: event.outcome, ...(event.purpose ? { purpose: event.purpose } : {}), domains: event.domains ?? [] });
  }

  async function deny(actor: StaffActor, action: string, recordRefs: readonly string[], personIds: readonly string[] = []): Promise<never> {
    await record(actor, { action, recordRefs, personIds, outcome: 'denied' });
    await deps.detection.afterDenied(actor);
    throw appError('NOT_FOUND');
  }

  async function facts(actor: StaffActor, location: PersonLocation): Promise<PersonFacts> {
    const records = await findAccessRecords(db, location, actor.staffId, deps.clock.now().toISOString());
    return { organisationId: location.organisationId, clinicIds: location.clinicIds, isRestricted: location.isRestricted, ...records };
  }

  /** SECURITY: the DPO's access to a person is bound to an open data-subject request for that very person. */
  async function isFulfillingRightsRequest(actor: StaffActor, location: PersonLocation): Promise<boolean> {
    if (!hasOrgPermission(actor, 'rights.manage') || location.organisationId !== actor.organisationId) return false;
    return hasOpenRightsRequest(db, location.personId, actor.organisationId);
  }

  /**
   * Steps 3 to 5 of every admission: compliance blocks, lockdown approval,
   * detection. `subjectId` is what the read rules count: a person, or the
   * quarantined envelope an unowned read opens.
   */
  async function screen(actor: StaffActor, subject: { subjectId: string; clinicId: string; isRestricted: boolean }, request: Pick<AdmitRequest, 'photo' | 'assignedWork'>, refused: Parameters<Gate['record']>[1]): Promise<void> {
    if (actor.blocks.length > 0) {
      // SECURITY: no second factor, training out of date or a policy not acknowledged: nothing opens (the routes refuse first; this is the backstop).
      await record(actor, { ...refused, purpose: `compliance:${actor.blocks.join(',')}` });
      throw appError('COMPLIANCE_REQUIRED', actor.blocks);
    }
    if ((await isLockdown(db)) && !(await hasApproval(db, actor.staffId, subject.subjectId, deps.clock.now().toISOString()))) {
      await record(actor, { ...refused, purpose: 'lockdown:approval-required' });
      throw appError('APPROVAL_REQUIRED');
    }
    try {
      await deps.detection.beforeRead(actor, { personId: subject.subjectId, clinicId: subject.clinicId, isRestricted: subject.isRestricted, ...(request.photo ? { photo: request.photo } : {}), ...(request.assignedWork ? { assignedWork: true } : {}) });
    } catch (error) {
      // SECURITY: the read that tripped a rule is refused, and recorded as refused.
      await record(actor, { ...refused, purpose: `detection:${error instanceof AppError ? error.code : 'error'}` });
      throw error;
    }
  }

  async function admitUnowned(actor: StaffActor, subject: UnownedSubject, request: UnownedRequest): Promise<void> {
    // SECURITY: the door decided tenancy; a refusal there is `deny` (audited, counted, 404) and never reaches this.
    const refused = { action: request.action, recordRefs: request.recordRefs, personIds: [], outcome: 'denied' as const };
    await screen(actor, { subjectId: subject.subjectId, clinicId: subject.clinicId, isRestricted: false }, {}, refused);
    await record(actor, { ...refused, outcome: 'success', purpose: request.purpose, domains: request.domains });
  }

  async function admit(actor: StaffActor, location: PersonLocation | undefined, request: AdmitRequest): Promise<Admission> {
    // SECURITY: forbidden and absent look the same to the caller (404).
    if (!location) return deny(actor, request.action, request.recordRefs);
    const personFacts = await facts(actor, location);
    const isAllowed = request.permission === 'rights.manage' ? await isFulfillingRightsRequest(actor, location) : canAccessPerson(actor, request.permission, personFacts);
    if (!isAllowed) return deny(actor, request.action, request.recordRefs, [location.personId]);
    const refused = { action: request.action, recordRefs: request.recordRefs, personIds: [location.personId], outcome: 'denied' as const };
    await screen(actor, { subjectId: location.personId, clinicId: location.clinicIds[0] ?? '', isRestricted: location.isRestricted }, request, refused);
    const keyring = deps.vault.keyring();
    const rows = request.domains.length === 0 ? [] : await findWrappedKeys(db, location.personId, request.domains);
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

  return { facts, admit, admitUnowned, deny, record };
}

/** A person key as stored (a person_keys row). */
export interface StoredPersonKey {
  readonly personId: string;
  readonly domain: Domain;
  readonly wrapped: string;
}

/** Granted system work: opens the requested keys, and no others. */
export interface SystemAdmission {
  readonly open: <T>(personId: string, domain: Domain, recordType: string, recordId: string, envelope: string) => T;
  readonly fileKey: (personId: string, domain: Domain, fileId: string) => Buffer;
  /** The key itself, for sealing under it (opaque: `sealPersonRecord` only) or to prove it unwraps. */
  readonly personKey: (personId: string, domain: Domain) => PersonKey;
}

/** The keys of recorded system work (system-admission.ts records first, then calls this), each unwrapped on first use. */
export function openSystemKeys(keyring: Keyring, keys: readonly StoredPersonKey[]): SystemAdmission {
  const wrapped = new Map(keys.map((k) => [`${k.domain}|${k.personId}`, k.wrapped]));
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

/** Encrypts new records (and files) under one person's key for a domain; opens nothing. */
export interface PersonSealer {
  readonly personId: string;
  readonly domain: Domain;
  readonly seal: (recordType: string, recordId: string, value: unknown) => string;
  /** A new file id and the key to encrypt that file under (ids of existing files are not accepted). */
  readonly newFile: () => { readonly fileId: string; readonly fileKey: Buffer };
}

/** A sealer under the stored key `wrapped` (sealer.ts finds or creates it). */
export function openSealer(keyring: Keyring, personId: string, domain: Domain, wrapped: string): PersonSealer {
  const key = openPersonKey(keyring, personId, domain, wrapped);
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
