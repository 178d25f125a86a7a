/**
 * Containment (ending sessions, locking an account) and the signed evidence
 * bundle with its chain of custody. Each is a step in the incident's
 * timeline and the audit log.
 */
import type { StaffActor } from '../../auth/actor.js';
import { newId } from '../../crypto/random.js';
import { sha256Hex } from '../../crypto/digest.js';
import { signMessage } from '../../crypto/signing.js';
import { appError } from '../../platform/errors.js';
import { deleteSessions, findStaffOrganisation, insertEvidenceExport, listAuditEventsBetween, listCheckpointsAround, listEvidenceExports, lockStaff } from './containment.repository.js';
import type { IncidentContext, IncidentDeps } from './incident-context.js';

export function createContainmentService(deps: IncidentDeps, incidents: IncidentContext) {
  const { db, clock } = deps;

  return {
    /** Containment: sign out one staff member everywhere (and lock them) or everyone. */
    async revokeSessions(actor: StaffActor, incidentId: string, staffId: string | undefined): Promise<{ revoked: number }> {
      await incidents.load(actor, incidentId);
      if (staffId) {
        const organisationId = await findStaffOrganisation(db, staffId);
        if (organisationId !== actor.organisationId) throw appError('VALIDATION_FAILED', ['staffId']);
      }
      const revoked = await incidents.step(actor, incidentId, 'containment.sessions', staffId ? `Sessions of staff ${staffId} revoked and the account locked.` : 'Every staff session revoked: everyone signs in again.', async (trx) => {
        if (staffId) await lockStaff(trx, staffId, clock.now().toISOString(), `incident:${incidentId}`);
        return deleteSessions(trx, staffId);
      });
      return { revoked: revoked ?? 0 };
    },

    /**
     * A signed evidence bundle: the incident, its timeline, indicators, scope
     * summary, assessment and decision, report hashes, the audit segment of
     * the incident window (ids only) with the checkpoints around it, and the
     * custody record of earlier exports; Ed25519-signed with the audit key.
     */
    async evidence(actor: StaffActor, incidentId: string): Promise<{ bundle: string; signature: string; publicKey: string; keyId: string; sha256: string }> {
      const incident = await incidents.view(actor, incidentId);
      const signing = deps.vault.keyring().auditSigning;
      if (!signing) throw appError('VAULT_SEALED');
      const from = incident.occurredFrom ?? incident.awareAt;
      const to = clock.now().toISOString();
      const events = await listAuditEventsBetween(db, from, to, 200_000);
      const first = Number(events[0]?.seq ?? 0);
      const last = Number(events.at(-1)?.seq ?? 0);
      const checkpoints = await listCheckpointsAround(db, first, 1000);
      const custody = await listEvidenceExports(db, incidentId);
      const bundle = JSON.stringify({
        format: 'tacet-evidence/v1',
        exportedAt: to,
        exportedBy: actor.staffId,
        incident: { ...incident, reports: incident.reports },
        auditSegment: { from, to, firstSeq: first, lastSeq: last, events: events.map((e) => ({ ...e, seq: Number(e.seq) })) },
        checkpoints: [...checkpoints.before, ...checkpoints.from].map((c) => ({ ...c, seq: Number(c.seq) })),
        custody: custody.map((c) => ({ sha256: c.sha256, exportedAt: c.exported_at, exportedBy: c.exported_by })),
      });
      const sha256 = sha256Hex(bundle);
      const signature = signMessage(signing.privateKey, bundle);
      await incidents.step(actor, incidentId, 'evidence.export', `Evidence bundle exported (audit events ${first}-${last}), SHA-256 ${sha256}.`, async (trx) => {
        await insertEvidenceExport(trx, { id: newId(), incident_id: incidentId, sha256, exported_at: to, exported_by: actor.staffId, events_from: first, events_to: last });
      });
      return { bundle, signature, publicKey: signing.publicKeyB64, keyId: signing.id, sha256 };
    },
  };
}
