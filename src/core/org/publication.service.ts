/** Builds and writes the intake publication from the core's database. */
import fs from 'node:fs';
import path from 'node:path';
import { KeyMaterialTamperedError } from '../../crypto/key-manifest.js';
import type { Db } from '../../db/database.js';
import { type Publication, parsePublication } from '../../intake/publication.js';
import { listIntakePublicKeys } from '../vault/vault.repository.js';
import { findOrganisation, listClinics } from './org.repository.js';
import type { VaultService } from '../vault/vault.service.js';

/**
 * Build the publication, or undefined before `tacet init`. `verifiedKey`
 * gives each intake key's public key as this process knows it from the
 * private key (the unsealed keyring, or the keys `init` just made).
 * SECURITY: a stored public key that differs was written by someone else;
 * it is never published (`KeyMaterialTamperedError`), so browsers cannot be
 * made to seal enquiries to an attacker's key.
 */
export async function buildPublication(db: Db, verifiedKey: (kid: string) => string | undefined): Promise<Publication | undefined> {
  const organisation = await findOrganisation(db);
  const keys = await listIntakePublicKeys(db);
  const active = keys.find((key) => key.status === 'active');
  if (!organisation || !active) return undefined;
  for (const key of keys) {
    if (key.status === 'active' && verifiedKey(key.kid) !== key.publicKey) throw new KeyMaterialTamperedError(`the stored public key of ${key.kid} is not the one its private key gives`);
  }
  const clinics = await listClinics(db);
  return parsePublication({
    version: 1,
    organisation: organisation.name,
    clinics: clinics.map((clinic) => ({ slug: clinic.slug, name: clinic.name })),
    activeKid: active.kid,
    // Only the active key is published: after a rotation, forms sealed to a retired key are refused ("reload the form").
    keys: keys.filter((key) => key.status === 'active').map((key) => ({ kid: key.kid, publicKey: key.publicKey })),
  });
}

/**
 * Publish what the vault vouches for: with the vault unsealed, rebuild the
 * publication from verified keys (the manifest is checked again first) and
 * write it; while sealed, keep the one a verified core wrote last (the
 * intake goes on accepting enquiries sealed to it). Undefined if there is none.
 */
export async function publishIntakeKeys(deps: { db: Db; vault: VaultService; publicationFile: string }): Promise<Publication | undefined> {
  if (!deps.vault.isUnsealed()) return readPublication(deps.publicationFile);
  const publication = await buildPublication(deps.db, await deps.vault.publishableIntakeKeys());
  if (publication) writePublication(deps.publicationFile, publication);
  return publication;
}

/** The publication file as last written, if any. */
export function readPublication(file: string): Publication | undefined {
  if (!fs.existsSync(file)) return undefined;
  return parsePublication(JSON.parse(fs.readFileSync(file, 'utf8')) as unknown);
}

/** Write the publication atomically (temp file + rename). */
export function writePublication(file: string, publication: Publication): void {
  fs.mkdirSync(path.dirname(file), { recursive: true, mode: 0o700 });
  const temp = `${file}.${process.pid}.tmp`;
  fs.writeFileSync(temp, `${JSON.stringify(publication, null, 2)}\n`, { mode: 0o644 });
  fs.renameSync(temp, file);
}
