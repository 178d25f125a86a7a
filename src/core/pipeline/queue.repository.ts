/**
 * The front desk's queries: a person's queue, a clinic's unassigned pool,
 * the pipeline board and table, taking and handing out enquiries, stage
 * changes, notes, follow-ups and the event trail. Metadata only: the sealed
 * bodies and notes leave here as envelopes, opened by the door.
 */
import { sql } from 'kysely';
import type { StaffActor } from '../../auth/actor.js';
import type { Db } from '../../db/database.js';
import type { Keyset } from '../../db/keyset.js';
import type { EnquiryEventsTable, EnquiryNotesTable, FollowUpsTable } from '../../db/tables.js';
import { visiblePersons } from '../door/visibility.repository.js';
import { advanceFurthestStage } from '../reports/report.repository.js';

/** Open stages: won and lost leave every queue and pool (the partial indexes of 0016 carry the same predicate, word for word). */
const OPEN_STAGE = sql<boolean>`enquiries.status NOT IN ('won', 'lost')`;


const LIST_COLUMNS = ['enquiries.id', 'enquiries.person_id', 'enquiries.clinic_id', 'enquiries.status', 'enquiries.channel', 'enquiries.reference', 'enquiries.received_at', 'enquiries.assigned_to', 'enquiries.first_response_at', 'enquiries.sla_due_at', 'enquiries.last_activity_at'] as const;

/** A list row of the front desk: no personal data. */
export interface DeskRow {
  readonly id: string;
  readonly person_id: string;
  readonly clinic_id: string;
  readonly status: string;
  readonly channel: string;
  readonly reference: string | null;
  readonly received_at: string;
  readonly assigned_to: string | null;
  readonly first_response_at: string | null;
  readonly sla_due_at: string | null;
  readonly last_activity_at: string | null;
}

/** The open enquiries assigned to `staffId`, oldest first (enquiries_queue_idx), with their sealed bodies for the door to open. */
export async function listQueueRows(db: Db, actor: StaffActor, filter: { readonly after?: Keyset; readonly limit: number }) {
  let query = db
    .selectFrom('enquiries')
    .innerJoin('persons', 'persons.id', 'enquiries.person_id')
    .select([...LIST_COLUMNS, 'enquiries.body_envelope', 'persons.organisation_id', 'persons.is_restricted'])
    .where('enquiries.assigned_to', '=', actor.staffId)
    .where(OPEN_STAGE)
    .where(visiblePersons(actor))
    .orderBy('enquiries.received_at')
    .orderBy('enquiries.id')
    .limit(filter.limit);
  const after = filter.after;
  if (after) query = query.where((eb) => eb(eb.refTuple('enquiries.received_at', 'enquiries.id'), '>', eb.tuple(after.at, after.id)));
  return query.execute();
}

/** How many open enquiries are assigned to `staffId`. */
export async function countQueue(db: Db, staffId: string): Promise<number> {
  const row = await db.selectFrom('enquiries').select((eb) => eb.fn.countAll<number>().as('n')).where('assigned_to', '=', staffId).where(OPEN_STAGE).executeTakeFirst();
  return Number(row?.n ?? 0);
}

/** A clinic's unassigned open enquiries, oldest first (enquiries_pool_idx). */
export async function listPoolRows(db: Db, actor: StaffActor, clinicId: string, filter: { readonly after?: Keyset; readonly limit: number }): Promise<DeskRow[]> {
  let query = db
    .selectFrom('enquiries')
    .innerJoin('persons', 'persons.id', 'enquiries.person_id')
    .select(LIST_COLUMNS)
    .where('enquiries.clinic_id', '=', clinicId)
    .where('enquiries.assigned_to', 'is', null)
    .where(OPEN_STAGE)
    .where(visiblePersons(actor))
    .orderBy('enquiries.received_at')
    .orderBy('enquiries.id')
    .limit(filter.limit);
  const after = filter.after;
  if (after) query = query.where((eb) => eb(eb.refTuple('enquiries.received_at', 'enquiries.id'), '>', eb.tuple(after.at, after.id)));
  return query.execute();
}

/** How many unassigned open enquiries each of these clinics has. */
export async function countPools(db: Db, clinicIds: readonly string[]): Promise<Map<string, number>> {
  if (clinicIds.length === 0) return new Map();
  const rows = await db
    .selectFrom('enquiries')
    .select(['clinic_id', (eb) => eb.fn.countAll<number>().as('n')])
    .where('clinic_id', 'in', [...clinicIds])
    .where('assigned_to', 'is', null)
    .where(OPEN_STAGE)
    .groupBy('clinic_id')
    .execute();
  return new Map(rows.map((row) => [row.clinic_id, Number(row.n)]));
}

/** Board and table filters (all server-side). */
export interface BoardFilter {
  readonly stage?: string;
  /** A staff id, or `none` for the unassigned. */
  readonly assignee?: string;
  readonly channel?: string;
  /** Only enquiries whose first response is overdue at `now`. */
  readonly overdueAt?: string;
  readonly order: 'newest' | 'oldest';
  readonly after?: Keyset;
  readonly limit: number;
}

/** A page of one clinic's enquiries in one stage or all (enquiries_clinic_status_list_idx / enquiries_clinic_list_idx). */
export async function listBoardRows(db: Db, actor: StaffActor, clinicId: string, filter: BoardFilter): Promise<DeskRow[]> {
  const newest = filter.order === 'newest';
  let query = db
    .selectFrom('enquiries')
    .innerJoin('persons', 'persons.id', 'enquiries.person_id')
    .select(LIST_COLUMNS)
    .where('enquiries.clinic_id', '=', clinicId)
    .where(visiblePersons(actor))
    .orderBy('enquiries.received_at', newest ? 'desc' : 'asc')
    .orderBy('enquiries.id', newest ? 'desc' : 'asc')
    .limit(filter.limit);
  if (filter.stage) query = query.where('enquiries.status', '=', filter.stage);
  if (filter.assignee === 'none') query = query.where('enquiries.assigned_to', 'is', null);
  else if (filter.assignee) query = query.where('enquiries.assigned_to', '=', filter.assignee);
  if (filter.channel) query = query.where('enquiries.channel', '=', filter.channel);
  if (filter.overdueAt) query = query.where('enquiries.first_response_at', 'is', null).where('enquiries.sla_due_at', '<', filter.overdueAt);
  const after = filter.after;
  if (after) query = query.where((eb) => eb(eb.refTuple('enquiries.received_at', 'enquiries.id'), newest ? '<' : '>', eb.tuple(after.at, after.id)));
  return query.execute();
}

/** Enquiries per stage in a clinic (the board's column counts), from enquiries_clinic_status_list_idx. */
export async function countByStage(db: Db, clinicId: string): Promise<Map<string, number>> {
  const rows = await db.selectFrom('enquiries').select(['status', (eb) => eb.fn.countAll<number>().as('n')]).where('clinic_id', '=', clinicId).groupBy('status').execute();
  return new Map(rows.map((row) => [row.status, Number(row.n)]));
}

/** Where enquiries are and who has them, for deciding a claim, reassignment or stage change (no personal data). */
export async function findDeskTargets(db: Db, enquiryIds: readonly string[]) {
  if (enquiryIds.length === 0) return [];
  return db
    .selectFrom('enquiries')
    .innerJoin('persons', 'persons.id', 'enquiries.person_id')
    .select(['enquiries.id', 'enquiries.person_id', 'enquiries.clinic_id', 'enquiries.status', 'enquiries.assigned_to', 'enquiries.first_response_at', 'persons.organisation_id', 'persons.is_restricted'])
    .where('enquiries.id', 'in', [...enquiryIds])
    .execute();
}

/** The oldest `limit` unassigned open enquiries of a clinic (ids only), for "claim next". */
export async function findPoolHead(db: Db, actor: StaffActor, clinicId: string, limit: number): Promise<string[]> {
  return (await listPoolRows(db, actor, clinicId, { limit })).map((row) => row.id);
}

/** Give these enquiries to `staffId` (or to the pool, null) if each still has `expected` as its assignee; returns the ids changed. */
export async function assignEnquiries(db: Db, enquiryIds: readonly string[], staffId: string | null, at: string, expected?: { readonly unassigned: true }): Promise<string[]> {
  if (enquiryIds.length === 0) return [];
  let query = db.updateTable('enquiries').set({ assigned_to: staffId, assigned_at: staffId ? at : null }).where('id', 'in', [...enquiryIds]);
  if (expected?.unassigned) query = query.where('assigned_to', 'is', null);
  const changed = await query.returning('id').execute();
  return changed.map((row) => row.id);
}

/** Move enquiries to a stage; the first move out of `new` (or a call or note) is the first response. */
export async function moveToStage(db: Db, enquiryIds: readonly string[], stage: string, lostReason: string | null, at: string): Promise<void> {
  if (enquiryIds.length === 0) return;
  await db
    .updateTable('enquiries')
    .set({ status: stage, lost_reason: lostReason, stage_changed_at: at, last_activity_at: at })
    .where('id', 'in', [...enquiryIds])
    .execute();
  await advanceFurthestStage(db, enquiryIds, stage);
  if (stage !== 'new') await markFirstResponse(db, enquiryIds, at);
}

/** Record the first response (once) and the activity. */
export async function markFirstResponse(db: Db, enquiryIds: readonly string[], at: string): Promise<void> {
  await db.updateTable('enquiries').set({ first_response_at: at }).where('id', 'in', [...enquiryIds]).where('first_response_at', 'is', null).execute();
  await db.updateTable('enquiries').set({ last_activity_at: at }).where('id', 'in', [...enquiryIds]).execute();
}

/** Store front-desk events. */
export async function insertDeskEvents(db: Db, events: readonly EnquiryEventsTable[]): Promise<void> {
  if (events.length > 0) await db.insertInto('enquiry_events').values([...events]).execute();
}

/** Store a note or call. */
export async function insertNote(db: Db, note: EnquiryNotesTable): Promise<void> {
  await db.insertInto('enquiry_notes').values(note).execute();
}

/** A person's notes and calls, newest first (the timeline; the door opens them). */
export async function listNotesOfPerson(db: Db, personId: string): Promise<EnquiryNotesTable[]> {
  return db.selectFrom('enquiry_notes').selectAll().where('person_id', '=', personId).orderBy('created_at', 'desc').limit(200).execute();
}

/** A person's enquiries in these clinics, newest first (repeat enquiries join one timeline), with their sealed bodies. */
export async function listEnquiriesOfPerson(db: Db, personId: string, clinicIds: readonly string[]) {
  if (clinicIds.length === 0) return [];
  return db
    .selectFrom('enquiries')
    .select(['id', 'clinic_id', 'status', 'reference', 'received_at', 'channel', 'body_envelope'])
    .where('person_id', '=', personId)
    .where('clinic_id', 'in', [...clinicIds])
    .orderBy('received_at', 'desc')
    .limit(50)
    .execute();
}

/** The event trail of these enquiries, oldest first. */
export async function listEventsOf(db: Db, enquiryIds: readonly string[]): Promise<EnquiryEventsTable[]> {
  if (enquiryIds.length === 0) return [];
  return db.selectFrom('enquiry_events').selectAll().where('enquiry_id', 'in', [...enquiryIds]).orderBy('at').limit(500).execute();
}

/** Store a follow-up. */
export async function insertFollowUp(db: Db, row: FollowUpsTable): Promise<void> {
  await db.insertInto('follow_ups').values(row).execute();
}

/** Follow-ups of an enquiry, soonest first. */
export async function listFollowUpsOf(db: Db, enquiryIds: readonly string[]): Promise<FollowUpsTable[]> {
  if (enquiryIds.length === 0) return [];
  return db.selectFrom('follow_ups').selectAll().where('enquiry_id', 'in', [...enquiryIds]).orderBy('due_at').limit(200).execute();
}

/** A staff member's open follow-ups, soonest due first (follow_ups_open_idx), with their enquiries' references. */
export async function listOpenFollowUps(db: Db, staffId: string, limit: number) {
  return db
    .selectFrom('follow_ups')
    .innerJoin('enquiries', 'enquiries.id', 'follow_ups.enquiry_id')
    .select(['follow_ups.id', 'follow_ups.enquiry_id', 'follow_ups.clinic_id', 'follow_ups.kind', 'follow_ups.due_at', 'enquiries.reference', 'enquiries.status'])
    .where('follow_ups.assignee_id', '=', staffId)
    .where('follow_ups.done_at', 'is', null)
    .orderBy('follow_ups.due_at')
    .limit(limit)
    .execute();
}

/** A follow-up by id. */
export async function findFollowUp(db: Db, id: string): Promise<FollowUpsTable | undefined> {
  return db.selectFrom('follow_ups').selectAll().where('id', '=', id).executeTakeFirst();
}

/** Mark a follow-up done. */
export async function completeFollowUp(db: Db, id: string, at: string): Promise<void> {
  await db.updateTable('follow_ups').set({ done_at: at }).where('id', '=', id).where('done_at', 'is', null).execute();
}

/** The stages of an organisation, in order. */
export async function listStages(db: Db, organisationId: string) {
  return db.selectFrom('pipeline_stages').select(['key', 'label', 'kind', 'position']).where('organisation_id', '=', organisationId).orderBy('position').execute();
}

/** Rename an organisation's stage (its key, kind and place stay: reports and history refer to the key). */
export async function renameStage(db: Db, organisationId: string, key: string, label: string): Promise<void> {
  await db.updateTable('pipeline_stages').set({ label }).where('organisation_id', '=', organisationId).where('key', '=', key).execute();
}

/** First responses overdue at `nowIso` and not yet escalated (enquiries_sla_idx), oldest due first. */
export async function listOverdueUnescalated(db: Db, nowIso: string, limit: number) {
  return db
    .selectFrom('enquiries')
    .select(['id', 'clinic_id', 'sla_due_at'])
    .where('first_response_at', 'is', null)
    .where('sla_due_at', '<', nowIso)
    .where('escalated_at', 'is', null)
    .where(OPEN_STAGE)
    .orderBy('sla_due_at')
    .limit(limit)
    .execute();
}

/** Mark enquiries escalated. */
export async function markEscalated(db: Db, enquiryIds: readonly string[], at: string): Promise<void> {
  if (enquiryIds.length > 0) await db.updateTable('enquiries').set({ escalated_at: at }).where('id', 'in', [...enquiryIds]).execute();
}

/** Open enquiries idle since before `idleBefore` and not re-engaged since their last activity (enquiries_idle_idx). */
export async function listIdle(db: Db, idleBefore: string, limit: number) {
  return db
    .selectFrom('enquiries')
    .select(['id', 'clinic_id', 'person_id', 'assigned_to', 'last_activity_at'])
    .where('last_activity_at', '<', idleBefore)
    .where(OPEN_STAGE)
    .where((eb) => eb.or([eb('reengaged_at', 'is', null), eb('reengaged_at', '<', eb.ref('last_activity_at'))]))
    .orderBy('last_activity_at')
    .limit(limit)
    .execute();
}

/** Mark enquiries re-engaged (a follow-up was made). */
export async function markReengaged(db: Db, enquiryIds: readonly string[], at: string): Promise<void> {
  if (enquiryIds.length > 0) await db.updateTable('enquiries').set({ reengaged_at: at }).where('id', 'in', [...enquiryIds]).execute();
}

/** Overdue first responses in these clinics (the manager's escalations), oldest due first. */
export async function listOverdueIn(db: Db, clinicIds: readonly string[], nowIso: string, limit: number): Promise<DeskRow[]> {
  if (clinicIds.length === 0) return [];
  return db
    .selectFrom('enquiries')
    .select(LIST_COLUMNS)
    .where('enquiries.clinic_id', 'in', [...clinicIds])
    .where('enquiries.first_response_at', 'is', null)
    .where('enquiries.sla_due_at', '<', nowIso)
    .where(OPEN_STAGE)
    .orderBy('enquiries.sla_due_at')
    .limit(limit)
    .execute();
}

/** Staff with a role in a clinic (assignees a manager may pick), by name. */
export async function listClinicStaff(db: Db, clinicId: string) {
  return db
    .selectFrom('staff_clinic_roles')
    .innerJoin('staff', 'staff.id', 'staff_clinic_roles.staff_id')
    .select(['staff.id', 'staff.display_name', 'staff_clinic_roles.role'])
    .where('staff_clinic_roles.clinic_id', '=', clinicId)
    .where('staff_clinic_roles.suspended_at', 'is', null)
    .where('staff.disabled_at', 'is', null)
    .orderBy('staff.display_name')
    .execute();
}

/** E-mail addresses of the active clinic managers of a clinic (escalations go to them). */
export async function listClinicManagerEmails(db: Db, clinicId: string): Promise<string[]> {
  const rows = await db
    .selectFrom('staff_clinic_roles')
    .innerJoin('staff', 'staff.id', 'staff_clinic_roles.staff_id')
    .select('staff.email')
    .where('staff_clinic_roles.clinic_id', '=', clinicId)
    .where('staff_clinic_roles.role', '=', 'clinic_manager')
    .where('staff_clinic_roles.suspended_at', 'is', null)
    .where('staff.disabled_at', 'is', null)
    .execute();
  return rows.map((row) => row.email);
}

/** Display names of staff members. */
export async function findStaffNames(db: Db, staffIds: readonly string[]): Promise<Map<string, string>> {
  const ids = [...new Set(staffIds)];
  if (ids.length === 0) return new Map();
  const rows = await db.selectFrom('staff').select(['id', 'display_name']).where('id', 'in', ids).execute();
  return new Map(rows.map((row) => [row.id, row.display_name]));
}


/** Appointments in these clinics between two times (the Today page: times, kinds, practitioners; no patient names). */
export async function listAppointmentsBetween(db: Db, clinicIds: readonly string[], fromIso: string, toIso: string, limit: number) {
  if (clinicIds.length === 0) return [];
  return db
    .selectFrom('appointments')
    .select(['id', 'patient_id', 'clinic_id', 'practitioner_id', 'kind', 'starts_at', 'ends_at', 'status'])
    .where('clinic_id', 'in', [...clinicIds])
    .where('starts_at', '>=', fromIso)
    .where('starts_at', '<', toIso)
    .orderBy('starts_at')
    .limit(limit)
    .execute();
}
