/** Static import graph of the project's TypeScript sources (relative imports only, plus package names). */
import fs from 'node:fs';
import path from 'node:path';

const IMPORT = /(?:^|\n)\s*(?:import|export)\s[^'"]*?from\s*['"]([^'"]+)['"]|import\(\s*['"]([^'"]+)['"]\s*\)|(?:^|\n)\s*import\s*['"]([^'"]+)['"]/g;

/** Direct imports of a file: resolved project files and bare package names. */
export function importsOf(file: string): { files: string[]; packages: string[] } {
  const source = fs.readFileSync(file, 'utf8');
  const files: string[] = [];
  const packages: string[] = [];
  for (const match of source.matchAll(IMPORT)) {
    const spec = match[1] ?? match[2] ?? match[3];
    if (!spec) continue;
    if (spec.startsWith('.')) files.push(path.resolve(path.dirname(file), spec.replace(/\.js$/, '.ts')));
    else packages.push(spec);
  }
  return { files, packages };
}

/** Every project file and package reachable from `entries`. */
export function reachableFrom(entries: readonly string[]): { files: Set<string>; packages: Set<string> } {
  const files = new Set<string>();
  const packages = new Set<string>();
  const queue = [...entries.map((entry) => path.resolve(entry))];
  while (queue.length > 0) {
    const file = queue.pop() as string;
    if (files.has(file)) continue;
    files.add(file);
    const direct = importsOf(file);
    direct.packages.forEach((name) => packages.add(name));
    queue.push(...direct.files);
  }
  return { files, packages };
}

/** All .ts files under a directory (tests included). */
export function sourceFiles(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) return sourceFiles(full);
    return entry.name.endsWith('.ts') ? [full] : [];
  });
}
