/** Incremental SHA-256 for streamed data (backups, blob manifests). */
import { createHash } from 'node:crypto';

export interface Hasher {
  readonly update: (chunk: Uint8Array) => void;
  readonly hex: () => string;
}

export function sha256Hasher(): Hasher {
  const hash = createHash('sha256');
  return { update: (chunk) => void hash.update(chunk), hex: () => hash.digest('hex') };
}
