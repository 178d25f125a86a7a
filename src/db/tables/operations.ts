/** Several core instances: job leases and the record of periodic runs (0008_operations). */
import type { ColumnType } from 'kysely';

export interface JobLeasesTable {
  name: string;
  /** The instance holding the lease. */
  holder: string;
  /** ms since epoch (bigint: compared as numbers on both engines). */
  expires_at: ColumnType<number, number, number>;
}

export interface JobRunsTable {
  name: string;
  /** e.g. the UTC day 2026-11-24 for the daily job. */
  period: string;
  holder: string;
  finished_at: string;
}
