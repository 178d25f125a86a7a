import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { StaffActor } from './actor.js';
import { canAccessPerson, clinicsWith, hasFreshStepUp, hasOrgPermission, type PersonFacts } from './policy.js';
import type { ClinicRole, OrgRole } from './roles.js';

const actor = (roles: Record<string, ClinicRole>, orgRole: OrgRole | null = null, steppedUpAt = 0): StaffActor => ({
  kind: 'staff',
  staffId: 's1',
  organisationId: 'org',
  orgRole,
  clinicRoles: new Map(Object.entries(roles)),
  blocks: [],
  sessionId: 'x',
  steppedUpAt,
  ip: null,
});
const person = (over: Partial<PersonFacts> = {}): PersonFacts => ({ organisationId: 'org', clinicIds: ['A'], isRestricted: false, isOnRestrictedList: false, hasBreakGlass: false, isInCareTeam: false, ...over });

describe('authorisation policy', () => {
  it('tenancy: a clinic role opens only that clinic’s people, never another organisation’s', () => {
    assert.equal(canAccessPerson(actor({ A: 'receptionist' }), 'enquiry.read', person()), true);
    assert.equal(canAccessPerson(actor({ B: 'receptionist' }), 'enquiry.read', person()), false);
    assert.equal(canAccessPerson(actor({ A: 'clinic_manager' }), 'enquiry.read', person({ organisationId: 'other' })), false);
  });
  it('field level: receptionists see contact details, not clinical notes or photos; managers see finance, nurses do not', () => {
    const reception = actor({ A: 'receptionist' });
    assert.equal(canAccessPerson(reception, 'contact.read', person()), true);
    assert.equal(canAccessPerson(reception, 'clinical.read', person({ isInCareTeam: true })), false);
    assert.equal(canAccessPerson(reception, 'photo.read', person({ isInCareTeam: true })), false);
    assert.equal(canAccessPerson(actor({ A: 'clinic_manager' }), 'financial.read', person()), true);
    assert.equal(canAccessPerson(actor({ A: 'nurse' }), 'financial.read', person()), false);
  });
  it('care relationship: a practitioner sees clinical data and photos of their own patients only', () => {
    const surgeon = actor({ A: 'practitioner' });
    assert.equal(canAccessPerson(surgeon, 'clinical.read', person()), false);
    assert.equal(canAccessPerson(surgeon, 'photo.read', person()), false);
    assert.equal(canAccessPerson(surgeon, 'clinical.read', person({ isInCareTeam: true })), true);
    assert.equal(canAccessPerson(surgeon, 'contact.read', person()), true);
  });
  it('restricted persons: only the named list, or a live break-glass grant', () => {
    const manager = actor({ A: 'clinic_manager' });
    assert.equal(canAccessPerson(manager, 'enquiry.read', person({ isRestricted: true })), false);
    assert.equal(canAccessPerson(manager, 'enquiry.read', person({ isRestricted: true, isOnRestrictedList: true })), true);
    assert.equal(canAccessPerson(manager, 'enquiry.read', person({ isRestricted: true, hasBreakGlass: true })), true);
  });
  it('break-glass crosses tenancy but never the role’s field limits', () => {
    assert.equal(canAccessPerson(actor({ B: 'receptionist' }), 'enquiry.read', person({ hasBreakGlass: true })), true);
    assert.equal(canAccessPerson(actor({ B: 'receptionist' }), 'clinical.read', person({ hasBreakGlass: true })), false);
    assert.equal(canAccessPerson(actor({}, 'administrator'), 'enquiry.read', person({ hasBreakGlass: true })), false);
  });
  it('organisation roles administer, they do not read patients', () => {
    const admin = actor({}, 'administrator');
    assert.equal(hasOrgPermission(admin, 'staff.manage'), true);
    assert.equal(hasOrgPermission(admin, 'audit.read'), false);
    assert.deepEqual(clinicsWith(admin, 'enquiry.read'), []);
    assert.equal(hasOrgPermission(actor({}, 'dpo'), 'break-glass.review'), true);
  });
  it('step-up is fresh for five minutes', () => {
    assert.equal(hasFreshStepUp(actor({}, null, 1_000_000), 1_000_000 + 299_000), true);
    assert.equal(hasFreshStepUp(actor({}, null, 1_000_000), 1_000_000 + 301_000), false);
    assert.equal(hasFreshStepUp(actor({}), 5), false);
  });
});
