/** Locating files shipped with the package, from source (tsx) or compiled (dist/) alike. */
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

let cached: string | undefined;

/** The directory holding Tacet's package.json. */
export function packageRoot(): string {
  if (cached) return cached;
  let dir = path.dirname(fileURLToPath(import.meta.url));
  while (!fs.existsSync(path.join(dir, 'package.json'))) {
    const parent = path.dirname(dir);
    if (parent === dir) throw new Error('package root not found');
    dir = parent;
  }
  cached = dir;
  return dir;
}

/** Read a shipped asset, with a clear error naming the build step if it is missing. */
export function readAsset(relative: string, buildHint: string): Buffer {
  const file = path.join(packageRoot(), relative);
  if (!fs.existsSync(file)) throw new Error(`missing asset ${relative}: run \`${buildHint}\``);
  return fs.readFileSync(file);
}
