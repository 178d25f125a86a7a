/**
 * Attacker test T1 on PostgreSQL: with the intake tier's own database
 * credentials, an intruder can add to the inbox (and spend form tokens) and
 * do nothing else — not read either back, not change or delete them, not
 * touch any other table.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import pg from 'pg';
import { grantIntakeRole } from '../../src/cli/intake-role.repository.js';
import { openDatabase } from '../../src/db/database.js';
import { formTokenUse, issueFormToken } from '../../src/crypto/form-token.js';
import { randomSecret } from '../../src/crypto/random.js';
import { inboxOf } from '../../src/db/tables/intake.js';
import { acceptSubmission, writeToInbox } from '../../src/intake/inbox-writer.js';
import { fastSealedBody, generateEnquiry } from '../helpers/enquiries.js';
import { PG_URL } from '../helpers/databases.js';
import { createHarness, type Harness } from '../helpers/harness.js';

describe('PostgreSQL intake role is INSERT-only', () => {
  let harness: Harness;
  let schema: string;
  let role: string;
  let intakeClient: pg.Client;

  before(async () => {
    harness = await createHarness('postgres');
    schema = harness.database.config.kind === 'postgres' ? (harness.database.config.schema as string) : '';
    role = `intake_${schema}`;
    await grantIntakeRole(harness.core.db, role, schema);
    // The intake's own connection: same server, its own role (trust auth on this machine).
    const url = new URL(PG_URL);
    url.username = role;
    intakeClient = new pg.Client({ connectionString: url.toString(), options: `-c search_path=${schema}` });
    await intakeClient.connect();
  });

  after(async () => {
    await intakeClient?.end();
    await harness?.close();
    const admin = new pg.Client({ connectionString: PG_URL });
    await admin.connect();
    await admin.query(`DROP OWNED BY "${role}"`).catch(() => undefined);
    await admin.query(`DROP ROLE IF EXISTS "${role}"`);
    await admin.end();
  });

  it('can append a sealed enquiry, and a replay is absorbed', async () => {
    const url = new URL(PG_URL);
    url.username = role;
    const { db } = await openDatabase({ kind: 'postgres', url: url.toString(), schema });
    try {
      const body = fastSealedBody(harness.publication, 'clinic-a', generateEnquiry(1), 'token');
      const sealed = { clinic: 'clinic-a', kid: String(body['kid']), enc: String(body['enc']), ct: String(body['ct']), source: 'js' as const };
      await writeToInbox(db, sealed, new Date().toISOString());
      await writeToInbox(db, sealed, new Date().toISOString());
    } finally {
      await db.destroy();
    }
    const count = await harness.core.db.selectFrom('enquiry_inbox').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow();
    assert.equal(Number(count.n), 1);
  });

  it('can spend a form token with its enquiry, and a second spend of it is refused with nothing stored', async () => {
    const url = new URL(PG_URL);
    url.username = role;
    const { db } = await openDatabase({ kind: 'postgres', url: url.toString(), schema });
    const count = async () => Number((await harness.core.db.selectFrom('enquiry_inbox').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow()).n);
    try {
      const token = formTokenUse(issueFormToken(randomSecret(), Date.now()), 3_600_000);
      const sealed = (i: number) => {
        const body = fastSealedBody(harness.publication, 'clinic-a', generateEnquiry(i), 'token');
        return { clinic: 'clinic-a', kid: String(body['kid']), enc: String(body['enc']), ct: String(body['ct']), source: 'js' as const };
      };
      const before_ = await count();
      await acceptSubmission(inboxOf(db), token, sealed(2), new Date().toISOString());
      await assert.rejects(acceptSubmission(inboxOf(db), token, sealed(3), new Date().toISOString()), /already sent once/);
      assert.equal(await count(), before_ + 1);
    } finally {
      await db.destroy();
    }
  });

  it('cannot read, change or delete the inbox, nor touch any other table', async () => {
    const attempts = [
      'SELECT * FROM enquiry_inbox',
      'SELECT count(*) FROM enquiry_inbox',
      "UPDATE enquiry_inbox SET clinic_slug = 'x'",
      'DELETE FROM enquiry_inbox',
      'TRUNCATE enquiry_inbox',
      'SELECT * FROM form_token_uses',
      'DELETE FROM form_token_uses',
      "UPDATE form_token_uses SET expires_at = 'x'",
      'SELECT * FROM persons',
      'SELECT * FROM key_material',
      'SELECT * FROM vault',
      'SELECT * FROM audit_events',
      "INSERT INTO audit_events (seq, at, actor, action, person_ids, record_refs, outcome, prev_hash, hash) VALUES (999, 'x', 'x', 'x', '[]', '[]', 'x', 'x', 'x')",
      "INSERT INTO enquiry_inbox (id, received_at, clinic_slug, key_id, enc, ct, envelope_hash, source) VALUES ('a', 'b', 'c', 'd', 'e', 'f', 'g', 'h') RETURNING ct",
    ];
    for (const statement of attempts) {
      await assert.rejects(intakeClient.query(statement), /permission denied/, statement);
    }
  });
});
