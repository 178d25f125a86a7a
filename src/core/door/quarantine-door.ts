/**
 * The quarantine door: the "needs attention" list of envelopes the ingest
 * could not accept, and opening, accepting or discarding one. A quarantined
 * envelope belongs to no person yet (no person key): it is sealed to the
 * intake key. Opening it is still a read of personal data, so it passes the
 * gate's unowned entrance (admission.ts `admitUnowned`) in the same order as
 * every read: authorise (tenancy: the clinic its slug names; forbidden = not
 * found, audited, counted) → compliance → lockdown → detection (the row id
 * is the counted subject, so bulk-opening the quarantine meets the read
 * limits like bulk-opening people) → audit, group-committed → only then
 * decrypt (inbox-opening.ts `openInboxEnvelope`).
 *
 * Who may: staff holding `enquiry.update` in the clinic (receptionists,
 * clinic managers). A row whose slug names no clinic ("unattributed") goes
 * to clinic managers (`enquiry.assign`), and only in an installation of one
 * organisation: before it is opened nothing ties it to a tenant (ADR 0020).
 *
 * Accepting stores the corrected submission exactly as ingest does
 * (store-submissions.ts) and removes the row in the same transaction;
 * discarding deletes the envelope and keeps its id in the shred log.
 *
 * SECURITY: the envelope is decrypted only after `admitUnowned` resolved.
 */
import { actorEvent, type StaffActor } from '../../auth/actor.js';
import { clinicsWith, hasClinicPermission } from '../../auth/policy.js';
import type { AuditEvent, AuditLog } from '../../audit/audit-log.js';
import { newId } from '../../crypto/random.js';
import type { Keyset } from '../../db/keyset.js';
import { enquiryFieldsSchema } from '../../intake/enquiry-fields.js';
import { appError } from '../../platform/errors.js';
import { enquiryReference } from '../ingest/enquiry-reference.js';
import { openInboxEnvelope, toOpened } from '../ingest/inbox-opening.js';
import { type BatchWrites, insertBatch } from '../ingest/ingest.repository.js';
import { type IngestFrontDesk, stageSubmissions } from '../ingest/store-submissions.js';
import { type ClinicRef, countOrganisations, countQuarantine, deleteQuarantined, findQuarantined, listClinicRefs, listQuarantinePage, logDiscard, type QuarantineListRow, type QuarantineRow, type QuarantineScope } from '../quarantine/quarantine.repository.js';
import type { AcknowledgementQueue } from '../acknowledgements/acknowledgement-queue.js';
import type { Gate, GateDeps } from './admission.js';

/** Why staff discard a quarantined enquiry (recorded as a code: free text could hold personal data). */
export const DISCARD_REASONS = ['spam', 'test', 'duplicate', 'unreadable', 'withdrawn', 'other'] as const;
export type DiscardReason = (typeof DISCARD_REASONS)[number];

/** The fields staff may correct (the form's own; the submission id and origin stay as sent). */
export const EDITABLE_FIELDS = ['name', 'email', 'phone', 'dob', 'address', 'procedure', 'message', 'consent', 'acknowledge'] as const;
export type EditableField = (typeof EDITABLE_FIELDS)[number];

/** A list row: metadata only. */
export interface QuarantineSummary {
  readonly id: string;
  /** The clinic the envelope names, or null when no clinic has that slug. */
  readonly clinic: { readonly id: string; readonly name: string } | null;
  readonly clinicSlug: string;
  readonly receivedAt: string;
  readonly quarantinedAt: string;
  readonly reason: string;
}

/** An opened (or unopenable) quarantined enquiry. */
export interface QuarantineDetail extends QuarantineSummary {
  /** False for an envelope that cannot be opened (no key for it, or it does not authenticate): it can only be kept or discarded. */
  readonly canOpen: boolean;
  /** The form's fields as submitted (strings and booleans; absent ones empty), or null when nothing readable came out. */
  readonly fields: Readonly<Record<EditableField, string | boolean>> | null;
  /** Which fields fail the form's rules, with the schema's message. */
  readonly issues: readonly { readonly field: string; readonly message: string }[];
  /** A body that opened but is not form fields, as text (invalid-json). */
  readonly text: string | null;
  /** The reference the person was shown, when the submission id survived. */
  readonly reference: string | null;
  /** Clinics the reader may accept it into (one for a known clinic; the reader's for an unattributed row). */
  readonly clinicChoices: readonly { readonly id: string; readonly name: string }[];
}

/** What an accept stored. */
export interface AcceptResult {
  readonly enquiryId: string | null;
  readonly reference: string;
  /** The submission was already stored (the person sent it again and it went through): nothing new, the row is removed. */
  readonly isDuplicate: boolean;
}

export interface QuarantineDoor {
  readonly list: (actor: StaffActor, page: { readonly after?: Keyset; readonly limit: number }) => Promise<{ readonly items: QuarantineSummary[]; readonly nextCursor: string | null }>;
  readonly count: (actor: StaffActor) => Promise<number>;
  readonly open: (actor: StaffActor, id: string) => Promise<QuarantineDetail>;
  readonly accept: (actor: StaffActor, id: string, input: { readonly clinicId?: string; readonly fields: Partial<Record<EditableField, string | boolean>> }) => Promise<AcceptResult>;
  readonly discard: (actor: StaffActor, id: string, reason: DiscardReason) => Promise<void>;
}

const TEXT_SHOWN = 5000;
const isObject = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value);
const hasValidSid = (value: unknown) => typeof value === 'string' && /^[A-Za-z0-9_-]{8,64}$/.test(value);

/** The submitted fields as the correction form shows them. */
function formFields(json: Record<string, unknown>): Record<EditableField, string | boolean> {
  const text = (key: EditableField) => {
    const value = json[key];
    return typeof value === 'string' ? value : value === undefined || value === null ? '' : JSON.stringify(value);
  };
  return { name: text('name'), email: text('email'), phone: text('phone'), dob: text('dob'), address: text('address'), procedure: text('procedure'), message: text('message'), consent: json.consent === true, acknowledge: json.acknowledge === true };
}

function issuesOf(json: unknown): { field: string; message: string }[] {
  const parsed = enquiryFieldsSchema.safeParse(json);
  if (parsed.success) return [];
  return parsed.error.issues.map((issue) => ({ field: String(issue.path[0] ?? 'body'), message: issue.message }));
}

/** Create the quarantine door (on the core's one gate). */
export function createQuarantineDoor(
  deps: GateDeps & {
    readonly gate: Gate;
    readonly audit: AuditLog;
    readonly frontDesk: IngestFrontDesk;
    /** Acknowledgement e-mails for an accepted enquiry whose person asked, queued in the accept's transaction as the ingest does (absent: none). */
    readonly acknowledgements?: AcknowledgementQueue;
    readonly onQueued?: () => void;
  },
): QuarantineDoor {
  const { db, gate } = deps;

  /** The clinics and unattributed rows this actor may work on. */
  async function scopeOf(actor: StaffActor): Promise<{ scope: QuarantineScope; clinics: ClinicRef[]; workable: ClinicRef[] }> {
    const clinics = (await listClinicRefs(db)).filter((c) => c.organisation_id === actor.organisationId);
    const allowed = new Set(clinicsWith(actor, 'enquiry.update'));
    const workable = clinics.filter((c) => allowed.has(c.id));
    const isManager = clinicsWith(actor, 'enquiry.assign').some((id) => allowed.has(id));
    // SECURITY: an unattributed row names no tenant until it is opened; only with one organisation is every manager that tenant's.
    const unattributed = isManager && (await countOrganisations(db)) === 1;
    return { scope: { slugs: workable.map((c) => c.slug), unattributed }, clinics, workable };
  }

  async function clinicBySlugAnywhere(slug: string): Promise<ClinicRef | undefined> {
    return (await listClinicRefs(db)).find((c) => c.slug === slug);
  }

  function summaryOf(row: QuarantineListRow, clinic: ClinicRef | undefined): QuarantineSummary {
    return { id: row.id, clinic: clinic ? { id: clinic.id, name: clinic.name } : null, clinicSlug: row.clinic_slug, receivedAt: row.received_at, quarantinedAt: row.quarantined_at, reason: row.reason };
  }

  /** The row and where it belongs, if this actor may work on it; otherwise the refusal is audited, counted and answered 404. */
  async function reach(actor: StaffActor, id: string, action: string): Promise<{ row: QuarantineRow; clinic: ClinicRef | undefined; workable: ClinicRef[]; countedIn: string }> {
    const [row, { scope, workable }] = await Promise.all([findQuarantined(db, id), scopeOf(actor)]);
    const clinic = row ? await clinicBySlugAnywhere(row.clinic_slug) : undefined;
    const isReachable = row !== undefined && (clinic ? clinic.organisation_id === actor.organisationId && hasClinicPermission(actor, 'enquiry.update', clinic.id) : scope.unattributed);
    if (!row || !isReachable) return gate.deny(actor, action, [`quarantine:${id}`]);
    // Detection reads the role from a clinic: the row's, or (unattributed) the first the manager manages.
    const countedIn = clinic?.id ?? clinicsWith(actor, 'enquiry.assign')[0] ?? '';
    return { row, clinic, workable, countedIn };
  }

  function isOpenable(row: QuarantineRow): boolean {
    return row.reason !== 'open-failed' && deps.vault.keyring().intakeKey(row.key_id) !== undefined;
  }

  /** Admit the read (counted, audited, committed), then decrypt. */
  async function openAdmitted(actor: StaffActor, row: QuarantineRow, countedIn: string, purpose: string) {
    await gate.admitUnowned(actor, { subjectId: row.id, clinicId: countedIn }, { action: 'enquiry.quarantine.read', recordRefs: [`quarantine:${row.id}`], purpose, domains: ['contact', 'enquiry'] });
    return openInboxEnvelope(deps.vault.keyring(), row);
  }

  return {
    async list(actor, page) {
      const { scope, clinics } = await scopeOf(actor);
      if (scope.slugs.length === 0 && !scope.unattributed) return { items: [], nextCursor: null };
      const bySlug = new Map(clinics.map((c) => [c.slug, c]));
      const result = await listQuarantinePage(db, scope, page);
      return { items: result.rows.map((row) => summaryOf(row, bySlug.get(row.clinic_slug))), nextCursor: result.next };
    },

    async count(actor) {
      const { scope } = await scopeOf(actor);
      return scope.slugs.length === 0 && !scope.unattributed ? 0 : countQuarantine(db, scope);
    },

    async open(actor, id) {
      const { row, clinic, workable, countedIn } = await reach(actor, id, 'enquiry.quarantine.read');
      const summary = summaryOf(row, clinic);
      const clinicChoices = (clinic ? [clinic] : workable).map((c) => ({ id: c.id, name: c.name }));
      const unopenable: QuarantineDetail = { ...summary, canOpen: false, fields: null, issues: [], text: null, reference: null, clinicChoices };
      if (!isOpenable(row)) {
        // Nothing personal is shown (only the frame the list already shows); the look is still on record.
        await gate.record(actor, { action: 'enquiry.quarantine.read', recordRefs: [`quarantine:${row.id}`], personIds: [], outcome: 'success', purpose: 'unopenable' });
        return unopenable;
      }
      const content = await openAdmitted(actor, row, countedIn, 'needs-attention');
      if (!content.ok && content.reason === 'invalid-json') {
        return { ...summary, canOpen: true, fields: formFields({}), issues: [{ field: 'body', message: 'The form sent something that is not an enquiry. Fill in the fields from what it says, or discard it.' }], text: content.text.slice(0, TEXT_SHOWN), reference: null, clinicChoices };
      }
      if (!content.ok) return unopenable;
      const json = isObject(content.json) ? content.json : {};
      return { ...summary, canOpen: true, fields: formFields(json), issues: issuesOf(content.json), text: null, reference: hasValidSid(json.sid) ? enquiryReference(json.sid as string) : null, clinicChoices };
    },

    async accept(actor, id, input) {
      const { row, clinic, workable, countedIn } = await reach(actor, id, 'enquiry.quarantine.accept');
      const target = clinic ?? workable.find((c) => c.id === input.clinicId);
      if (!target) throw appError('VALIDATION_FAILED', ['clinicId']);
      if (!isOpenable(row)) throw appError('QUARANTINE_NOT_OPENABLE');
      // The original is opened again (the same counted subject) so only the form's fields change, and only as the staff member typed them.
      const content = await openAdmitted(actor, row, countedIn, 'quarantine-accept');
      if (!content.ok && content.reason !== 'invalid-json') throw appError('QUARANTINE_NOT_OPENABLE');
      const original = content.ok && isObject(content.json) ? content.json : {};
      const merged: Record<string, unknown> = { ...original };
      for (const field of EDITABLE_FIELDS) if (input.fields[field] !== undefined) merged[field] = input.fields[field];
      if (merged.dob === '') delete merged.dob;
      if (!hasValidSid(merged.sid)) merged.sid = newId();
      // Origin is not editable: if what the form captured breaks the rules, it is dropped rather than blocking the patient.
      if (issuesOf(merged).some((issue) => issue.field === 'origin')) delete merged.origin;
      const parsed = enquiryFieldsSchema.safeParse(merged);
      if (!parsed.success) throw appError('VALIDATION_FAILED', [...new Set(parsed.error.issues.map((issue) => String(issue.path[0] ?? 'body')))]);
      const keyring = deps.vault.keyring();
      const opened = toOpened(keyring, row, target, parsed.data);
      const changed = EDITABLE_FIELDS.filter((field) => input.fields[field] !== undefined && input.fields[field] !== original[field]);
      const now = deps.clock.now();
      const at = now.toISOString();
      const staff = actorEvent(actor);
      let hasQueued = false;
      const stored = await db.transaction().execute(async (trx) => {
        const events: AuditEvent[] = [];
        const writes: BatchWrites = { persons: [], personKeys: [], enquiries: [], quarantine: [], events: [] };
        const staged = await stageSubmissions(trx, [opened], writes, events, {
          keyring,
          frontDesk: deps.frontDesk,
          at,
          now,
          caller: staff,
          // Field names only, never values: which fields the staff member changed.
          eventFor: (_opened, personId, enquiryId) => ({ ...staff, action: 'enquiry.quarantine.accept', personIds: [personId], recordRefs: [`enquiry:${enquiryId}`, `quarantine:${row.id}`], purpose: `${row.reason}:corrected:${changed.join(',') || 'none'}`, outcome: 'success', domains: ['contact', 'enquiry'] }),
        });
        if (staged.duplicates.length > 0) events.push({ ...staff, action: 'enquiry.quarantine.accept', recordRefs: [`quarantine:${row.id}`], purpose: `${row.reason}:duplicate`, outcome: 'success' });
        // SECURITY: the row goes in the same transaction as the enquiry it became; a concurrent accept finds it gone and stores nothing.
        if ((await deleteQuarantined(trx, row.id)) === 0) throw appError('NOT_FOUND');
        await insertBatch(trx, writes);
        const asked = staged.stored.filter((s) => s.opened.fields.acknowledge).map((s) => ({ enquiryId: s.enquiryId, personId: s.personId, clinicId: s.opened.clinicId, organisationId: s.opened.organisationId, email: s.opened.fields.email, reference: enquiryReference(s.opened.fields.sid) }));
        const queued = (await deps.acknowledgements?.queue(trx, keyring, asked, now)) ?? [];
        events.push(...queued);
        await deps.audit.append(trx, events);
        if (queued.length > 0) hasQueued = true;
        return staged.stored[0];
      });
      if (hasQueued) deps.onQueued?.();
      return { enquiryId: stored?.enquiryId ?? null, reference: enquiryReference(parsed.data.sid), isDuplicate: stored === undefined };
    },

    async discard(actor, id, reason) {
      const { row } = await reach(actor, id, 'enquiry.quarantine.discard');
      const at = deps.clock.now().toISOString();
      await db.transaction().execute(async (trx) => {
        if ((await deleteQuarantined(trx, row.id)) === 0) throw appError('NOT_FOUND');
        await logDiscard(trx, row.id, `quarantine-discard:${reason}`, at);
        await deps.audit.append(trx, [{ ...actorEvent(actor), action: 'enquiry.quarantine.discard', recordRefs: [`quarantine:${row.id}`], purpose: `${row.reason}:${reason}`, outcome: 'success', domains: [] }]);
      });
    },
  };
}
