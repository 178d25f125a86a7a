/**
 * Breach response: the breach register, indicators, scope, the Art. 34 /
 * HIPAA assessment, decisions with reasons and report versions; with the
 * notices (notice.service.ts) and containment and evidence
 * (containment.service.ts), one service. Every step is in the incident's
 * timeline and in the audit log.
 */
import type { StaffActor } from '../../auth/actor.js';
import { newId } from '../../crypto/random.js';
import { sha256Hex } from '../../crypto/digest.js';
import { appError } from '../../platform/errors.js';
import { getOrganisationName } from '../org/org.repository.js';
import { contactsForIncident } from '../door/notice-contacts.js';
import { createContainmentService } from './containment.service.js';
import { createIncidentContext, type IncidentDeps } from './incident-context.js';
import {
  findReportMarkdown,
  insertIncident,
  insertIndicator,
  insertReport,
  lastScopedAt,
  latestIndicator,
  listIncidents,
  listIndicatorsForScope,
  listPatientPersonIds,
  updateIncident,
} from './incident.repository.js';
import { createNoticeService } from './notice.service.js';
import { type Assessment, deadlineOf, type Decision, type HipaaAssessment, type IncidentDetails, type Regime, renderReportMarkdown } from './report.js';
import { CATEGORY_LABELS, categoriesOf, type Indicator, reasonText, type ScopeSummary } from './scope-model.js';
import { computeScope } from './scope.js';
import { relaxCommitDurability } from './scope.repository.js';

const US_STATE = /\b([A-Z]{2})\s+\d{5}(?:-\d{4})?\b/;

export function createIncidentService(deps: IncidentDeps) {
  const { db, clock } = deps;
  const incidents = createIncidentContext(deps);
  const { load, step, view, scopedPersons } = incidents;

  return {
    view,

    /** Record a step taken elsewhere (e.g. key rotation) in the incident's timeline and the audit log. */
    async recordStep(actor: StaffActor, incidentId: string, kind: string, detail: string): Promise<void> {
      await load(actor, incidentId);
      await step(actor, incidentId, kind, detail);
    },

    async list(actor: StaffActor) {
      const rows = await listIncidents(db, actor.organisationId);
      return rows.map((r) => ({ id: r.id, title: r.title, regime: r.regime, status: r.status, awareAt: r.aware_at, deadline: deadlineOf(r.regime, r.aware_at), reported: r.decision ? (JSON.parse(r.decision) as Decision).notifyRegulator : null }));
    },

    async declare(actor: StaffActor, input: { title: string; regime: Regime; awareAt: string; occurredFrom?: string; occurredTo?: string; details: IncidentDetails }): Promise<{ id: string; deadline: string }> {
      const id = newId();
      const awareAt = new Date(input.awareAt).toISOString();
      await insertIncident(db, { id, organisation_id: actor.organisationId, title: input.title, regime: input.regime, status: 'open', aware_at: awareAt, occurred_from: input.occurredFrom ? new Date(input.occurredFrom).toISOString() : null, occurred_to: input.occurredTo ? new Date(input.occurredTo).toISOString() : null, details: JSON.stringify(input.details), scope: null, assessment: null, decision: null, created_at: clock.now().toISOString(), created_by: actor.staffId });
      await step(actor, id, 'declare', `Incident declared under ${input.regime}; aware at ${awareAt}; regulator deadline ${deadlineOf(input.regime, awareAt)}.`);
      return { id, deadline: deadlineOf(input.regime, awareAt) };
    },

    async updateDetails(actor: StaffActor, incidentId: string, input: { details: IncidentDetails; occurredFrom?: string; occurredTo?: string; status?: string }): Promise<void> {
      await load(actor, incidentId);
      await step(actor, incidentId, 'details', `Details updated${input.status ? `; status ${input.status}` : ''}.`, async (trx) => {
        await updateIncident(trx, incidentId, { details: JSON.stringify(input.details), ...(input.occurredFrom ? { occurred_from: new Date(input.occurredFrom).toISOString() } : {}), ...(input.occurredTo ? { occurred_to: new Date(input.occurredTo).toISOString() } : {}), ...(input.status ? { status: input.status } : {}) });
      });
    },

    async addIndicator(actor: StaffActor, incidentId: string, indicator: { kind: Indicator['kind']; value: string; from?: string; to?: string }): Promise<{ id: string }> {
      await load(actor, incidentId);
      const id = newId();
      await step(actor, incidentId, 'indicator', `Indicator added: ${indicator.kind}${indicator.from ? ` from ${indicator.from}` : ''}${indicator.to ? ` to ${indicator.to}` : ''}.`, async (trx) => {
        await insertIndicator(trx, { id, incident_id: incidentId, kind: indicator.kind, value: indicator.value, window_from: indicator.from ?? null, window_to: indicator.to ?? null, created_at: clock.now().toISOString() });
      });
      return { id };
    },

    /** Compute the scope from the indicators and store it (ids and categories only). */
    async computeScope(actor: StaffActor, incidentId: string): Promise<ScopeSummary> {
      const incident = await load(actor, incidentId);
      const rows = await listIndicatorsForScope(db, incidentId);
      const indicators = rows.map((r) => ({ kind: r.kind, value: r.value, from: r.window_from ?? incident.occurred_from ?? undefined, to: r.window_to ?? incident.occurred_to ?? undefined }) as Indicator);
      // The per-person rows are derived data (recomputed at will), so on PostgreSQL their commit need not wait for the disk;
      // the decision-bearing step below (summary, timeline, audit) commits durably as usual.
      const summary = await db.transaction().execute(async (trx) => {
        if (deps.dialect === 'postgres') await relaxCommitDurability(trx);
        return computeScope(trx, deps.dialect, actor.organisationId, incidentId, indicators);
      });
      await step(actor, incidentId, 'scope', `Scope computed: ${summary.persons} people, ${summary.records} records; ${summary.unintelligible} unintelligible under unexposed keys, ${summary.intelligible} intelligible.`, async (trx) => {
        await updateIncident(trx, incidentId, { scope: JSON.stringify(summary) });
      });
      return summary as ScopeSummary;
    },

    /** The scoped people (ids, categories, whether unintelligible, why) for the DPO's review. */
    async persons(actor: StaffActor, incidentId: string, page: { limit: number; after?: string } = { limit: 1000 }) {
      const incident = await load(actor, incidentId);
      const rows = await scopedPersons(incident, { limit: page.limit, ...(page.after ? { after: page.after } : {}) });
      return rows.map((p) => ({ personId: p.personId, categories: categoriesOf(p.mask), records: p.records, unintelligible: p.unintelligible, reason: reasonText(p.reason) }));
    },

    /** Art. 34(3)(a) per person from the stored scope; HIPAA four-factor form and state counts for US organisations. */
    async assess(actor: StaffActor, incidentId: string, input: { hipaa?: HipaaAssessment }): Promise<Assessment> {
      const incident = await load(actor, incidentId);
      // SECURITY: no indicators, or no scope of the current ones, is not evidence that nobody's data was intelligible: refuse rather than conclude.
      const latest = await latestIndicator(db, incidentId);
      if (Number(latest.n) === 0) throw appError('INCIDENT_INDICATORS_REQUIRED');
      const scopedAt = await lastScopedAt(db, incidentId);
      if (!incident.scope || !scopedAt || (latest.at !== null && String(latest.at) > String(scopedAt))) throw appError('INCIDENT_SCOPE_REQUIRED');
      const summary = JSON.parse(incident.scope) as ScopeSummary;
      const intelligible = await scopedPersons(incident, { onlyIntelligible: true });
      const unintelligible = summary.persons - intelligible.length;
      const persons = { length: summary.persons };
      const reasoning =
        intelligible.length === 0
          ? `Every one of the ${persons.length} people's exposed data was encrypted (AES-256-GCM under per-person keys, wrapped by domain keys wrapped by a vault key that is never stored) and no key able to open it was exposed, so the data is unintelligible to anyone not authorised to access it (Art. 34(3)(a)); communication to the data subjects is not required. The regulator is still informed where required and the incident is kept in the breach register.`
          : `${intelligible.length} people's data was exposed in intelligible form (${[...new Set(intelligible.flatMap((p) => categoriesOf(p.mask)))].map((c) => CATEGORY_LABELS[c] ?? c).join('; ')}): their data was read in clear or its keys were exposed, so Art. 34(3)(a) does not apply to them and, where the breach is likely to result in a high risk to their rights and freedoms, they must be told without undue delay. ${unintelligible} people's exposed data stayed unintelligible.`;
      let usStateCounts: Record<string, number> | undefined;
      if (incident.regime === 'hipaa') {
        const everyone = (await scopedPersons(incident)).map((p) => p.personId);
        const contacts = await contactsForIncident(deps, actor, incidentId, everyone, 'breach-state-count');
        usStateCounts = {};
        for (const contact of contacts.values()) {
          const state = US_STATE.exec(contact.address ?? '')?.[1] ?? 'unknown';
          usStateCounts[state] = (usStateCounts[state] ?? 0) + 1;
        }
      }
      const assessment: Assessment = { art34NoticeRequired: intelligible.length > 0, unintelligible, intelligible: intelligible.length, reasoning, ...(input.hipaa ? { hipaa: input.hipaa } : {}), ...(usStateCounts ? { usStateCounts } : {}) };
      await step(actor, incidentId, 'assessment', `Assessment: ${assessment.art34NoticeRequired ? `notices required for ${intelligible.length} people` : 'notices to individuals not required (data unintelligible)'}.`, async (trx) => {
        await updateIncident(trx, incidentId, { assessment: JSON.stringify(assessment) });
      });
      return assessment;
    },

    async decide(actor: StaffActor, incidentId: string, input: { notifyRegulator: boolean; notifyIndividuals: boolean; reasons: string }): Promise<Decision> {
      await load(actor, incidentId);
      const decision: Decision = { ...input, decidedAt: clock.now().toISOString(), decidedBy: actor.staffId };
      await step(actor, incidentId, 'decision', `Decision: regulator ${input.notifyRegulator ? 'notified' : 'not notified'}, individuals ${input.notifyIndividuals ? 'notified' : 'not notified'}. Reasons: ${input.reasons}`, async (trx) => {
        await updateIncident(trx, incidentId, { decision: JSON.stringify(decision) });
      });
      return decision;
    },

    /** A new report version (initial or follow-up); earlier versions are kept. */
    async report(actor: StaffActor, incidentId: string, kind: 'initial' | 'follow-up'): Promise<{ id: string; version: number; markdown: string }> {
      const incident = await view(actor, incidentId);
      const organisation = await getOrganisationName(db, actor.organisationId);
      const persons = await scopedPersons(await load(actor, incidentId));
      const patientIds = persons.length === 0 ? new Set<string>() : await listPatientPersonIds(db);
      const patients = persons.filter((p) => patientIds.has(p.personId)).length;
      const last = incident.reports.at(-1)?.version ?? 0;
      const markdown = renderReportMarkdown({
        organisation,
        incident: { id: incident.id, title: incident.title, regime: incident.regime, awareAt: incident.awareAt, occurredFrom: incident.occurredFrom, occurredTo: incident.occurredTo, details: incident.details },
        scope: incident.scope ? { persons: incident.scope.persons, records: incident.scope.records, categories: incident.scope.categories, patients, enquirers: persons.length - patients } : undefined,
        assessment: incident.assessment ?? undefined,
        decision: incident.decision ?? undefined,
        timeline: incident.timeline,
        kind: last === 0 ? 'initial' : kind,
        version: last + 1,
        generatedAt: clock.now().toISOString(),
      });
      const id = newId();
      await step(actor, incidentId, 'report', `Report version ${last + 1} (${last === 0 ? 'initial' : kind}) generated, SHA-256 ${sha256Hex(markdown).slice(0, 16)}….`, async (trx) => {
        await insertReport(trx, { id, incident_id: incidentId, version: last + 1, kind: last === 0 ? 'initial' : kind, markdown, sha256: sha256Hex(markdown), created_at: clock.now().toISOString(), created_by: actor.staffId });
      });
      return { id, version: last + 1, markdown };
    },

    async reportMarkdown(actor: StaffActor, incidentId: string, version: number): Promise<string> {
      await load(actor, incidentId);
      const markdown = await findReportMarkdown(db, incidentId, version);
      if (markdown === undefined) throw appError('NOT_FOUND');
      return markdown;
    },

    ...createNoticeService(deps, incidents),
    ...createContainmentService(deps, incidents),
  };
}

export type IncidentService = ReturnType<typeof createIncidentService>;
