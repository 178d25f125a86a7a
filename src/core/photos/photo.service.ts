/**
 * Clinical photos: upload (streamed through the intake checks into the
 * encrypted blob store), serving (decrypted, then watermarked for the
 * viewer — visibly and invisibly — on every view and download), tracing a
 * leaked copy back to its viewer, and exports (step-up always; a second
 * person's approval for more than one patient).
 */
import type { Readable } from 'node:stream';
import yazl from 'yazl';
import { actorEvent, type StaffActor } from '../../auth/actor.js';
import type { AuditLog } from '../../audit/audit-log.js';
import { newId, randomUint32 } from '../../crypto/random.js';
import type { Db } from '../../db/database.js';
import type { Clock } from '../../platform/clock.js';
import { appError, type ErrorCode } from '../../platform/errors.js';
import { type BlobStore, getDecrypted } from '../../storage/blob-store.js';
import type { Detection } from '../detection/detection.service.js';
import type { PatientDoor, PhotoScope } from '../door/patient-door.js';
import { type PhotoMetaRecord, RECORD } from '../door/records.js';
import { sealerFor } from '../door/sealer.js';
import { isAppointmentOfPatient } from '../patients/patients.repository.js';
import type { VaultService } from '../vault/vault.service.js';
import { type PhotoLimits, type PhotoProblem, PhotoRejected, storePhoto } from './photo-intake.js';
import { approvePhotoExport, claimExportDownload, findExportsFrozenAt, findMark, findPhotoExport, findStaffOrganisationId, insertMarkIfFree, insertPhoto, insertPhotoExport, listPhotoExports, listPhotosForExport } from './photo.repository.js';
import { readMark, watermarkImage } from './watermark.js';

export const PHOTO_PHASES = ['before', 'after', 'progress'] as const;
export const PHOTO_ANGLES = ['front', 'oblique-left', 'oblique-right', 'profile-left', 'profile-right', 'back', 'detail'] as const;
/** An approved export can be downloaded once, within this time. */
export const EXPORT_VALID_MINUTES = 30;

const PROBLEM_CODES: Record<PhotoProblem, ErrorCode> = {
  'too-large': 'PHOTO_TOO_LARGE',
  'not-an-image': 'PHOTO_NOT_AN_IMAGE',
  polyglot: 'PHOTO_POLYGLOT',
  'too-many-pixels': 'PHOTO_TOO_MANY_PIXELS',
  corrupt: 'PHOTO_CORRUPT',
};

export interface PhotoDeps {
  readonly db: Db;
  readonly audit: AuditLog;
  readonly clock: Clock;
  readonly vault: VaultService;
  readonly patients: PatientDoor;
  readonly detection: Detection;
  readonly blobs: BlobStore;
  readonly limits?: PhotoLimits;
}

export interface UploadMeta {
  readonly phase: string;
  readonly angle: string;
  readonly takenOn: string;
  readonly bodyArea: string;
  readonly caption: string;
  readonly appointmentId?: string;
}

export function createPhotoService(deps: PhotoDeps) {
  const { db, audit } = deps;

  /** A fresh, unused 32-bit mark id for one served copy. */
  async function newMark(photoId: string, staffId: string, kind: string, at: string): Promise<number> {
    for (;;) {
      const mark = randomUint32();
      if (await insertMarkIfFree(db, { mark, photo_id: photoId, staff_id: staffId, kind, at })) return mark;
    }
  }

  async function readAll(stream: Readable): Promise<Buffer> {
    const chunks: Buffer[] = [];
    for await (const chunk of stream) chunks.push(chunk as Buffer);
    return Buffer.concat(chunks);
  }

  async function serve(actor: StaffActor, photoId: string, how: { use: PhotoScope; kind: 'thumb' | 'view' | 'download' | 'export'; purpose: string }): Promise<{ image: Buffer; photoId: string; personId: string }> {
    const opened = await deps.patients.openPhoto(actor, photoId, how);
    const plain = await readAll(await getDecrypted(deps.blobs, `${opened.blobKey}/${how.kind === 'thumb' ? 'thumb' : 'image'}`, opened.fileKey));
    const now = deps.clock.now();
    const mark = await newMark(photoId, actor.staffId, how.kind, now.toISOString());
    const image = await watermarkImage(plain, { staffId: actor.staffId, at: now }, mark, deps.vault.keyring().markerKey);
    return { image, photoId, personId: opened.personId };
  }

  return {
    serve,

    async upload(actor: StaffActor, patientId: string, meta: UploadMeta, file: Readable): Promise<{ id: string; width: number; height: number }> {
      const { patient } = await deps.patients.admit(actor, patientId, { permission: 'photo.write', action: 'photo.upload', recordRefs: [`patient:${patientId}`], purpose: `photo:${meta.phase}:${meta.angle}`, domains: [] });
      if (!(await deps.patients.activeScopes(patientId)).includes('clinical')) {
        file.resume();
        throw appError('PHOTO_CONSENT_MISSING');
      }
      if (meta.appointmentId) {
        if (!(await isAppointmentOfPatient(db, meta.appointmentId, patientId))) throw appError('VALIDATION_FAILED', ['appointmentId']);
      }
      const sealer = await sealerFor(deps, patient.personId, 'photo');
      const { fileId: id, fileKey } = sealer.newFile();
      const blobKey = `photos/${id}`;
      let stored;
      try {
        stored = await storePhoto(file, { store: deps.blobs, key: blobKey, fileKey, ...(deps.limits ? { limits: deps.limits } : {}) });
      } catch (error) {
        if (error instanceof PhotoRejected) {
          await deps.patients.admit(actor, patientId, { permission: 'photo.write', action: 'photo.upload.refused', recordRefs: [`patient:${patientId}`], purpose: error.problem, domains: [] }).catch(() => undefined);
          throw appError(PROBLEM_CODES[error.problem]);
        }
        throw error;
      }
      const metaRecord: PhotoMetaRecord = { bodyArea: meta.bodyArea, caption: meta.caption };
      try {
        await db.transaction().execute(async (trx) => {
          await insertPhoto(trx, {
            id,
            patient_id: patientId,
            clinic_id: patient.clinicId,
            appointment_id: meta.appointmentId ?? null,
            phase: meta.phase,
            angle: meta.angle,
            taken_on: meta.takenOn,
            blob_key: blobKey,
            width: stored.width,
            height: stored.height,
            bytes: stored.bytes,
            meta_envelope: sealer.seal(RECORD.photoMeta, id, metaRecord),
            uploaded_by: actor.staffId,
            created_at: deps.clock.now().toISOString(),
          });
          await audit.append(trx, [{ ...actorEvent(actor), action: 'photo.store', personIds: [patient.personId], recordRefs: [`photo:${id}`], purpose: `${meta.phase}:${meta.angle}`, outcome: 'success' }]);
        });
      } catch (error) {
        // No row, no blob: a failed upload leaves nothing behind.
        await Promise.all([deps.blobs.delete(`${blobKey}/image`), deps.blobs.delete(`${blobKey}/thumb`)]);
        throw error;
      }
      return { id, width: stored.width, height: stored.height };
    },

    /** Ask for an export of these patients' photos. One patient: ready at once; more: waits for a second person. */
    async requestExport(actor: StaffActor, patientIds: readonly string[], reason: string): Promise<{ id: string; status: 'approved' | 'pending' }> {
      const exportsFrozenAt = await findExportsFrozenAt(db, actor.staffId);
      const unique = [...new Set(patientIds)];
      const persons: string[] = [];
      if (exportsFrozenAt) {
        for (const patientId of unique) {
          const patient = await deps.patients.locate(patientId);
          if (patient?.organisationId === actor.organisationId) persons.push(patient.personId);
        }
        await deps.detection.exportAttempt(actor, persons, 'refused-frozen');
        throw appError('EXPORTS_FROZEN');
      }
      for (const patientId of unique) {
        const { patient } = await deps.patients.admit(actor, patientId, { permission: 'photo.export', action: 'photo-export.request', recordRefs: [`patient:${patientId}`], purpose: 'export-request', domains: [] });
        persons.push(patient.personId);
      }
      const id = newId();
      const now = deps.clock.now();
      const single = unique.length === 1;
      await db.transaction().execute(async (trx) => {
        await insertPhotoExport(trx, { id, requester_id: actor.staffId, patient_ids: JSON.stringify(unique), reason, created_at: now.toISOString(), approver_id: null, approved_at: single ? now.toISOString() : null, expires_at: single ? new Date(now.getTime() + EXPORT_VALID_MINUTES * 60_000).toISOString() : null, downloaded_at: null });
        await audit.append(trx, [{ ...actorEvent(actor), action: 'photo-export.request', personIds: persons, recordRefs: [`photo-export:${id}`], purpose: single ? 'single-patient' : 'needs-approval', outcome: 'success' }]);
      });
      await deps.detection.exportAttempt(actor, persons, 'requested');
      return { id, status: single ? 'approved' : 'pending' };
    },

    /** Second-person approval: not the requester, and holding photo.export in every patient's clinic. */
    async approveExport(actor: StaffActor, exportId: string): Promise<{ expiresAt: string }> {
      const request = await findPhotoExport(db, exportId);
      const requesterOrganisationId = request ? await findStaffOrganisationId(db, request.requester_id) : undefined;
      if (!request || requesterOrganisationId !== actor.organisationId) return deps.patients.refuse(actor, 'photo-export.approve', [`photo-export:${exportId}`]);
      if (request.requester_id === actor.staffId) throw appError('EXPORT_SELF_APPROVAL');
      if (request.approved_at) throw appError('CONFLICT');
      // The approver must be able to export each patient's photos themselves (photo.export in their clinic).
      const persons: string[] = [];
      for (const patientId of JSON.parse(request.patient_ids) as string[]) {
        const { patient } = await deps.patients.admit(actor, patientId, { permission: 'photo.export', action: 'photo-export.approve', recordRefs: [`photo-export:${exportId}`, `patient:${patientId}`], purpose: 'second-person-approval', domains: [] });
        persons.push(patient.personId);
      }
      const now = deps.clock.now();
      const expiresAt = new Date(now.getTime() + EXPORT_VALID_MINUTES * 60_000).toISOString();
      await db.transaction().execute(async (trx) => {
        await approvePhotoExport(trx, exportId, { approverId: actor.staffId, approvedAt: now.toISOString(), expiresAt });
        await audit.append(trx, [{ ...actorEvent(actor), action: 'photo-export.approve', personIds: persons, recordRefs: [`photo-export:${exportId}`], outcome: 'success' }]);
      });
      await deps.detection.exportAttempt(actor, persons, 'approved');
      return { expiresAt };
    },

    async pendingExports(actor: StaffActor) {
      const rows = await listPhotoExports(db, actor.organisationId);
      return rows.map((r) => ({ id: r.id, requesterId: r.requester_id, requester: r.display_name, patientCount: (JSON.parse(r.patient_ids) as string[]).length, reason: r.reason, createdAt: r.created_at, approvedAt: r.approved_at, expiresAt: r.expires_at, downloadedAt: r.downloaded_at }));
    },

    /** The approved export as a ZIP of watermarked photos (single use, requester only). */
    async downloadExport(actor: StaffActor, exportId: string): Promise<Readable> {
      const request = await findPhotoExport(db, exportId);
      if (!request || request.requester_id !== actor.staffId) return deps.patients.refuse(actor, 'photo-export.download', [`photo-export:${exportId}`]);
      const exportsFrozenAt = await findExportsFrozenAt(db, actor.staffId);
      const patientIds = JSON.parse(request.patient_ids) as string[];
      if (exportsFrozenAt) {
        await deps.detection.exportAttempt(actor, [], 'refused-frozen');
        throw appError('EXPORTS_FROZEN');
      }
      if (!request.approved_at) throw appError('EXPORT_NEEDS_APPROVAL');
      if (request.downloaded_at || !request.expires_at || request.expires_at <= deps.clock.now().toISOString()) throw appError('NOT_FOUND');
      if (!(await claimExportDownload(db, exportId, deps.clock.now().toISOString()))) throw appError('NOT_FOUND');
      // Every photo is opened through the door (audited, consent-checked) and watermarked before it enters the archive.
      const files: { name: string; image: Buffer }[] = [];
      for (const [index, patientId] of patientIds.entries()) {
        const photos = await listPhotosForExport(db, patientId);
        for (const photo of photos) {
          const served = await serve(actor, photo.id, { use: 'clinical', kind: 'export', purpose: `export:${exportId}` });
          files.push({ name: `patient-${index + 1}/${photo.taken_on}-${photo.phase}-${photo.angle}-${photo.id.slice(0, 8)}.jpg`, image: served.image });
        }
      }
      const zip = new yazl.ZipFile();
      for (const file of files) zip.addBuffer(file.image, file.name, { compress: false });
      zip.end();
      return zip.outputStream as unknown as Readable;
    },

    /** Which served copy an image file is: the invisible mark, then who was served it and when. */
    async trace(image: Buffer): Promise<{ mark: number; photoId: string; staffId: string; kind: string; at: string } | undefined> {
      const mark = await readMark(image, deps.vault.keyring().markerKey);
      if (mark === undefined) return undefined;
      const row = await findMark(db, mark);
      return row ? { mark, photoId: row.photo_id, staffId: row.staff_id, kind: row.kind, at: row.at } : undefined;
    },
  };
}

export type PhotoService = ReturnType<typeof createPhotoService>;
