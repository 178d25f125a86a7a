/**
 * Photo intake as an attacker and a privacy regulator would test it: GPS and
 * camera EXIF never survive (not in the stored ciphertext once decrypted, not
 * in the thumbnail); a decompression bomb, a polyglot, a non-image and an
 * oversized upload are refused with clear reasons and leave nothing behind.
 */
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Readable } from 'node:stream';
import { after, describe, it } from 'node:test';
import { allFiles, readAll } from '../../../test/helpers/files.js';
import zlib from 'node:zlib';
import sharp from 'sharp';
import { randomSecret } from '../../crypto/random.js';
import { createLocalBlobStore, getDecrypted } from '../../storage/blob-store.js';
import { PhotoRejected, storePhoto } from './photo-intake.js';

const root = fs.mkdtempSync(path.join(os.tmpdir(), 'tacet-photos-'));
const store = createLocalBlobStore(root);
const fileKey = randomSecret(32);

/** A camera JPEG with GPS coordinates and camera make/model/serial in EXIF. */
async function cameraJpeg(): Promise<Buffer> {
  return sharp({ create: { width: 640, height: 480, channels: 3, background: { r: 200, g: 150, b: 120 } } })
    .jpeg({ quality: 85 })
    .withExif({
      IFD0: { Make: 'SecretCamCorp', Model: 'PrivateModel-X9', Software: 'ClinicPhoneApp', Artist: 'Dr Hidden Name' },
      IFD3: { GPSLatitudeRef: 'N', GPSLatitude: '51/1 30/1 2635/100', GPSLongitudeRef: 'W', GPSLongitude: '0/1 8/1 4431/100' },
    })
    .toBuffer();
}

function crc32(bytes: Buffer): number {
  let crc = ~0;
  for (const byte of bytes) {
    crc ^= byte;
    for (let k = 0; k < 8; k++) crc = (crc >>> 1) ^ (0xedb88320 & -(crc & 1));
  }
  return ~crc >>> 0;
}

function pngChunk(type: string, data: Buffer): Buffer {
  const length = Buffer.alloc(4);
  length.writeUInt32BE(data.length);
  const body = Buffer.concat([Buffer.from(type, 'latin1'), data]);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(body));
  return Buffer.concat([length, body, crc]);
}

/** A tiny PNG declaring 40,000 × 40,000 pixels of one colour (1.6 gigapixels once decoded). */
function bombPng(): Buffer {
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(40_000, 0);
  ihdr.writeUInt32BE(40_000, 4);
  ihdr.set([8, 0, 0, 0, 0], 8); // 8-bit greyscale
  const row = Buffer.alloc(40_001); // filter byte + zeros
  const deflater = zlib.deflateSync(Buffer.concat(Array.from({ length: 64 }, () => row)), { level: 9 });
  return Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), pngChunk('IHDR', ihdr), pngChunk('IDAT', deflater), pngChunk('IEND', Buffer.alloc(0))]);
}

const chunks = (data: Buffer, size = 4096) => Readable.from(Array.from({ length: Math.ceil(data.length / size) }, (_, i) => data.subarray(i * size, (i + 1) * size)));

describe('photo intake', () => {
  after(() => fs.rmSync(root, { recursive: true, force: true }));

  it('strips GPS, camera and all EXIF from the stored image and its thumbnail', async () => {
    const original = await cameraJpeg();
    const before = await sharp(original).metadata();
    assert.ok(before.exif && before.exif.includes(Buffer.from('SecretCamCorp')), 'the test image really carries EXIF');
    const stored = await storePhoto(chunks(original), { store, key: 'photos/ph1', fileKey });
    assert.deepEqual([stored.width, stored.height], [640, 480]);
    for (const part of ['image', 'thumb']) {
      const ciphertext = fs.readFileSync(path.join(root, 'photos/ph1', part));
      const plaintext = await readAll(await getDecrypted(store, `photos/ph1/${part}`, fileKey));
      const meta = await sharp(plaintext).metadata();
      assert.equal(meta.format, 'jpeg');
      assert.equal(meta.exif, undefined, `${part}: no EXIF block`);
      assert.equal(meta.xmp, undefined, `${part}: no XMP`);
      for (const needle of ['SecretCamCorp', 'PrivateModel-X9', 'ClinicPhoneApp', 'Dr Hidden Name', 'Exif\0\0', 'GPS']) {
        assert.ok(!plaintext.includes(Buffer.from(needle, 'latin1')), `${part}: ${needle} left in the decrypted image`);
        assert.ok(!ciphertext.includes(Buffer.from(needle, 'latin1')), `${part}: ${needle} in the stored bytes`);
      }
      // The stored bytes are not the image: no JPEG markers at the start of the blob.
      assert.ok(!ciphertext.subarray(0, 3).equals(Buffer.from([0xff, 0xd8, 0xff])));
    }
    const thumb = await sharp(await readAll(await getDecrypted(store, 'photos/ph1/thumb', fileKey))).metadata();
    assert.equal(thumb.width, 480);
  });

  it('refuses a decompression bomb before decoding it', async () => {
    const bomb = bombPng();
    assert.ok(bomb.length < 200_000, `bomb is ${bomb.length} bytes`);
    await assert.rejects(storePhoto(chunks(bomb), { store, key: 'photos/bomb', fileKey }), (error: unknown) => error instanceof PhotoRejected && error.problem === 'too-many-pixels');
    assert.equal(allFiles(path.join(root, 'photos/bomb')).length, 0);
  });

  it('refuses polyglots (data after the image), non-images, corrupt images and oversized uploads', async () => {
    const jpeg = await cameraJpeg();
    const png = await sharp({ create: { width: 32, height: 32, channels: 3, background: '#123456' } }).png().toBuffer();
    const zip = Buffer.concat([Buffer.from('PK\x03\x04', 'latin1'), Buffer.alloc(200, 1)]);
    const cases: [string, Buffer, string][] = [
      ['JPEG + ZIP', Buffer.concat([jpeg, zip]), 'polyglot'],
      ['JPEG + HTML', Buffer.concat([jpeg, Buffer.from('<script>alert(1)</script>')]), 'polyglot'],
      ['PNG + ZIP', Buffer.concat([png, zip]), 'polyglot'],
      ['HTML', Buffer.from('<!doctype html><html><script>alert(1)</script></html>'), 'not-an-image'],
      ['PDF', Buffer.from('%PDF-1.7\n%âãÏÓ\n1 0 obj <<>> endobj\n%%EOF'), 'not-an-image'],
      ['empty', Buffer.alloc(0), 'not-an-image'],
      ['truncated JPEG', Buffer.concat([jpeg.subarray(0, 2000), Buffer.from([0xff, 0xd9])]), 'corrupt'],
    ];
    for (const [label, data, problem] of cases) {
      await assert.rejects(storePhoto(chunks(data), { store, key: 'photos/bad', fileKey }), (error: unknown) => error instanceof PhotoRejected && error.problem === problem, `${label} should be refused as ${problem}`);
    }
    assert.ok(jpeg.length > 1_000);
    await assert.rejects(storePhoto(chunks(jpeg, 256), { store, key: 'photos/bad', fileKey, limits: { maxBytes: 1_000, maxPixels: 1e8, thumbnailWidth: 100 } }), (error: unknown) => error instanceof PhotoRejected && error.problem === 'too-large');
    assert.equal(allFiles(path.join(root, 'photos/bad')).length, 0, 'nothing stored for refused uploads');
  });
});
