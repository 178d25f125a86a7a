import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, it } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { createLocalBlobStore, type BlobStore } from '../../storage/blob-store.js';
import { createBlobRestorer } from './backup-blobs.js';

describe('blob restorer', () => {
  it('abandons a blob whose store has not started reading it yet without an uncaught stream error, and takes it back', async () => {
    const root = fs.mkdtempSync(path.join(os.tmpdir(), 'tacet-restorer-'));
    const local = createLocalBlobStore(root);
    // A slow disk: the store is still preparing (mkdir) when the restore fails and discards.
    const slow: BlobStore = { ...local, put: async (key, body) => (await sleep(50), local.put(key, body)) };
    const uncaught: unknown[] = [];
    const onUncaught = (error: unknown) => uncaught.push(error);
    process.on('uncaughtException', onUncaught);
    try {
      const restorer = createBlobRestorer(slow);
      await restorer.frame('ab/photo-1/image');
      await restorer.write(Buffer.alloc(1024, 7));
      await restorer.discard();
      await sleep(100);
      assert.deepEqual(uncaught, []);
      assert.equal(await local.has('ab/photo-1/image'), false);
    } finally {
      process.off('uncaughtException', onUncaught);
      fs.rmSync(root, { recursive: true, force: true });
    }
  });
});
