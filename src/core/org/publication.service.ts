/** Builds and writes the intake publication from the core's database. */
import fs from 'node:fs';
import path from 'node:path';
import type { Db } from '../../db/database.js';
import { type Publication, parsePublication } from '../../intake/publication.js';
import { listIntakePublicKeys } from '../vault/vault.repository.js';
import { findOrganisation, listClinics } from './org.repository.js';

/** Build the publication, or undefined before `tacet init`. */
export async function buildPublication(db: Db): Promise<Publication | undefined> {
  const organisation = await findOrganisation(db);
  const keys = await listIntakePublicKeys(db);
  const active = keys.find((key) => key.status === 'active');
  if (!organisation || !active) return undefined;
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

/** Write the publication atomically (temp file + rename). */
export function writePublication(file: string, publication: Publication): void {
  fs.mkdirSync(path.dirname(file), { recursive: true, mode: 0o700 });
  const temp = `${file}.${process.pid}.tmp`;
  fs.writeFileSync(temp, `${JSON.stringify(publication, null, 2)}\n`, { mode: 0o644 });
  fs.renameSync(temp, file);
}
