/**
 * The house has no import cycles: a module can be read, tested and moved
 * without dragging in the modules that import it. Each tree is checked as a
 * whole (a .ts/.tsx file importing another through `./x.js`).
 */
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, it } from 'node:test';
import { findCycles, importsOf, sourceFiles } from '../helpers/import-graph.js';

const root = path.resolve(import.meta.dirname, '../..');
const rel = (file: string) => path.relative(root, file);

/** The cycles of a tree, as readable `a → b → a` lines. */
const cyclesIn = (dir: string) => findCycles(sourceFiles(path.join(root, dir), ['.ts', '.tsx'])).map((cycle) => cycle.map(rel).join(' → '));

describe('import graph', () => {
  it('the cycle finder finds a cycle through a .tsx file, and none in a chain', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tacet-import-graph-'));
    try {
      fs.writeFileSync(path.join(dir, 'a.ts'), "import { b } from './b.js';\nexport const a = b;\n");
      fs.writeFileSync(path.join(dir, 'b.tsx'), "import type { c } from './c.js';\nexport const b = 1;\n");
      fs.writeFileSync(path.join(dir, 'c.ts'), 'export const c = 1;\n');
      assert.deepEqual(findCycles(sourceFiles(dir, ['.ts', '.tsx'])), []);
      fs.writeFileSync(path.join(dir, 'c.ts'), "import { a } from './a.js';\nexport const c = a;\n");
      assert.deepEqual(findCycles(sourceFiles(dir, ['.ts', '.tsx'])), [['a.ts', 'b.tsx', 'c.ts', 'a.ts'].map((name) => path.join(dir, name))]);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it('web/staff/src has no import cycle', () => {
    assert.deepEqual(cyclesIn('web/staff/src'), []);
  });

  it('src has no import cycle', () => {
    assert.deepEqual(cyclesIn('src'), []);
  });

  it('the layers point one way: auth, audit, crypto and platform import nothing from the core', () => {
    const core = path.join(root, 'src/core') + path.sep;
    for (const layer of ['src/auth', 'src/audit', 'src/crypto', 'src/platform']) {
      const reaching = sourceFiles(path.join(root, layer)).flatMap((file) => importsOf(file).files.filter((target) => target.startsWith(core)).map((target) => `${rel(file)} → ${rel(target)}`));
      assert.deepEqual(reaching, [], `${layer} imports the core`);
    }
  });

  it('the platform knows no tier: it imports neither auth nor the core', () => {
    const tiers = ['src/auth', 'src/core', 'src/intake'].map((dir) => path.join(root, dir) + path.sep);
    const reaching = sourceFiles(path.join(root, 'src/platform')).flatMap((file) => importsOf(file).files.filter((target) => tiers.some((tier) => target.startsWith(tier))).map((target) => `${rel(file)} → ${rel(target)}`));
    assert.deepEqual(reaching, []);
  });
});
