/**
 * Notices to the people affected by a breach: the organisation's letter
 * template, plain-language letters sealed into the transactional outbox
 * (or the substitute-notice list when there is no usable address), and
 * their delivery status. Contact details are opened only through the
 * notice-contacts door, and only for the people still to be told.
 */
import { actorEvent, actorLabel, type StaffActor } from '../../auth/actor.js';
import { sealOutboxPayload } from '../../crypto/keyring.js';
import { newId } from '../../crypto/random.js';
import { contactsForIncident } from '../door/notice-contacts.js';
import type { IncidentContext, IncidentDeps } from './incident-context.js';
import { insertIncidentEvent } from './incident.repository.js';
import { getOrganisationName } from '../org/org.repository.js';
import { findNoticeTemplate, type IncidentNotice, insertNotices, listNoticeDeliveries, listNoticedPersonIds, type OutboxMessage, upsertNoticeTemplate } from './notice.repository.js';
import { CATEGORY_LABELS, categoriesOf } from './scope-model.js';

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

const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

function fill(template: string, values: Record<string, string>): string {
  return template.replace(/\{\{(\w+)\}\}/g, (whole, key: string) => values[key] ?? whole);
}

export function createNoticeService(deps: IncidentDeps, incidents: IncidentContext) {
  const { db, audit, clock } = deps;

  async function template(organisationId: string): Promise<{ subject: string; body: string }> {
    return (await findNoticeTemplate(db, organisationId, NOTICE_TEMPLATE_KEY)) ?? DEFAULT_NOTICE;
  }

  return {
    template: (actor: StaffActor) => template(actor.organisationId),

    async saveTemplate(actor: StaffActor, input: { subject: string; body: string }): Promise<void> {
      const at = clock.now().toISOString();
      await db.transaction().execute(async (trx) => {
        await upsertNoticeTemplate(trx, { organisation_id: actor.organisationId, key: NOTICE_TEMPLATE_KEY, subject: input.subject, body: input.body, updated_at: at, updated_by: actor.staffId });
        await audit.append(trx, [{ ...actorEvent(actor), action: 'notice-template.update', recordRefs: [`notice-template:${NOTICE_TEMPLATE_KEY}`], outcome: 'success' }]);
      });
    },

    /**
     * Queue a plain-language letter to each person in scope who is to be told
     * (by default those whose data was intelligible), sealed in the outbox; a
     * person without a usable e-mail address goes on the substitute-notice
     * list. Idempotent: nobody is queued twice for one incident.
     */
    async sendNotices(actor: StaffActor, incidentId: string, options: { includeUnintelligible: boolean }): Promise<{ queued: number; substitute: number; already: number }> {
      const incident = await incidents.view(actor, incidentId);
      const organisation = await getOrganisationName(db, actor.organisationId);
      const persons = await incidents.scopedPersons(await incidents.load(actor, incidentId), options.includeUnintelligible ? {} : { onlyIntelligible: true });
      const done = await listNoticedPersonIds(db, incidentId);
      const todo = persons.filter((p) => !done.has(p.personId));
      const contacts = await contactsForIncident(deps, actor, incidentId, todo.map((p) => p.personId), 'breach-notice');
      const letter = await template(actor.organisationId);
      const keyring = deps.vault.keyring();
      const at = clock.now().toISOString();
      let queued = 0;
      let substitute = 0;
      await db.transaction().execute(async (trx) => {
        const outbox: OutboxMessage[] = [];
        const notices: IncidentNotice[] = [];
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
            organisation,
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
        await insertNotices(trx, outbox, notices);
        await insertIncidentEvent(trx, { id: newId(), incident_id: incidentId, at, actor: actorLabel(actor), kind: 'notices.queued', detail: `${queued} notices queued by e-mail; ${substitute} people without a usable address listed for substitute notice.` });
        await audit.append(trx, [{ ...actorEvent(actor), action: 'incident.notices.queued', recordRefs: [`incident:${incidentId}`], purpose: `queued:${queued};substitute:${substitute}`, outcome: 'success' }]);
      });
      if (queued > 0) deps.onQueued?.();
      return { queued, substitute, already: persons.length - todo.length };
    },

    /** Delivery status per notice (ids only) and the substitute-notice list. */
    async noticeStatus(actor: StaffActor, incidentId: string) {
      await incidents.load(actor, incidentId);
      const rows = await listNoticeDeliveries(db, incidentId);
      const notices = rows.map((r) => ({ personId: r.person_id, channel: r.channel, status: r.channel === 'substitute' ? 'substitute-notice' : r.sent_at ? 'delivered' : Number(r.attempts ?? 0) > 0 ? 'retrying' : 'queued', sentAt: r.sent_at, attempts: Number(r.attempts ?? 0), lastError: r.last_error, nextAttemptAt: r.sent_at ? null : r.next_attempt_at }));
      const count = (status: string) => notices.filter((n) => n.status === status).length;
      return { delivered: count('delivered'), queued: count('queued'), retrying: count('retrying'), substitute: count('substitute-notice'), notices };
    },
  };
}
