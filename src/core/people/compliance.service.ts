/**
 * The people side of security, enforced: security-awareness training
 * (editable modules with a quiz and a pass mark; a pass is valid for 12
 * months), versioned policies that every staff member must acknowledge, and
 * the resulting gate — while a staff member has no second factor, no current
 * training or an unacknowledged current policy, the door opens no personal
 * data for them (the actor carries `blocks`; see door/admission.ts).
 *
 * New starters get `graceDays` (TACET_TRAINING_GRACE_DAYS, default 0) from
 * account creation to pass their first training; an expired pass blocks at once.
 * Editing a module makes a new version; a pass of an earlier version stays
 * valid until it expires. Nothing here touches patient data.
 */
import { actorEvent, type ComplianceBlock, type StaffActor } from '../../auth/actor.js';
import { listConfirmedTotpOwners, listPasskeyOwners } from '../../auth/factor.repository.js';
import type { AuditLog } from '../../audit/audit-log.js';
import { newId } from '../../crypto/random.js';
import { sha256Hex } from '../../crypto/digest.js';
import type { Db } from '../../db/database.js';
import type { StaffRow } from '../../db/tables.js';
import type { Clock } from '../../platform/clock.js';
import { appError } from '../../platform/errors.js';
import { listEnabledStaffOfOrganisation } from '../org/org.repository.js';
import {
  findActiveTrainingModule,
  findLatestPolicyVersion,
  findPolicy,
  findTrainingModuleVersion,
  hasTrainingModule,
  insertPolicy,
  insertPolicyAck,
  insertTrainingCompletion,
  insertTrainingModule,
  listPolicyAcks,
  listTrainingCompletions,
  listTrainingModules,
  listUnretiredPolicies,
  queueStaffEmail,
  retirePolicySlug,
  retireTrainingModule,
  updateTrainingModule,
} from './compliance.repository.js';
import { type QuizQuestion, STARTER_CONTENT, STARTER_PASS_MARK, STARTER_QUIZ, STARTER_TITLE } from './starter-training.js';

export const TRAINING_VALID_MONTHS = 12;
const DAY = 86_400_000;

export type TrainingState = 'current' | 'due' | 'expired' | 'missing';

export interface TrainingStatus {
  readonly moduleId: string;
  readonly title: string;
  readonly state: TrainingState;
  /** When the current pass expires (current), or when a new starter must have passed (due). */
  readonly until: string | null;
  readonly lastScore: number | null;
}

export interface PolicyStatus {
  readonly policyId: string;
  readonly slug: string;
  readonly title: string;
  readonly version: number;
  readonly acknowledgedAt: string | null;
}

export interface ComplianceStatus {
  readonly blocks: readonly ComplianceBlock[];
  readonly training: readonly TrainingStatus[];
  readonly policies: readonly PolicyStatus[];
  readonly mfa: { readonly enrolled: boolean; readonly passkey: boolean };
}

export interface ModuleInput {
  readonly title: string;
  readonly content: string;
  readonly quiz: readonly QuizQuestion[];
  readonly passMark: number;
}

function addMonths(from: Date, months: number): Date {
  const d = new Date(from.getTime());
  d.setUTCMonth(d.getUTCMonth() + months);
  return d;
}

function checkQuiz(quiz: readonly QuizQuestion[]): void {
  const isValid = quiz.length > 0 && quiz.every((q) => q.options.length >= 2 && Number.isInteger(q.answer) && q.answer >= 0 && q.answer < q.options.length);
  if (!isValid) throw appError('VALIDATION_FAILED', ['quiz']);
}

export interface ComplianceDeps {
  readonly db: Db;
  readonly audit: AuditLog;
  readonly clock: Clock;
  /** Days a new starter has to pass training before it blocks them. */
  readonly graceDays: number;
}

export function createComplianceService(deps: ComplianceDeps) {
  const { db, audit, clock } = deps;

  async function log(actor: StaffActor, action: string, purpose: string, recordRefs: string[] = []): Promise<void> {
    await db.transaction().execute((trx) => audit.append(trx, [{ ...actorEvent(actor), action, recordRefs, purpose, outcome: 'success' }]));
  }

  /** The organisation's starter module exists from the first time anyone asks. */
  async function ensureStarter(organisationId: string): Promise<void> {
    if (await hasTrainingModule(db, organisationId)) return;
    await insertTrainingModule(db, { id: newId(), organisation_id: organisationId, title: STARTER_TITLE, version: 1, content: STARTER_CONTENT, quiz: JSON.stringify(STARTER_QUIZ), pass_mark: STARTER_PASS_MARK, is_builtin: 1, updated_at: clock.now().toISOString(), updated_by: 'system', retired_at: null });
  }

  async function activeModules(organisationId: string) {
    await ensureStarter(organisationId);
    return listTrainingModules(db, organisationId);
  }

  /** The current version of each policy (latest version per slug, not retired). */
  async function currentPolicies(organisationId: string) {
    const rows = await listUnretiredPolicies(db, organisationId);
    const seen = new Set<string>();
    return rows.filter((row) => !seen.has(row.slug) && seen.add(row.slug));
  }

  async function mfaOf(staffIds: readonly string[]): Promise<Map<string, { enrolled: boolean; passkey: boolean }>> {
    const out = new Map(staffIds.map((id) => [id, { enrolled: false, passkey: false }]));
    if (staffIds.length === 0) return out;
    for (const row of await listPasskeyOwners(db, staffIds)) out.set(row.staff_id, { enrolled: true, passkey: true });
    for (const row of await listConfirmedTotpOwners(db, staffIds)) {
      const current = out.get(row.staff_id);
      if (current) out.set(row.staff_id, { ...current, enrolled: true });
    }
    return out;
  }

  /** Status of many staff of one organisation at once (the DPO's overview and the gate use the same rules). */
  async function statusOfMany(organisationId: string, staff: readonly Pick<StaffRow, 'id' | 'created_at'>[]): Promise<Map<string, ComplianceStatus>> {
    const now = clock.now();
    const nowIso = now.toISOString();
    const ids = staff.map((s) => s.id);
    const [modules, policies, mfa] = await Promise.all([activeModules(organisationId), currentPolicies(organisationId), mfaOf(ids)]);
    const completions = ids.length === 0 ? [] : await listTrainingCompletions(db, ids);
    const acks = ids.length === 0 || policies.length === 0 ? [] : await listPolicyAcks(db, ids, policies.map((p) => p.id));
    const out = new Map<string, ComplianceStatus>();
    for (const member of staff) {
      const training = modules.map((module): TrainingStatus => {
        const mine = completions.filter((c) => c.staff_id === member.id && c.module_id === module.id);
        const passes = mine.filter((c) => c.passed === 1);
        const best = passes.reduce<string | null>((latest, c) => (latest === null || c.expires_at > latest ? c.expires_at : latest), null);
        const lastScore = mine.at(-1)?.score ?? null;
        if (best !== null && best > nowIso) return { moduleId: module.id, title: module.title, state: 'current', until: best, lastScore };
        if (best !== null) return { moduleId: module.id, title: module.title, state: 'expired', until: best, lastScore };
        const dueBy = new Date(new Date(member.created_at).getTime() + deps.graceDays * DAY).toISOString();
        return { moduleId: module.id, title: module.title, state: dueBy > nowIso ? 'due' : 'missing', until: dueBy, lastScore };
      });
      const policyStatus = policies.map((p) => ({ policyId: p.id, slug: p.slug, title: p.title, version: p.version, acknowledgedAt: acks.find((a) => a.staff_id === member.id && a.policy_id === p.id)?.acknowledged_at ?? null }));
      const factor = mfa.get(member.id) ?? { enrolled: false, passkey: false };
      const blocks: ComplianceBlock[] = [];
      if (!factor.enrolled) blocks.push('mfa');
      if (training.some((t) => t.state === 'expired' || t.state === 'missing')) blocks.push('training');
      if (policyStatus.some((p) => p.acknowledgedAt === null)) blocks.push('policy');
      out.set(member.id, { blocks, training, policies: policyStatus, mfa: factor });
    }
    return out;
  }

  async function statusOf(staff: StaffRow): Promise<ComplianceStatus> {
    const status = (await statusOfMany(staff.organisation_id, [staff])).get(staff.id);
    if (!status) throw new Error('status not computed');
    return status;
  }

  return {
    statusOf,
    statusOfMany,
    currentPolicies,

    /** What blocks this staff member from personal data right now. */
    async blocksFor(staff: StaffRow): Promise<readonly ComplianceBlock[]> {
      return (await statusOf(staff)).blocks;
    },

    async modules(organisationId: string, options: { includeRetired?: boolean } = {}) {
      await ensureStarter(organisationId);
      return (await listTrainingModules(db, organisationId, options)).map((m) => ({ id: m.id, title: m.title, version: m.version, content: m.content, quiz: JSON.parse(m.quiz) as QuizQuestion[], passMark: m.pass_mark, isBuiltin: m.is_builtin === 1, updatedAt: m.updated_at, retiredAt: m.retired_at }));
    },

    /** Create a module, or save a new version of one (content, quiz or pass mark changed). */
    async saveModule(actor: StaffActor, input: ModuleInput, moduleId?: string): Promise<{ id: string; version: number }> {
      checkQuiz(input.quiz);
      const at = clock.now().toISOString();
      if (moduleId) {
        const existing = await findTrainingModuleVersion(db, moduleId);
        if (existing?.organisation_id !== actor.organisationId) throw appError('NOT_FOUND');
        const version = existing.version + 1;
        await updateTrainingModule(db, moduleId, { title: input.title, content: input.content, quiz: JSON.stringify(input.quiz), pass_mark: input.passMark, version, updated_at: at, updated_by: actor.staffId });
        await log(actor, 'training.module.save', `version:${version}`, [`training-module:${moduleId}`]);
        return { id: moduleId, version };
      }
      const id = newId();
      await insertTrainingModule(db, { id, organisation_id: actor.organisationId, title: input.title, version: 1, content: input.content, quiz: JSON.stringify(input.quiz), pass_mark: input.passMark, is_builtin: 0, updated_at: at, updated_by: actor.staffId, retired_at: null });
      await log(actor, 'training.module.save', 'version:1', [`training-module:${id}`]);
      return { id, version: 1 };
    },

    async retireModule(actor: StaffActor, moduleId: string): Promise<void> {
      if (!(await retireTrainingModule(db, actor.organisationId, moduleId, clock.now().toISOString()))) throw appError('NOT_FOUND');
      await log(actor, 'training.module.retire', 'retired', [`training-module:${moduleId}`]);
    },

    /** Mark a quiz: the score is the share of right answers; a pass is valid for 12 months. */
    async takeQuiz(actor: StaffActor, moduleId: string, answers: readonly number[]): Promise<{ score: number; passed: boolean; passMark: number; expiresAt: string | null; wrong: number[] }> {
      const module = await findActiveTrainingModule(db, actor.organisationId, moduleId);
      if (!module) throw appError('NOT_FOUND');
      const quiz = JSON.parse(module.quiz) as QuizQuestion[];
      if (answers.length !== quiz.length) throw appError('VALIDATION_FAILED', ['answers']);
      const wrong = quiz.flatMap((q, i) => (answers[i] === q.answer ? [] : [i]));
      const score = Math.round(((quiz.length - wrong.length) * 100) / quiz.length);
      const passed = score >= module.pass_mark;
      const now = clock.now();
      const expiresAt = passed ? addMonths(now, TRAINING_VALID_MONTHS).toISOString() : now.toISOString();
      await insertTrainingCompletion(db, { id: newId(), staff_id: actor.staffId, module_id: moduleId, module_version: module.version, score, passed: passed ? 1 : 0, completed_at: now.toISOString(), expires_at: expiresAt });
      await log(actor, 'training.quiz', `${passed ? 'passed' : 'failed'}:${score}`, [`training-module:${moduleId}`]);
      return { score, passed, passMark: module.pass_mark, expiresAt: passed ? expiresAt : null, wrong };
    },

    /** Publish a policy, or a new version of one (same slug): everyone must acknowledge it again. */
    async publishPolicy(actor: StaffActor, input: { slug: string; title: string; body: string }): Promise<{ id: string; version: number }> {
      const version = ((await findLatestPolicyVersion(db, actor.organisationId, input.slug)) ?? 0) + 1;
      const id = newId();
      await insertPolicy(db, { id, organisation_id: actor.organisationId, slug: input.slug, title: input.title, version, body: input.body, body_hash: sha256Hex(input.body), published_at: clock.now().toISOString(), published_by: actor.staffId, retired_at: null });
      await log(actor, 'policy.publish', `${input.slug}:v${version}`, [`policy:${id}`]);
      return { id, version };
    },

    async retirePolicy(actor: StaffActor, slug: string): Promise<void> {
      if (!(await retirePolicySlug(db, actor.organisationId, slug, clock.now().toISOString()))) throw appError('NOT_FOUND');
      await log(actor, 'policy.retire', slug);
    },

    async policy(organisationId: string, policyId: string) {
      const row = await findPolicy(db, organisationId, policyId);
      if (!row) throw appError('NOT_FOUND');
      return { id: row.id, slug: row.slug, title: row.title, version: row.version, body: row.body, bodyHash: row.body_hash, publishedAt: row.published_at, retiredAt: row.retired_at };
    },

    /** Acknowledge the current version of a policy (an older version cannot be acknowledged). */
    async acknowledge(actor: StaffActor, policyId: string): Promise<void> {
      const current = await currentPolicies(actor.organisationId);
      if (!current.some((p) => p.id === policyId)) throw appError('NOT_FOUND');
      await insertPolicyAck(db, actor.staffId, policyId, clock.now().toISOString());
      await log(actor, 'policy.acknowledge', 'acknowledged', [`policy:${policyId}`]);
    },

    /** Every active staff member's status, for the DPO. */
    async overview(organisationId: string) {
      const staff = await listEnabledStaffOfOrganisation(db, organisationId);
      const statuses = await statusOfMany(organisationId, staff);
      return staff.map((s) => ({ staffId: s.id, name: s.display_name, email: s.email, orgRole: s.org_role, isLocked: s.locked_at !== null, ...(statuses.get(s.id) as ComplianceStatus) }));
    },

    /** Remind staff with outstanding tasks by email (through the outbox; no patient data). Returns how many were queued. */
    async chase(actor: StaffActor, staffIds: readonly string[] | 'all'): Promise<number> {
      const overview = await this.overview(actor.organisationId);
      const targets = overview.filter((s) => s.blocks.length > 0 || s.training.some((t) => t.state === 'due')).filter((s) => staffIds === 'all' || staffIds.includes(s.staffId));
      const at = clock.now().toISOString();
      for (const member of targets) {
        const tasks = [
          ...(member.blocks.includes('mfa') ? ['Set up a passkey or authenticator app (Tacet → Security).'] : []),
          ...member.training.filter((t) => t.state !== 'current').map((t) => `Complete the training “${t.title}” (Tacet → My tasks).`),
          ...member.policies.filter((p) => p.acknowledgedAt === null).map((p) => `Read and acknowledge “${p.title}”, version ${p.version} (Tacet → My tasks).`),
        ];
        const payload = { subject: 'Tacet: security tasks to complete before you can open patient records', text: ['Hello,', '', 'Your data-protection officer asks you to complete these tasks:', '', ...tasks.map((t) => `- ${t}`), '', 'Until they are done, Tacet will not open patient records for you. This message contains no patient data.'].join('\n') };
        await queueStaffEmail(db, { id: newId(), target: member.email, payload: JSON.stringify(payload), created_at: at });
      }
      await log(actor, 'compliance.chase', `queued:${targets.length}`, targets.map((t) => `staff:${t.staffId}`));
      return targets.length;
    },
  };
}

export type ComplianceService = ReturnType<typeof createComplianceService>;
