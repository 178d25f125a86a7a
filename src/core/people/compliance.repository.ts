/** Training modules and completions, policies and acknowledgements, and the staff reminders they queue. */
import type { Insertable, Selectable } from 'kysely';
import type { Db } from '../../db/database.js';
import type { NotificationOutboxTable, PoliciesTable, TrainingCompletionsTable, TrainingModulesTable } from '../../db/tables.js';

export type TrainingModuleRow = Selectable<TrainingModulesTable>;
export type PolicyRow = Selectable<PoliciesTable>;

// ---- Training ----

export async function hasTrainingModule(db: Db, organisationId: string): Promise<boolean> {
  const row = await db.selectFrom('training_modules').select('id').where('organisation_id', '=', organisationId).executeTakeFirst();
  return row !== undefined;
}

export async function insertTrainingModule(db: Db, row: Insertable<TrainingModulesTable>): Promise<void> {
  await db.insertInto('training_modules').values(row).execute();
}

/** An organisation's modules, oldest edit first; retired ones only if asked. */
export async function listTrainingModules(db: Db, organisationId: string, options: { includeRetired?: boolean } = {}): Promise<TrainingModuleRow[]> {
  let q = db.selectFrom('training_modules').selectAll().where('organisation_id', '=', organisationId);
  if (!options.includeRetired) q = q.where('retired_at', 'is', null);
  return q.orderBy('updated_at').execute();
}

export async function findTrainingModuleVersion(db: Db, moduleId: string): Promise<{ version: number; organisation_id: string } | undefined> {
  return db.selectFrom('training_modules').select(['version', 'organisation_id']).where('id', '=', moduleId).executeTakeFirst();
}

export async function updateTrainingModule(
  db: Db,
  moduleId: string,
  changes: Pick<TrainingModuleRow, 'title' | 'content' | 'quiz' | 'pass_mark' | 'version' | 'updated_at' | 'updated_by'>,
): Promise<void> {
  await db.updateTable('training_modules').set(changes).where('id', '=', moduleId).execute();
}

/** Retire an active module of the organisation; answers whether there was one. */
export async function retireTrainingModule(db: Db, organisationId: string, moduleId: string, at: string): Promise<boolean> {
  const result = await db.updateTable('training_modules').set({ retired_at: at }).where('id', '=', moduleId).where('organisation_id', '=', organisationId).where('retired_at', 'is', null).executeTakeFirst();
  return Number(result.numUpdatedRows) > 0;
}

export async function findActiveTrainingModule(db: Db, organisationId: string, moduleId: string): Promise<TrainingModuleRow | undefined> {
  return db.selectFrom('training_modules').selectAll().where('id', '=', moduleId).where('organisation_id', '=', organisationId).where('retired_at', 'is', null).executeTakeFirst();
}

export async function insertTrainingCompletion(db: Db, row: Insertable<TrainingCompletionsTable>): Promise<void> {
  await db.insertInto('training_completions').values(row).execute();
}

/** Every quiz attempt of these staff members, oldest first. */
export async function listTrainingCompletions(db: Db, staffIds: readonly string[]) {
  return db.selectFrom('training_completions').select(['staff_id', 'module_id', 'score', 'passed', 'completed_at', 'expires_at']).where('staff_id', 'in', [...staffIds]).orderBy('completed_at').execute();
}

// ---- Policies ----

/** Every unretired policy version of the organisation: by slug, newest version first. */
export async function listUnretiredPolicies(db: Db, organisationId: string): Promise<PolicyRow[]> {
  return db.selectFrom('policies').selectAll().where('organisation_id', '=', organisationId).where('retired_at', 'is', null).orderBy('slug').orderBy('version', 'desc').execute();
}

export async function listPolicyAcks(db: Db, staffIds: readonly string[], policyIds: readonly string[]) {
  return db.selectFrom('policy_acks').select(['staff_id', 'policy_id', 'acknowledged_at']).where('staff_id', 'in', [...staffIds]).where('policy_id', 'in', [...policyIds]).execute();
}

/** The highest version of a policy slug (retired or not), if any. */
export async function findLatestPolicyVersion(db: Db, organisationId: string, slug: string): Promise<number | undefined> {
  const row = await db.selectFrom('policies').select('version').where('organisation_id', '=', organisationId).where('slug', '=', slug).orderBy('version', 'desc').executeTakeFirst();
  return row?.version;
}

export async function insertPolicy(db: Db, row: Insertable<PoliciesTable>): Promise<void> {
  await db.insertInto('policies').values(row).execute();
}

/** Retire every unretired version of a slug; answers whether there was one. */
export async function retirePolicySlug(db: Db, organisationId: string, slug: string, at: string): Promise<boolean> {
  const result = await db.updateTable('policies').set({ retired_at: at }).where('organisation_id', '=', organisationId).where('slug', '=', slug).where('retired_at', 'is', null).executeTakeFirst();
  return Number(result.numUpdatedRows) > 0;
}

export async function findPolicy(db: Db, organisationId: string, policyId: string): Promise<PolicyRow | undefined> {
  return db.selectFrom('policies').selectAll().where('id', '=', policyId).where('organisation_id', '=', organisationId).executeTakeFirst();
}

/** Record an acknowledgement (the first one stays). */
export async function insertPolicyAck(db: Db, staffId: string, policyId: string, at: string): Promise<void> {
  await db.insertInto('policy_acks').values({ staff_id: staffId, policy_id: policyId, acknowledged_at: at }).onConflict((oc) => oc.columns(['staff_id', 'policy_id']).doNothing()).execute();
}

// ---- Reminders ----

/** Queue one e-mail to a staff member (delivered by the outbox). */
export async function queueStaffEmail(db: Db, row: Pick<Insertable<NotificationOutboxTable>, 'id' | 'target' | 'payload' | 'created_at'>): Promise<void> {
  await db.insertInto('notification_outbox').values({ id: row.id, alert_id: null, channel: 'staff-email', target: row.target, payload: row.payload, created_at: row.created_at, next_attempt_at: row.created_at, sent_at: null, last_error: null }).execute();
}
