/**
 * The write entrance: a sealer that encrypts new records (and files) under
 * one person's key for a domain, and opens nothing. The caller has admitted
 * the write through the gate and audits it with the row it writes.
 */
import { createPersonKey } from '../../crypto/keyring.js';
import { type Domain } from '../../crypto/key-material.js';
import type { Db } from '../../db/database.js';
import type { Clock } from '../../platform/clock.js';
import { findWrappedKey, insertPersonKeyIfAbsent } from '../persons/persons.repository.js';
import type { VaultService } from '../vault/vault.service.js';
import { openSealer, type PersonSealer } from './admission.js';

/** The sealer for `domain`: the person's key, created (wrapped under the active domain key) the first time the domain is used. */
export async function sealerFor(deps: { readonly db: Db; readonly vault: VaultService; readonly clock: Clock }, personId: string, domain: Domain): Promise<PersonSealer> {
  const keyring = deps.vault.keyring();
  let wrapped = await findWrappedKey(deps.db, personId, domain);
  if (!wrapped) {
    const created = createPersonKey(keyring, personId, domain);
    await insertPersonKeyIfAbsent(deps.db, personId, { domain, wrappingKeyId: created.wrappingKeyId, wrapped: created.wrapped }, deps.clock.now().toISOString());
    // Another request may have won the race: whatever is stored is the key.
    wrapped = await findWrappedKey(deps.db, personId, domain);
    if (!wrapped) throw new Error(`missing ${domain} key for a person`);
  }
  return openSealer(keyring, personId, domain, wrapped);
}
