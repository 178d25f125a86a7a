/** Small stream and file-tree helpers for storage tests. */
import fs from 'node:fs';
import path from 'node:path';
import type { Readable } from 'node:stream';

/** Read a whole stream (tests only: production code never buffers a blob whole). */
export async function readAll(stream: Readable): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

/** Every file below `dir` (none if it does not exist). */
export function allFiles(dir: string): string[] {
  return fs.existsSync(dir) ? fs.readdirSync(dir, { withFileTypes: true }).flatMap((entry) => (entry.isDirectory() ? allFiles(path.join(dir, entry.name)) : [path.join(dir, entry.name)])) : [];
}
