/**
 * Every relative link in README.md and docs/*.md names a file that exists
 * and, with a `#fragment`, a heading in it (GitHub's anchors), so moving or
 * renaming a document breaks a test rather than a reader's click.
 */
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { it } from 'node:test';

const root = path.resolve(import.meta.dirname, '../..');
const documents = ['README.md', ...fs.readdirSync(path.join(root, 'docs')).filter((f) => f.endsWith('.md')).map((f) => `docs/${f}`)];

/** GitHub's heading anchor: lower case, punctuation dropped, spaces to hyphens. */
function anchor(heading: string): string {
  return heading
    .toLowerCase()
    .replace(/[`*_]/g, '')
    .replace(/[^\p{L}\p{N} -]/gu, '')
    .replace(/ /g, '-');
}

function anchorsOf(file: string): Set<string> {
  const text = fs.readFileSync(file, 'utf8').replace(/```[\s\S]*?```/g, '');
  return new Set([...text.matchAll(/^#{1,6} (.+)$/gm)].map((m) => anchor((m[1] as string).trim())));
}

it('every relative link in README.md and docs/*.md resolves', () => {
  const broken: string[] = [];
  for (const document of documents) {
    const text = fs.readFileSync(path.join(root, document), 'utf8').replace(/```[\s\S]*?```/g, '');
    for (const match of text.matchAll(/\]\(([^)\s]+)\)/g)) {
      const target = match[1] as string;
      if (/^[a-z]+:/i.test(target)) continue;
      const [file, fragment] = target.split('#') as [string, string | undefined];
      const resolved = file === '' ? path.join(root, document) : path.resolve(path.dirname(path.join(root, document)), file);
      if (!fs.existsSync(resolved)) broken.push(`${document}: ${target} (no such file)`);
      else if (fragment && !anchorsOf(resolved).has(fragment)) broken.push(`${document}: ${target} (no such heading)`);
    }
  }
  assert.deepEqual(broken, []);
});
