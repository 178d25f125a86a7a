/**
 * A database writer (the seed-000 web intruder, who on the embedded default
 * has the SQLite file within reach) edits `key_material` to redirect keys:
 * swaps the intake public key for their own, brings a retired domain key
 * back, or swaps the audit signing public key. Each is refused at unseal
 * (and before publication while unsealed) with a critical alert; the
 * publication keeps the verified key, and nothing already sealed is lost:
 * once the rows are put back, the vault unseals and reads as before.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { generateIntakeKeyPair } from '../../src/crypto/open.js';
import { generateSigningKeyPair } from '../../src/crypto/signing.js';
import { readPublication } from '../../src/core/org/publication.service.js';
import { loadCoreConfig } from '../../src/platform/config.js';
import { DIALECTS } from '../helpers/databases.js';
import { createHarness, type Harness, PASSPHRASE } from '../helpers/harness.js';

type Row = { id: string; status: string; public_key: string | null };

for (const dialect of DIALECTS) {
  describe(`key material a database writer cannot redirect (${dialect})`, () => {
    let harness: Harness;
    let publicationFile: string;

    before(async () => {
      harness = await createHarness(dialect);
      publicationFile = loadCoreConfig({ ...harness.database.env }).publicationFile;
      // A rotated and drained domain: contact.v1 is retired, contact.v2 active.
      await harness.core.vault.rotateDomainKey('contact', { passphrase: PASSPHRASE }, 'staff:test', null);
      await harness.core.rewrap.drain();
    });
    after(() => harness.close());

    const rows = () => harness.core.db.selectFrom('key_material').select(['id', 'status', 'public_key']).orderBy('id').execute() as Promise<Row[]>;
    const setRow = async (id: string, change: { status?: string; public_key?: string | null }): Promise<void> => {
      await harness.core.db.updateTable('key_material').set(change).where('id', '=', id).execute();
    };
    const tamperAlerts = async () => (await harness.core.db.selectFrom('alerts').select(['severity', 'rule']).where('rule', '=', 'key-material-tampered').execute()).length;

    /** Seal, apply `edit`, and require the unseal to be refused with a critical alert; then undo and unseal. */
    async function refusedAtUnseal(edit: () => Promise<void>, undo: () => Promise<void>): Promise<void> {
      const alertsBefore = await tamperAlerts();
      const publishedBefore = readPublication(publicationFile);
      harness.core.vault.seal();
      await edit();
      await assert.rejects(harness.core.vault.unsealWithPassphrase(PASSPHRASE), { code: 'KEY_MATERIAL_TAMPERED' });
      assert.equal(harness.core.vault.isUnsealed(), false, 'the vault stays sealed');
      assert.equal(await tamperAlerts(), alertsBefore + 1, 'a critical alert is raised');
      const critical = await harness.core.db.selectFrom('alerts').select('severity').where('rule', '=', 'key-material-tampered').execute();
      assert.ok(critical.every((a) => a.severity === 'critical'));
      const refusal = await harness.core.db.selectFrom('audit_events').select(['outcome', 'purpose']).where('action', '=', 'vault.unseal.passphrase').orderBy('seq', 'desc').executeTakeFirstOrThrow();
      assert.deepEqual(refusal, { outcome: 'failure', purpose: 'key-material-tampered' });
      assert.deepEqual(readPublication(publicationFile), publishedBefore, 'the publication is untouched');
      await undo();
      await harness.core.vault.unsealWithPassphrase(PASSPHRASE);
      assert.equal(harness.core.vault.isUnsealed(), true);
    }

    it('refuses an intake public key swapped for the attacker’s, and never publishes it', async () => {
      const intake = (await rows()).find((r) => r.id.startsWith('intake.') && r.status === 'active') as Row;
      const attacker = generateIntakeKeyPair().publicKeyB64;
      await refusedAtUnseal(
        () => setRow(intake.id, { public_key: attacker }),
        () => setRow(intake.id, { public_key: intake.public_key }),
      );
      // Unsealed, the swap is caught again before the core publishes.
      await setRow(intake.id, { public_key: attacker });
      const alertsBefore = await tamperAlerts();
      await assert.rejects(harness.core.vault.publishableIntakeKeys(), { code: 'KEY_MATERIAL_TAMPERED' });
      assert.equal(await tamperAlerts(), alertsBefore + 1);
      assert.notEqual(readPublication(publicationFile)?.keys[0]?.publicKey, attacker);
      await setRow(intake.id, { public_key: intake.public_key });
      assert.equal((await harness.core.vault.publishableIntakeKeys())(intake.id), intake.public_key);
    });

    it('refuses a retired domain key set back to active', async () => {
      assert.deepEqual((await rows()).filter((r) => r.id.startsWith('contact.')).map((r) => [r.id, r.status]), [['contact.v1', 'retired'], ['contact.v2', 'active']]);
      await refusedAtUnseal(
        async () => {
          await setRow('contact.v1', { status: 'active' });
          await setRow('contact.v2', { status: 'retired' });
        },
        async () => {
          await setRow('contact.v1', { status: 'retired' });
          await setRow('contact.v2', { status: 'active' });
        },
      );
      assert.equal(harness.core.vault.keyring().activeDomainKey('contact').id, 'contact.v2');
    });

    it('refuses a swapped audit signing public key', async () => {
      const signing = (await rows()).find((r) => r.id.startsWith('audit-signing.')) as Row;
      await refusedAtUnseal(
        () => setRow(signing.id, { public_key: generateSigningKeyPair().publicKeyB64 }),
        () => setRow(signing.id, { public_key: signing.public_key }),
      );
      assert.equal(harness.core.vault.keyring().auditSigning?.publicKeyB64, signing.public_key);
    });

    it('refuses a row the attacker deletes or adds, and a stripped manifest', async () => {
      const vaultRow = await harness.core.db.selectFrom('vault').select('record').executeTakeFirstOrThrow();
      const stripped = JSON.stringify({ ...(JSON.parse(vaultRow.record) as Record<string, unknown>), manifest: undefined });
      await refusedAtUnseal(
        () => harness.core.db.updateTable('vault').set({ record: stripped }).execute().then(() => undefined),
        () => harness.core.db.updateTable('vault').set({ record: vaultRow.record }).execute().then(() => undefined),
      );
    });
  });
}
