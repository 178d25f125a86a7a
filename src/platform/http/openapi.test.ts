import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { operationIdOf, tagOf, toDraft2020 } from './openapi.js';

describe('the contract document', () => {
  it('tags a route with its feature', () => {
    const urls = ['/api/v1/patients/:id/notes', '/api/v1/public/consent-links/sign', '/api/openapi.json', '/healthz'];
    assert.deepEqual(urls.map(tagOf), ['patients', 'consent-links', 'contract', 'operations']);
    // The intake's API is under /v1 alone.
    assert.deepEqual(['/v1/enquiries', '/v1/publication', '/v1/openapi.json'].map(tagOf), ['enquiries', 'publication', 'contract']);
  });

  it('names operations by method and path', () => {
    assert.equal(operationIdOf('POST', '/api/v1/patients/:id/notes'), 'postPatientsByIdNotes');
    assert.equal(operationIdOf('DELETE', '/api/v1/me/factors/passkey/:id'), 'deleteMeFactorsPasskeyById');
    assert.equal(operationIdOf('POST', '/api/v1/access-reviews/:id/items/:staffId'), 'postAccessReviewsByIdItemsByStaffId');
    assert.equal(operationIdOf('GET', '/api/openapi.json'), 'getOpenapiJson');
    assert.equal(operationIdOf('POST', '/v1/enquiries'), 'postEnquiries');
    assert.equal(operationIdOf('GET', '/v1/openapi.json'), 'getOpenapiJson');
  });

  it('turns draft-7 tuples into 2020-12 prefixItems and leaves everything else as it is', () => {
    const draft7 = { type: 'object', properties: { at: { type: 'array', items: [{ type: 'number' }, { type: 'number' }], additionalItems: false }, items: { type: 'array', items: { type: 'string' } } } };
    assert.deepEqual(toDraft2020(draft7), { type: 'object', properties: { at: { type: 'array', prefixItems: [{ type: 'number' }, { type: 'number' }], items: false }, items: { type: 'array', items: { type: 'string' } } } });
  });
});
