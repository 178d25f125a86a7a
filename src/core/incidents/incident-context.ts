/**
 * What every breach-response operation starts from: the incident the actor
 * may act on (another organisation's answers NOT_FOUND), its assembled view,
 * the people in its stored scope, and `step`, which writes a timeline entry
 * and its audit event in one transaction with the step's own work.
 */
import { actorEvent, actorLabel, type StaffActor } from '../../auth/actor.js';
import type { AuditLog } from '../../audit/audit-log.js';
import { newId } from '../../crypto/random.js';
import type { Db, Dialect } from '../../db/database.js';
import type { Clock } from '../../platform/clock.js';
import { appError } from '../../platform/errors.js';
import type { VaultService } from '../vault/vault.service.js';
import { findIncident, insertIncidentEvent, listIncidentEvents, listIndicators, listReports } from './incident.repository.js';
import { type Assessment, deadlineOf, type Decision, type IncidentDetails, type Regime } from './report.js';
import type { ScopeSummary } from './scope-model.js';
import { scopeRows } from './scope.js';

export interface IncidentDeps {
  readonly db: Db;
  readonly dialect: Dialect;
  readonly audit: AuditLog;
  readonly clock: Clock;
  readonly vault: VaultService;
  readonly alertFrom: string;
  /** Kick the outbox after notices are queued (they are also delivered by the timer). */
  readonly onQueued?: () => void;
}

export interface IncidentView {
  readonly id: string;
  readonly title: string;
  readonly regime: Regime;
  readonly status: string;
  readonly awareAt: string;
  readonly deadline: string;
  readonly occurredFrom: string | null;
  readonly occurredTo: string | null;
  readonly details: IncidentDetails;
  readonly scope: ScopeSummary | null;
  readonly assessment: Assessment | null;
  readonly decision: Decision | null;
  readonly indicators: { id: string; kind: string; value: string; from: string | null; to: string | null }[];
  readonly timeline: { at: string; actor: string; kind: string; detail: string }[];
  readonly reports: { id: string; version: number; kind: string; createdAt: string; sha256: string }[];
}

export function createIncidentContext(deps: IncidentDeps) {
  const { db, audit, clock } = deps;

  /** The incident row, if it is the actor's organisation's; NOT_FOUND otherwise. */
  async function load(actor: StaffActor, incidentId: string) {
    const row = await findIncident(db, incidentId);
    if (!row || row.organisation_id !== actor.organisationId) throw appError('NOT_FOUND');
    return row;
  }

  /** One step in the incident's timeline and the audit log, in one transaction with `work`. */
  async function step<T>(actor: StaffActor, incidentId: string, kind: string, detail: string, work?: (trx: Db) => Promise<T>): Promise<T | undefined> {
    return db.transaction().execute(async (trx) => {
      const result = work ? await work(trx) : undefined;
      await insertIncidentEvent(trx, { id: newId(), incident_id: incidentId, at: clock.now().toISOString(), actor: actorLabel(actor), kind, detail });
      await audit.append(trx, [{ ...actorEvent(actor), action: `incident.${kind}`, recordRefs: [`incident:${incidentId}`], outcome: 'success' }]);
      return result;
    });
  }

  async function view(actor: StaffActor, incidentId: string): Promise<IncidentView> {
    const row = await load(actor, incidentId);
    const [indicators, timeline, reports] = await Promise.all([listIndicators(db, incidentId), listIncidentEvents(db, incidentId), listReports(db, incidentId)]);
    return {
      id: row.id,
      title: row.title,
      regime: row.regime as Regime,
      status: row.status,
      awareAt: row.aware_at,
      deadline: deadlineOf(row.regime, row.aware_at),
      occurredFrom: row.occurred_from,
      occurredTo: row.occurred_to,
      details: JSON.parse(row.details) as IncidentDetails,
      scope: row.scope ? (JSON.parse(row.scope) as ScopeSummary) : null,
      assessment: row.assessment ? (JSON.parse(row.assessment) as Assessment) : null,
      decision: row.decision ? (JSON.parse(row.decision) as Decision) : null,
      indicators: indicators.map((i) => ({ id: i.id, kind: i.kind, value: i.value, from: i.window_from, to: i.window_to })),
      timeline,
      reports: reports.map((r) => ({ id: r.id, version: r.version, kind: r.kind, createdAt: r.created_at, sha256: r.sha256 })),
    };
  }

  /** The people in the incident's stored scope (a copy's people from its definition, merged with those read in clear). */
  async function scopedPersons(incident: { id: string; organisation_id: string; scope: string | null }, filter: { onlyIntelligible?: boolean; after?: string; limit?: number } = {}) {
    const summary = incident.scope ? (JSON.parse(incident.scope) as ScopeSummary) : undefined;
    return scopeRows(db, incident.organisation_id, incident.id, summary?.copy ?? null, filter);
  }

  return { load, step, view, scopedPersons };
}

export type IncidentContext = ReturnType<typeof createIncidentContext>;
