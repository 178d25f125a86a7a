/**
 * The intake tier's writes (through inbox.repository.ts): append a sealed
 * enquiry, and spend the form token it came with in the same transaction.
 */
import type { FormTokenUse } from '../crypto/form-token.js';
import { newId } from '../crypto/random.js';
import { sha256Hex } from '../crypto/digest.js';
import type { Kysely, Transaction } from 'kysely';
import type { InboxDatabase, InboxDb } from '../db/tables/intake.js';
import { appError } from '../platform/errors.js';
import { insertInboxRow, insertSpentFormToken } from './inbox.repository.js';

/** A sealed enquiry ready to store. */
export interface SealedEnquiry {
  readonly clinic: string;
  readonly kid: string;
  readonly enc: string;
  readonly ct: string;
  readonly source: 'js' | 'form';
}

/** Store a sealed enquiry. A replay of the same envelope is absorbed (idempotent). */
export async function writeToInbox<DB extends InboxDatabase>(db: Kysely<DB> | Transaction<DB>, enquiry: SealedEnquiry, receivedAt: string): Promise<void> {
  await insertInboxRow(db, {
    id: newId(),
    received_at: receivedAt,
    clinic_slug: enquiry.clinic,
    key_id: enquiry.kid,
    enc: enquiry.enc,
    ct: enquiry.ct,
    envelope_hash: sha256Hex(`${enquiry.kid}|${enquiry.enc}|${enquiry.ct}`),
    source: enquiry.source,
  });
}

/**
 * Accept a submission: spend its form token and store the sealed enquiry,
 * both or neither (a failed write leaves the token usable for a retry).
 * Throws `ENQUIRY_FORM_ALREADY_USED` if the token was spent before, by this
 * or any other intake instance writing to the same inbox.
 */
export async function acceptSubmission(db: InboxDb, token: FormTokenUse, enquiry: SealedEnquiry, receivedAt: string): Promise<void> {
  await db.transaction().execute(async (trx) => {
    if (!(await insertSpentFormToken(trx, { idHash: token.idHash, expiresAt: token.expiresAt.toISOString() }))) throw appError('ENQUIRY_FORM_ALREADY_USED');
    await writeToInbox(trx, enquiry, receivedAt);
  });
}
