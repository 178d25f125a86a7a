/**
 * Consent: versioned forms per procedure (and one for photos), signed by the
 * patient on a clinic tablet or through a single-use link — typed name, drawn
 * signature, timestamp and the hash of the exact text signed. Photo consent
 * has three separate scopes (clinical record / teaching / marketing); the
 * door checks the current scopes on every photo read, so withdrawing a scope
 * removes that kind of access at once.
 */
import { type ActorEventFields, actorEvent, type StaffActor } from '../../auth/actor.js';
import type { AuditLog } from '../../audit/audit-log.js';
import { newId, randomToken } from '../../crypto/random.js';
import { sha256Hex } from '../../crypto/digest.js';
import type { Db } from '../../db/database.js';
import type { Clock } from '../../platform/clock.js';
import { appError } from '../../platform/errors.js';
import { PHOTO_SCOPES, type PatientDoor, type PhotoScope } from '../door/patient-door.js';
import { RECORD, type SignatureRecord } from '../door/records.js';
import { sealerFor } from '../door/sealer.js';
import type { VaultService } from '../vault/vault.service.js';
import { claimConsentLink, findConsentLink, findForm, type FormRow, getForm, insertConsent, insertConsentLink, insertForm, latestFormVersion, listFormVersions, releaseConsentLink, setPhotoScope, withdrawPhotoScope } from './consent.repository.js';

export const FORM_KINDS = ['procedure', 'photo'] as const;
export const SIGNING_LINK_HOURS = 72;
const MAX_SIGNATURE_BYTES = 200_000;

export interface ConsentDeps {
  readonly db: Db;
  readonly audit: AuditLog;
  readonly clock: Clock;
  readonly vault: VaultService;
  readonly patients: PatientDoor;
}

export interface Signing {
  readonly typedName: string;
  /** data:image/png;base64,… drawn on a canvas. */
  readonly drawnSignature: string;
  readonly scopes: readonly string[];
}

export interface FormView {
  readonly id: string;
  readonly kind: string;
  readonly procedureKey: string;
  readonly version: number;
  readonly title: string;
  readonly body: string;
  readonly bodyHash: string;
  readonly createdAt: string;
}

function present(row: Omit<FormRow, 'created_by'>): FormView {
  return { id: row.id, kind: row.kind, procedureKey: row.procedure_key, version: row.version, title: row.title, body: row.body, bodyHash: row.body_hash, createdAt: row.created_at };
}

/** A drawn signature must be a PNG data URL of sensible size. */
function checkSignature(dataUrl: string): void {
  const match = /^data:image\/png;base64,([A-Za-z0-9+/=]+)$/.exec(dataUrl);
  const bytes = match ? Buffer.from(match[1] as string, 'base64') : undefined;
  const isPng = bytes !== undefined && bytes.length > 8 && bytes.subarray(0, 8).equals(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]));
  if (!isPng || bytes.length > MAX_SIGNATURE_BYTES) throw appError('VALIDATION_FAILED', ['drawnSignature']);
}

export function createConsentService(deps: ConsentDeps) {
  const { db, audit } = deps;

  async function formInOrg(formId: string, organisationId: string): Promise<FormRow> {
    const form = await findForm(db, formId);
    if (!form || form.organisation_id !== organisationId) throw appError('VALIDATION_FAILED', ['formId']);
    // Only the current version of a form can be signed.
    if (Number(await latestFormVersion(db, organisationId, form.procedure_key)) !== form.version) throw appError('CONFLICT');
    return form;
  }

  /** Record a signature (the caller has authorised who is signing for whom; `signer` is who the audit names). */
  async function record(patient: { patientId: string; personId: string }, form: FormRow, signing: Signing, method: 'tablet' | 'link', signer: ActorEventFields): Promise<{ id: string; signedAt: string }> {
    checkSignature(signing.drawnSignature);
    const scopes = [...new Set(signing.scopes)];
    if (form.kind === 'photo' ? scopes.some((s) => !(PHOTO_SCOPES as readonly string[]).includes(s)) : scopes.length > 0) throw appError('VALIDATION_FAILED', ['scopes']);
    const sealer = await sealerFor(deps, patient.personId, 'clinical');
    const id = newId();
    const signedAt = deps.clock.now().toISOString();
    const signature: SignatureRecord = { typedName: signing.typedName, drawnSignature: signing.drawnSignature, signedAt, documentHash: form.body_hash };
    await db.transaction().execute(async (trx) => {
      await insertConsent(trx, { id, patient_id: patient.patientId, form_id: form.id, scopes: JSON.stringify(scopes), document_hash: form.body_hash, method, signed_at: signedAt, signature_envelope: sealer.seal(RECORD.signature, id, signature) });
      if (form.kind === 'photo') {
        // A photo-consent form states the whole choice: scopes left out are withdrawn.
        for (const scope of PHOTO_SCOPES) await setPhotoScope(trx, patient.patientId, scope, id, signedAt, scopes.includes(scope));
      }
      await audit.append(trx, [{ ...signer, action: 'consent.sign', personIds: [patient.personId], recordRefs: [`consent:${id}`, `consent-form:${form.id}`], purpose: `${method}:${form.kind}:${scopes.join('+') || 'procedure'}`, outcome: 'success' }]);
    });
    return { id, signedAt };
  }

  return {
    async createForm(actor: StaffActor, input: { kind: string; procedureKey: string; title: string; body: string }): Promise<FormView> {
      const at = deps.clock.now().toISOString();
      return db.transaction().execute(async (trx) => {
        const latest = await latestFormVersion(trx, actor.organisationId, input.procedureKey);
        const row: FormRow = { id: newId(), organisation_id: actor.organisationId, kind: input.kind, procedure_key: input.procedureKey, version: Number(latest ?? 0) + 1, title: input.title, body: input.body, body_hash: sha256Hex(input.body), created_at: at, created_by: actor.staffId };
        await insertForm(trx, row);
        await audit.append(trx, [{ ...actorEvent(actor), action: 'consent-form.create', recordRefs: [`consent-form:${row.id}`], purpose: `${row.procedure_key}:v${row.version}`, outcome: 'success' }]);
        return present(row);
      });
    },

    /** Every version of every form, by procedure key and newest first (for the administrator's form history). */
    async listFormVersions(organisationId: string): Promise<FormView[]> {
      return (await listFormVersions(db, organisationId)).map(present);
    },

    /** Current version of every form (older versions stay for the signatures that reference them). */
    async listForms(organisationId: string): Promise<FormView[]> {
      const rows = await listFormVersions(db, organisationId);
      const seen = new Set<string>();
      return rows.filter((row) => !seen.has(row.procedure_key) && seen.add(row.procedure_key)).map(present);
    },

    /** Signed on a clinic tablet, in a staff session (consent.manage). */
    async signOnTablet(actor: StaffActor, patientId: string, formId: string, signing: Signing) {
      const { patient } = await deps.patients.admit(actor, patientId, { permission: 'consent.manage', action: 'consent.present', recordRefs: [`patient:${patientId}`, `consent-form:${formId}`], purpose: 'consent-signing', domains: [] });
      const form = await formInOrg(formId, actor.organisationId);
      return record(patient, form, signing, 'tablet', actorEvent(actor));
    },

    async withdrawScope(actor: StaffActor, patientId: string, scope: PhotoScope): Promise<void> {
      const { patient } = await deps.patients.admit(actor, patientId, { permission: 'consent.manage', action: 'consent.withdraw', recordRefs: [`patient:${patientId}`], purpose: `photo-scope:${scope}`, domains: [] });
      await db.transaction().execute(async (trx) => {
        await withdrawPhotoScope(trx, patientId, scope, deps.clock.now().toISOString());
        await audit.append(trx, [{ ...actorEvent(actor), action: 'consent.withdraw', personIds: [patient.personId], recordRefs: [`patient:${patientId}`], purpose: `photo-scope:${scope}`, outcome: 'success' }]);
      });
    },

    /** A single-use signing link (valid 72 h). The token is returned once; only its hash is stored. */
    async createLink(actor: StaffActor, patientId: string, formId: string): Promise<{ token: string; expiresAt: string }> {
      const { patient } = await deps.patients.admit(actor, patientId, { permission: 'consent.manage', action: 'consent.link.create', recordRefs: [`patient:${patientId}`, `consent-form:${formId}`], purpose: 'consent-signing', domains: [] });
      await formInOrg(formId, actor.organisationId);
      const token = randomToken(32);
      const now = deps.clock.now();
      const expiresAt = new Date(now.getTime() + SIGNING_LINK_HOURS * 3_600_000).toISOString();
      await db.transaction().execute(async (trx) => {
        await insertConsentLink(trx, { token_hash: sha256Hex(token), patient_id: patient.patientId, form_id: formId, created_by: actor.staffId, created_at: now.toISOString(), expires_at: expiresAt, used_at: null });
        await audit.append(trx, [{ ...actorEvent(actor), action: 'consent.link.create', personIds: [patient.personId], recordRefs: [`consent-form:${formId}`], outcome: 'success' }]);
      });
      return { token, expiresAt };
    },

    /** What a signing link shows: the form only (no personal data: whoever holds the link sees the document, not the patient's record). */
    async linkForm(token: string): Promise<FormView> {
      const link = await liveLink(token);
      return present(await getForm(db, link.form_id));
    },

    async signByLink(token: string, signing: Signing, ip: string | null) {
      const link = await liveLink(token);
      const patient = await deps.patients.locate(link.patient_id);
      if (!patient) throw appError('CONSENT_LINK_INVALID');
      const form = await getForm(db, link.form_id);
      // Single use: claim the link first, so a replayed request finds it used.
      if (!(await claimConsentLink(db, link.token_hash, deps.clock.now().toISOString()))) throw appError('CONSENT_LINK_INVALID');
      try {
        return await record(patient, form, signing, 'link', { actor: `consent-link:${link.token_hash.slice(0, 16)}`, ip, sessionId: null });
      } catch (error) {
        // A refused signature (bad input) leaves the link usable.
        await releaseConsentLink(db, link.token_hash);
        throw error;
      }
    },
  };

  async function liveLink(token: string) {
    const link = typeof token === 'string' && token.length >= 20 ? await findConsentLink(db, sha256Hex(token)) : undefined;
    if (!link || link.used_at || link.expires_at <= deps.clock.now().toISOString()) throw appError('CONSENT_LINK_INVALID');
    return link;
  }
}

export type ConsentService = ReturnType<typeof createConsentService>;
