/**
 * Quarantined envelopes made the way each reason happens: a browser-sealed
 * body with a future date of birth through the public API (invalid-fields),
 * and, written to the inbox as an intake would, envelopes for a clinic slug
 * the core does not know (a clinic taken off the publication), under a key
 * id not in the keyring, with a tampered ciphertext, and a sealed body that
 * is not JSON. Then the ingest runs and puts them in quarantine.
 */
import assert from 'node:assert/strict';
import { utf8 } from '../../src/crypto/bytes.js';
import { importSealingKey, sealEnquiry } from '../../src/crypto/seal.js';
import type { QuarantineReason } from '../../src/core/ingest/ingest.service.js';
import { writeToInbox } from '../../src/intake/inbox-writer.js';
import { browserSealedBody, generateEnquiry, type GeneratedEnquiry } from './enquiries.js';
import { formToken, type Harness } from './harness.js';

/** A date of birth in the future (next year). */
export function futureDob(): string {
  return `${new Date().getUTCFullYear() + 1}-03-27`;
}

function sealed(harness: Harness, clinic: string, body: string): { kid: string; enc: string; ct: string } {
  const key = harness.publication.keys.find((k) => k.kid === harness.publication.activeKid);
  if (!key) throw new Error('no active key');
  return { kid: key.kid, ...sealEnquiry(importSealingKey(key.kid, key.publicKey), clinic, utf8(body)) };
}

/** Flip one bit in the middle of a base64url ciphertext (it still decodes; it no longer authenticates). */
function tamper(ct: string): string {
  const i = Math.floor(ct.length / 2);
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';
  const next = alphabet[(alphabet.indexOf(ct[i] as string) + 1) % alphabet.length] as string;
  return ct.slice(0, i) + next + ct.slice(i + 1);
}

/** What each quarantined row was made from: its fields when there were any. */
export type Quarantined = Record<QuarantineReason, { readonly fields?: GeneratedEnquiry & { acknowledge?: boolean } }>;

/** One quarantined row per reason (clinic-a, except unknown-clinic's `clinic-gone`), ingested. Returns the fields used. */
export async function quarantineEveryReason(harness: Harness, seed = 900): Promise<Quarantined> {
  const db = harness.core.db;
  const at = new Date().toISOString();
  // The person asked for an acknowledgement: accepting it must send one, as ingest would have.
  const invalid = { ...generateEnquiry(seed), dob: futureDob(), acknowledge: true };
  const response = await harness.intake.app.inject({ method: 'POST', url: '/v1/enquiries', payload: await browserSealedBody(harness.publication, 'clinic-a', invalid, await formToken(harness.intake)) });
  assert.equal(response.statusCode, 202, 'the public API accepts what it cannot see inside');
  const unknownClinic = generateEnquiry(seed + 1);
  await writeToInbox(db, { clinic: 'clinic-gone', source: 'js', ...sealed(harness, 'clinic-gone', JSON.stringify(unknownClinic)) }, at);
  const unknownKey = sealed(harness, 'clinic-a', JSON.stringify(generateEnquiry(seed + 2)));
  await writeToInbox(db, { clinic: 'clinic-a', source: 'js', ...unknownKey, kid: 'intake.v999' }, at);
  const damaged = sealed(harness, 'clinic-a', JSON.stringify(generateEnquiry(seed + 3)));
  await writeToInbox(db, { clinic: 'clinic-a', source: 'js', ...damaged, ct: tamper(damaged.ct) }, at);
  await writeToInbox(db, { clinic: 'clinic-a', source: 'js', ...sealed(harness, 'clinic-a', 'name=Half a form&email=') }, at);
  const result = await harness.core.ingest.drain();
  assert.deepEqual(result.quarantineReasons, { 'invalid-fields': 1, 'unknown-clinic': 1, 'unknown-key': 1, 'open-failed': 1, 'invalid-json': 1 });
  return { 'invalid-fields': { fields: invalid }, 'unknown-clinic': { fields: unknownClinic }, 'unknown-key': {}, 'open-failed': {}, 'invalid-json': {} };
}

/** The quarantined row's id for a reason (the newest). */
export async function quarantinedId(harness: Harness, reason: QuarantineReason): Promise<string> {
  const row = await harness.core.db.selectFrom('inbox_quarantine').select('id').where('reason', '=', reason).orderBy('quarantined_at', 'desc').executeTakeFirstOrThrow();
  return row.id;
}
