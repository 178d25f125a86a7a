/**
 * The single door: only src/core/door may decrypt a person record, and only
 * the ingest opens sealed enquiries. A new code path that decrypts personal
 * data anywhere else fails this test.
 */
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { describe, it } from 'node:test';
import { sourceFiles } from '../helpers/import-graph.js';

const root = path.resolve(import.meta.dirname, '../..');
const production = sourceFiles(path.join(root, 'src')).filter((f) => !f.endsWith('.test.ts'));
const rel = (file: string) => path.relative(root, file);

function callers(pattern: RegExp): string[] {
  return production.filter((file) => pattern.test(fs.readFileSync(file, 'utf8'))).map(rel);
}

describe('single door to personal data', () => {
  it('only the door (and its definition) calls openPersonRecord', () => {
    const found = callers(/\bopenPersonRecord\b/).sort();
    assert.ok(found.includes('src/core/door/admission.ts'), 'the gate opens records');
    for (const file of found) assert.match(file, /^src\/core\/door\/|^src\/crypto\/keyring\.ts$/, `${file} decrypts person records outside the door`);
  });

  it('only the ingest opens sealed enquiries', () => {
    assert.deepEqual(callers(/\bopenEnquiry\b/).sort(), ['src/core/ingest/ingest.service.ts', 'src/crypto/index.ts', 'src/crypto/open.ts']);
  });

  it('only src/crypto imports node:crypto', () => {
    const importers = [...production, ...sourceFiles(path.join(root, 'web'))].filter((file) => /from ['"](node:)?crypto['"]/.test(fs.readFileSync(file, 'utf8'))).map(rel);
    assert.ok(importers.length > 0);
    for (const file of importers) assert.match(file, /^src\/crypto\//);
  });
});
