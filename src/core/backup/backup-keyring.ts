/** Opening the vault from the operator's unseal material: the CLI holds no key of its own. */
import type { SymmetricKey } from '../../crypto/envelope.js';
import { type Keyring, openKeyring } from '../../crypto/keyring.js';
import { type VaultRecord } from '../../crypto/key-material.js';
import { vaultKeyFromPassphrase, vaultKeyFromShares } from '../../crypto/vault-key.js';
import type { Db } from '../../db/database.js';
import { listKeyMaterial } from '../vault/vault.repository.js';
import { readVaultRow } from './backup.repository.js';

/** The unseal passphrase, or Shamir shares. */
export interface UnsealMaterial {
  readonly passphrase?: string | undefined;
  readonly shares?: readonly string[] | undefined;
}

/** The vault key `record` opens under `material` (the passphrase when given, else the shares). The caller zeroes it. */
export async function vaultKeyOf(record: VaultRecord, material: UnsealMaterial): Promise<SymmetricKey> {
  return material.passphrase ? vaultKeyFromPassphrase(record, material.passphrase) : vaultKeyFromShares(record, material.shares ?? []);
}

/** Open the vault with the operator's material (the CLI holds no key of its own). */
export async function keyringFrom(db: Db, material: UnsealMaterial, vaultRecord?: VaultRecord): Promise<Keyring> {
  const record = vaultRecord ?? (JSON.parse((await readVaultRow(db)).record) as VaultRecord);
  const vaultKey = await vaultKeyOf(record, material);
  try {
    return openKeyring(vaultKey, await listKeyMaterial(db));
  } finally {
    vaultKey.bytes.fill(0);
  }
}
