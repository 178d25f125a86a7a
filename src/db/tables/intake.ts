/**
 * The tables the public intake tier writes: the sealed-enquiry inbox and the
 * ledger of spent form tokens. Nothing else. The intake's database handle is
 * typed with these alone, so intake code cannot even name another table.
 * (0001_initial and 0011_form_token_uses; on SQLite they live in the inbox
 * file since 0012_inbox_own_file.)
 */
import type { Insertable, Kysely, Selectable } from 'kysely';

/** A sealed enquiry waiting for the core to ingest it (ciphertext only). */
export interface EnquiryInboxTable {
  id: string;
  received_at: string;
  clinic_slug: string;
  key_id: string;
  enc: string;
  ct: string;
  envelope_hash: string;
  source: string;
}

/** An inbox row as read, and as written. */
export type InboxRow = Selectable<EnquiryInboxTable>;
export type NewInboxRow = Insertable<EnquiryInboxTable>;

/** A form token the intake accepted once (the hash of its id), kept until the token would have expired anyway. */
export interface FormTokenUsesTable {
  token_hash: string;
  expires_at: string;
}

/** What the intake tier can reach. */
export interface InboxDatabase {
  enquiry_inbox: EnquiryInboxTable;
  form_token_uses: FormTokenUsesTable;
}

/** The intake tier's database handle. */
export type InboxDb = Kysely<InboxDatabase>;

/**
 * The inbox tables of any handle whose schema includes them (the core's full
 * handle, where the core itself appends to the inbox). Types only: no access
 * is added or removed at runtime.
 */
export function inboxOf<DB extends InboxDatabase>(db: Kysely<DB>): InboxDb {
  return db as unknown as InboxDb;
}
