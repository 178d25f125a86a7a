/**
 * Invisible-watermark benchmark: what serving a photo costs, how visible the
 * mark is, and how far apart marked and unmarked copies read.
 *
 *  1. Rate: `watermarkImage` (decode, visible mark, invisible mark, JPEG
 *     encode: the whole serve path after decryption) on generated
 *     smooth-skin photos of 1200 × 900 and 4032 × 3024 (a 12 MP phone
 *     photo), best of N. With `--against FILE` a second implementation
 *     (e.g. the previous commit's watermark.ts) is timed in the same run,
 *     interleaved, and the ratio printed.
 *  2. Invisibility: SSIM (ssim.js defaults, and at 100%: no downsampling)
 *     of the invisibly marked pixels against the unmarked ones, for each
 *     implementation that exports `embedInvisibleMark`.
 *  3. Detection margin (this implementation): confidence of copies
 *     re-encoded at quality 70 after a 50% resize, against unmarked copies
 *     and marked copies read under another key, over `--photos` photos.
 *
 * Usage: npm run bench:watermark [-- --runs 5 --photos 12 --against src/core/photos/watermark.before.ts]
 */
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import sharp from 'sharp';
import { ssim } from 'ssim.js';
import * as current from '../src/core/photos/watermark.js';
import { randomSecret } from '../src/crypto/random.js';
import { skinPhotoRaw } from '../test/helpers/images.js';

const { values: args } = parseArgs({ options: { runs: { type: 'string', default: '5' }, photos: { type: 'string', default: '12' }, against: { type: 'string' } } });
const RUNS = Number(args.runs);
const PHOTOS = Number(args.photos);

type Impl = {
  watermarkImage: typeof current.watermarkImage;
  readMark: typeof current.readMark;
  embedInvisibleMark?: typeof current.embedInvisibleMark;
};
const impls: [string, Impl][] = [['this', current]];
if (args.against) impls.push(['against', (await import(pathToFileURL(path.resolve(args.against)).href)) as Impl]);

const key = randomSecret(32);
const viewer = { staffId: '6f1c2d3e-0000-4000-8000-000000000001', at: new Date('2026-11-24T10:15:00Z') };
const jpeg = (raw: { data: Buffer; width: number; height: number }) => sharp(raw.data, { raw: { width: raw.width, height: raw.height, channels: 3 } }).jpeg({ quality: 92 }).toBuffer();
const leak = async (image: Buffer) => {
  const { width } = await sharp(image).metadata();
  return sharp(image).resize({ width: Math.round((width as number) / 2) }).jpeg({ quality: 70 }).toBuffer();
};
function rgba(rgb: Buffer, width: number, height: number) {
  const data = new Uint8ClampedArray(width * height * 4);
  for (let i = 0, j = 0; i < rgb.length; i += 3, j += 4) {
    data[j] = rgb[i] as number;
    data[j + 1] = rgb[i + 1] as number;
    data[j + 2] = rgb[i + 2] as number;
    data[j + 3] = 255;
  }
  return { data, width, height };
}

console.log(`invisible watermark (${os.cpus()[0]?.model ?? 'cpu'}, ${os.cpus().length} cores, Node ${process.versions.node}, sharp ${sharp.versions.sharp}, libvips ${sharp.versions.vips})`);

// 1. Rate, interleaved so that load from neighbours falls on both alike.
for (const [width, height] of [
  [1200, 900],
  [4032, 3024],
] as const) {
  const photo = await jpeg(skinPhotoRaw(width, height, 5));
  const best = new Map<string, number>();
  for (let run = 0; run < RUNS; run += 1) {
    for (const [name, impl] of impls) {
      const start = performance.now();
      const served = await impl.watermarkImage(photo, viewer, 0x9e3779b9, key);
      const ms = performance.now() - start;
      if (run === 0 && (await impl.readMark(served, key)) !== 0x9e3779b9) throw new Error(`${name}: served copy does not trace`);
      best.set(name, Math.min(best.get(name) ?? Infinity, ms));
    }
  }
  const line = impls.map(([name]) => `${name} ${(best.get(name) as number).toFixed(0)} ms (${(1000 / (best.get(name) as number)).toFixed(1)} photos/s)`).join(', ');
  const ratio = impls.length > 1 ? `; rate ratio this/against ${((best.get('against') as number) / (best.get('this') as number)).toFixed(2)}` : '';
  console.log(`  serve ${width}x${height} (best of ${RUNS}): ${line}${ratio}`);
}

// 2. Invisibility on smooth skin.
for (const [name, impl] of impls) {
  if (!impl.embedInvisibleMark) {
    console.log(`  SSIM (${name}): implementation exports no embedInvisibleMark`);
    continue;
  }
  const scores: string[] = [];
  for (const [width, height, seed] of [
    [1200, 900, 21],
    [900, 1200, 22],
    [1600, 1200, 23],
  ] as const) {
    const { data: before } = skinPhotoRaw(width, height, seed);
    const after = Buffer.from(before);
    impl.embedInvisibleMark(after, width, height, 3, 0x9e3779b9, key);
    const viewed = ssim(rgba(before, width, height), rgba(after, width, height)).mssim;
    const full = ssim(rgba(before, width, height), rgba(after, width, height), { downsample: false }).mssim;
    scores.push(`${width}x${height} ${viewed.toFixed(4)} / ${full.toFixed(4)}`);
  }
  console.log(`  SSIM viewed / at 100% (${name}): ${scores.join(', ')} (target >= 0.99)`);
}

// 3. Detection margin.
if ('inspectMark' in current) {
  const marked: number[] = [];
  const unmarked: number[] = [];
  const otherKey: number[] = [];
  let traced = 0;
  let falsePositives = 0;
  let traceMs = 0;
  for (let i = 0; i < PHOTOS; i += 1) {
    const [width, height] = i % 2 === 0 ? [1200, 900] : [900, 1200];
    const photo = await jpeg(skinPhotoRaw(width, height, 100 + i));
    const mark = (0x01000193 * (i + 1)) >>> 0 || 1;
    const leaked = await leak(await current.watermarkImage(photo, viewer, mark, key));
    const start = performance.now();
    const read = await current.inspectMark(leaked, key);
    traceMs += performance.now() - start;
    if (read.mark === mark) traced += 1;
    marked.push(read.confidence);
    const clean = await current.inspectMark(await leak(photo), key);
    const wrong = await current.inspectMark(leaked, randomSecret(32));
    if (clean.mark !== undefined || wrong.mark !== undefined) falsePositives += 1;
    unmarked.push(clean.confidence);
    otherKey.push(wrong.confidence);
  }
  const range = (v: number[]) => `${Math.min(...v).toFixed(3)}–${Math.max(...v).toFixed(3)}`;
  console.log(`  after q70 + 50% resize, ${PHOTOS} photos: traced ${traced}/${PHOTOS}, false positives ${falsePositives}/${2 * PHOTOS}; trace ${(traceMs / PHOTOS).toFixed(0)} ms a copy`);
  console.log(`  confidence (threshold 0.7): marked ${range(marked)}, unmarked ${range(unmarked)}, other key ${range(otherKey)}; margin ${(Math.min(...marked) - Math.max(...unmarked, ...otherKey)).toFixed(3)}`);
}
