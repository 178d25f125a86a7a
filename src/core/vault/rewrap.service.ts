/**
 * After a domain key is rotated, every person key wrapped by an older version
 * is re-wrapped under the active one, in small batches in the background,
 * while the system keeps serving (the keyring holds both versions until the
 * move is done; a row is only replaced if it has not changed meanwhile).
 * When no person key refers to an old version any more, that version is
 * retired. Restartable: the work left is whatever still refers to an old
 * version.
 */
import type { AuditLog } from '../../audit/audit-log.js';
import { rewrapPersonKey } from '../../crypto/keyring.js';
import { DOMAINS } from '../../crypto/key-material.js';
import type { Db } from '../../db/database.js';
import type { KeySource } from '../../crypto/key-source.js';
import type { Clock } from '../../platform/clock.js';
import { countPersonKeys, countPersonKeysToRewrap, isIntakeKeyStillNeeded, listPersonKeysToRewrap, replacePersonKeyIfUnchanged } from './rewrap.repository.js';
import { deleteRetiredKeyMaterial, listDomainKeyVersions, listOtherActiveDomainKeyIds, listRetiredIntakeKeyIds, resealKeyManifest, retireKeyMaterial } from './vault.repository.js';

export interface DomainKeyStatus {
  readonly domain: string;
  readonly activeKeyId: string;
  readonly versions: readonly { readonly id: string; readonly status: string }[];
  readonly personKeys: number;
  readonly toRewrap: number;
}

export interface RewrapService {
  /** Re-wrap up to `batch` person keys per domain; returns how many were moved and how many are left. */
  readonly runOnce: (batch?: number) => Promise<{ rewrapped: number; remaining: number }>;
  /** Run until nothing is left (one run at a time). */
  readonly drain: () => Promise<number>;
  readonly status: () => Promise<DomainKeyStatus[]>;
}

export function createRewrapService(deps: { db: Db; vault: KeySource; audit: AuditLog; clock: Clock }): RewrapService {
  const { db } = deps;
  let running: Promise<number> | undefined;

  async function runOnce(batch = 500): Promise<{ rewrapped: number; remaining: number }> {
    if (!deps.vault.isUnsealed()) return { rewrapped: 0, remaining: 0 };
    const keyring = deps.vault.keyring();
    let rewrapped = 0;
    let remaining = 0;
    for (const domain of DOMAINS) {
      const activeId = keyring.activeDomainKey(domain).id;
      const rows = await listPersonKeysToRewrap(db, domain, activeId, batch);
      if (rows.length > 0) {
        await db.transaction().execute(async (trx) => {
          for (const row of rows) {
            const next = rewrapPersonKey(keyring, row.person_id, domain, row.wrapped_dek);
            // Only if unchanged since read (a concurrent writer wins; the next pass picks it up again).
            await replacePersonKeyIfUnchanged(trx, { personId: row.person_id, domain, previous: row.wrapped_dek, wrapped: next.wrapped, wrappingKeyId: next.wrappingKeyId });
          }
          await deps.audit.append(trx, [{ actor: 'system:key-rotation', action: 'key.rewrap', recordRefs: [`key:${activeId}`], purpose: `person-keys:${rows.length}`, outcome: 'success' }]);
        });
        rewrapped += rows.length;
      }
      const left = await countPersonKeysToRewrap(db, domain, activeId);
      remaining += left;
      if (left === 0) {
        // Nothing refers to the older versions any more: retire them (kept, for opening older backups).
        const stale = await listOtherActiveDomainKeyIds(db, domain, activeId);
        if (stale.length > 0) {
          await db.transaction().execute(async (trx) => {
            await retireKeyMaterial(trx, stale);
            await resealKeyManifest(trx, keyring.manifestKey);
            await deps.audit.append(trx, [{ actor: 'system:key-rotation', action: 'key.retire', recordRefs: stale.map((id) => `key:${id}`), purpose: domain, outcome: 'success' }]);
          });
        }
      }
    }
    await destroyDrainedIntakeKeys();
    return { rewrapped, remaining };
  }

  /**
   * A retired intake key is needed only for what is still sealed to it in the
   * inbox (or held in quarantine). Once none is left it is destroyed: a stolen
   * copy of it can open nothing of ours any more.
   */
  async function destroyDrainedIntakeKeys(): Promise<string[]> {
    const retired = await listRetiredIntakeKeyIds(db);
    const destroyed: string[] = [];
    for (const keyId of retired) {
      if (await isIntakeKeyStillNeeded(db, keyId)) continue;
      await db.transaction().execute(async (trx) => {
        await deleteRetiredKeyMaterial(trx, keyId);
        await resealKeyManifest(trx, deps.vault.keyring().manifestKey);
        await deps.audit.append(trx, [{ actor: 'system:key-rotation', action: 'key.destroy', recordRefs: [`key:${keyId}`], purpose: 'intake:drained', outcome: 'success' }]);
      });
      destroyed.push(keyId);
    }
    return destroyed;
  }

  return {
    runOnce,
    drain() {
      running ??= (async () => {
        let total = 0;
        for (;;) {
          const pass = await runOnce();
          total += pass.rewrapped;
          if (pass.remaining === 0 || pass.rewrapped === 0) return total;
        }
      })().finally(() => {
        running = undefined;
      });
      return running;
    },
    async status() {
      const keyring = deps.vault.keyring();
      const material = await listDomainKeyVersions(db);
      const out: DomainKeyStatus[] = [];
      for (const domain of DOMAINS) {
        const activeKeyId = keyring.activeDomainKey(domain).id;
        const personKeys = await countPersonKeys(db, domain);
        out.push({ domain, activeKeyId, versions: material.filter((m) => m.domain === domain).map((m) => ({ id: m.id, status: m.id === activeKeyId ? 'active' : m.status === 'active' ? 'draining' : m.status })), personKeys, toRewrap: await countPersonKeysToRewrap(db, domain, activeKeyId) });
      }
      return out;
    },
  };
}
