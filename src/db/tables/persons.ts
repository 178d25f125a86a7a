/** Persons (contact details under their own key, blind indexes to find them) and their wrapped data keys per domain (0001_initial). */
import type { Generated } from 'kysely';

export interface PersonsTable {
  id: string;
  organisation_id: string;
  created_at: string;
  updated_at: string;
  contact_envelope: string;
  email_bi: string | null;
  phone_bi: string | null;
  surname_dob_bi: string | null;
  is_restricted: Generated<number>;
}

export interface PersonKeysTable {
  person_id: string;
  domain: string;
  wrapping_key_id: string;
  wrapped_dek: string;
  created_at: string;
}
