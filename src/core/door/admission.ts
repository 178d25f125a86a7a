/**
 * The door's gate, shared by every kind of personal-data read (enquiries,
 * patient records, photos). In this order: authorise (tenancy, role, care
 * relationship, restricted list; forbidden = not found, audited) → lockdown
 * approval → detection rules → audit in its own committed transaction →
 * only then unwrap the person's keys for the domains the permission covers.
 *
 * SECURITY: the returned `Admission` opens one person's records, in the
 * domains asked for, and nothing else.
 */
import { actorLabel, type StaffActor } from '../../auth/actor.js';
import { canAccessPerson, hasOrgPermission, type PersonFacts } from '../../auth/policy.js';
import type { ClinicPermission } from '../../auth/roles.js';
import type { AuditLog } from '../../audit/audit-log.js';
import { createAuditWriter } from '../../audit/group-commit.js';
import { type Domain, openPersonKey, openPersonRecord, type PersonKey, personFileKey } from '../../crypto/keyring.js';
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
  readonly personKey: (domain: Domain) => PersonKey;
}

export interface Gate {
  readonly facts: (actor: StaffActor, location: PersonLocation) => Promise<PersonFacts>;
  readonly admit: (actor: StaffActor, location: PersonLocation | undefined, request: AdmitRequest) => Promise<Admission>;
  /** Record a refusal (and count it for the repeated-denials rule), then throw NOT_FOUND. */
  readonly deny: (actor: StaffActor, action: string, recordRefs: readonly string[], personIds?: readonly string[]) => Promise<never>;
  readonly record: (actor: StaffActor, event: { action: string; recordRefs: readonly string[]; personIds: readonly string[]; outcome: 'success' | 'denied'; purpose?: string }) => Promise<void>;
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
    await writer.write({ actor: actorLabel(actor), ip: actor.ip, sessionId: actor.sessionId, action: event.action, recordRefs: [...event.recordRefs], personIds: [...event.personIds], outcome: event.outcome, ...(event.purpose ? { purpose: event.purpose } : {}) });
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
    await record(actor, { ...refused, outcome: 'success', purpose: personFacts.hasBreakGlass ? `break-glass:${request.purpose}` : request.purpose });
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
      personKey,
      open: <T>(domain: Domain, recordType: string, recordId: string, envelope: string) => openPersonRecord(personKey(domain), recordType, recordId, envelope) as T,
      fileKey: (domain, fileId) => personFileKey(personKey(domain), fileId),
    };
  }

  return { facts, admit, deny, record };
}
