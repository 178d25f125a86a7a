/**
 * The S3 BlobStore driver against a real S3-compatible server on loopback
 * (s3rver, an S3 implementation in Node that stores objects as files, so the
 * test can read exactly what the "bucket" holds): streaming multipart upload,
 * ranged download, ciphertext only, moved or tampered objects refused, a
 * failed upload leaves nothing, and the photo pipeline works over it.
 */
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Readable } from 'node:stream';
import { after, before, describe, it } from 'node:test';
import S3rver from 's3rver';
import { randomSecret } from '../../src/crypto/random.js';
import { StreamAuthError } from '../../src/crypto/stream.js';
import { getDecrypted, putEncrypted } from '../../src/storage/blob-store.js';
import { blobStoreFor, createS3BlobStore, type S3BlobStore } from '../../src/storage/s3-blob-store.js';
import { loadCoreConfig } from '../../src/platform/config.js';
import { storePhoto } from '../../src/core/photos/photo-intake.js';
import { allFiles, readAll } from '../helpers/files.js';
import { cameraJpeg, EXIF_SECRETS } from '../helpers/images.js';

const BUCKET = 'tacet-test';

describe('S3 blob store (s3rver on loopback)', () => {
  const directory = fs.mkdtempSync(path.join(os.tmpdir(), 'tacet-s3-'));
  let server: S3rver;
  let store: S3BlobStore;
  const key = randomSecret(32);
  // s3rver keeps each object's bytes in a file named <key>._S3rver_object (metadata beside it).
  const objectFiles = () => allFiles(path.join(directory, BUCKET)).filter((f) => f.endsWith('._S3rver_object'));

  before(async () => {
    server = new S3rver({ address: '127.0.0.1', port: 0, silent: true, directory, configureBuckets: [{ name: BUCKET, configs: [] }] });
    const { port } = (await server.run()) as { port: number };
    store = createS3BlobStore({ endpoint: `http://127.0.0.1:${port}`, region: 'eu-west-2', bucket: BUCKET, prefix: 'clinic/', credentials: { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' } });
  });
  after(async () => {
    store?.client.destroy();
    await server?.close();
    fs.rmSync(directory, { recursive: true, force: true });
  });

  it('streams a 20 MB blob up in parts and back, holding only ciphertext', async () => {
    const marker = Buffer.from('patient-face-marker-0123456789');
    const plain = Buffer.concat([marker, Buffer.concat(Array.from({ length: 80 }, () => randomSecret(256 * 1024))), marker]);
    const stored = await putEncrypted(store, 'photos/p1/image', Readable.from((function* () { for (let i = 0; i < plain.length; i += 1024 * 1024) yield plain.subarray(i, i + 1024 * 1024); })()), key);
    assert.ok(stored > plain.length);
    const files = objectFiles();
    assert.equal(files.length, 1);
    const raw = fs.readFileSync(files[0] as string);
    assert.equal(raw.length, stored);
    assert.ok(!raw.includes(marker) && !raw.includes(plain.subarray(5_000_000, 5_000_064)), 'the bucket holds ciphertext only');
    assert.ok((await readAll(await getDecrypted(store, 'photos/p1/image', key))).equals(plain));
    // Ranged download: the stream header is the first 40 bytes.
    assert.ok((await readAll(await store.getRange('photos/p1/image', 0, 39))).equals(raw.subarray(0, 40)));
    assert.ok((await readAll(await store.getRange('photos/p1/image', 10_000_000, 10_000_099))).equals(raw.subarray(10_000_000, 10_000_100)));
  });

  it('refuses an object moved to another key or tampered with, and answers NOT_FOUND for what is not there', async () => {
    const raw = await readAll(await store.get('photos/p1/image'));
    await store.put('photos/p2/image', Readable.from([raw]));
    await assert.rejects(readAll(await getDecrypted(store, 'photos/p2/image', key)), StreamAuthError);
    raw[1_000_000] = (raw[1_000_000] as number) ^ 1;
    await store.put('photos/p1/image', Readable.from([raw]));
    await assert.rejects(readAll(await getDecrypted(store, 'photos/p1/image', key)), StreamAuthError);
    assert.equal(await store.has('photos/none/image'), false);
    await assert.rejects(store.get('photos/none/image'), /Not found/);
    await store.delete('photos/p2/image');
    assert.equal(await store.has('photos/p2/image'), false);
    await assert.rejects(store.put('../escape', Readable.from([Buffer.from('x')])), /missing or invalid/);
  });

  it('a failed upload leaves no object under the key', async () => {
    const failing = new Readable({
      read() {
        this.push(randomSecret(64 * 1024));
        this.destroy(new Error('client went away'));
      },
    });
    await assert.rejects(putEncrypted(store, 'photos/p3/image', failing, key));
    assert.equal(await store.has('photos/p3/image'), false);
  });

  it('runs the photo pipeline over S3: metadata-free, encrypted image and thumbnail', async () => {
    const result = await storePhoto(Readable.from([await cameraJpeg(800, 600)]), { store, key: 'photos/p4', fileKey: key });
    assert.deepEqual([result.width, result.height], [800, 600]);
    for (const variant of ['image', 'thumb']) {
      const plain = await readAll(await getDecrypted(store, `photos/p4/${variant}`, key));
      for (const secret of EXIF_SECRETS) assert.ok(!plain.includes(Buffer.from(secret)));
    }
  });

  it('is what the core uses when TACET_BLOB_S3_BUCKET is set', async () => {
    const port = (server as unknown as { httpServer: { address: () => { port: number } } }).httpServer.address().port;
    const config = loadCoreConfig({ TACET_DATA_DIR: directory, TACET_BLOB_S3_BUCKET: BUCKET, TACET_BLOB_S3_ENDPOINT: `http://127.0.0.1:${port}`, TACET_BLOB_S3_REGION: 'eu-west-2', TACET_BLOB_S3_PREFIX: 'core/' });
    process.env['AWS_ACCESS_KEY_ID'] ??= 'S3RVER';
    process.env['AWS_SECRET_ACCESS_KEY'] ??= 'S3RVER';
    const configured = blobStoreFor(config);
    await putEncrypted(configured, 'photos/p5/image', Readable.from([Buffer.from('through the configured store')]), key);
    assert.ok(objectFiles().some((f) => f.includes(`${path.sep}core${path.sep}photos${path.sep}p5`)));
    assert.equal((await readAll(await getDecrypted(configured, 'photos/p5/image', key))).toString(), 'through the configured store');
    assert.throws(() => loadCoreConfig({ TACET_BLOB_S3_BUCKET: 'Bad_Bucket' }), /TACET_BLOB_S3_BUCKET/);
  });
});
