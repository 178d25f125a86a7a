/**
 * Second factors as stored: TOTP seeds (sealed envelopes), passkeys (public
 * keys and signature counters) and recovery codes (SHA-256 hashes only).
 */
import type { Insertable, Selectable } from 'kysely';
import type { Db } from '../db/database.js';
import type { StaffPasskeysTable, StaffTotpTable } from '../db/tables.js';

export type TotpRow = Selectable<StaffTotpTable>;
export type PasskeyRow = Selectable<StaffPasskeysTable>;

// ---- TOTP ----

export async function findTotp(db: Db, staffId: string): Promise<TotpRow | undefined> {
  return db.selectFrom('staff_totp').selectAll().where('staff_id', '=', staffId).executeTakeFirst();
}

/** When the TOTP enrolment was confirmed (undefined: none; null: pending). */
export async function findTotpConfirmedAt(db: Db, staffId: string): Promise<{ confirmed_at: string | null } | undefined> {
  return db.selectFrom('staff_totp').select('confirmed_at').where('staff_id', '=', staffId).executeTakeFirst();
}

export async function hasConfirmedTotp(db: Db, staffId: string): Promise<boolean> {
  const row = await db.selectFrom('staff_totp').select('staff_id').where('staff_id', '=', staffId).where('confirmed_at', 'is not', null).executeTakeFirst();
  return row !== undefined;
}

export async function insertTotp(db: Db, row: Insertable<StaffTotpTable>): Promise<void> {
  await db.insertInto('staff_totp').values(row).execute();
}

export async function deleteTotp(db: Db, staffId: string): Promise<void> {
  await db.deleteFrom('staff_totp').where('staff_id', '=', staffId).execute();
}

export async function confirmTotp(db: Db, staffId: string, at: string, step: number): Promise<void> {
  await db.updateTable('staff_totp').set({ confirmed_at: at, last_step: step }).where('staff_id', '=', staffId).execute();
}

/** Compare-and-set of the last used time step: answers whether `step` was newer (and is now the last one). */
export async function advanceTotpStep(db: Db, staffId: string, step: number): Promise<boolean> {
  const result = await db.updateTable('staff_totp').set({ last_step: step }).where('staff_id', '=', staffId).where('last_step', '<', step).executeTakeFirst();
  return Number(result.numUpdatedRows) === 1;
}

// ---- Passkeys ----

export async function listPasskeys(db: Db, staffId: string): Promise<PasskeyRow[]> {
  return db.selectFrom('staff_passkeys').selectAll().where('staff_id', '=', staffId).execute();
}

export async function hasPasskey(db: Db, staffId: string): Promise<boolean> {
  const row = await db.selectFrom('staff_passkeys').select('id').where('staff_id', '=', staffId).executeTakeFirst();
  return row !== undefined;
}

export async function findPasskey(db: Db, staffId: string, credentialId: string): Promise<PasskeyRow | undefined> {
  return db.selectFrom('staff_passkeys').selectAll().where('id', '=', credentialId).where('staff_id', '=', staffId).executeTakeFirst();
}

export async function insertPasskey(db: Db, row: Insertable<StaffPasskeysTable>): Promise<void> {
  await db.insertInto('staff_passkeys').values(row).execute();
}

export async function markPasskeyUsed(db: Db, credentialId: string, counter: number, at: string): Promise<void> {
  await db.updateTable('staff_passkeys').set({ counter, last_used_at: at }).where('id', '=', credentialId).execute();
}

/** Answers whether the staff member had that passkey. */
export async function deletePasskey(db: Db, staffId: string, credentialId: string): Promise<boolean> {
  const result = await db.deleteFrom('staff_passkeys').where('staff_id', '=', staffId).where('id', '=', credentialId).executeTakeFirst();
  return Number(result.numDeletedRows) > 0;
}

// ---- Recovery codes ----

export async function countUnusedRecoveryCodes(db: Db, staffId: string): Promise<number> {
  const rows = await db.selectFrom('staff_recovery_codes').select('code_hash').where('staff_id', '=', staffId).where('used_at', 'is', null).execute();
  return rows.length;
}

/** Replace all of a staff member's recovery codes (one transaction). */
export async function replaceRecoveryCodes(db: Db, staffId: string, codeHashes: readonly string[], at: string): Promise<void> {
  await db.transaction().execute(async (trx) => {
    await trx.deleteFrom('staff_recovery_codes').where('staff_id', '=', staffId).execute();
    await trx.insertInto('staff_recovery_codes').values(codeHashes.map((codeHash) => ({ staff_id: staffId, code_hash: codeHash, used_at: null, created_at: at }))).execute();
  });
}

/** Spend an unused recovery code: answers whether there was one with that hash. */
export async function useRecoveryCode(db: Db, staffId: string, codeHash: string, at: string): Promise<boolean> {
  const result = await db.updateTable('staff_recovery_codes').set({ used_at: at }).where('staff_id', '=', staffId).where('code_hash', '=', codeHash).where('used_at', 'is', null).executeTakeFirst();
  return Number(result.numUpdatedRows) === 1;
}

// ---- Many staff at once ----

/** Which of these staff members have a passkey (one row per passkey). */
export async function listPasskeyOwners(db: Db, staffIds: readonly string[]): Promise<{ staff_id: string }[]> {
  return db.selectFrom('staff_passkeys').select('staff_id').where('staff_id', 'in', [...staffIds]).execute();
}

/** Which of these staff members have a confirmed authenticator app. */
export async function listConfirmedTotpOwners(db: Db, staffIds: readonly string[]): Promise<{ staff_id: string }[]> {
  return db.selectFrom('staff_totp').select('staff_id').where('staff_id', 'in', [...staffIds]).where('confirmed_at', 'is not', null).execute();
}
