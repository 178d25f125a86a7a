/**
 * Canary patients: some canary enquiries are carried on into patient records
 * with a signed photo consent and before/after photos, stored exactly like
 * real ones (records sealed under the person's keys, photos re-encoded and
 * encrypted into the blob store), so a thief walking the patient list or the
 * photo store trips them too. Their pixels are synthetic (tinted, blurred
 * noise): no real body is ever used as bait.
 *
 * Limitation (documented in docs/features.md, Canaries): real patients are created by a staff
 * member and that act is in the audit log; canary patients are not (the log
 * stays truthful and records only how many canaries were planted). Someone
 * holding both the database and the audit log could compare the two.
 */
import { Readable } from 'node:stream';
import sharp from 'sharp';
import { newId } from '../../crypto/random.js';
import type { Db } from '../../db/database.js';
import type { Clock } from '../../platform/clock.js';
import type { BlobStore } from '../../storage/blob-store.js';
import { RECORD, type PhotoMetaRecord, type SignatureRecord } from '../door/records.js';
import { sealerFor } from '../door/sealer.js';
import { storePhoto } from '../photos/photo-intake.js';
import type { VaultService } from '../vault/vault.service.js';
import { findLatestPhotoConsentForm, insertConsent, insertPatient, insertPhoto, insertPhotoConsent, listActiveClinicStaffIds, markEnquiryBooked } from './canary.repository.js';

const DAY = 86_400_000;

async function syntheticPhoto(random: () => number): Promise<Buffer> {
  const tone = { r: 170 + Math.floor(random() * 60), g: 120 + Math.floor(random() * 50), b: 100 + Math.floor(random() * 40) };
  return sharp({ create: { width: 1200, height: 900, channels: 3, background: '#808080', noise: { type: 'gaussian', mean: 128, sigma: 24 } } })
    .tint(tone)
    .blur(6)
    .jpeg({ quality: 88 })
    .toBuffer();
}

async function signaturePng(): Promise<string> {
  const png = await sharp({ create: { width: 300, height: 90, channels: 3, background: '#ffffff' } }).png().toBuffer();
  return `data:image/png;base64,${png.toString('base64')}`;
}

/**
 * Make the canary person a patient of their enquiry's clinic, created by a
 * staff member who could have done it; with photos when a photo-consent form
 * and a blob store exist. Returns whether a patient was made.
 */
export async function plantCanaryPatient(
  deps: { db: Db; vault: VaultService; clock: Clock; blobs?: BlobStore },
  canary: { personId: string; enquiryId: string; clinicId: string; receivedAt: string; name: string; random: () => number },
): Promise<boolean> {
  const { db } = deps;
  const { random } = canary;
  const staff = await listActiveClinicStaffIds(db, canary.clinicId);
  const creatorId = staff[Math.floor(random() * staff.length)];
  if (!creatorId) return false;
  const base = Date.parse(canary.receivedAt);
  const at = (days: number) => new Date(Math.min(deps.clock.now().getTime(), base + days * DAY + Math.floor(random() * DAY))).toISOString();
  const patientId = newId();
  await insertPatient(db, { id: patientId, person_id: canary.personId, clinic_id: canary.clinicId, enquiry_id: canary.enquiryId, status: 'active', created_at: at(2), created_by: creatorId });
  await markEnquiryBooked(db, canary.enquiryId);
  const form = deps.blobs ? await findLatestPhotoConsentForm(db) : undefined;
  if (!form || !deps.blobs) return true;
  const clinicalKey = await sealerFor(deps, canary.personId, 'clinical');
  const consentId = newId();
  const signedAt = at(3);
  const signature: SignatureRecord = { typedName: canary.name, drawnSignature: await signaturePng(), signedAt, documentHash: form.body_hash };
  await insertConsent(db, { id: consentId, patient_id: patientId, form_id: form.id, scopes: JSON.stringify(['clinical']), document_hash: form.body_hash, method: 'tablet', signed_at: signedAt, signature_envelope: clinicalKey.seal(RECORD.signature, consentId, signature) });
  await insertPhotoConsent(db, { patient_id: patientId, scope: 'clinical', consent_id: consentId, granted_at: signedAt, withdrawn_at: null });
  const photoKey = await sealerFor(deps, canary.personId, 'photo');
  for (const phase of ['before', 'after'] as const) {
    const { fileId: id, fileKey } = photoKey.newFile();
    const blobKey = `photos/${id}`;
    const stored = await storePhoto(Readable.from([await syntheticPhoto(random)]), { store: deps.blobs, key: blobKey, fileKey });
    const meta: PhotoMetaRecord = { bodyArea: 'face', caption: phase === 'before' ? 'pre-op' : 'post-op' };
    const takenOn = (phase === 'before' ? at(4) : at(40)).slice(0, 10);
    await insertPhoto(db, { id, patient_id: patientId, clinic_id: canary.clinicId, appointment_id: null, phase, angle: 'front', taken_on: takenOn, blob_key: blobKey, width: stored.width, height: stored.height, bytes: stored.bytes, meta_envelope: photoKey.seal(RECORD.photoMeta, id, meta), uploaded_by: creatorId, created_at: `${takenOn}T10:00:00.000Z` });
  }
  return true;
}
