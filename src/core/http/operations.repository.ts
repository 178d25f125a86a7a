/** What the operator endpoints read: whether the database answers, and counts for the metrics (no ids, no personal data). */
import { sql } from 'kysely';
import type { Db } from '../../db/database.js';

async function count(db: Db, query: ReturnType<typeof sql<{ n: number | string }>>): Promise<number> {
  return Number((await query.execute(db)).rows[0]?.n ?? 0);
}

/** One round trip to the database (readiness). */
export async function pingDatabase(db: Db): Promise<void> {
  await sql`SELECT 1`.execute(db);
}

/** Sealed enquiries waiting for ingest. */
export async function countInboxPending(db: Db): Promise<number> {
  return count(db, sql<{ n: number }>`SELECT count(*) AS n FROM enquiry_inbox`);
}

/** Notifications not yet delivered. */
export async function countOutboxPending(db: Db): Promise<number> {
  return count(db, sql<{ n: number }>`SELECT count(*) AS n FROM notification_outbox WHERE sent_at IS NULL`);
}

/** Alerts not yet resolved, per severity that has any. */
export async function countOpenAlertsBySeverity(db: Db): Promise<{ severity: string; n: number | string }[]> {
  return (await sql<{ severity: string; n: number | string }>`SELECT severity, count(*) AS n FROM alerts WHERE status <> 'resolved' GROUP BY severity`.execute(db)).rows;
}

/** The audit chain's head sequence number (0 when empty). */
export async function auditHeadSeq(db: Db): Promise<number> {
  return count(db, sql<{ n: number }>`SELECT coalesce(max(seq), 0) AS n FROM audit_events`);
}
