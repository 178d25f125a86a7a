/** Clinical photos, each served copy's watermark, and photo exports (0004_patients). */

export interface PhotosTable {
  id: string;
  patient_id: string;
  clinic_id: string;
  appointment_id: string | null;
  phase: string;
  angle: string;
  taken_on: string;
  blob_key: string;
  width: number;
  height: number;
  bytes: number;
  /** Body area and caption under the photo domain key. */
  meta_envelope: string;
  uploaded_by: string;
  created_at: string;
}

/** One served copy of a photo: the invisible watermark carries `mark`. */
export interface PhotoMarksTable {
  mark: number;
  photo_id: string;
  staff_id: string;
  kind: string;
  at: string;
}

export interface PhotoExportsTable {
  id: string;
  requester_id: string;
  patient_ids: string;
  reason: string;
  created_at: string;
  approver_id: string | null;
  approved_at: string | null;
  expires_at: string | null;
  downloaded_at: string | null;
}
