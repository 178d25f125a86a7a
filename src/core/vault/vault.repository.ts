/** Storage of the vault record and wrapped key material. Holds no plaintext keys. */
import type { KeyMaterialRecord, VaultRecord } from '../../crypto/key-material.js';
import type { Db } from '../../db/database.js';
import { signManifest } from '../../crypto/key-manifest.js';

/** A key-material record as its row. */
function keyMaterialRow(key: KeyMaterialRecord, at: string) {
  return { id: key.id, kind: key.kind, domain: key.domain, version: key.version, wrapped: key.wrapped, public_key: key.publicKey, status: key.status, created_at: at };
}

/** Load the vault record, if initialised. */
export async function findVault(db: Db): Promise<{ record: VaultRecord; isDemo: boolean } | undefined> {
  const row = await db.selectFrom('vault').selectAll().where('id', '=', 'vault').executeTakeFirst();
  return row ? { record: JSON.parse(row.record) as VaultRecord, isDemo: row.is_demo === 1 } : undefined;
}

/** Store a new vault and its key material in one transaction. */
export async function insertVault(db: Db, vault: VaultRecord, keys: readonly KeyMaterialRecord[], isDemo: boolean, at: string): Promise<void> {
  await db.transaction().execute(async (trx) => {
    await trx.insertInto('vault').values({ id: 'vault', record: JSON.stringify(vault), is_demo: isDemo ? 1 : 0, created_at: at }).execute();
    await trx
      .insertInto('key_material')
      .values(keys.map((key) => keyMaterialRow(key, at)))
      .execute();
  });
}

/** All wrapped key material. */
export async function listKeyMaterial(db: Db): Promise<KeyMaterialRecord[]> {
  const rows = await db.selectFrom('key_material').selectAll().orderBy('id').execute();
  return rows.map((row) => ({
    id: row.id,
    kind: row.kind as KeyMaterialRecord['kind'],
    domain: row.domain as KeyMaterialRecord['domain'],
    version: row.version,
    wrapped: row.wrapped,
    publicKey: row.public_key,
    status: row.status as KeyMaterialRecord['status'],
  }));
}

/** Public intake keys (no secrets), newest first. */
export async function listIntakePublicKeys(db: Db): Promise<{ kid: string; publicKey: string; status: string }[]> {
  const rows = await db.selectFrom('key_material').select(['id', 'public_key', 'status', 'version']).where('kind', '=', 'intake-hpke').orderBy('version', 'desc').execute();
  return rows.flatMap((row) => (row.public_key ? [{ kid: row.id, publicKey: row.public_key, status: row.status }] : []));
}

/** Store a new vault record (rotation, or the upgrade of a vault made before the key manifest). */
export async function updateVaultRecord(db: Db, vault: VaultRecord): Promise<void> {
  await db.updateTable('vault').set({ record: JSON.stringify(vault) }).where('id', '=', 'vault').execute();
}

/**
 * Re-MAC the key-material manifest over the rows as they stand inside `trx`,
 * after any change to key material (a new version, a retirement, a
 * destruction), in the same transaction as the change.
 */
export async function resealKeyManifest(trx: Db, manifestKey: Uint8Array): Promise<void> {
  const vault = await findVault(trx);
  if (!vault) throw new Error('no vault to reseal');
  await updateVaultRecord(trx, { ...vault.record, manifest: signManifest(manifestKey, await listKeyMaterial(trx)) });
}

/** Store one new key-material record. */
export async function insertKeyMaterial(db: Db, record: KeyMaterialRecord, at: string): Promise<void> {
  await db.insertInto('key_material').values(keyMaterialRow(record, at)).execute();
}

/** Replace a record's wrapped key (the vault key was rotated). */
export async function updateWrappedKey(db: Db, id: string, wrapped: string): Promise<void> {
  await db.updateTable('key_material').set({ wrapped }).where('id', '=', id).execute();
}

/** Retire these key versions (kept, for opening older backups). */
export async function retireKeyMaterial(db: Db, ids: readonly string[]): Promise<void> {
  await db.updateTable('key_material').set({ status: 'retired' }).where('id', 'in', [...ids]).execute();
}

/** Destroy a retired key version (only if it is still retired). */
export async function deleteRetiredKeyMaterial(db: Db, id: string): Promise<void> {
  await db.deleteFrom('key_material').where('id', '=', id).where('status', '=', 'retired').execute();
}

/** Every domain key version, oldest first (no secrets). */
export async function listDomainKeyVersions(db: Db): Promise<{ id: string; domain: string | null; status: string; version: number }[]> {
  return db.selectFrom('key_material').select(['id', 'domain', 'status', 'version']).where('kind', '=', 'domain').orderBy('version').execute();
}

/** Ids of the versions of `domain`'s key still active besides `activeId`. */
export async function listOtherActiveDomainKeyIds(db: Db, domain: string, activeId: string): Promise<string[]> {
  return (await db.selectFrom('key_material').select('id').where('kind', '=', 'domain').where('domain', '=', domain).where('status', '=', 'active').where('id', '<>', activeId).execute()).map((k) => k.id);
}

/** Ids of the retired intake key pairs. */
export async function listRetiredIntakeKeyIds(db: Db): Promise<string[]> {
  return (await db.selectFrom('key_material').select('id').where('kind', '=', 'intake-hpke').where('status', '=', 'retired').execute()).map((k) => k.id);
}
