import assert from 'node:assert/strict';
import { randomSecret } from '../crypto/random.js';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Readable } from 'node:stream';
import { after, describe, it } from 'node:test';
import { allFiles, readAll } from '../../test/helpers/files.js';
import { StreamAuthError } from '../crypto/stream.js';
import { createLocalBlobStore, getDecrypted, putEncrypted } from './blob-store.js';

const randomBytes = (size: number): Buffer => Buffer.concat(Array.from({ length: Math.ceil(size / 256) }, () => randomSecret(256))).subarray(0, size);

const root = fs.mkdtempSync(path.join(os.tmpdir(), 'tacet-blobs-'));
const store = createLocalBlobStore(root);
const key = randomBytes(32);

describe('local blob store', () => {
  after(() => fs.rmSync(root, { recursive: true, force: true }));

  it('stores only ciphertext, readable back with the key, files 0600', async () => {
    const photo = Buffer.concat([Buffer.from('\xff\xd8\xff\xe0JFIF', 'latin1'), randomBytes(300_000), Buffer.from('patient-face-marker')]);
    await putEncrypted(store, 'photos/p1/original', Readable.from([photo]), key);
    const files = allFiles(root);
    assert.equal(files.length, 1);
    const stored = fs.readFileSync(files[0] as string);
    assert.ok(!stored.includes(Buffer.from('patient-face-marker')) && !stored.includes(photo.subarray(100, 164)));
    assert.equal(fs.statSync(files[0] as string).mode & 0o777, 0o600);
    assert.ok((await readAll(await getDecrypted(store, 'photos/p1/original', key))).equals(photo));
  });

  it('refuses path traversal and odd keys', async () => {
    for (const bad of ['../etc/passwd', '/abs', 'photos/../../x', 'UPPER', 'a/.hidden', '', 'a//b']) {
      await assert.rejects(putEncrypted(store, bad, Readable.from([Buffer.from('x')]), key), /missing or invalid/, bad);
    }
  });

  it('a blob moved to another key, or tampered with, does not decrypt', async () => {
    await putEncrypted(store, 'photos/p2/original', Readable.from([randomBytes(100_000)]), key);
    const file = path.join(root, 'photos/p2/original');
    fs.copyFileSync(file, path.join(root, 'photos/p2/copy'));
    await assert.rejects(readAll(await getDecrypted(store, 'photos/p2/copy', key)), StreamAuthError);
    const bytes = fs.readFileSync(file);
    bytes[5000] = (bytes[5000] as number) ^ 1;
    fs.writeFileSync(file, bytes);
    await assert.rejects(readAll(await getDecrypted(store, 'photos/p2/original', key)), StreamAuthError);
  });

  it('a write that fails midway leaves nothing under the key (and no temporary file)', async () => {
    const failing = new Readable({
      read() {
        this.push(randomBytes(200_000));
        this.destroy(new Error('client went away'));
      },
    });
    await assert.rejects(putEncrypted(store, 'photos/p3/original', failing, key), /client went away/);
    assert.equal(await store.has('photos/p3/original'), false);
    assert.ok(!allFiles(root).some((f) => path.basename(f).startsWith('.tmp-')));
    await assert.rejects(store.get('photos/p3/original'), /Not found/);
  });
});
