/**
 * Breach response: the breach register, indicators, scope, the Art. 34 /
 * HIPAA assessment, decisions with reasons, report versions, notices to the
 * people affected (through the transactional outbox), containment actions
 * and a signed evidence bundle with its chain of custody. Every step is in
 * the incident's timeline and in the audit log.
 */
import { sql } from 'kysely';
import { actorLabel, type StaffActor } from '../../auth/actor.js';
import type { AuditLog } from '../../audit/audit-log.js';
import { sealOutboxPayload } from '../../crypto/keyring.js';
import { newId, sha256Hex } from '../../crypto/random.js';
import { signMessage } from '../../crypto/signing.js';
import type { Db, Dialect } from '../../db/database.js';
import type { Clock } from '../../platform/clock.js';
import { appError } from '../../platform/errors.js';
import { contactsForIncident } from '../door/notice-contacts.js';
import type { VaultService } from '../vault/vault.service.js';
import { type Assessment, deadlineOf, type Decision, type HipaaAssessment, type IncidentDetails, type Regime, renderReportMarkdown } from './report.js';
import { CATEGORY_LABELS, categoriesOf, computeScope, type Indicator, reasonText, type ScopeSummary, scopeRows } from './scope.js';

export const NOTICE_TEMPLATE_KEY = 'breach-notice';

/** The letter a DPO starts from; placeholders in {{double braces}}. Plain language, no jargon. */
export const DEFAULT_NOTICE = {
  subject: 'Important: a data security incident at {{organisation}}',
  body: `Dear {{name}},

We are writing to tell you about a data security incident at {{organisation}} that involves some of your information.

What happened
{{what_happened}}

What information was involved
{{categories}}

What we are doing
{{measures}}

What you can do
Be careful with unexpected e-mails, calls or messages that mention your treatment or ask for personal or payment details: we will never ask for your password or bank details by e-mail. If you are worried, you can contact us using the details below. You also have the right to complain to the data protection regulator.

Contact
{{contact}}

We are sorry that this has happened.

{{organisation}}`,
};

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

const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;
const US_STATE = /\b([A-Z]{2})\s+\d{5}(?:-\d{4})?\b/;

function fill(template: string, values: Record<string, string>): string {
  return template.replace(/\{\{(\w+)\}\}/g, (whole, key: string) => values[key] ?? whole);
}

export function createIncidentService(deps: IncidentDeps) {
  const { db, audit, clock } = deps;

  async function load(actor: StaffActor, incidentId: string) {
    const row = await db.selectFrom('incidents').selectAll().where('id', '=', incidentId).executeTakeFirst();
    if (!row || row.organisation_id !== actor.organisationId) throw appError('NOT_FOUND');
    return row;
  }

  /** One step in the incident's timeline and the audit log, in one transaction with `work`. */
  async function step<T>(actor: StaffActor, incidentId: string, kind: string, detail: string, work?: (trx: Db) => Promise<T>): Promise<T | undefined> {
    return db.transaction().execute(async (trx) => {
      const result = work ? await work(trx) : undefined;
      await trx.insertInto('incident_events').values({ id: newId(), incident_id: incidentId, at: clock.now().toISOString(), actor: actorLabel(actor), kind, detail }).execute();
      await audit.append(trx, [{ actor: actorLabel(actor), ip: actor.ip, sessionId: actor.sessionId, action: `incident.${kind}`, recordRefs: [`incident:${incidentId}`], outcome: 'success' }]);
      return result;
    });
  }

  async function view(actor: StaffActor, incidentId: string): Promise<IncidentView> {
    const row = await load(actor, incidentId);
    const [indicators, timeline, reports] = await Promise.all([
      db.selectFrom('incident_indicators').selectAll().where('incident_id', '=', incidentId).orderBy('created_at').execute(),
      db.selectFrom('incident_events').select(['at', 'actor', 'kind', 'detail']).where('incident_id', '=', incidentId).orderBy('at').orderBy('id').execute(),
      db.selectFrom('incident_reports').select(['id', 'version', 'kind', 'created_at', 'sha256']).where('incident_id', '=', incidentId).orderBy('version').execute(),
    ]);
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

  async function template(organisationId: string): Promise<{ subject: string; body: string }> {
    const row = await db.selectFrom('notice_templates').select(['subject', 'body']).where('organisation_id', '=', organisationId).where('key', '=', NOTICE_TEMPLATE_KEY).executeTakeFirst();
    return row ?? DEFAULT_NOTICE;
  }

  return {
    view,

    /** Record a step taken elsewhere (e.g. key rotation) in the incident's timeline and the audit log. */
    async recordStep(actor: StaffActor, incidentId: string, kind: string, detail: string): Promise<void> {
      await load(actor, incidentId);
      await step(actor, incidentId, kind, detail);
    },

    async list(actor: StaffActor) {
      const rows = await db.selectFrom('incidents').select(['id', 'title', 'regime', 'status', 'aware_at', 'decision', 'created_at']).where('organisation_id', '=', actor.organisationId).orderBy('aware_at', 'desc').execute();
      return rows.map((r) => ({ id: r.id, title: r.title, regime: r.regime, status: r.status, awareAt: r.aware_at, deadline: deadlineOf(r.regime, r.aware_at), reported: r.decision ? (JSON.parse(r.decision) as Decision).notifyRegulator : null }));
    },

    async declare(actor: StaffActor, input: { title: string; regime: Regime; awareAt: string; occurredFrom?: string; occurredTo?: string; details: IncidentDetails }): Promise<{ id: string; deadline: string }> {
      const id = newId();
      const awareAt = new Date(input.awareAt).toISOString();
      await db.insertInto('incidents').values({ id, organisation_id: actor.organisationId, title: input.title, regime: input.regime, status: 'open', aware_at: awareAt, occurred_from: input.occurredFrom ? new Date(input.occurredFrom).toISOString() : null, occurred_to: input.occurredTo ? new Date(input.occurredTo).toISOString() : null, details: JSON.stringify(input.details), scope: null, assessment: null, decision: null, created_at: clock.now().toISOString(), created_by: actor.staffId }).execute();
      await step(actor, id, 'declare', `Incident declared under ${input.regime}; aware at ${awareAt}; regulator deadline ${deadlineOf(input.regime, awareAt)}.`);
      return { id, deadline: deadlineOf(input.regime, awareAt) };
    },

    async updateDetails(actor: StaffActor, incidentId: string, input: { details: IncidentDetails; occurredFrom?: string; occurredTo?: string; status?: string }): Promise<void> {
      await load(actor, incidentId);
      await step(actor, incidentId, 'details', `Details updated${input.status ? `; status ${input.status}` : ''}.`, async (trx) => {
        await trx
          .updateTable('incidents')
          .set({ details: JSON.stringify(input.details), ...(input.occurredFrom ? { occurred_from: new Date(input.occurredFrom).toISOString() } : {}), ...(input.occurredTo ? { occurred_to: new Date(input.occurredTo).toISOString() } : {}), ...(input.status ? { status: input.status } : {}) })
          .where('id', '=', incidentId)
          .execute();
      });
    },

    async addIndicator(actor: StaffActor, incidentId: string, indicator: { kind: Indicator['kind']; value: string; from?: string; to?: string }): Promise<{ id: string }> {
      await load(actor, incidentId);
      const id = newId();
      await step(actor, incidentId, 'indicator', `Indicator added: ${indicator.kind}${indicator.from ? ` from ${indicator.from}` : ''}${indicator.to ? ` to ${indicator.to}` : ''}.`, async (trx) => {
        await trx.insertInto('incident_indicators').values({ id, incident_id: incidentId, kind: indicator.kind, value: indicator.value, window_from: indicator.from ?? null, window_to: indicator.to ?? null, created_at: clock.now().toISOString() }).execute();
      });
      return { id };
    },

    /** Compute the scope from the indicators and store it (ids and categories only). */
    async computeScope(actor: StaffActor, incidentId: string): Promise<ScopeSummary> {
      const incident = await load(actor, incidentId);
      const rows = await db.selectFrom('incident_indicators').selectAll().where('incident_id', '=', incidentId).execute();
      const indicators = rows.map((r) => ({ kind: r.kind, value: r.value, from: r.window_from ?? incident.occurred_from ?? undefined, to: r.window_to ?? incident.occurred_to ?? undefined }) as Indicator);
      // The per-person rows are derived data (recomputed at will), so on PostgreSQL their commit need not wait for the disk;
      // the decision-bearing step below (summary, timeline, audit) commits durably as usual.
      const summary = await db.transaction().execute(async (trx) => {
        if (deps.dialect === 'postgres') await sql`SET LOCAL synchronous_commit = off`.execute(trx);
        return computeScope(trx, deps.dialect, actor.organisationId, incidentId, indicators);
      });
      await step(actor, incidentId, 'scope', `Scope computed: ${summary.persons} people, ${summary.records} records; ${summary.unintelligible} unintelligible under unexposed keys, ${summary.intelligible} intelligible.`, async (trx) => {
        await trx.updateTable('incidents').set({ scope: JSON.stringify(summary) }).where('id', '=', incidentId).execute();
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
      const latest = await db.selectFrom('incident_indicators').select((eb) => [eb.fn.countAll<number>().as('n'), eb.fn.max('created_at').as('at')]).where('incident_id', '=', incidentId).executeTakeFirstOrThrow();
      if (Number(latest.n) === 0) throw appError('INCIDENT_INDICATORS_REQUIRED');
      const scoped = await db.selectFrom('incident_events').select((eb) => eb.fn.max('at').as('at')).where('incident_id', '=', incidentId).where('kind', '=', 'scope').executeTakeFirst();
      if (!incident.scope || !scoped?.at || (latest.at !== null && String(latest.at) > String(scoped.at))) throw appError('INCIDENT_SCOPE_REQUIRED');
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
        await trx.updateTable('incidents').set({ assessment: JSON.stringify(assessment) }).where('id', '=', incidentId).execute();
      });
      return assessment;
    },

    async decide(actor: StaffActor, incidentId: string, input: { notifyRegulator: boolean; notifyIndividuals: boolean; reasons: string }): Promise<Decision> {
      await load(actor, incidentId);
      const decision: Decision = { ...input, decidedAt: clock.now().toISOString(), decidedBy: actor.staffId };
      await step(actor, incidentId, 'decision', `Decision: regulator ${input.notifyRegulator ? 'notified' : 'not notified'}, individuals ${input.notifyIndividuals ? 'notified' : 'not notified'}. Reasons: ${input.reasons}`, async (trx) => {
        await trx.updateTable('incidents').set({ decision: JSON.stringify(decision) }).where('id', '=', incidentId).execute();
      });
      return decision;
    },

    /** A new report version (initial or follow-up); earlier versions are kept. */
    async report(actor: StaffActor, incidentId: string, kind: 'initial' | 'follow-up'): Promise<{ id: string; version: number; markdown: string }> {
      const incident = await view(actor, incidentId);
      const organisation = await db.selectFrom('organisations').select('name').where('id', '=', actor.organisationId).executeTakeFirstOrThrow();
      const persons = await scopedPersons(await load(actor, incidentId));
      const patientIds = persons.length === 0 ? new Set<string>() : new Set((await db.selectFrom('patients').select('person_id').execute()).map((p) => p.person_id));
      const patients = persons.filter((p) => patientIds.has(p.personId)).length;
      const last = incident.reports.at(-1)?.version ?? 0;
      const markdown = renderReportMarkdown({
        organisation: organisation.name,
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
        await trx.insertInto('incident_reports').values({ id, incident_id: incidentId, version: last + 1, kind: last === 0 ? 'initial' : kind, markdown, sha256: sha256Hex(markdown), created_at: clock.now().toISOString(), created_by: actor.staffId }).execute();
      });
      return { id, version: last + 1, markdown };
    },

    async reportMarkdown(actor: StaffActor, incidentId: string, version: number): Promise<string> {
      await load(actor, incidentId);
      const row = await db.selectFrom('incident_reports').select('markdown').where('incident_id', '=', incidentId).where('version', '=', version).executeTakeFirst();
      if (!row) throw appError('NOT_FOUND');
      return row.markdown;
    },

    template: (actor: StaffActor) => template(actor.organisationId),

    async saveTemplate(actor: StaffActor, input: { subject: string; body: string }): Promise<void> {
      const at = clock.now().toISOString();
      await db.transaction().execute(async (trx) => {
        await trx
          .insertInto('notice_templates')
          .values({ organisation_id: actor.organisationId, key: NOTICE_TEMPLATE_KEY, subject: input.subject, body: input.body, updated_at: at, updated_by: actor.staffId })
          .onConflict((oc) => oc.columns(['organisation_id', 'key']).doUpdateSet({ subject: input.subject, body: input.body, updated_at: at, updated_by: actor.staffId }))
          .execute();
        await audit.append(trx, [{ actor: actorLabel(actor), ip: actor.ip, sessionId: actor.sessionId, action: 'notice-template.update', recordRefs: [`notice-template:${NOTICE_TEMPLATE_KEY}`], outcome: 'success' }]);
      });
    },

    /**
     * Queue a plain-language letter to each person in scope who is to be told
     * (by default those whose data was intelligible), sealed in the outbox; a
     * person without a usable e-mail address goes on the substitute-notice
     * list. Idempotent: nobody is queued twice for one incident.
     */
    async sendNotices(actor: StaffActor, incidentId: string, options: { includeUnintelligible: boolean }): Promise<{ queued: number; substitute: number; already: number }> {
      const incident = await view(actor, incidentId);
      const organisation = await db.selectFrom('organisations').select('name').where('id', '=', actor.organisationId).executeTakeFirstOrThrow();
      const persons = await scopedPersons(await load(actor, incidentId), options.includeUnintelligible ? {} : { onlyIntelligible: true });
      const done = new Set((await db.selectFrom('incident_notices').select('person_id').where('incident_id', '=', incidentId).execute()).map((n) => n.person_id));
      const todo = persons.filter((p) => !done.has(p.personId));
      const contacts = await contactsForIncident(deps, actor, incidentId, todo.map((p) => p.personId), 'breach-notice');
      const letter = await template(actor.organisationId);
      const keyring = deps.vault.keyring();
      const at = clock.now().toISOString();
      let queued = 0;
      let substitute = 0;
      await db.transaction().execute(async (trx) => {
        const outbox: { id: string; alert_id: null; channel: string; target: string; payload: string; created_at: string; next_attempt_at: string; sent_at: null; last_error: null }[] = [];
        const notices: { id: string; incident_id: string; person_id: string; channel: string; outbox_id: string | null; created_at: string }[] = [];
        for (const person of todo) {
          const contact = contacts.get(person.personId);
          if (!contact) continue; // shredded since the scope was computed: nobody left to tell
          const usable = EMAIL.test(contact.email ?? '');
          if (!usable) {
            notices.push({ id: newId(), incident_id: incidentId, person_id: person.personId, channel: 'substitute', outbox_id: null, created_at: at });
            substitute += 1;
            continue;
          }
          const values = {
            name: contact.name,
            organisation: organisation.name,
            what_happened: incident.details.whatHappened,
            categories: categoriesOf(person.mask).map((c) => `- ${CATEGORY_LABELS[c] ?? c}`).join('\n'),
            measures: incident.details.measuresAfter,
            contact: incident.details.contactPoint,
          };
          const outboxId = newId();
          outbox.push({ id: outboxId, alert_id: null, channel: 'notice-email', target: '', payload: sealOutboxPayload(keyring, outboxId, { to: contact.email, from: deps.alertFrom, subject: fill(letter.subject, values), text: fill(letter.body, values) }), created_at: at, next_attempt_at: at, sent_at: null, last_error: null });
          notices.push({ id: newId(), incident_id: incidentId, person_id: person.personId, channel: 'email', outbox_id: outboxId, created_at: at });
          queued += 1;
        }
        for (let i = 0; i < outbox.length; i += 500) await trx.insertInto('notification_outbox').values(outbox.slice(i, i + 500)).execute();
        for (let i = 0; i < notices.length; i += 500) await trx.insertInto('incident_notices').values(notices.slice(i, i + 500)).execute();
        await trx.insertInto('incident_events').values({ id: newId(), incident_id: incidentId, at, actor: actorLabel(actor), kind: 'notices.queued', detail: `${queued} notices queued by e-mail; ${substitute} people without a usable address listed for substitute notice.` }).execute();
        await audit.append(trx, [{ actor: actorLabel(actor), ip: actor.ip, sessionId: actor.sessionId, action: 'incident.notices.queued', recordRefs: [`incident:${incidentId}`], purpose: `queued:${queued};substitute:${substitute}`, outcome: 'success' }]);
      });
      if (queued > 0) deps.onQueued?.();
      return { queued, substitute, already: persons.length - todo.length };
    },

    /** Delivery status per notice (ids only) and the substitute-notice list. */
    async noticeStatus(actor: StaffActor, incidentId: string) {
      await load(actor, incidentId);
      const rows = await db
        .selectFrom('incident_notices')
        .leftJoin('notification_outbox', 'notification_outbox.id', 'incident_notices.outbox_id')
        .select(['incident_notices.person_id', 'incident_notices.channel', 'notification_outbox.sent_at', 'notification_outbox.attempts', 'notification_outbox.last_error', 'notification_outbox.next_attempt_at'])
        .where('incident_notices.incident_id', '=', incidentId)
        .execute();
      const notices = rows.map((r) => ({ personId: r.person_id, channel: r.channel, status: r.channel === 'substitute' ? 'substitute-notice' : r.sent_at ? 'delivered' : Number(r.attempts ?? 0) > 0 ? 'retrying' : 'queued', sentAt: r.sent_at, attempts: Number(r.attempts ?? 0), lastError: r.last_error, nextAttemptAt: r.sent_at ? null : r.next_attempt_at }));
      const count = (status: string) => notices.filter((n) => n.status === status).length;
      return { delivered: count('delivered'), queued: count('queued'), retrying: count('retrying'), substitute: count('substitute-notice'), notices };
    },

    /** Containment: sign out one staff member everywhere (and lock them) or everyone. */
    async revokeSessions(actor: StaffActor, incidentId: string, staffId: string | undefined): Promise<{ revoked: number }> {
      await load(actor, incidentId);
      if (staffId) {
        const target = await db.selectFrom('staff').select('organisation_id').where('id', '=', staffId).executeTakeFirst();
        if (target?.organisation_id !== actor.organisationId) throw appError('VALIDATION_FAILED', ['staffId']);
      }
      const revoked = await step(actor, incidentId, 'containment.sessions', staffId ? `Sessions of staff ${staffId} revoked and the account locked.` : 'Every staff session revoked: everyone signs in again.', async (trx) => {
        if (staffId) await trx.updateTable('staff').set({ locked_at: clock.now().toISOString(), lock_reason: `incident:${incidentId}` }).where('id', '=', staffId).execute();
        let query = trx.deleteFrom('sessions');
        if (staffId) query = query.where('staff_id', '=', staffId);
        return Number((await query.executeTakeFirst()).numDeletedRows);
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
      const incident = await view(actor, incidentId);
      const signing = deps.vault.keyring().auditSigning;
      if (!signing) throw appError('VAULT_SEALED');
      const from = incident.occurredFrom ?? incident.awareAt;
      const to = clock.now().toISOString();
      const events = await db.selectFrom('audit_events').selectAll().where('at', '>=', from).where('at', '<=', to).orderBy('seq').limit(200_000).execute();
      const first = Number(events[0]?.seq ?? 0);
      const last = Number(events.at(-1)?.seq ?? 0);
      const checkpoints = await db.selectFrom('audit_checkpoints').selectAll().where('seq', '>=', first).orderBy('seq').limit(1000).execute();
      const before = await db.selectFrom('audit_checkpoints').selectAll().where('seq', '<', first).orderBy('seq', 'desc').limit(1).execute();
      const custody = await db.selectFrom('evidence_exports').selectAll().where('incident_id', '=', incidentId).orderBy('exported_at').execute();
      const bundle = JSON.stringify({
        format: 'tacet-evidence/v1',
        exportedAt: to,
        exportedBy: actor.staffId,
        incident: { ...incident, reports: incident.reports },
        auditSegment: { from, to, firstSeq: first, lastSeq: last, events: events.map((e) => ({ ...e, seq: Number(e.seq) })) },
        checkpoints: [...before, ...checkpoints].map((c) => ({ ...c, seq: Number(c.seq) })),
        custody: custody.map((c) => ({ sha256: c.sha256, exportedAt: c.exported_at, exportedBy: c.exported_by })),
      });
      const sha256 = sha256Hex(bundle);
      const signature = signMessage(signing.privateKey, bundle);
      await step(actor, incidentId, 'evidence.export', `Evidence bundle exported (audit events ${first}-${last}), SHA-256 ${sha256}.`, async (trx) => {
        await trx.insertInto('evidence_exports').values({ id: newId(), incident_id: incidentId, sha256, exported_at: to, exported_by: actor.staffId, events_from: first, events_to: last }).execute();
      });
      return { bundle, signature, publicKey: signing.publicKeyB64, keyId: signing.id, sha256 };
    },
  };
}

export type IncidentService = ReturnType<typeof createIncidentService>;
