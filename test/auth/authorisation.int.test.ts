/**
 * Authorisation as an attacker probes it, on both databases: restricted
 * persons, break-glass, the route table (every route declares its access),
 * and an IDOR sweep over every route that takes an id.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { FastifyInstance } from 'fastify';
import { isRouteAccess, routeTable } from '../../src/platform/http/access.js';
import { ROUTE_PERMISSIONS } from '../../src/core/http/route-access.js';
import { DIALECTS } from '../helpers/databases.js';
import { generateEnquiries } from '../helpers/enquiries.js';
import { ADMIN, createHarness, type Harness, RECEPTION, signIn, stepUp, submitEnquiries } from '../helpers/harness.js';
import { createStaffViaApi } from '../helpers/staff.js';

const DPO = { email: 'dpo@clinic.test', password: 'granite willow beacon 93', name: 'Dee Protection' };
const OTHER = { email: 'b-manager@clinic.test', password: 'copper lagoon ferry 27', name: 'Bea Manager' };

async function deniedCount(harness: Harness): Promise<number> {
  return (await harness.core.db.selectFrom('audit_events').select('seq').where('outcome', '=', 'denied').execute()).length;
}

function inject(app: FastifyInstance, method: string, url: string, cookie?: string, payload?: unknown) {
  return app.inject({ method: method as 'GET', url, headers: { ...(cookie ? { cookie } : {}), ...(payload === undefined ? {} : { 'content-type': 'application/json' }) }, ...(payload === undefined ? {} : { payload: JSON.stringify(payload) }) });
}

for (const dialect of DIALECTS) {
  describe(`authorisation (${dialect})`, () => {
    let harness: Harness;
    let app: FastifyInstance;
    const enquiries: Record<string, string> = {};
    const cookies: Record<string, string> = {};

    before(async () => {
      // Probing is itself a detection rule (repeated denials); the sweep probes on purpose, so raise that threshold here.
      harness = await createHarness(dialect, { env: { TACET_AUTH_RATE_MAX: '1000', TACET_DETECT_DENIALS: '1000' } });
      app = harness.core.app;
      await submitEnquiries(harness, generateEnquiries(40, 3), { clinic: (i) => (i < 2 ? 'clinic-a' : 'clinic-b') });
      const rows = await harness.core.db.selectFrom('enquiries').innerJoin('clinics', 'clinics.id', 'enquiries.clinic_id').select(['enquiries.id', 'clinics.slug']).orderBy('enquiries.id').execute();
      const a = rows.filter((r) => r.slug === 'clinic-a');
      enquiries['a0'] = a[0]?.id as string;
      enquiries['a1'] = a[1]?.id as string;
      enquiries['b'] = rows.find((r) => r.slug === 'clinic-b')?.id as string;
      await createStaffViaApi(app, [
        { ...DPO, orgRole: 'dpo', clinicRoles: [] },
        { ...OTHER, orgRole: null, clinicRoles: [{ clinicId: harness.clinicIds['clinic-b'] as string, role: 'clinic_manager' }] },
      ]);
      cookies['admin'] = await signIn(app, ADMIN);
      cookies['reception'] = await signIn(app, RECEPTION);
      cookies['dpo'] = await signIn(app, DPO);
      cookies['other'] = await signIn(app, OTHER);
    });
    after(async () => harness?.close());

    it('hides a restricted person from everyone not on the list, in the list view too', async () => {
      const personId = (await harness.core.db.selectFrom('enquiries').select('person_id').where('id', '=', enquiries['a0'] as string).executeTakeFirstOrThrow()).person_id;
      const adminId = (await harness.core.db.selectFrom('staff').select('id').where('email', '=', ADMIN.email).executeTakeFirstOrThrow()).id;
      // Only the DPO may restrict; for the administrator the route does not exist.
      assert.equal((await inject(app, 'PUT', `/api/v1/persons/${personId}/restriction`, cookies['admin'], { isRestricted: true, staffIds: [adminId] })).statusCode, 404);
      assert.equal((await inject(app, 'PUT', `/api/v1/persons/${personId}/restriction`, cookies['dpo'], { isRestricted: true, staffIds: [adminId] })).statusCode, 200);
      const seen = await inject(app, 'GET', `/api/v1/enquiries/${enquiries['a0']}`, cookies['reception']);
      const absent = await inject(app, 'GET', '/api/v1/enquiries/00000000-0000-4000-8000-000000000000', cookies['reception']);
      assert.equal(seen.statusCode, 404);
      assert.equal(seen.body, absent.body);
      const list = (await inject(app, 'GET', '/api/v1/enquiries', cookies['reception'])).json() as { enquiries: { id: string }[] };
      assert.ok(!list.enquiries.some((e) => e.id === enquiries['a0']));
      assert.ok(list.enquiries.some((e) => e.id === enquiries['a1']));
      assert.equal((await inject(app, 'GET', `/api/v1/enquiries/${enquiries['a0']}`, cookies['admin'])).statusCode, 200, 'on the list');
    });

    it('break-glass: a typed justification opens the record for 30 minutes, audited and queued for the DPO', async () => {
      const short = await inject(app, 'POST', `/api/v1/enquiries/${enquiries['a0']}/break-glass`, cookies['reception'], { justification: 'urgent' });
      assert.equal(short.statusCode, 400);
      const justification = 'Patient on the phone with post-operative bleeding; need contact details for the on-call surgeon.';
      const granted = await inject(app, 'POST', `/api/v1/enquiries/${enquiries['a0']}/break-glass`, cookies['reception'], { justification });
      assert.equal(granted.statusCode, 201);
      const opened = await inject(app, 'GET', `/api/v1/enquiries/${enquiries['a0']}`, cookies['reception']);
      assert.equal(opened.statusCode, 200);
      const events = await harness.core.db.selectFrom('audit_events').select(['action', 'purpose']).where('action', 'in', ['break-glass.grant', 'enquiry.read']).execute();
      assert.ok(events.some((e) => e.action === 'break-glass.grant' && e.purpose === 'alert:critical'));
      assert.ok(events.some((e) => e.action === 'enquiry.read' && e.purpose?.startsWith('break-glass:')));
      // The justification is sealed at rest, readable by the DPO in the review queue.
      const stored = await harness.core.db.selectFrom('break_glass_grants').select('justification_envelope').executeTakeFirstOrThrow();
      assert.ok(!stored.justification_envelope.includes('bleeding'));
      assert.equal((await inject(app, 'GET', '/api/v1/break-glass', cookies['reception'])).statusCode, 404);
      const queue = (await inject(app, 'GET', '/api/v1/break-glass', cookies['dpo'])).json() as { grants: { id: string; justification: string }[] };
      assert.equal(queue.grants.length, 1);
      assert.equal(queue.grants[0]?.justification, justification);
      assert.equal((await inject(app, 'POST', `/api/v1/break-glass/${queue.grants[0]?.id}/review`, cookies['dpo'], { outcome: 'justified' })).statusCode, 200);
      assert.equal(((await inject(app, 'GET', '/api/v1/break-glass', cookies['dpo'])).json() as { grants: unknown[] }).grants.length, 0);
    });

    it('the DPO and the administrator cannot read patients by role alone', async () => {
      assert.equal((await inject(app, 'GET', '/api/v1/enquiries', cookies['dpo'])).statusCode, 404);
      assert.equal((await inject(app, 'GET', `/api/v1/enquiries/${enquiries['a1']}`, cookies['dpo'])).statusCode, 404);
    });

    it('has a declared, valid access for every route of the running core', () => {
      const table = routeTable(app);
      assert.ok(table.length >= 30, `route table has ${table.length} routes`);
      for (const route of table) assert.ok(isRouteAccess(route.access, ROUTE_PERMISSIONS), `${route.method} ${route.url}`);
      const publicRoutes = table.filter((r) => r.access === 'public').map((r) => `${r.method} ${r.url}`);
      // Public routes are a short, reviewed list: UI shell, assets, health, vault status/unseal, sign-in, the API contract and its reference page.
      for (const route of publicRoutes) assert.match(route, /^(GET|HEAD) \/(|login|enquiries|enquiries\/:id|needs-attention|needs-attention\/:id|security|staff|break-glass|alerts|approvals|patients|patients\/:id|exports|sign|incidents|incidents\/:id|retention|tasks|compliance|rights|access-reviews|acknowledgement|consent-forms|today|pipeline|reports|assets\/:name|healthz|readyz|metrics|api\/v1\/vault|api\/v1\/auth\/state|api\/openapi\.json|api\/reference|api\/reference\/(swagger-ui\.css|swagger-ui-bundle\.js|favicon-32x32\.png|reference\.js|reference\.css))$|^POST \/api\/v1\/(vault\/unseal|auth\/login|public\/consent-links\/form|public\/consent-links\/sign)$/);
    });

    it('IDOR sweep: every route with an id refuses other clinics, missing permissions and signed-out clients, and audits it', async () => {
      const adminId = (await harness.core.db.selectFrom('staff').select('id').where('email', '=', ADMIN.email).executeTakeFirstOrThrow()).id;
      const personB = (await harness.core.db.selectFrom('enquiries').select('person_id').where('id', '=', enquiries['b'] as string).executeTakeFirstOrThrow()).person_id;
      const adminSession = ((await inject(app, 'GET', '/api/v1/me/sessions', cookies['admin'])).json() as { sessions: { id: string; isCurrent: boolean }[] }).sessions.find((s) => s.isCurrent)?.id as string;
      const passkey = (await harness.core.db.selectFrom('staff_passkeys').select('id').where('staff_id', '=', adminId).executeTakeFirstOrThrow()).id;
      const grantId = (await harness.core.db.selectFrom('break_glass_grants').select('id').executeTakeFirstOrThrow()).id;
      const alertId = (await harness.core.db.selectFrom('alerts').select('id').executeTakeFirstOrThrow()).id;
      const approvalRequest = await inject(app, 'POST', `/api/v1/enquiries/${enquiries['a1']}/approval-requests`, cookies['admin']);
      assert.equal(approvalRequest.statusCode, 201);
      const approvalId = (approvalRequest.json() as { id: string }).id;
      // A patient of clinic A with a consent form, an invoice, a photo and an export request to aim at.
      const converted = await inject(app, 'POST', `/api/v1/enquiries/${enquiries['a1']}/convert`, cookies['admin']);
      assert.equal(converted.statusCode, 201, converted.body);
      const patientId = (converted.json() as { patientId: string }).patientId;
      await stepUp(app, cookies['admin'] as string, ADMIN.email);
      const form = await inject(app, 'POST', '/api/v1/consent-forms', cookies['admin'], { kind: 'photo', procedureKey: 'photos', title: 'Clinical photography', body: 'I agree to clinical photographs being taken and kept.' });
      assert.equal(form.statusCode, 201, form.body);
      const formId = (form.json() as { id: string }).id;
      const invoice = await inject(app, 'POST', `/api/v1/patients/${patientId}/invoices`, cookies['admin'], { currency: 'GBP', lines: [{ description: 'Consultation', amountMinor: 15000 }] });
      assert.equal(invoice.statusCode, 201, invoice.body);
      const invoiceId = (invoice.json() as { id: string }).id;
      const photoId = '11111111-2222-4333-8444-555555555555';
      const exportId = '11111111-2222-4333-8444-666666666666';
      const at = new Date().toISOString();
      await harness.core.db.insertInto('photos').values({ id: photoId, patient_id: patientId, clinic_id: harness.clinicIds['clinic-a'] as string, appointment_id: null, phase: 'before', angle: 'front', taken_on: '2026-01-01', blob_key: `photos/${photoId}`, width: 1, height: 1, bytes: 1, meta_envelope: 'x', uploaded_by: adminId, created_at: at }).execute();
      await harness.core.db.insertInto('photo_consents').values({ patient_id: patientId, scope: 'clinical', consent_id: 'seed', granted_at: at, withdrawn_at: null }).execute();
      await harness.core.db.insertInto('photo_exports').values({ id: exportId, requester_id: adminId, patient_ids: JSON.stringify([patientId]), reason: 'seeded for the sweep', created_at: at, approver_id: null, approved_at: null, expires_at: null, downloaded_at: null }).execute();
      const signature = `data:image/png;base64,${'A'.repeat(64)}`;
      const incident = await inject(app, 'POST', '/api/v1/incidents', cookies['admin'], { title: 'Sweep target', regime: 'uk-gdpr', awareAt: at, details: { whatHappened: '', howDiscovered: '', likelyConsequences: '', measuresBefore: '', measuresAfter: '', staffInvolved: false, staffTraining: '', contactPoint: '' } });
      assert.equal(incident.statusCode, 201, incident.body);
      const incidentId = (incident.json() as { id: string }).id;
      // A rights request (the DPO's) and this quarter's access review of clinic A, to aim at.
      const rightsId = '11111111-2222-4333-8444-777777777777';
      await harness.core.db.insertInto('rights_requests').values({ id: rightsId, organisation_id: (await harness.core.db.selectFrom('organisations').select('id').executeTakeFirstOrThrow()).id, person_id: personB, kind: 'access', received_at: at, due_at: at, extension_reason: null, status: 'open', outcome: null, exceptions: '[]', created_by: adminId, created_at: at, closed_at: null }).execute();
      assert.equal((await inject(app, 'POST', '/api/v1/access-reviews/open', cookies['admin'])).statusCode, 200);
      const reviewA = (await harness.core.db.selectFrom('access_reviews').select('id').where('clinic_id', '=', harness.clinicIds['clinic-a'] as string).executeTakeFirstOrThrow()).id;
      const moduleId = (await harness.core.db.selectFrom('training_modules').select('id').executeTakeFirstOrThrow()).id;
      const followUpId = '11111111-2222-4333-8444-888888888888';
      await harness.core.db.insertInto('follow_ups').values({ id: followUpId, enquiry_id: enquiries['a1'] as string, clinic_id: harness.clinicIds['clinic-a'] as string, person_id: (await harness.core.db.selectFrom('enquiries').select('person_id').where('id', '=', enquiries['a1'] as string).executeTakeFirstOrThrow()).person_id, assignee_id: null, kind: 'call-back', due_at: at, created_at: at, created_by: adminId, done_at: null, note_envelope: null }).execute();
      // A quarantined envelope of clinic A (Needs attention).
      const quarantineId = '11111111-2222-4333-8444-999999999999';
      await harness.core.db.insertInto('inbox_quarantine').values({ id: quarantineId, received_at: at, clinic_slug: 'clinic-a', key_id: 'intake.v1', enc: 'e', ct: 'c', source: 'js', reason: 'open-failed', quarantined_at: at }).execute();
      const slot = { kind: 'consultation', startsAt: '2027-01-05T10:00:00Z', endsAt: '2027-01-05T10:30:00Z' };
      // Targets belong to clinic A, the administrator, or (for clinic-scoped reads) clinic B seen from clinic A.
      const targets: Record<string, { id: string; body?: unknown }> = {
        '/api/v1/enquiries/:id': { id: enquiries['a1'] as string },
        '/api/v1/enquiries/:id/status': { id: enquiries['a1'] as string, body: { status: 'contacted' } },
        '/api/v1/enquiries/:id/notes': { id: enquiries['a1'] as string, body: { kind: 'note', text: 'probe' } },
        '/api/v1/enquiries/:id/follow-ups': { id: enquiries['a1'] as string, body: { kind: 'call-back', dueAt: '2027-01-05T10:00:00Z' } },
        '/api/v1/enquiries/:id/release': { id: enquiries['a1'] as string },
        '/api/v1/follow-ups/:id/done': { id: followUpId },
        '/api/v1/needs-attention/:id': { id: quarantineId },
        '/api/v1/needs-attention/:id/accept': { id: quarantineId, body: { fields: {} } },
        '/api/v1/needs-attention/:id/discard': { id: quarantineId, body: { reason: 'spam' } },
        '/api/v1/staff/:id/roles': { id: adminId, body: { orgRole: null, clinicRoles: [] } },
        '/api/v1/staff/:id/disable': { id: adminId },
        '/api/v1/staff/:id/unlock': { id: adminId },
        '/api/v1/staff/:id/enable': { id: adminId },
        '/api/v1/staff/:id/clinic-roles/:clinicId': { id: adminId, body: { role: 'receptionist' } },
        '/api/v1/persons/:id/restriction': { id: personB, body: { isRestricted: true, staffIds: [] } },
        '/api/v1/break-glass/:id/review': { id: grantId, body: { outcome: 'unjustified' } },
        '/api/v1/me/sessions/:id': { id: adminSession },
        '/api/v1/me/factors/passkey/:id': { id: passkey },
        '/api/v1/alerts/:id/acknowledge': { id: alertId },
        '/api/v1/alerts/:id/resolve': { id: alertId },
        '/api/v1/enquiries/:id/approval-requests': { id: enquiries['a1'] as string },
        '/api/v1/approval-requests/:id/approve': { id: approvalId },
        '/api/v1/enquiries/:id/convert': { id: enquiries['a0'] as string },
        '/api/v1/patients/:id': { id: patientId },
        '/api/v1/patients/:id/clinical': { id: patientId },
        '/api/v1/patients/:id/financial': { id: patientId },
        '/api/v1/patients/:id/appointments': { id: patientId, body: slot },
        '/api/v1/patients/:id/notes': { id: patientId, body: { text: 'probe' } },
        '/api/v1/patients/:id/procedures': { id: patientId, body: { name: 'probe', details: '', status: 'planned' } },
        '/api/v1/patients/:id/invoices': { id: patientId, body: { currency: 'GBP', lines: [{ description: 'probe', amountMinor: 1 }] } },
        '/api/v1/invoices/:id/payments': { id: invoiceId, body: { amountMinor: 15000, method: 'card' } },
        '/api/v1/patients/:id/consents': { id: patientId, body: { formId, typedName: 'Probe', drawnSignature: signature, scopes: ['marketing'] } },
        '/api/v1/patients/:id/photo-consent/withdraw': { id: patientId, body: { scope: 'clinical' } },
        '/api/v1/patients/:id/consent-links': { id: patientId, body: { formId } },
        '/api/v1/patients/:id/photos': { id: patientId },
        '/api/v1/photos/:id/thumb': { id: photoId },
        '/api/v1/photos/:id/image': { id: photoId },
        '/api/v1/photos/:id/download': { id: photoId },
        '/api/v1/photo-exports/:id/approve': { id: exportId },
        '/api/v1/photo-exports/:id/download': { id: exportId },
        '/api/v1/incidents/:id': { id: incidentId },
        '/api/v1/incidents/:id/details': { id: incidentId, body: { details: { whatHappened: 'x', howDiscovered: '', likelyConsequences: '', measuresBefore: '', measuresAfter: '', staffInvolved: false, staffTraining: '', contactPoint: '' } } },
        '/api/v1/incidents/:id/indicators': { id: incidentId, body: { kind: 'component', value: 'database-copy' } },
        '/api/v1/incidents/:id/scope': { id: incidentId },
        '/api/v1/incidents/:id/persons': { id: incidentId },
        '/api/v1/incidents/:id/assessment': { id: incidentId },
        '/api/v1/incidents/:id/decision': { id: incidentId, body: { notifyRegulator: false, notifyIndividuals: false, reasons: 'probing the decision route' } },
        '/api/v1/incidents/:id/reports': { id: incidentId, body: { kind: 'initial' } },
        '/api/v1/incidents/:id/reports/:version': { id: incidentId },
        '/api/v1/incidents/:id/notices': { id: incidentId },
        '/api/v1/incidents/:id/containment/sessions': { id: incidentId },
        '/api/v1/incidents/:id/evidence': { id: incidentId },
        '/api/v1/persons/:id/legal-hold': { id: personB, body: { reason: 'probing the legal-hold route' } },
        '/api/v1/incidents/:id/containment/keys': { id: incidentId, body: { domains: ['contact'], passphrase: 'not the passphrase' } },
        '/api/v1/access-reviews/:id/items/:staffId': { id: reviewA, body: { decision: 'removed' } },
        '/api/v1/training/modules/:id': { id: moduleId, body: { title: 'Probe', content: 'probing the module route', quiz: [{ question: 'Probe?', options: ['a', 'b'], answer: 0 }], passMark: 50 } },
        '/api/v1/rights/requests/:id/extend': { id: rightsId, body: { reason: 'complex' } },
        '/api/v1/rights/requests/:id/export': { id: rightsId },
        '/api/v1/rights/requests/:id/erase': { id: rightsId, body: { exceptions: [] } },
        '/api/v1/rights/requests/:id/rectify': { id: rightsId, body: { name: 'Probe' } },
        '/api/v1/rights/requests/:id/close': { id: rightsId, body: { status: 'refused', reason: 'excessive' } },
      };
      // Break-glass is *meant* for records out of reach; its own test covers it.
      // Training modules and policies are the organisation's own documents, for every staff member to take and acknowledge.
      const exempt = new Set(['/api/v1/enquiries/:id/break-glass', '/api/v1/training/modules/:id/attempts', '/api/v1/policies/:id', '/api/v1/policies/:id/acknowledge']);
      const routes = routeTable(app).filter((r) => r.url.includes(':id') && r.access !== 'public' && r.method !== 'HEAD' && !exempt.has(r.url));
      assert.deepEqual([...new Set(routes.map((r) => r.url))].sort(), Object.keys(targets).sort(), 'every id route has a target in this sweep');
      const attackers = [
        { who: 'signed-out', cookie: undefined, expect: 401 },
        { who: 'other clinic (clinic B manager)', cookie: cookies['other'], expect: 404 },
        { who: 'no permission (clinic A receptionist)', cookie: cookies['reception'], expect: 404 },
      ];
      await stepUp(app, cookies['other'] as string, OTHER.email);
      await stepUp(app, cookies['reception'] as string, RECEPTION.email);
      for (const route of routes) {
        const target = targets[route.url] as { id: string; body?: unknown };
        const url = route.url.replace(':id', target.id).replace(':version', '1').replace(':staffId', adminId).replace(':clinicId', harness.clinicIds['clinic-a'] as string);
        for (const attacker of attackers) {
          // Clinic A's receptionist may legitimately work on clinic A's enquiries (status, approvals, follow-ups, what needs attention): her job, not an IDOR.
          if (attacker.who.includes('receptionist') && (route.url.startsWith('/api/v1/enquiries/') || route.url.startsWith('/api/v1/approval-requests/') || route.url.startsWith('/api/v1/follow-ups/') || route.url.startsWith('/api/v1/needs-attention/'))) continue;
          // ... and on clinic A's patients' contact details, appointments and consents (not their clinical record, photos or money).
          if (attacker.who.includes('receptionist') && /^\/api\/v1\/patients\/:id(\/appointments|\/consents|\/photo-consent\/withdraw|\/consent-links)?$/.test(route.url)) continue;
          const before_ = await deniedCount(harness);
          const response = await inject(app, route.method, url, attacker.cookie, target.body ?? (route.method === 'GET' || route.method === 'DELETE' ? undefined : {}));
          assert.equal(response.statusCode, attacker.expect, `${attacker.who}: ${route.method} ${route.url} answered ${response.statusCode} ${response.body}`);
          assert.ok((await deniedCount(harness)) > before_, `${attacker.who}: ${route.method} ${route.url} left no audit record of the denial`);
        }
      }
      // Nothing changed.
      assert.equal((await harness.core.db.selectFrom('staff').select('disabled_at').where('id', '=', adminId).executeTakeFirstOrThrow()).disabled_at, null);
      assert.equal((await harness.core.db.selectFrom('persons').select('is_restricted').where('id', '=', personB).executeTakeFirstOrThrow()).is_restricted, 0);
      assert.equal((await inject(app, 'GET', '/api/v1/me/sessions', cookies['admin'])).statusCode, 200);
      assert.equal((await harness.core.db.selectFrom('payments').select('id').execute()).length, 0);
      assert.equal((await harness.core.db.selectFrom('clinical_notes').select('id').execute()).length, 0);
      assert.equal((await harness.core.db.selectFrom('enquiry_notes').select('id').execute()).length, 0);
      assert.equal((await harness.core.db.selectFrom('follow_ups').select('done_at').where('id', '=', followUpId).executeTakeFirstOrThrow()).done_at, null);
      assert.equal((await harness.core.db.selectFrom('appointments').select('id').execute()).length, 0);
      assert.equal((await harness.core.db.selectFrom('photo_consents').select('withdrawn_at').where('patient_id', '=', patientId).executeTakeFirstOrThrow()).withdrawn_at, null);
      assert.equal((await harness.core.db.selectFrom('photo_exports').select('approved_at').where('id', '=', exportId).executeTakeFirstOrThrow()).approved_at, null);
      assert.equal((await harness.core.db.selectFrom('incident_indicators').select('id').where('incident_id', '=', incidentId).execute()).length, 0);
      assert.equal((await harness.core.db.selectFrom('legal_holds').select('person_id').execute()).length, 0);
      assert.equal((await harness.core.db.selectFrom('incidents').select('decision').where('id', '=', incidentId).executeTakeFirstOrThrow()).decision, null);
      assert.equal((await harness.core.db.selectFrom('rights_requests').select('status').where('id', '=', rightsId).executeTakeFirstOrThrow()).status, 'open');
      assert.equal((await harness.core.db.selectFrom('training_modules').select('version').where('id', '=', moduleId).executeTakeFirstOrThrow()).version, 1);
      assert.ok((await harness.core.db.selectFrom('access_review_items').select('decision').where('review_id', '=', reviewA).execute()).every((i) => i.decision === 'pending'));
    });
  });
}
