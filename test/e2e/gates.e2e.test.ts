/**
 * The people gate in a real browser, one rule at a time, with the default of
 * no grace period for new starters: a staff member whose training expired,
 * one who has not acknowledged the current policy, and one with no second
 * factor each sees the page telling them what to do instead of patient
 * data, the API refuses them too (and audits it), and doing the task opens
 * the records.
 */
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import { createStaff, staffActorFor } from '../../src/core/org/org.repository.js';
import { STARTER_QUIZ } from '../../src/core/people/starter-training.js';
import { hashPassword } from '../../src/crypto/passphrase.js';
import { newId } from '../../src/crypto/random.js';
import { addVirtualAuthenticator, ARTIFACTS, BROWSER_SKIP, createBrowserHarness, launchChromium, signInWithPassword } from '../helpers/browser.js';
import { type GeneratedEnquiry, generateEnquiries } from '../helpers/enquiries.js';
import { ADMIN, type Harness, RECEPTION, submitEnquiries } from '../helpers/harness.js';

const DAY = 86_400_000;

describe('people gates in the browser', { skip: BROWSER_SKIP }, () => {
  let harness: Harness;
  let browser: Browser;
  let coreUrl: string;
  let organisationId: string;
  const submitted: GeneratedEnquiry[] = [];

  const staffId = async (email: string) => (await harness.core.db.selectFrom('staff').select('id').where('email', '=', email).executeTakeFirstOrThrow()).id;
  const addStaff = async (email: string, password: string) =>
    createStaff(harness.core.db, { organisationId, email, displayName: email.split('@')[0] as string, passwordHash: await hashPassword(password), orgRole: null, roles: [{ clinicId: harness.clinicIds['clinic-a'] as string, role: 'nurse' }] }, new Date().toISOString());
  /** A pass of every active module, completed `agoDays` ago, valid for 12 months from then. */
  const passTraining = async (id: string, agoDays: number) => {
    for (const module of await harness.core.compliance.modules(organisationId)) {
      const completed = new Date(Date.now() - agoDays * DAY);
      const expires = new Date(completed.getTime() + 365 * DAY);
      await harness.core.db.insertInto('training_completions').values({ id: newId(), staff_id: id, module_id: module.id, module_version: module.version, score: 100, passed: 1, completed_at: completed.toISOString(), expires_at: expires.toISOString() }).execute();
    }
  };
  /** What the API says to this browser's session when it asks for enquiries. */
  const apiFromPage = (page: Page) => page.evaluate(async () => {
    const response = await fetch('/api/v1/enquiries');
    return { status: response.status, body: (await response.json()) as { error?: { code: string; fields?: string[] } } };
  });
  const enrolPasskey = async (page: Page) => {
    await page.getByRole('button', { name: 'Create a passkey' }).click();
    await page.getByRole('button', { name: 'I have saved them' }).click();
  };
  const newPage = async () => {
    const context = await browser.newContext({ viewport: { width: 1280, height: 1200 } });
    const page = await context.newPage();
    await addVirtualAuthenticator(context, page);
    await page.goto(`${coreUrl}/`);
    return { context, page };
  };
  const deniedFor = async (id: string, purpose: string) =>
    (await harness.core.db.selectFrom('audit_events').select('seq').where('actor', '=', `staff:${id}`).where('outcome', '=', 'denied').where('purpose', '=', purpose).execute()).length;

  before(async () => {
    let listen: () => Promise<void>;
    ({ harness, coreUrl, listen } = await createBrowserHarness({ TACET_TRAINING_GRACE_DAYS: '0' }));
    organisationId = (await harness.core.db.selectFrom('organisations').select('id').executeTakeFirstOrThrow()).id;
    submitted.push(...generateEnquiries(700, 3));
    await submitEnquiries(harness, submitted);
    await listen();
    browser = await launchChromium();
  });

  after(async () => {
    await browser?.close();
    await harness?.close();
  });

  it('expired training: the gate page, a refused API, then the quiz opens the records', async () => {
    const receptionist = await staffId(RECEPTION.email);
    await passTraining(receptionist, 400); // passed 400 days ago: expired 35 days ago
    const { context, page } = await newPage();
    await signInWithPassword(page, RECEPTION);
    await enrolPasskey(page);
    await page.getByRole('heading', { name: 'Patient records are locked for you until these are done' }).waitFor();
    await page.getByText('Complete your security training: it is missing or has expired.').waitFor();
    assert.equal(await page.getByRole('table').count(), 0, 'no enquiry list behind the gate');
    const refused = await apiFromPage(page);
    assert.equal(refused.status, 403);
    assert.equal(refused.body.error?.code, 'COMPLIANCE_REQUIRED');
    assert.deepEqual(refused.body.error.fields, ['training']);
    assert.ok((await deniedFor(receptionist, 'compliance:training')) >= 1, 'the refusal is audited');
    fs.mkdirSync(ARTIFACTS, { recursive: true });
    await page.screenshot({ path: path.join(ARTIFACTS, 'gate-training.png'), fullPage: true });

    await page.getByRole('link', { name: 'Go to My tasks' }).click();
    await page.getByText(/Expired/).waitFor();
    await page.getByRole('button', { name: 'Start the training' }).click();
    // One wrong answer is not a pass (4/5 = 80% is the pass mark, so get two wrong).
    for (const [i, q] of STARTER_QUIZ.entries()) await page.getByRole('group', { name: q.question }).getByRole('radio', { name: q.options[i < 2 ? (q.answer + 1) % q.options.length : q.answer] as string, exact: true }).check();
    await page.getByRole('button', { name: 'Submit answers' }).click();
    await page.getByText(/not a pass/).waitFor();
    assert.equal((await apiFromPage(page)).status, 403, 'a failed quiz opens nothing');
    for (const q of STARTER_QUIZ) await page.getByRole('group', { name: q.question }).getByRole('radio', { name: q.options[q.answer] as string, exact: true }).check();
    await page.getByRole('button', { name: 'Submit answers' }).click();
    await page.getByText(/Passed with 100%/).waitFor();
    await page.getByRole('link', { name: 'Enquiries' }).click();
    await page.getByRole('table').waitFor();
    assert.equal((await apiFromPage(page)).status, 200);
    await context.close();
  });

  it('unacknowledged policy: blocked until the current version is read and acknowledged, and again for a new version', async () => {
    const nurse = await addStaff('nurse.policy@clinic.test', 'amber tidal orchard 58');
    await passTraining(nurse, 10);
    const admin = await harness.core.db.selectFrom('staff').selectAll().where('email', '=', ADMIN.email).executeTakeFirstOrThrow();
    const author = await staffActorFor(harness.core.db, admin, { public_id: 'policy-author' } as never, '127.0.0.1', []);
    await harness.core.compliance.publishPolicy(author, { slug: 'information-security', title: 'Information security policy', body: 'Lock your screen. Never share your passkey. Report anything odd to the DPO at once.' });
    const { context, page } = await newPage();
    await signInWithPassword(page, { email: 'nurse.policy@clinic.test', password: 'amber tidal orchard 58' });
    await enrolPasskey(page);
    await page.getByText('Read and acknowledge the current version of each policy.').waitFor();
    const refused = await apiFromPage(page);
    assert.equal(refused.status, 403);
    assert.deepEqual(refused.body.error?.fields, ['policy']);
    assert.ok((await deniedFor(nurse, 'compliance:policy')) >= 1);
    await page.screenshot({ path: path.join(ARTIFACTS, 'gate-policy.png'), fullPage: true });

    await page.getByRole('link', { name: 'Go to My tasks' }).click();
    await page.getByRole('button', { name: 'Read' }).click();
    await page.getByText('Lock your screen. Never share your passkey.').waitFor();
    await page.getByRole('button', { name: 'I have read and will follow this policy' }).click();
    await page.getByText(/All done/).waitFor();
    assert.equal((await apiFromPage(page)).status, 200);

    // A new version must be acknowledged again: the DPO's overview shows who has not.
    await harness.core.compliance.publishPolicy(author, { slug: 'information-security', title: 'Information security policy', body: 'Version 2: also never photograph a screen showing patient data.' });
    assert.deepEqual((await apiFromPage(page)).body.error?.fields, ['policy']);
    const overview = await harness.core.compliance.overview(organisationId);
    assert.deepEqual(overview.find((s) => s.staffId === nurse)?.policies.map((p) => [p.version, p.acknowledgedAt === null]), [[2, true]]);
    await context.close();
  });

  it('no second factor: the enrolment page instead of patient data, and the API refuses', async () => {
    const nurse = await addStaff('nurse.nomfa@clinic.test', 'copper lantern meadow 93');
    await passTraining(nurse, 1);
    for (const policy of await harness.core.compliance.currentPolicies(organisationId)) await harness.core.db.insertInto('policy_acks').values({ staff_id: nurse, policy_id: policy.id, acknowledged_at: new Date().toISOString() }).execute();
    const { context, page } = await newPage();
    await signInWithPassword(page, { email: 'nurse.nomfa@clinic.test', password: 'copper lantern meadow 93' });
    await page.getByRole('heading', { name: 'Set up your second factor' }).waitFor();
    await page.getByText(/you cannot open any patient record until it is set up/).waitFor();
    await page.goto(`${coreUrl}/enquiries`);
    await page.getByRole('heading', { name: 'Set up your second factor' }).waitFor();
    const refused = await apiFromPage(page);
    assert.equal(refused.status, 403);
    assert.equal(refused.body.error?.code, 'ENROLMENT_REQUIRED');
    const overview = await harness.core.compliance.overview(organisationId);
    assert.deepEqual(overview.find((s) => s.staffId === nurse)?.blocks, ['mfa'], 'the DPO sees who has no second factor');
    await page.screenshot({ path: path.join(ARTIFACTS, 'gate-mfa.png'), fullPage: true });
    // Enrolling opens the records: training and policy are in order.
    await enrolPasskey(page);
    await page.getByRole('table').waitFor();
    assert.equal((await apiFromPage(page)).status, 200);
    await context.close();
  });

  it('the DPO: the compliance dashboard with its charts, chasing, and a subject access request logged from the requester\'s email', async () => {
    const dpoId = await createStaff(harness.core.db, { organisationId, email: 'dpo@clinic.test', displayName: 'Dana DPO', passwordHash: await hashPassword('walnut harbour signal 27'), orgRole: 'dpo', roles: [] }, new Date().toISOString());
    await passTraining(dpoId, 1);
    const { context, page } = await newPage();
    await signInWithPassword(page, { email: 'dpo@clinic.test', password: 'walnut harbour signal 27' });
    await enrolPasskey(page);
    await page.getByRole('link', { name: 'My tasks (to do)' }).click();
    await page.getByRole('button', { name: 'Read' }).click();
    await page.getByRole('button', { name: 'I have read and will follow this policy' }).click();
    await page.getByText(/All done/).waitFor();
    await page.getByRole('link', { name: 'Compliance' }).click();
    const coverage = page.getByRole('img', { name: /^Staff coverage/ });
    await coverage.waitFor();
    // The chart states the figures it draws, and they are the server's.
    const dashboard = await page.evaluate(async () => (await (await fetch('/api/v1/compliance/dashboard')).json()) as { staff: { total: number; trained: number } });
    assert.match((await coverage.getAttribute('aria-label')) ?? '', new RegExp(`Training current ${Math.round((dashboard.staff.trained * 100) / dashboard.staff.total)}%`));
    await page.getByRole('img', { name: /^Training completions by state/ }).waitFor();
    await page.getByRole('button', { name: 'Chase everyone with outstanding tasks' }).click();
    await page.getByText(/reminder email\(s\) queued/).waitFor();
    await page.screenshot({ path: path.join(ARTIFACTS, 'compliance-dashboard.png'), fullPage: true });

    await page.getByRole('link', { name: 'Requests' }).click();
    const enquiry = submitted[0] as GeneratedEnquiry;
    await page.getByLabel('The requester’s email').fill(enquiry.email);
    await page.getByRole('button', { name: 'Find' }).click();
    await page.getByText(/1 enquiry\(ies\), 0 patient record\(s\)/).waitFor();
    await page.getByLabel('Request', { exact: true }).selectOption('access');
    await page.getByRole('button', { name: 'Log the request' }).click();
    await page.getByRole('link', { name: 'Download the export (ZIP)' }).waitFor();
    const rows = await harness.core.db.selectFrom('rights_requests').select(['kind', 'status', 'due_at', 'received_at']).execute();
    assert.deepEqual(rows.map((r) => [r.kind, r.status]), [['access', 'open']]);
    assert.ok(rows[0] && rows[0].due_at > rows[0].received_at);
    await context.close();
  });
});
