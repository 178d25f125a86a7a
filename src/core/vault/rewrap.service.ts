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
import { DOMAINS, rewrapPersonKey } from '../../crypto/keyring.js';
import type { Db } from '../../db/database.js';
import type { Clock } from '../../platform/clock.js';
import type { VaultService } from './vault.service.js';
import { resealKeyManifest } from './vault.repository.js';

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

export function createRewrapService(deps: { db: Db; vault: VaultService; audit: AuditLog; clock: Clock }): RewrapService {
  const { db } = deps;
  let running: Promise<number> | undefined;

  async function remainingFor(domain: string, activeId: string): Promise<number> {
    const row = await db.selectFrom('person_keys').select((eb) => eb.fn.countAll<number>().as('n')).where('domain', '=', domain).where('wrapping_key_id', '<>', activeId).executeTakeFirst();
    return Number(row?.n ?? 0);
  }

  async function runOnce(batch = 500): Promise<{ rewrapped: number; remaining: number }> {
    if (!deps.vault.isUnsealed()) return { rewrapped: 0, remaining: 0 };
    const keyring = deps.vault.keyring();
    let rewrapped = 0;
    let remaining = 0;
    for (const domain of DOMAINS) {
      const activeId = keyring.activeDomainKey(domain).id;
      const rows = await db.selectFrom('person_keys').select(['person_id', 'wrapped_dek']).where('domain', '=', domain).where('wrapping_key_id', '<>', activeId).limit(batch).execute();
      if (rows.length > 0) {
        await db.transaction().execute(async (trx) => {
          for (const row of rows) {
            const next = rewrapPersonKey(keyring, row.person_id, domain, row.wrapped_dek);
            // Only if unchanged since read (a concurrent writer wins; the next pass picks it up again).
            await trx.updateTable('person_keys').set({ wrapped_dek: next.wrapped, wrapping_key_id: next.wrappingKeyId }).where('person_id', '=', row.person_id).where('domain', '=', domain).where('wrapped_dek', '=', row.wrapped_dek).execute();
          }
          await deps.audit.append(trx, [{ actor: 'system:key-rotation', action: 'key.rewrap', recordRefs: [`key:${activeId}`], purpose: `person-keys:${rows.length}`, outcome: 'success' }]);
        });
        rewrapped += rows.length;
      }
      const left = await remainingFor(domain, activeId);
      remaining += left;
      if (left === 0) {
        // Nothing refers to the older versions any more: retire them (kept, for opening older backups).
        const stale = await db.selectFrom('key_material').select('id').where('kind', '=', 'domain').where('domain', '=', domain).where('status', '=', 'active').where('id', '<>', activeId).execute();
        if (stale.length > 0) {
          await db.transaction().execute(async (trx) => {
            await trx.updateTable('key_material').set({ status: 'retired' }).where('id', 'in', stale.map((k) => k.id)).execute();
            await resealKeyManifest(trx, keyring.manifestKey);
            await deps.audit.append(trx, [{ actor: 'system:key-rotation', action: 'key.retire', recordRefs: stale.map((k) => `key:${k.id}`), purpose: domain, outcome: 'success' }]);
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
    const retired = await db.selectFrom('key_material').select('id').where('kind', '=', 'intake-hpke').where('status', '=', 'retired').execute();
    const destroyed: string[] = [];
    for (const key of retired) {
      const waiting = await db.selectFrom('enquiry_inbox').select('id').where('key_id', '=', key.id).executeTakeFirst();
      const held = await db.selectFrom('inbox_quarantine').select('id').where('key_id', '=', key.id).executeTakeFirst();
      if (waiting || held) continue;
      await db.transaction().execute(async (trx) => {
        await trx.deleteFrom('key_material').where('id', '=', key.id).where('status', '=', 'retired').execute();
        await resealKeyManifest(trx, deps.vault.keyring().manifestKey);
        await deps.audit.append(trx, [{ actor: 'system:key-rotation', action: 'key.destroy', recordRefs: [`key:${key.id}`], purpose: 'intake:drained', outcome: 'success' }]);
      });
      destroyed.push(key.id);
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
      const material = await db.selectFrom('key_material').select(['id', 'domain', 'status', 'version']).where('kind', '=', 'domain').orderBy('version').execute();
      const out: DomainKeyStatus[] = [];
      for (const domain of DOMAINS) {
        const activeKeyId = keyring.activeDomainKey(domain).id;
        const total = await db.selectFrom('person_keys').select((eb) => eb.fn.countAll<number>().as('n')).where('domain', '=', domain).executeTakeFirst();
        out.push({ domain, activeKeyId, versions: material.filter((m) => m.domain === domain).map((m) => ({ id: m.id, status: m.id === activeKeyId ? 'active' : m.status === 'active' ? 'draining' : m.status })), personKeys: Number(total?.n ?? 0), toRewrap: await remainingFor(domain, activeKeyId) });
      }
      return out;
    },
  };
}
