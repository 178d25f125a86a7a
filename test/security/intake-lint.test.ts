/** The lint rule that guards the intake tier bites: a forbidden import in src/intake is an error. */
import assert from 'node:assert/strict';
import path from 'node:path';
import { describe, it } from 'node:test';
import { ESLint } from 'eslint';

const root = path.resolve(import.meta.dirname, '../..');

async function lint(code: string, file: string): Promise<string[]> {
  const eslint = new ESLint({ cwd: root });
  const [result] = await eslint.lintText(code, { filePath: path.join(root, file) });
  return (result?.messages ?? []).filter((m) => m.ruleId === 'no-restricted-imports').map((m) => m.message);
}

describe('intake import lint rule', () => {
  it('rejects imports that open envelopes or reach the core tier', async () => {
    for (const spec of ['../crypto/open.js', '../crypto/keyring.js', '../crypto/envelope.js', '../crypto/index.js', '../core/ingest/ingest.service.js', 'shamir-secret-sharing']) {
      const messages = await lint(`import * as x from '${spec}';\nexport const y = x;\n`, 'src/intake/probe.ts');
      assert.equal(messages.length, 1, spec);
      assert.match(messages[0] as string, /SECURITY/);
    }
  });

  it('allows sealing, and allows the core to open', async () => {
    assert.deepEqual(await lint(`import { sealEnquiry } from '../crypto/seal.js';\nexport const y = sealEnquiry;\n`, 'src/intake/probe.ts'), []);
    assert.deepEqual(await lint(`import { openEnquiry } from '../../crypto/open.js';\nexport const y = openEnquiry;\n`, 'src/core/ingest/probe.ts'), []);
  });
});
