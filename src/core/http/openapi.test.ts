import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { isHiddenRoute } from './openapi.js';

// Tags, operation ids and the 2020-12 conversion are the platform's (src/platform/http/openapi.test.ts).
describe('the staff API contract document', () => {
  it('hides the staff UI shell, its assets and the reference page, not the API', () => {
    assert.ok(['/', '/patients/:id', '/assets/:name', '/api/reference', '/api/reference/reference.js'].every(isHiddenRoute));
    assert.ok(!['/api/v1/patients', '/api/openapi.json', '/healthz'].some(isHiddenRoute));
  });
});
