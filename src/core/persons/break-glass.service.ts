/**
 * Break-glass: a time-limited grant to one person's record, with a typed
 * justification, recorded as a critical audit event and queued for the
 * data-protection officer's review. The justification is sealed at rest
 * (staff may name the patient in it).
 */
import { actorLabel, type StaffActor } from '../../auth/actor.js';
import { openStaffSecret, sealStaffSecret } from '../../crypto/keyring.js';
import { newId } from '../../crypto/random.js';
import type { RouteContext } from '../http/core-app.js';

export const BREAK_GLASS_MS = 30 * 60_000;

/** Grant break-glass access for the actor to a person. */
export async function requestBreakGlass(ctx: RouteContext, actor: StaffActor, personId: string, justification: string, recordRef: string): Promise<{ id: string; expiresAt: string }> {
  const id = newId();
  const now = ctx.clock.now();
  const expiresAt = new Date(now.getTime() + BREAK_GLASS_MS).toISOString();
  const envelope = sealStaffSecret(ctx.vault.keyring(), 'break-glass', id, justification.trim());
  await ctx.db.transaction().execute(async (trx) => {
    await trx.insertInto('break_glass_grants').values({ id, staff_id: actor.staffId, person_id: personId, justification_envelope: envelope, created_at: now.toISOString(), expires_at: expiresAt, reviewed_at: null, reviewed_by: null, review_outcome: null }).execute();
    // The DPO's review queue is the set of unreviewed grants; the alert e-mails the DPO at once.
    await ctx.audit.append(trx, [{ actor: actorLabel(actor), action: 'break-glass.grant', personIds: [personId], recordRefs: [`break-glass:${id}`, recordRef], purpose: 'alert:critical', outcome: 'success', ip: actor.ip, sessionId: actor.sessionId }]);
    await ctx.alerts.raise(trx, { severity: 'critical', rule: 'break-glass', staffId: actor.staffId, personIds: [personId], detail: 'Break-glass access granted for 30 minutes with a typed justification; review it under Break-glass review.' });
  });
  ctx.logger.warn({ breakGlass: id, staff: actor.staffId }, 'break-glass access granted; queued for DPO review');
  return { id, expiresAt };
}

/** The DPO's view of break-glass grants (pending first). */
export async function listBreakGlass(ctx: RouteContext, organisationId: string, pendingOnly: boolean) {
  let query = ctx.db
    .selectFrom('break_glass_grants')
    .innerJoin('staff', 'staff.id', 'break_glass_grants.staff_id')
    .select(['break_glass_grants.id', 'break_glass_grants.staff_id', 'staff.display_name', 'break_glass_grants.person_id', 'break_glass_grants.justification_envelope', 'break_glass_grants.created_at', 'break_glass_grants.expires_at', 'break_glass_grants.reviewed_at', 'break_glass_grants.review_outcome'])
    .where('staff.organisation_id', '=', organisationId)
    .orderBy('break_glass_grants.created_at', 'desc')
    .limit(200);
  if (pendingOnly) query = query.where('break_glass_grants.reviewed_at', 'is', null);
  const rows = await query.execute();
  const keyring = ctx.vault.keyring();
  return rows.map((row) => ({
    id: row.id,
    staff: { id: row.staff_id, name: row.display_name },
    personId: row.person_id,
    justification: openStaffSecret(keyring, 'break-glass', row.id, row.justification_envelope),
    createdAt: row.created_at,
    expiresAt: row.expires_at,
    reviewedAt: row.reviewed_at,
    outcome: row.review_outcome,
  }));
}
