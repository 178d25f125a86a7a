/**
 * The acknowledgement template as staff edit it: the organisation's default
 * and each clinic's own, validated (acknowledgement-template.ts), previewed
 * with a sample reference, and every change audited in its transaction.
 * Who may do what is acknowledgement.policy.ts; a forbidden clinic answers
 * NOT_FOUND, like an absent one.
 */
import { actorEvent, type StaffActor } from '../../auth/actor.js';
import type { AuditLog } from '../../audit/audit-log.js';
import type { Db } from '../../db/database.js';
import type { Clock } from '../../platform/clock.js';
import { appError } from '../../platform/errors.js';
import { getOrganisationName } from '../org/org.repository.js';
import type { AcknowledgementSettings } from './acknowledgement-queue.js';
import { type AcknowledgementTemplate, DEFAULT_TEMPLATE, render, SAMPLE_REFERENCE, templateProblems } from './acknowledgement-template.js';
import { canEditClinic, canEditDefault, canManageAcknowledgements } from './acknowledgement.policy.js';
import { deleteTemplate, listClinics, listOrganisationTemplates, templateOf, upsertTemplate } from './acknowledgement.repository.js';

/** The page's state: whether mail is sent, the default, and the clinics this person edits. */
export interface AcknowledgementOverview {
  readonly isSendingEnabled: boolean;
  readonly from: string;
  readonly organisationDefault: { readonly template: AcknowledgementTemplate; readonly isBuiltIn: boolean; readonly canEdit: boolean };
  readonly clinics: readonly { readonly clinicId: string; readonly name: string; readonly template: AcknowledgementTemplate; readonly isOwn: boolean; readonly canEdit: boolean }[];
}

export interface AcknowledgementService {
  readonly overview: (actor: StaffActor) => Promise<AcknowledgementOverview>;
  /** Save the default (`clinicId` null) or a clinic's own template. Throws ACK_TEMPLATE_INVALID listing the problems. */
  readonly save: (actor: StaffActor, clinicId: string | null, template: AcknowledgementTemplate) => Promise<void>;
  /** A clinic goes back to the organisation's default. */
  readonly reset: (actor: StaffActor, clinicId: string) => Promise<void>;
  /** The message this template would send, with a sample reference. */
  readonly preview: (actor: StaffActor, clinicId: string | null, template: AcknowledgementTemplate) => Promise<{ subject: string; text: string }>;
}

export function createAcknowledgementService(deps: { db: Db; audit: AuditLog; clock: Clock; settings: AcknowledgementSettings }): AcknowledgementService {
  const { db, audit, clock } = deps;

  /** The clinic, if the actor may edit it (else NOT_FOUND: forbidden and absent look alike). */
  async function editableClinic(actor: StaffActor, clinicId: string): Promise<{ id: string; name: string }> {
    const clinic = (await listClinics(db, actor.organisationId)).find((c) => c.id === clinicId);
    if (!clinic || !canEditClinic(actor, clinic.id)) throw appError('NOT_FOUND');
    return clinic;
  }

  function validated(template: AcknowledgementTemplate): AcknowledgementTemplate {
    const problems = templateProblems(template);
    if (problems.length > 0) throw appError('ACK_TEMPLATE_INVALID', problems);
    return template;
  }

  return {
    async overview(actor) {
      if (!canManageAcknowledgements(actor)) throw appError('NOT_FOUND');
      const rows = await listOrganisationTemplates(db, actor.organisationId);
      const stored = new Map(rows.map((row) => [row.scope_id, templateOf(row)]));
      const orgDefault = stored.get(actor.organisationId);
      const clinics = (await listClinics(db, actor.organisationId)).filter((c) => canEditClinic(actor, c.id));
      return {
        isSendingEnabled: deps.settings.isEnabled,
        from: deps.settings.from,
        organisationDefault: { template: orgDefault ?? DEFAULT_TEMPLATE, isBuiltIn: orgDefault === undefined, canEdit: canEditDefault(actor) },
        clinics: clinics.map((c) => {
          const own = stored.get(c.id);
          return { clinicId: c.id, name: c.name, template: own ?? orgDefault ?? DEFAULT_TEMPLATE, isOwn: own !== undefined, canEdit: true };
        }),
      };
    },

    async save(actor, clinicId, input) {
      if (clinicId !== null) await editableClinic(actor, clinicId);
      else if (!canEditDefault(actor)) throw appError('NOT_FOUND');
      const template = validated(input);
      const scopeId = clinicId ?? actor.organisationId;
      const at = clock.now().toISOString();
      await db.transaction().execute(async (trx) => {
        await upsertTemplate(trx, { scope_id: scopeId, organisation_id: actor.organisationId, clinic_id: clinicId, subject: template.subject, body: template.body, next_steps: template.nextSteps, opening_hours: template.openingHours, updated_at: at, updated_by: actor.staffId });
        await audit.append(trx, [{ ...actorEvent(actor), action: 'acknowledgement-template.update', recordRefs: [clinicId ? `clinic:${clinicId}` : `organisation:${actor.organisationId}`], outcome: 'success' }]);
      });
    },

    async reset(actor, clinicId) {
      await editableClinic(actor, clinicId);
      await db.transaction().execute(async (trx) => {
        const hadOwn = await deleteTemplate(trx, clinicId);
        await audit.append(trx, [{ ...actorEvent(actor), action: 'acknowledgement-template.reset', recordRefs: [`clinic:${clinicId}`], purpose: hadOwn ? 'reset' : 'already-default', outcome: 'success' }]);
      });
    },

    async preview(actor, clinicId, input) {
      if (!canManageAcknowledgements(actor)) throw appError('NOT_FOUND');
      // The default is previewed with the organisation's name where a clinic's would stand.
      const clinic = clinicId === null ? await getOrganisationName(db, actor.organisationId) : (await editableClinic(actor, clinicId)).name;
      const template = validated(input);
      return render(template, { clinic, reference: SAMPLE_REFERENCE });
    },
  };
}
