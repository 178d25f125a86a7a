/**
 * Data-subject requests, with the statutory clock: access (Art. 15) and
 * portability (Art. 20) answered by one export — JSON with every field plus
 * the Art. 15(1)(a)–(h) information, the photos, and a FHIR R4 bundle — in a
 * ZIP; erasure (Art. 17) by crypto-shredding, or, where an Art. 17(3)
 * exception applies, erasing what the exception does not cover and
 * recording why; rectification (Art. 16) of contact details. Due one
 * calendar month after receipt, extendable by two months with a reason
 * (Art. 12(3)). The DPO can open a person's data only while a request for
 * them is open (door/admission.ts).
 */
import type { Readable } from 'node:stream';
import yazl from 'yazl';
import { actorEvent, type StaffActor } from '../../auth/actor.js';
import type { AuditLog } from '../../audit/audit-log.js';
import { blindIndex } from '../../crypto/blind-index.js';
import type { KeySource } from '../../crypto/key-source.js';
import { newId } from '../../crypto/random.js';
import type { Db } from '../../db/database.js';
import type { Clock } from '../../platform/clock.js';
import { appError } from '../../platform/errors.js';
import { getOrganisationName } from '../org/org.repository.js';
import { type BlobStore, getDecrypted } from '../../storage/blob-store.js';
import type { PatientIndex } from '../door/patient-index.js';
import type { ContactRecord } from '../door/records.js';
import type { SubjectAccessDoor } from '../door/subject-access.js';
import { normaliseEmail, normalisePhone } from '../persons/normalise.js';
import { findPersonOrganisationId, isOnLegalHold } from '../retention/retention.repository.js';
import type { RetentionService } from '../retention/retention.service.js';
import { deletePhotoBlobs, shredPersons } from '../retention/shred.repository.js';
import { AUTOMATED_DECISIONS, COMPLAINT_RIGHT, PROCESSING_ACTIVITIES, recordOfProcessing, retentionText, SUBJECT_RIGHTS, TRANSFERS } from './data-map.js';
import { fhirBundle, photoFileName } from './fhir.js';
import {
  closeRightsRequest,
  countHeldRecords,
  deleteEnquiriesOf,
  extendRightsRequest,
  findDpoEmail,
  findPersonsByBlindIndex,
  findRightsRequest,
  insertRightsRequest,
  listClinicNames,
  listPatientIdsOf,
  listRightsRequests,
} from './rights.repository.js';

export const REQUEST_KINDS = ['access', 'portability', 'erasure', 'rectification'] as const;
export type RequestKind = (typeof REQUEST_KINDS)[number];

/** Art. 17(3) grounds on which erasure may be refused, in whole or in part. */
export const ERASURE_EXCEPTIONS = {
  'freedom-of-expression': 'Art. 17(3)(a) exercising the right of freedom of expression and information',
  'legal-obligation': 'Art. 17(3)(b) compliance with a legal obligation (e.g. clinical and accounting record-keeping)',
  'public-health': 'Art. 17(3)(c) reasons of public interest in the area of public health (Art. 9(2)(h) and (i))',
  'archiving-research': 'Art. 17(3)(d) archiving, scientific or historical research or statistics',
  'legal-claims': 'Art. 17(3)(e) the establishment, exercise or defence of legal claims (e.g. a legal hold)',
} as const;
export type ErasureException = keyof typeof ERASURE_EXCEPTIONS;

function addMonths(iso: string, months: number): string {
  const d = new Date(iso);
  const day = d.getUTCDate();
  d.setUTCDate(1);
  d.setUTCMonth(d.getUTCMonth() + months);
  // "One month" ends on the corresponding day, or the month's last day if it has none (ICO guidance).
  const last = new Date(Date.UTC(d.getUTCFullYear(), d.getUTCMonth() + 1, 0)).getUTCDate();
  d.setUTCDate(Math.min(day, last));
  return d.toISOString();
}

export interface RightsDeps {
  readonly db: Db;
  readonly audit: AuditLog;
  readonly clock: Clock;
  readonly vault: KeySource;
  readonly door: SubjectAccessDoor;
  readonly blobs: BlobStore;
  readonly retention: RetentionService;
  readonly index: PatientIndex;
}

export function createRightsService(deps: RightsDeps) {
  const { db, audit, clock } = deps;

  async function log(actor: StaffActor, action: string, requestId: string, personIds: string[], purpose: string, trx: Db = db): Promise<void> {
    await audit.append(trx, [{ ...actorEvent(actor), action, recordRefs: [`rights-request:${requestId}`], personIds, purpose, outcome: 'success' }]);
  }

  async function openRequest(actor: StaffActor, requestId: string, kinds: readonly RequestKind[]) {
    const row = await findRightsRequest(db, requestId, actor.organisationId);
    if (!row || !kinds.includes(row.kind as RequestKind)) throw appError('NOT_FOUND');
    if (row.status !== 'open') throw appError('REQUEST_CLOSED');
    return row;
  }

  async function close(actor: StaffActor, requestId: string, personId: string, status: 'completed' | 'refused', outcome: string, exceptions: readonly string[] = []): Promise<void> {
    await db.transaction().execute(async (trx) => {
      await closeRightsRequest(trx, requestId, { status, outcome, exceptions: JSON.stringify(exceptions), closed_at: clock.now().toISOString() });
      await log(actor, `rights.${status}`, requestId, [personId], outcome, trx);
    });
  }

  return {
    /** Find the person a requester is, by exact email or phone (blind index); ids and what Tacet holds, no personal data. */
    async lookup(actor: StaffActor, query: { email?: string; phone?: string }) {
      const keys = deps.vault.keyring().blindIndexKeys;
      const phone = query.phone ? normalisePhone(query.phone) : undefined;
      if (query.phone && !phone) throw appError('VALIDATION_FAILED', ['phone']);
      if (!query.email && !phone) throw appError('VALIDATION_FAILED', ['email', 'phone']);
      const persons = await findPersonsByBlindIndex(db, actor.organisationId, { ...(query.email ? { emailBi: blindIndex(keys, 'email', normaliseEmail(query.email)) } : {}), ...(phone ? { phoneBi: blindIndex(keys, 'phone', phone) } : {}) });
      const out: { personId: string; knownSince: string; enquiries: number; patientRecords: number }[] = [];
      for (const person of persons) {
        const held = await countHeldRecords(db, person.id);
        out.push({ personId: person.id, knownSince: person.created_at, enquiries: held.enquiries, patientRecords: held.patientRecords });
      }
      await db.transaction().execute((trx) => audit.append(trx, [{ ...actorEvent(actor), action: 'rights.lookup', personIds: out.map((p) => p.personId), purpose: `matches:${out.length}`, outcome: 'success' }]));
      return out;
    },

    async create(actor: StaffActor, input: { personId: string; kind: RequestKind; receivedAt?: string }): Promise<{ id: string; dueAt: string }> {
      if ((await findPersonOrganisationId(db, input.personId)) !== actor.organisationId) throw appError('NOT_FOUND');
      const now = clock.now().toISOString();
      const received = input.receivedAt ? new Date(input.receivedAt) : new Date(now);
      if (Number.isNaN(received.getTime())) throw appError('VALIDATION_FAILED', ['receivedAt']);
      const receivedAt = received.toISOString();
      if (receivedAt > now) throw appError('VALIDATION_FAILED', ['receivedAt']);
      const id = newId();
      const dueAt = addMonths(receivedAt, 1);
      await db.transaction().execute(async (trx) => {
        await insertRightsRequest(trx, { id, organisation_id: actor.organisationId, person_id: input.personId, kind: input.kind, received_at: receivedAt, due_at: dueAt, extension_reason: null, status: 'open', outcome: null, exceptions: '[]', created_by: actor.staffId, created_at: now, closed_at: null });
        await log(actor, 'rights.request', id, [input.personId], input.kind, trx);
      });
      return { id, dueAt };
    },

    async list(organisationId: string) {
      const now = clock.now().toISOString();
      const rows = await listRightsRequests(db, organisationId);
      return rows.map((r) => ({ id: r.id, personId: r.person_id, kind: r.kind, receivedAt: r.received_at, dueAt: r.due_at, extensionReason: r.extension_reason, status: r.status, outcome: r.outcome, exceptions: JSON.parse(r.exceptions) as string[], closedAt: r.closed_at, isOverdue: r.status === 'open' && r.due_at < now }));
    },

    /** Art. 12(3): extend by two further months, with the reason (complexity or number of requests). */
    async extend(actor: StaffActor, requestId: string, reason: string): Promise<{ dueAt: string }> {
      const row = await openRequest(actor, requestId, REQUEST_KINDS);
      if (row.extension_reason) throw appError('CONFLICT');
      const dueAt = addMonths(row.received_at, 3);
      await db.transaction().execute(async (trx) => {
        await extendRightsRequest(trx, requestId, dueAt, reason);
        await log(actor, 'rights.extend', requestId, [row.person_id], 'extended', trx);
      });
      return { dueAt };
    },

    /** The subject access / portability export as a ZIP stream. */
    async exportZip(actor: StaffActor, requestId: string): Promise<Readable> {
      const row = await openRequest(actor, requestId, ['access', 'portability']);
      const { data, photoKey } = await deps.door.collect(actor, requestId, row.person_id);
      const generatedAt = clock.now().toISOString();
      const schedule = await deps.retention.schedule(actor.organisationId);
      const clinics = await listClinicNames(db, actor.organisationId);
      const heldFor = new Set([...(data.enquiries.length > 0 ? ['enquiries'] : []), ...(data.patients.length > 0 ? ['patient-care', 'billing'] : []), ...(data.photos.length > 0 ? ['clinical-photography'] : [])]);
      const activities = PROCESSING_ACTIVITIES.filter((a) => heldFor.has(a.id));
      const answer = {
        request: { id: row.id, kind: row.kind, receivedAt: row.received_at, dueAt: row.due_at, generatedAt },
        // Art. 15(1)(a)–(h) and 15(2).
        information: {
          purposes: activities.flatMap((a) => a.purposes.map((purpose) => ({ purpose, lawfulBasis: a.lawfulBasis, specialCategoryCondition: a.specialCategoryCondition }))),
          categories: activities.flatMap((a) => a.dataCategories),
          recipients: [...new Set(activities.flatMap((a) => a.recipients))],
          retention: activities.map((a) => ({ activity: a.name, period: retentionText(a, schedule) })),
          rights: SUBJECT_RIGHTS,
          complaint: COMPLAINT_RIGHT,
          source: activities.map((a) => ({ activity: a.name, source: a.source })),
          automatedDecisionMaking: AUTOMATED_DECISIONS,
          transfers: TRANSFERS,
        },
        clinics: Object.fromEntries([...clinics]),
        data: { ...data, photos: data.photos.map((photo) => ({ id: photo.id, patientId: photo.patientId, phase: photo.phase, angle: photo.angle, takenOn: photo.takenOn, width: photo.width, height: photo.height, bodyArea: photo.bodyArea, caption: photo.caption, createdAt: photo.createdAt, file: photoFileName(photo) })) },
      };
      const zip = new yazl.ZipFile();
      zip.addBuffer(Buffer.from(JSON.stringify(answer, null, 2)), 'subject-access.json');
      zip.addBuffer(Buffer.from(JSON.stringify(fhirBundle(data, generatedAt), null, 2)), 'fhir-r4-bundle.json');
      zip.addBuffer(
        Buffer.from(
          [
            'Your personal data held by the clinic',
            '',
            'subject-access.json   everything we hold about you, and the information Art. 15 UK GDPR entitles you to',
            'fhir-r4-bundle.json   the same record in HL7 FHIR R4 (Patient, Consent, Media), for another provider',
            'photos/               your clinical photographs',
            '',
            COMPLAINT_RIGHT,
          ].join('\n'),
        ),
        'README.txt',
      );
      for (const photo of data.photos) {
        const chunks: Buffer[] = [];
        for await (const chunk of await getDecrypted(deps.blobs, `${photo.blobKey}/image`, photoKey(photo.id))) chunks.push(chunk as Buffer);
        zip.addBuffer(Buffer.concat(chunks), photoFileName(photo), { compress: false });
      }
      zip.end();
      await db.transaction().execute((trx) => log(actor, 'rights.export', requestId, [row.person_id], `photos:${data.photos.length}`, trx));
      return zip.outputStream as unknown as Readable;
    },

    /**
     * Erasure. No exception: the person is crypto-shredded (keys, rows, then photo blobs).
     * With exceptions: what they do not cover (enquiries, marketing-facing data) is erased, the rest kept, and the grounds recorded.
     */
    async erase(actor: StaffActor, requestId: string, exceptions: readonly ErasureException[]): Promise<{ outcome: 'erased' | 'partially-erased' }> {
      const row = await openRequest(actor, requestId, ['erasure']);
      const held = await isOnLegalHold(db, row.person_id);
      // A legal hold is itself an Art. 17(3)(e) ground: erasing in full would defeat it.
      if (held && !exceptions.includes('legal-claims')) throw appError('VALIDATION_FAILED', ['exceptions']);
      if (exceptions.length === 0) {
        const patients = await listPatientIdsOf(db, row.person_id);
        const blobs = await db.transaction().execute(async (trx) => {
          const keys = await shredPersons(trx, [row.person_id], { reason: `erasure:${requestId}`, at: clock.now().toISOString() });
          await log(actor, 'rights.erase', requestId, [row.person_id], 'crypto-shredded', trx);
          return keys;
        });
        await deletePhotoBlobs(deps.blobs, blobs);
        for (const patientId of patients) deps.index.remove(patientId);
        await close(actor, requestId, row.person_id, 'completed', 'erased');
        return { outcome: 'erased' };
      }
      await db.transaction().execute(async (trx) => {
        await deleteEnquiriesOf(trx, row.person_id);
        await log(actor, 'rights.erase', requestId, [row.person_id], `partial:${exceptions.join(',')}`, trx);
      });
      await close(actor, requestId, row.person_id, 'completed', 'partially-erased', exceptions);
      return { outcome: 'partially-erased' };
    },

    /** Rectify contact details; records which fields changed (names only). */
    async rectify(actor: StaffActor, requestId: string, changes: Partial<ContactRecord>): Promise<{ changed: string[] }> {
      const row = await openRequest(actor, requestId, ['rectification']);
      const changed = await deps.door.rectifyContact(actor, requestId, row.person_id, changes);
      if (changes.name !== undefined || changes.dob !== undefined) {
        const patients = await listPatientIdsOf(db, row.person_id);
        // The in-memory name index follows the corrected record (rebuilt in full at the next unseal anyway).
        if (patients.length > 0) await deps.index.rebuild();
      }
      await close(actor, requestId, row.person_id, 'completed', `rectified:${changed.join(',') || 'nothing'}`);
      return { changed };
    },

    /** Close an access/portability request once answered, or refuse one (manifestly unfounded or excessive, Art. 12(5)). */
    async close(actor: StaffActor, requestId: string, status: 'completed' | 'refused', reason: string): Promise<void> {
      const row = await openRequest(actor, requestId, REQUEST_KINDS);
      await close(actor, requestId, row.person_id, status, status === 'completed' ? 'answered' : `refused:${reason}`);
    },

    async recordOfProcessing(organisationId: string) {
      const name = await getOrganisationName(db, organisationId);
      const dpoEmail = await findDpoEmail(db, organisationId);
      return recordOfProcessing({ name, dpoContact: dpoEmail ?? 'not appointed' }, await deps.retention.schedule(organisationId), clock.now().toISOString());
    },
  };
}

export type RightsService = ReturnType<typeof createRightsService>;
