/**
 * The invisible per-viewer mark must survive what a leaker does to a photo
 * (re-encode at JPEG quality 70, resize to 50%) and must not be found where
 * none was put, nor be forgeable without the marker key.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import sharp from 'sharp';
import { randomSecret } from '../../crypto/random.js';
import { photoLike } from '../../../test/helpers/images.js';
import { readMark, watermarkImage } from './watermark.js';

describe('photo watermark', () => {
  const key = randomSecret(32);
  const viewer = { staffId: '6f1c2d3e-0000-4000-8000-000000000001', at: new Date('2026-11-24T10:15:00Z') };

  for (const [width, height] of [
    [1200, 900],
    [900, 1200],
    [800, 800],
  ] as const) {
    it(`traces a ${width}x${height} copy re-encoded at quality 70 and resized to 50%`, async () => {
      const mark = 0x9e3779b9;
      const served = await watermarkImage(await photoLike(width, height, width), viewer, mark, key);
      assert.equal(await readMark(served, key), mark, 'the served copy carries the mark');
      const leaked = await sharp(served).resize({ width: Math.round(width / 2) }).jpeg({ quality: 70 }).toBuffer();
      const info = await sharp(leaked).metadata();
      assert.equal(info.width, Math.round(width / 2));
      assert.equal(await readMark(leaked, key), mark);
    });
  }

  it('tells different viewers apart', async () => {
    const image = await photoLike(1000, 750, 7);
    const a = await watermarkImage(image, viewer, 1, key);
    const b = await watermarkImage(image, { ...viewer, staffId: '6f1c2d3e-0000-4000-8000-000000000002' }, 4_000_000_000, key);
    assert.equal(await readMark(a, key), 1);
    assert.equal(await readMark(b, key), 4_000_000_000);
  });

  it('finds nothing in an unmarked image, and nothing under another key', async () => {
    const image = await photoLike(1000, 750, 11);
    assert.equal(await readMark(image, key), undefined);
    const served = await watermarkImage(image, viewer, 123_456, key);
    assert.equal(await readMark(served, randomSecret(32)), undefined);
  });

  it('changes no pixel by more than a few grey levels beyond the visible mark', async () => {
    const image = await photoLike(600, 450, 3);
    const served = await watermarkImage(image, viewer, 42, key, { quality: 100 });
    const [before, after] = await Promise.all([sharp(image).raw().toBuffer(), sharp(served).raw().toBuffer()]);
    let total = 0;
    for (let i = 0; i < before.length; i += 1) total += Math.abs((before[i] as number) - (after[i] as number));
    // The visible text changes a small part of the image a lot; across the image the mean change stays small.
    assert.ok(total / before.length < 12, `mean absolute change ${(total / before.length).toFixed(2)}`);
  });
});
