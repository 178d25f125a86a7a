/**
 * The core's half of single-use form tokens: the intake records each token it
 * accepted (intake/inbox-writer.ts) and cannot delete; the core purges the
 * records of tokens that have expired, which the intake refuses as expired
 * anyway. So the ledger holds at most one row per enquiry accepted within the
 * form's maximum age.
 */
import type { Db } from '../../db/database.js';

/** Delete the records of spent tokens that expired before `now`. Returns how many went. */
export async function purgeSpentFormTokens(db: Db, now: Date): Promise<number> {
  const result = await db.deleteFrom('form_token_uses').where('expires_at', '<', now.toISOString()).executeTakeFirst();
  return Number(result.numDeletedRows);
}
