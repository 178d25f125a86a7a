/**
 * The intake tier's only database operation: append a sealed enquiry.
 * SECURITY: on PostgreSQL the intake role holds INSERT on enquiry_inbox and
 * nothing else; this statement needs no more (no RETURNING, and ON CONFLICT
 * without a target, which would need SELECT on the target column).
 */
import { newId, sha256Hex } from '../crypto/random.js';
import type { Db } from '../db/database.js';

/** A sealed enquiry ready to store. */
export interface SealedEnquiry {
  readonly clinic: string;
  readonly kid: string;
  readonly enc: string;
  readonly ct: string;
  readonly source: 'js' | 'form';
}

/** Store a sealed enquiry. A replay of the same envelope is absorbed (idempotent). */
export async function writeToInbox(db: Db, enquiry: SealedEnquiry, receivedAt: string): Promise<void> {
  await db
    .insertInto('enquiry_inbox')
    .values({
      id: newId(),
      received_at: receivedAt,
      clinic_slug: enquiry.clinic,
      key_id: enquiry.kid,
      enc: enquiry.enc,
      ct: enquiry.ct,
      envelope_hash: sha256Hex(`${enquiry.kid}|${enquiry.enc}|${enquiry.ct}`),
      source: enquiry.source,
    })
    .onConflict((oc) => oc.doNothing())
    .execute();
}
