/**
 * The invisible per-viewer mark must survive what a leaker does to a photo
 * (re-encode at JPEG quality 70, resize to 50%) and must not be found where
 * none was put, nor be forgeable without the marker key. It must also be
 * invisible: on smooth skin, SSIM >= 0.99 against the unmarked image and no
 * block edges (the old per-cell mean shifts scored 0.98 and showed a grid).
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import sharp from 'sharp';
import { randomSecret } from '../../crypto/random.js';
import { ssim } from 'ssim.js';
import { photoLike, skinPhoto, skinPhotoRaw } from '../../../test/helpers/images.js';
import { embedInvisibleMark, inspectMark, readMark, watermarkImage } from './watermark.js';

function rgba(rgb: Buffer, width: number, height: number): { data: Uint8ClampedArray; width: number; height: number } {
  const data = new Uint8ClampedArray(width * height * 4);
  for (let i = 0, j = 0; i < rgb.length; i += 3, j += 4) {
    data[j] = rgb[i] as number;
    data[j + 1] = rgb[i + 1] as number;
    data[j + 2] = rgb[i + 2] as number;
    data[j + 3] = 255;
  }
  return { data, width, height };
}

/**
 * The largest step, between neighbouring pixels, of the luminance change
 * averaged over 8 × 8 pixels, within a region: a block edge in the change
 * shows up as a step of (edge height) / 8; sensor-like dither averages away.
 */
function largestStepOfChange(before: Buffer, after: Buffer, width: number, region: { x0: number; x1: number; y0: number; y1: number }): number {
  const box = 8;
  const w = region.x1 - region.x0 + box + 1;
  const h = region.y1 - region.y0 + box + 1;
  const integral = new Float64Array((w + 1) * (h + 1));
  for (let y = 0; y < h; y += 1) {
    for (let x = 0; x < w; x += 1) {
      const i = ((region.y0 + y) * width + region.x0 + x) * 3;
      const d = 0.299 * ((after[i] as number) - (before[i] as number)) + 0.587 * ((after[i + 1] as number) - (before[i + 1] as number)) + 0.114 * ((after[i + 2] as number) - (before[i + 2] as number));
      integral[(y + 1) * (w + 1) + x + 1] = d + (integral[y * (w + 1) + x + 1] as number) + (integral[(y + 1) * (w + 1) + x] as number) - (integral[y * (w + 1) + x] as number);
    }
  }
  const mean = (x: number, y: number) => ((integral[(y + box) * (w + 1) + x + box] as number) - (integral[y * (w + 1) + x + box] as number) - (integral[(y + box) * (w + 1) + x] as number) + (integral[y * (w + 1) + x] as number)) / (box * box);
  let largest = 0;
  for (let y = 0; y < h - box - 1; y += 1) {
    for (let x = 0; x < w - box - 1; x += 1) {
      const here = mean(x, y);
      largest = Math.max(largest, Math.abs(mean(x + 1, y) - here), Math.abs(mean(x, y + 1) - here));
    }
  }
  return largest;
}

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

  it('is invisible on smooth skin: SSIM >= 0.99 against the unmarked image, and no block edges', () => {
    const { data: before, width, height } = skinPhotoRaw(1200, 900, 21);
    const after = Buffer.from(before);
    embedInvisibleMark(after, width, height, 3, 0x9e3779b9, key);
    assert.notDeepEqual(after, before, 'the mark changed the image');
    // ssim.js defaults: Wang et al.'s reference, scaled for viewing as the 2004 paper's code does; and at full resolution (100% zoom).
    const viewed = ssim(rgba(before, width, height), rgba(after, width, height)).mssim;
    const full = ssim(rgba(before, width, height), rgba(after, width, height), { downsample: false }).mssim;
    assert.ok(viewed >= 0.99 && full >= 0.99, `SSIM ${viewed.toFixed(4)} viewed, ${full.toFixed(4)} at 100%`);
    // The smooth skin (right of the textured band): the change has no edges a block grid would leave.
    const step = largestStepOfChange(before, after, width, { x0: 300, x1: 1100, y0: 100, y1: 780 });
    assert.ok(step < 0.4, `largest step of the 8x8-averaged change: ${step.toFixed(3)} grey levels`);
  });

  it('traces a smooth-skin photo after quality 70 and a 50% resize, and after a blur or a contrast change meant to wipe it', async () => {
    const mark = 0x5bd1e995;
    const served = await watermarkImage(await skinPhoto(1200, 900, 22), viewer, mark, key);
    const halved = await sharp(served).resize({ width: 600 }).jpeg({ quality: 70 }).toBuffer();
    const blurred = await sharp(served).blur(3).jpeg({ quality: 70 }).toBuffer();
    const flattened = await sharp(served).linear(0.9, 12).jpeg({ quality: 70 }).toBuffer();
    assert.equal(await readMark(halved, key), mark);
    assert.equal(await readMark(blurred, key), mark);
    assert.equal(await readMark(flattened, key), mark);
  });

  it('traces nobody from an unmarked skin photo or a marked one read with another key, even after the same edits', async () => {
    const leak = (image: Buffer) => sharp(image).resize({ width: 600 }).jpeg({ quality: 70 }).toBuffer();
    const unmarked = await leak(await skinPhoto(1200, 900, 23));
    const marked = await leak(await watermarkImage(await skinPhoto(1200, 900, 23), viewer, 77, key));
    const none = await inspectMark(unmarked, key);
    const otherKey = await inspectMark(marked, randomSecret(32));
    assert.equal(none.mark, undefined);
    assert.equal(otherKey.mark, undefined);
    // Forged without the key: a colleague's mark id embedded under a guessed key is not read as theirs.
    assert.equal(await readMark(await watermarkImage(await skinPhoto(1200, 900, 23), viewer, 77, randomSecret(32)), key), undefined);
    const real = await inspectMark(marked, key);
    assert.equal(real.mark, 77);
    assert.ok(real.confidence > none.confidence + 0.2 && real.confidence > otherKey.confidence + 0.2, `confidence marked ${real.confidence.toFixed(2)}, unmarked ${none.confidence.toFixed(2)}, other key ${otherKey.confidence.toFixed(2)}`);
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
