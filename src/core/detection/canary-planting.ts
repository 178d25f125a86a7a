/**
 * `tacet canary add`: plant canary people through the real path — sealed to
 * the intake key, written to the inbox, ingested — spread across clinics and
 * over the past weeks, then marked (see canary.ts); every other one is carried
 * on into a patient record (every other one in each clinic), with photos when the organisation has a photo
 * consent form (see canary-patients.ts); the others are closed. The audit event records how many
 * were planted, never which: the audit log must not betray them.
 */
import type { AuditLog } from '../../audit/audit-log.js';
import { utf8 } from '../../crypto/bytes.js';
import { randomToken } from '../../crypto/random.js';
import { sha256Hex } from '../../crypto/digest.js';
import { importSealingKey, sealEnquiry } from '../../crypto/seal.js';
import type { Db } from '../../db/database.js';
import { writeToInbox } from '../../intake/inbox-writer.js';
import type { Clock } from '../../platform/clock.js';
import type { IngestService } from '../ingest/ingest.service.js';
import { listClinics } from '../org/org.repository.js';
import { buildPublication } from '../org/publication.service.js';
import type { VaultService } from '../vault/vault.service.js';
import { canaryFields, markCanaries } from './canary.js';
import { closeEnquiries, listEnquiriesBySubmission } from './canary.repository.js';
import { plantCanaryPatient } from './canary-patients.js';
import type { BlobStore } from '../../storage/blob-store.js';

const SPREAD_DAYS = 60;

export async function plantCanaries(
  deps: { db: Db; vault: VaultService; audit: AuditLog; clock: Clock; ingest: IngestService; blobs?: BlobStore },
  options: { count: number; emailDomain: string; random?: () => number },
): Promise<{ people: number; patients: number }> {
  const random = options.random ?? Math.random;
  const publication = await buildPublication(deps.db, await deps.vault.publishableIntakeKeys());
  const key = publication?.keys.find((k) => k.kid === publication.activeKid);
  if (!publication || !key) throw new Error('no intake key published: initialise Tacet first');
  const clinics = await listClinics(deps.db);
  const sealing = importSealingKey(key.kid, key.publicKey);
  const now = deps.clock.now().getTime();
  const hashes: string[] = [];
  const names = new Map<string, string>();
  for (let i = 0; i < options.count; i++) {
    const clinic = clinics[i % clinics.length];
    if (!clinic) throw new Error('no clinics');
    const sid = randomToken(16);
    const fields = { sid, ...canaryFields(random, options.emailDomain), consent: true };
    const sealed = sealEnquiry(sealing, clinic.slug, utf8(JSON.stringify(fields)));
    const receivedAt = new Date(now - Math.floor(random() * SPREAD_DAYS * 86_400_000)).toISOString();
    await writeToInbox(deps.db, { clinic: clinic.slug, kid: key.kid, enc: sealed.enc, ct: sealed.ct, source: 'js' }, receivedAt);
    const hash = sha256Hex(`submission|${clinic.id}|${sid}`);
    hashes.push(hash);
    names.set(hash, fields.name);
  }
  await deps.ingest.drain();
  const rows = await listEnquiriesBySubmission(deps.db, hashes);
  if (rows.length !== options.count) throw new Error(`only ${rows.length} of ${options.count} canaries were ingested`);
  const at = deps.clock.now().toISOString();
  await markCanaries(deps.db, deps.vault.keyring(), rows.map((r) => r.person_id), at);
  // SECURITY: canary enquiries are old business — closed (lost), or won where they became patients below, and in nobody's queue or pool — so the
  // front desk triaging new enquiries never opens one, while anyone walking every enquiry meets them.
  await closeEnquiries(deps.db, rows.map((r) => r.id));
  let patients = 0;
  // Every other canary of each clinic (so every clinic with canaries has canary patients too).
  const seenInClinic = new Map<string, number>();
  for (const row of rows) {
    const nth = seenInClinic.get(row.clinic_id) ?? 0;
    seenInClinic.set(row.clinic_id, nth + 1);
    if (nth % 2 !== 0) continue;
    const made = await plantCanaryPatient(deps, { personId: row.person_id, enquiryId: row.id, clinicId: row.clinic_id, receivedAt: row.received_at, name: names.get(row.submission_hash) ?? '', random });
    if (made) patients += 1;
  }
  await deps.db.transaction().execute((trx) => deps.audit.append(trx, [{ actor: 'system:cli', action: 'canary.add', purpose: `count:${rows.length};patients:${patients}`, outcome: 'success' }]));
  return { people: rows.length, patients };
}
