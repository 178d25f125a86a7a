/** Consent forms (organisation documents), signatures, photo-consent scopes and single-use signing links. */
import type { Insertable, Selectable } from 'kysely';
import type { Database, Db } from '../../db/database.js';

export type FormRow = Selectable<Database['consent_forms']>;

export async function findForm(db: Db, formId: string): Promise<FormRow | undefined> {
  return db.selectFrom('consent_forms').selectAll().where('id', '=', formId).executeTakeFirst();
}

/** A form that must exist (the one a signing link was made for). */
export async function getForm(db: Db, formId: string): Promise<FormRow> {
  return db.selectFrom('consent_forms').selectAll().where('id', '=', formId).executeTakeFirstOrThrow();
}

/** The highest version of a form in an organisation, as the database returns it (undefined or null when none). */
export async function latestFormVersion(db: Db, organisationId: string, procedureKey: string) {
  const latest = await db.selectFrom('consent_forms').select((eb) => eb.fn.max('version').as('version')).where('organisation_id', '=', organisationId).where('procedure_key', '=', procedureKey).executeTakeFirst();
  return latest?.version;
}

export async function insertForm(db: Db, form: Insertable<Database['consent_forms']>): Promise<void> {
  await db.insertInto('consent_forms').values(form).execute();
}

/** Every version of every form of an organisation: by procedure key, newest version first. */
export async function listFormVersions(db: Db, organisationId: string): Promise<FormRow[]> {
  return db.selectFrom('consent_forms').selectAll().where('organisation_id', '=', organisationId).orderBy('procedure_key').orderBy('version', 'desc').execute();
}

export async function insertConsent(db: Db, consent: Insertable<Database['consents']>): Promise<void> {
  await db.insertInto('consents').values(consent).execute();
}

/** Grant (by this consent) or withdraw one photo scope, as a signed photo-consent form states it. */
export async function setPhotoScope(db: Db, patientId: string, scope: string, consentId: string, signedAt: string, isGranted: boolean): Promise<void> {
  await db
    .insertInto('photo_consents')
    .values({ patient_id: patientId, scope, consent_id: consentId, granted_at: signedAt, withdrawn_at: isGranted ? null : signedAt })
    .onConflict((oc) => oc.columns(['patient_id', 'scope']).doUpdateSet(isGranted ? { consent_id: consentId, granted_at: signedAt, withdrawn_at: null } : { withdrawn_at: signedAt }))
    .execute();
}

/** Withdraw a granted photo scope (no change if it is not granted). */
export async function withdrawPhotoScope(db: Db, patientId: string, scope: string, at: string): Promise<void> {
  await db.updateTable('photo_consents').set({ withdrawn_at: at }).where('patient_id', '=', patientId).where('scope', '=', scope).where('withdrawn_at', 'is', null).execute();
}

export async function insertConsentLink(db: Db, link: Insertable<Database['consent_links']>): Promise<void> {
  await db.insertInto('consent_links').values(link).execute();
}

export async function findConsentLink(db: Db, tokenHash: string) {
  return db.selectFrom('consent_links').selectAll().where('token_hash', '=', tokenHash).executeTakeFirst();
}

/** Mark a link used unless it already is. Returns whether this call claimed it. */
export async function claimConsentLink(db: Db, tokenHash: string, at: string): Promise<boolean> {
  const claimed = await db.updateTable('consent_links').set({ used_at: at }).where('token_hash', '=', tokenHash).where('used_at', 'is', null).executeTakeFirst();
  return Number(claimed.numUpdatedRows) === 1;
}

/** Make a claimed link usable again. */
export async function releaseConsentLink(db: Db, tokenHash: string): Promise<void> {
  await db.updateTable('consent_links').set({ used_at: null }).where('token_hash', '=', tokenHash).execute();
}
