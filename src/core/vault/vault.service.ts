/**
 * Seal state of the core tier. Core starts sealed; the keyring exists only
 * in this process's memory after an unseal, and is dropped by `seal()`.
 */
import type { AuditLog } from '../../audit/audit-log.js';
import {
  type Domain,
  initVault,
  type KeyMaterialRecord,
  newDomainKey,
  newIntakeKey,
  type Keyring,
  openKeyring,
  rotateVaultKey,
  UnsealError,
  type VaultInitOptions,
  vaultKeyFromPassphrase,
  vaultKeyFromShares,
} from '../../crypto/keyring.js';
import type { SymmetricKey } from '../../crypto/envelope.js';
import type { Db } from '../../db/database.js';
import type { Clock } from '../../platform/clock.js';
import { appError } from '../../platform/errors.js';
import { findVault, insertVault, listKeyMaterial } from './vault.repository.js';

/** What the vault looks like from outside. */
export type VaultStatus = { readonly state: 'uninitialised' } | { readonly state: 'sealed'; readonly sharesReceived: number; readonly threshold: number | null; readonly isDemo: boolean } | { readonly state: 'unsealed'; readonly isDemo: boolean };

/** The vault service. */
export interface VaultService {
  readonly status: () => Promise<VaultStatus>;
  /** Create the vault. Returns Shamir shares (if requested) exactly once. */
  readonly initialise: (options: VaultInitOptions & { isDemo?: boolean }) => Promise<{ shares: string[] }>;
  readonly unsealWithPassphrase: (passphrase: string, ip?: string | null) => Promise<void>;
  /** Add one custodian's share; unseals when the threshold is reached. */
  readonly submitShare: (share: string, ip?: string | null) => Promise<{ received: number; threshold: number; isUnsealed: boolean }>;
  /** The unsealed keyring. Throws VAULT_SEALED otherwise. */
  readonly keyring: () => Keyring;
  readonly isUnsealed: () => boolean;
  readonly seal: () => void;
  /**
   * Key rotation: with the unseal material (the vault key itself is never
   * kept), create the next version of a domain key, make it the one new
   * person keys are wrapped under, and reload the keyring (old versions stay
   * until the re-wrap job has moved every person key off them). Returns the new key id.
   */
  readonly rotateDomainKey: (domain: Domain, material: { passphrase?: string; shares?: readonly string[] }, actor: string, ip?: string | null) => Promise<string>;
  /**
   * Rotate the intake key pair: a new one is published for new enquiries; the
   * old ones are retired from the publication but keep opening what is
   * already sealed to them in the inbox (see `purgeDrainedIntakeKeys`).
   */
  readonly rotateIntakeKey: (material: { passphrase?: string; shares?: readonly string[] }, actor: string, ip?: string | null) => Promise<string>;
  /**
   * Rotate the vault key itself: new unseal methods (a new passphrase and/or
   * fresh Shamir shares; the old ones stop opening this installation), every
   * key-material record re-wrapped, in one transaction. Returns new shares once.
   */
  readonly rotateVaultKey: (material: { passphrase?: string; shares?: readonly string[] }, methods: { passphrase?: string; shamir?: { threshold: number; shares: number }; kdfParams?: VaultInitOptions['kdfParams'] }, actor: string, ip?: string | null) => Promise<{ shares: string[] }>;
}

/** Create the vault service. */
export function createVaultService(deps: { db: Db; audit: AuditLog; clock: Clock }): VaultService {
  let keyring: Keyring | undefined;
  let pendingShares: string[] = [];

  async function recordUnseal(outcome: 'success' | 'failure', method: string, ip: string | null | undefined): Promise<void> {
    await deps.db.transaction().execute((trx) => deps.audit.append(trx, [{ actor: 'system:vault', action: `vault.unseal.${method}`, outcome, ip: ip ?? null }]));
  }

  /** Recover the vault key by `method`, open the keyring, and audit the attempt either way. */
  async function unsealWith(method: 'passphrase' | 'shamir', ip: string | null | undefined, recover: () => Promise<SymmetricKey>): Promise<void> {
    try {
      const vaultKey = await recover();
      keyring = openKeyring(vaultKey, await listKeyMaterial(deps.db));
      vaultKey.bytes.fill(0);
    } catch (error) {
      if (error instanceof UnsealError) {
        await recordUnseal('failure', method, ip);
        throw appError('UNSEAL_FAILED');
      }
      throw error;
    }
    await recordUnseal('success', method, ip);
  }

  /** Recover the vault key from the operator's material for one rotation (audited either way), then forget it. */
  async function withVaultKey<T>(material: { passphrase?: string; shares?: readonly string[] }, actor: string, purpose: string, ip: string | null | undefined, work: (vaultKey: SymmetricKey, records: KeyMaterialRecord[]) => Promise<T>): Promise<T> {
    if (!keyring) throw appError('VAULT_SEALED');
    const vault = await loadVault();
    let vaultKey: SymmetricKey;
    try {
      if (material.passphrase) vaultKey = await vaultKeyFromPassphrase(vault.record, material.passphrase);
      else if (material.shares && material.shares.length > 0) vaultKey = await vaultKeyFromShares(vault.record, material.shares);
      else throw new UnsealError('unseal material required');
    } catch (error) {
      if (error instanceof UnsealError) {
        await deps.db.transaction().execute((trx) => deps.audit.append(trx, [{ actor, action: 'key.rotate', purpose, outcome: 'failure', ip: ip ?? null }]));
        throw appError('UNSEAL_FAILED');
      }
      throw error;
    }
    try {
      return await work(vaultKey, await listKeyMaterial(deps.db));
    } finally {
      vaultKey.bytes.fill(0);
    }
  }

  /** Store a new key version (and retire others) with its audit event, in one transaction. */
  async function store(record: KeyMaterialRecord, retire: readonly string[], actor: string, purpose: string, ip: string | null | undefined): Promise<void> {
    const at = deps.clock.now().toISOString();
    await deps.db.transaction().execute(async (trx) => {
      if (retire.length > 0) await trx.updateTable('key_material').set({ status: 'retired' }).where('id', 'in', [...retire]).execute();
      await trx.insertInto('key_material').values({ id: record.id, kind: record.kind, domain: record.domain, version: record.version, wrapped: record.wrapped, public_key: record.publicKey, status: record.status, created_at: at }).execute();
      await deps.audit.append(trx, [{ actor, action: 'key.rotate', recordRefs: [`key:${record.id}`], purpose, outcome: 'success', ip: ip ?? null }]);
    });
  }

  async function loadVault() {
    const vault = await findVault(deps.db);
    if (!vault) throw appError('VAULT_NOT_INITIALISED');
    return vault;
  }

  return {
    async status() {
      const vault = await findVault(deps.db);
      if (!vault) return { state: 'uninitialised' };
      if (keyring) return { state: 'unsealed', isDemo: vault.isDemo };
      return { state: 'sealed', sharesReceived: pendingShares.length, threshold: vault.record.shamir?.threshold ?? null, isDemo: vault.isDemo };
    },
    async initialise(options) {
      if (await findVault(deps.db)) throw appError('VAULT_ALREADY_INITIALISED');
      const init = await initVault(options);
      await insertVault(deps.db, init.vault, init.keys, options.isDemo ?? false, deps.clock.now().toISOString());
      await deps.db.transaction().execute((trx) => deps.audit.append(trx, [{ actor: 'system:vault', action: 'vault.initialise', outcome: 'success' }]));
      return { shares: init.shares };
    },
    async unsealWithPassphrase(passphrase, ip) {
      const vault = await loadVault();
      await unsealWith('passphrase', ip, () => vaultKeyFromPassphrase(vault.record, passphrase));
    },
    async submitShare(share, ip) {
      const vault = await loadVault();
      const threshold = vault.record.shamir?.threshold;
      if (!threshold) throw appError('UNSEAL_FAILED');
      if (!pendingShares.includes(share)) pendingShares.push(share);
      if (pendingShares.length < threshold) return { received: pendingShares.length, threshold, isUnsealed: false };
      const shares = pendingShares;
      pendingShares = [];
      await unsealWith('shamir', ip, () => vaultKeyFromShares(vault.record, shares));
      return { received: shares.length, threshold, isUnsealed: true };
    },
    keyring() {
      if (!keyring) throw appError('VAULT_SEALED');
      return keyring;
    },
    isUnsealed: () => keyring !== undefined,
    async rotateDomainKey(domain, material, actor, ip) {
      return withVaultKey(material, actor, domain, ip, async (vaultKey, records) => {
        const version = Math.max(0, ...records.filter((r) => r.kind === 'domain' && r.domain === domain).map((r) => r.version)) + 1;
        const record = newDomainKey(vaultKey, domain, version);
        await store(record, [], actor, domain, ip);
        keyring = openKeyring(vaultKey, [...records, record]);
        return record.id;
      });
    },
    async rotateIntakeKey(material, actor, ip) {
      return withVaultKey(material, actor, 'intake', ip, async (vaultKey, records) => {
        const version = Math.max(0, ...records.filter((r) => r.kind === 'intake-hpke').map((r) => r.version)) + 1;
        const record = newIntakeKey(vaultKey, version);
        // The old key pairs stop being published but keep opening what is already in the inbox sealed to them.
        const retire = records.filter((r) => r.kind === 'intake-hpke' && r.status === 'active').map((r) => r.id);
        await store(record, retire, actor, 'intake', ip);
        keyring = openKeyring(vaultKey, [...records.map((r) => (retire.includes(r.id) ? { ...r, status: 'retired' as const } : r)), record]);
        return record.id;
      });
    },
    async rotateVaultKey(material, methods, actor, ip) {
      return withVaultKey(material, actor, 'vault', ip, async (oldKey, records) => {
        const rotated = await rotateVaultKey(oldKey, records, methods);
        const at = deps.clock.now().toISOString();
        await deps.db.transaction().execute(async (trx) => {
          for (const record of rotated.records) {
            if (records.some((r) => r.id === record.id)) await trx.updateTable('key_material').set({ wrapped: record.wrapped }).where('id', '=', record.id).execute();
            else await trx.insertInto('key_material').values({ id: record.id, kind: record.kind, domain: record.domain, version: record.version, wrapped: record.wrapped, public_key: record.publicKey, status: record.status, created_at: at }).execute();
          }
          await trx.updateTable('vault').set({ record: JSON.stringify(rotated.vault) }).where('id', '=', 'vault').execute();
          await deps.audit.append(trx, [{ actor, action: 'key.rotate', recordRefs: ['key:vault'], purpose: `vault:${methods.passphrase ? 'passphrase' : ''}${methods.passphrase && methods.shamir ? '+' : ''}${methods.shamir ? `shamir-${methods.shamir.threshold}-of-${methods.shamir.shares}` : ''}`, outcome: 'success', ip: ip ?? null }]);
        });
        try {
          keyring = openKeyring(rotated.vaultKey, rotated.records);
        } finally {
          rotated.vaultKey.bytes.fill(0);
        }
        pendingShares = [];
        return { shares: rotated.shares };
      });
    },
    seal() {
      keyring = undefined;
      pendingShares = [];
    },
  };
}
