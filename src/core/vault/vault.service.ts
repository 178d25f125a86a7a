/**
 * Seal state of the core tier. Core starts sealed; the keyring exists only
 * in this process's memory after an unseal, and is dropped by `seal()`.
 */
import type { AuditLog } from '../../audit/audit-log.js';
import { type Keyring, openKeyring } from '../../crypto/keyring.js';
import { type Domain, type KeyMaterialRecord, newDomainKey, newIntakeKey, UnsealError } from '../../crypto/key-material.js';
import { initVault, rotateVaultKey, upgradeLegacyVault, type VaultInitOptions, vaultKeyFromPassphrase, vaultKeyFromShares } from '../../crypto/vault-key.js';
import type { SymmetricKey } from '../../crypto/envelope.js';
import { KeyMaterialTamperedError, verifyManifest } from '../../crypto/key-manifest.js';
import type { AlertService } from '../detection/alert.service.js';
import type { Db } from '../../db/database.js';
import type { Clock } from '../../platform/clock.js';
import { appError } from '../../platform/errors.js';
import { findVault, insertKeyMaterial, insertVault, listKeyMaterial, resealKeyManifest, retireKeyMaterial, updateVaultRecord, updateWrappedKey } from './vault.repository.js';

/** Who asked for a key rotation, as its audit events record it (a staff member's fields come from `actorEvent`). */
interface RotationBy {
  readonly actor: string;
  readonly ip: string | null;
  readonly sessionId: string | null;
}

/** What the vault looks like from outside. */
export type VaultStatus = { readonly state: 'uninitialised' } | { readonly state: 'sealed'; readonly sharesReceived: number; readonly threshold: number | null; readonly isDemo: boolean } | { readonly state: 'unsealed'; readonly isDemo: boolean };

/** The vault service. */
export interface VaultService {
  readonly status: () => Promise<VaultStatus>;
  /** Create the vault. Returns Shamir shares (if requested) exactly once. */
  readonly initialise: (options: VaultInitOptions & { isDemo?: boolean }) => Promise<{ shares: string[]; intakePublicKeys: ReadonlyMap<string, string> }>;
  readonly unsealWithPassphrase: (passphrase: string, ip?: string | null) => Promise<void>;
  /** Add one custodian's share; unseals when the threshold is reached. */
  readonly submitShare: (share: string, ip?: string | null) => Promise<{ received: number; threshold: number; isUnsealed: boolean }>;
  /**
   * Before any publication: re-check the stored key material against its
   * manifest (refused, audited and alerted like a bad unseal), then answer
   * each intake key's public key as derived from its private key.
   */
  readonly publishableIntakeKeys: () => Promise<(kid: string) => string | undefined>;
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
  readonly rotateDomainKey: (domain: Domain, material: { passphrase?: string; shares?: readonly string[] }, actor: string, ip?: string | null, sessionId?: string | null) => Promise<string>;
  /**
   * Rotate the intake key pair: a new one is published for new enquiries; the
   * old ones are retired from the publication but keep opening what is
   * already sealed to them in the inbox (see `purgeDrainedIntakeKeys`).
   */
  readonly rotateIntakeKey: (material: { passphrase?: string; shares?: readonly string[] }, actor: string, ip?: string | null, sessionId?: string | null) => Promise<string>;
  /**
   * Rotate the vault key itself: new unseal methods (a new passphrase and/or
   * fresh Shamir shares; the old ones stop opening this installation), every
   * key-material record re-wrapped, in one transaction. Returns new shares once.
   */
  readonly rotateVaultKey: (material: { passphrase?: string; shares?: readonly string[] }, methods: { passphrase?: string; shamir?: { threshold: number; shares: number }; kdfParams?: VaultInitOptions['kdfParams'] }, actor: string, ip?: string | null, sessionId?: string | null) => Promise<{ shares: string[] }>;
}

/**
 * Create the vault service. `alerts` (the core's alert service) is told, as
 * a critical alert, when stored key material does not match what the vault
 * key authenticates; the CLI's short-lived services leave it out and the
 * refusal is audited all the same.
 */
export function createVaultService(deps: { db: Db; audit: AuditLog; clock: Clock; alerts?: AlertService }): VaultService {
  let keyring: Keyring | undefined;
  let pendingShares: string[] = [];

  async function recordUnseal(outcome: 'success' | 'failure', method: string, ip: string | null | undefined): Promise<void> {
    await deps.db.transaction().execute((trx) => deps.audit.append(trx, [{ actor: 'system:vault', action: `vault.unseal.${method}`, outcome, ip: ip ?? null }]));
  }

  /** Recover the vault key by `method`, open the keyring, and audit the attempt either way. */
  async function unsealWith(method: 'passphrase' | 'shamir', ip: string | null | undefined, recover: () => Promise<SymmetricKey>): Promise<void> {
    try {
      const vaultKey = await recover();
      try {
        const vault = await loadVault();
        const records = await listKeyMaterial(deps.db);
        keyring = openKeyring(vaultKey, records, vault.record);
        const upgraded = upgradeLegacyVault(vault.record, vaultKey, records);
        if (upgraded) await updateVaultRecord(deps.db, upgraded);
      } finally {
        vaultKey.bytes.fill(0);
      }
    } catch (error) {
      if (error instanceof KeyMaterialTamperedError) {
        keyring = undefined;
        await refuseTampered(`vault.unseal.${method}`, error, ip);
      }
      if (error instanceof UnsealError) {
        await recordUnseal('failure', method, ip);
        throw appError('UNSEAL_FAILED');
      }
      throw error;
    }
    await recordUnseal('success', method, ip);
  }

  /**
   * SECURITY: key material that does not match its manifest, or a public key
   * that is not its private key's, means someone wrote to the database.
   * Refuse (nothing is unsealed or published, nothing sealed is lost), audit
   * and raise a critical alert. The reason names key ids only.
   */
  async function refuseTampered(action: string, error: KeyMaterialTamperedError, ip: string | null | undefined): Promise<never> {
    await deps.db.transaction().execute(async (trx) => {
      await deps.audit.append(trx, [{ actor: 'system:vault', action, purpose: 'key-material-tampered', outcome: 'failure', ip: ip ?? null }]);
      await deps.alerts?.raise(trx, { severity: 'critical', rule: 'key-material-tampered', staffId: null, detail: `Stored key material failed its integrity check (${error.message}); the vault stays sealed and nothing is published. Restore key_material from a verified backup.` });
    });
    throw appError('KEY_MATERIAL_TAMPERED');
  }

  /** Recover the vault key from the operator's material for one rotation (audited either way), then forget it. */
  async function withVaultKey<T>(material: { passphrase?: string; shares?: readonly string[] }, by: RotationBy, purpose: string, work: (vaultKey: SymmetricKey, records: KeyMaterialRecord[]) => Promise<T>): Promise<T> {
    if (!keyring) throw appError('VAULT_SEALED');
    const vault = await loadVault();
    let vaultKey: SymmetricKey;
    try {
      if (material.passphrase) vaultKey = await vaultKeyFromPassphrase(vault.record, material.passphrase);
      else if (material.shares && material.shares.length > 0) vaultKey = await vaultKeyFromShares(vault.record, material.shares);
      else throw new UnsealError('unseal material required');
    } catch (error) {
      if (error instanceof UnsealError) {
        await deps.db.transaction().execute((trx) => deps.audit.append(trx, [{ ...by, action: 'key.rotate', purpose, outcome: 'failure' }]));
        throw appError('UNSEAL_FAILED');
      }
      throw error;
    }
    try {
      const records = await listKeyMaterial(deps.db);
      try {
        openKeyring(vaultKey, records, vault.record);
      } catch (error) {
        if (error instanceof KeyMaterialTamperedError) await refuseTampered('key.rotate', error, by.ip);
        throw error;
      }
      return await work(vaultKey, records);
    } finally {
      vaultKey.bytes.fill(0);
    }
  }

  /** Store a new key version (and retire others) with its audit event, in one transaction. */
  async function store(record: KeyMaterialRecord, retire: readonly string[], by: RotationBy, purpose: string): Promise<void> {
    const at = deps.clock.now().toISOString();
    const { manifestKey } = currentKeyring();
    await deps.db.transaction().execute(async (trx) => {
      if (retire.length > 0) await retireKeyMaterial(trx, retire);
      await insertKeyMaterial(trx, record, at);
      await resealKeyManifest(trx, manifestKey);
      await deps.audit.append(trx, [{ ...by, action: 'key.rotate', recordRefs: [`key:${record.id}`], purpose, outcome: 'success' }]);
    });
  }

  function currentKeyring(): Keyring {
    if (!keyring) throw appError('VAULT_SEALED');
    return keyring;
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
      // The keys were made in this process a moment ago: their public keys are the ones to publish.
      const intakePublicKeys = new Map(init.keys.flatMap((k) => (k.kind === 'intake-hpke' && k.publicKey ? [[k.id, k.publicKey] as const] : [])));
      return { shares: init.shares, intakePublicKeys };
    },
    async publishableIntakeKeys() {
      const current = currentKeyring();
      const vault = await loadVault();
      try {
        verifyManifest(current.manifestKey, await listKeyMaterial(deps.db), vault.record.manifest);
      } catch (error) {
        if (error instanceof KeyMaterialTamperedError) await refuseTampered('key.publish', error, null);
        throw error;
      }
      return (kid) => current.intakePublicKey(kid);
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
    keyring: currentKeyring,
    isUnsealed: () => keyring !== undefined,
    async rotateDomainKey(domain, material, actor, ip, sessionId) {
      const by = { actor, ip: ip ?? null, sessionId: sessionId ?? null };
      return withVaultKey(material, by, domain, async (vaultKey, records) => {
        const version = Math.max(0, ...records.filter((r) => r.kind === 'domain' && r.domain === domain).map((r) => r.version)) + 1;
        const record = newDomainKey(vaultKey, domain, version);
        await store(record, [], by, domain);
        keyring = openKeyring(vaultKey, await listKeyMaterial(deps.db), (await loadVault()).record);
        return record.id;
      });
    },
    async rotateIntakeKey(material, actor, ip, sessionId) {
      const by = { actor, ip: ip ?? null, sessionId: sessionId ?? null };
      return withVaultKey(material, by, 'intake', async (vaultKey, records) => {
        const version = Math.max(0, ...records.filter((r) => r.kind === 'intake-hpke').map((r) => r.version)) + 1;
        const record = newIntakeKey(vaultKey, version);
        // The old key pairs stop being published but keep opening what is already in the inbox sealed to them.
        const retire = records.filter((r) => r.kind === 'intake-hpke' && r.status === 'active').map((r) => r.id);
        await store(record, retire, by, 'intake');
        keyring = openKeyring(vaultKey, await listKeyMaterial(deps.db), (await loadVault()).record);
        return record.id;
      });
    },
    async rotateVaultKey(material, methods, actor, ip, sessionId) {
      const by = { actor, ip: ip ?? null, sessionId: sessionId ?? null };
      return withVaultKey(material, by, 'vault', async (oldKey, records) => {
        const rotated = await rotateVaultKey(oldKey, records, methods);
        const at = deps.clock.now().toISOString();
        await deps.db.transaction().execute(async (trx) => {
          for (const record of rotated.records) {
            if (records.some((r) => r.id === record.id)) await updateWrappedKey(trx, record.id, record.wrapped);
            else await insertKeyMaterial(trx, record, at);
          }
          await updateVaultRecord(trx, rotated.vault);
          await deps.audit.append(trx, [{ ...by, action: 'key.rotate', recordRefs: ['key:vault'], purpose: `vault:${methods.passphrase ? 'passphrase' : ''}${methods.passphrase && methods.shamir ? '+' : ''}${methods.shamir ? `shamir-${methods.shamir.threshold}-of-${methods.shamir.shares}` : ''}`, outcome: 'success' }]);
        });
        try {
          keyring = openKeyring(rotated.vaultKey, await listKeyMaterial(deps.db), rotated.vault);
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
