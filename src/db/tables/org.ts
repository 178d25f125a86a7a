/**
 * The organisation, its clinics and its staff with their clinic roles
 * (0001_initial; a role's suspension from 0007_people).
 */
import type { ColumnType, Selectable } from 'kysely';

export interface OrganisationsTable {
  id: string;
  name: string;
  created_at: string;
}

export interface ClinicsTable {
  id: string;
  organisation_id: string;
  slug: string;
  name: string;
  created_at: string;
}

export interface StaffTable {
  id: string;
  organisation_id: string;
  email: string;
  display_name: string;
  password_hash: string;
  /** Organisation-wide role: 'administrator' | 'dpo' | null (clinic roles live in staff_clinic_roles). */
  org_role: string | null;
  disabled_at: string | null;
  /** Set by automatic containment (or an administrator); cleared only by an administrator. */
  locked_at: string | null;
  lock_reason: string | null;
  exports_frozen_at: string | null;
  created_at: string;
}

export interface StaffClinicRolesTable {
  staff_id: string;
  clinic_id: string;
  role: string;
  /** Set when an access review was not completed in time; the role grants nothing while set. */
  suspended_at: ColumnType<string | null, string | null | undefined, string | null>;
}

export type ClinicRow = Selectable<ClinicsTable>;
export type StaffRow = Selectable<StaffTable>;
