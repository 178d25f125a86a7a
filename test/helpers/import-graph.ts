/** Static import graph of the project's TypeScript sources, .ts and .tsx (relative imports only, plus package names). */
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
    if (spec.startsWith('.')) files.push(resolveSpecifier(file, spec));
    else packages.push(spec);
  }
  return { files, packages };
}

/** The file a relative specifier names: `./x.js` is `x.ts`, or `x.tsx` when only that exists (NodeNext spelling). */
function resolveSpecifier(from: string, spec: string): string {
  const target = path.resolve(path.dirname(from), spec);
  if (!target.endsWith('.js')) return target;
  const ts = target.replace(/\.js$/, '.ts');
  const tsx = target.replace(/\.js$/, '.tsx');
  return fs.existsSync(ts) || !fs.existsSync(tsx) ? ts : tsx;
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

/** All files under a directory ending in one of `extensions` (.ts unless told; tests included). */
export function sourceFiles(dir: string, extensions: readonly string[] = ['.ts']): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) return sourceFiles(full, extensions);
    return extensions.some((ext) => entry.name.endsWith(ext)) ? [full] : [];
  });
}

/**
 * Import cycles among `files` (imports that leave the set are ignored; type-only
 * imports count). One closed path per group of files that reach one another,
 * e.g. `[a, b, c, a]`; empty when the graph is acyclic.
 */
export function findCycles(files: readonly string[]): string[][] {
  const nodes = new Set(files.map((file) => path.resolve(file)));
  const edges = new Map([...nodes].map((file) => [file, [...new Set(importsOf(file).files)].filter((to) => nodes.has(to))]));
  return stronglyConnected(edges)
    .filter((group) => group.length > 1 || (edges.get(group[0] as string) ?? []).includes(group[0] as string))
    .map((group) => closedPath(edges, new Set(group), group.sort()[0] as string));
}

/** Tarjan's strongly connected components. */
function stronglyConnected(edges: ReadonlyMap<string, readonly string[]>): string[][] {
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const groups: string[][] = [];
  const visit = (node: string) => {
    index.set(node, index.size);
    low.set(node, index.get(node) as number);
    stack.push(node);
    for (const next of edges.get(node) ?? []) {
      if (!index.has(next)) {
        visit(next);
        low.set(node, Math.min(low.get(node) as number, low.get(next) as number));
      } else if (stack.includes(next)) low.set(node, Math.min(low.get(node) as number, index.get(next) as number));
    }
    if (low.get(node) !== index.get(node)) return;
    const group: string[] = [];
    let member: string;
    do {
      member = stack.pop() as string;
      group.push(member);
    } while (member !== node);
    groups.push(group);
  };
  for (const node of edges.keys()) if (!index.has(node)) visit(node);
  return groups;
}

/** A shortest path from `start` back to itself inside `group` (breadth first). */
function closedPath(edges: ReadonlyMap<string, readonly string[]>, group: ReadonlySet<string>, start: string): string[] {
  const cameFrom = new Map<string, string>();
  const queue = [start];
  while (queue.length > 0) {
    const node = queue.shift() as string;
    for (const next of edges.get(node) ?? []) {
      if (!group.has(next)) continue;
      if (next === start) {
        const trail = [node];
        while (trail[0] !== start) trail.unshift(cameFrom.get(trail[0] as string) as string);
        return [...trail, start];
      }
      if (!cameFrom.has(next)) {
        cameFrom.set(next, node);
        queue.push(next);
      }
    }
  }
  return [start];
}
