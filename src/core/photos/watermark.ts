/**
 * Per-viewer watermarks on every served photo, so a leaked copy names its
 * source.
 *
 * Visible: a diagonal, translucent line repeating the viewer's staff id and
 * the UTC time it was served, over the whole image (cropping a corner does
 * not remove it).
 *
 * Invisible: a 48-bit payload — a random 32-bit mark id (the `photo_marks`
 * row says who was served it, when, and which photo) and a 16-bit keyed tag
 * (HMAC under the vault's marker key, so a mark cannot be forged to blame a
 * colleague) — carried by spread-transform dither modulation (STDM) of the
 * luminance, read back by correlation (docs/adr/0021-invisible-watermark.md):
 *
 *  - The luminance is averaged over a GRID × GRID lattice laid over the image
 *    in proportion to its size (so a resized copy lands on the same lattice).
 *  - Each lattice cell belongs to one payload bit and carries a ±1 chip
 *    (half of a bit's chips each way); the cell order and the chips come
 *    from a keystream under the marker key, so without the key neither
 *    where a bit lives nor its sign is known. A bit's pattern is its chips,
 *    each spread into a smooth Gaussian bump (no edges, so no grid can
 *    show); its correlation with the image, less the image's local mean
 *    (so shading, brightness and contrast barely reach it), is the bit's
 *    value.
 *  - Embedding moves each bit's correlation onto the nearest point of the
 *    lattice that codes the bit (spacing STEP, keyed dither), along the
 *    bit's pattern weighted by a perceptual mask: textured cells take up to
 *    MASK_MAX / MASK_MIN (8) times the change of smooth skin, so flat areas
 *    carry little.
 *    The host image does not interfere (the embedder knows it), so a change
 *    of about half a grey level on average is enough.
 *  - The change is a smooth field (bilinear between cell centres) added
 *    equally to R, G and B with dithered rounding; where pixels clip at 0
 *    or 255 the result is measured on the real pixels and corrected once.
 *  - Reading correlates again; each bit's distance from its lattice gives a
 *    confidence, and a copy counts as marked only when the mean confidence
 *    clears MIN_CONFIDENCE and the keyed tag matches.
 *
 * The bumps are coarse (a few dozen pixels across), which JPEG re-encoding
 * and downscaling keep; a blur that removes them removes the picture. This
 * is still a deterrent and a tracing aid, not cryptography: cropping or
 * heavy geometric edits defeat it, and the mark ids name who was served
 * which copy; the audit log has the rest.
 */
import sharp from 'sharp';
import { hmacHex } from '../../crypto/digest.js';
import { keystream } from '../../crypto/keystream.js';

/** Lattice cells per side, whatever the image's aspect ratio. */
const GRID = 128;
const CELLS = GRID * GRID;
const PAYLOAD_BITS = 48;
/** Width (in cells) of each chip's Gaussian bump. */
const SIGMA = 1;
const RADIUS = 3;
/**
 * Lattice spacing of a bit's correlation, in grey levels of bump amplitude
 * on a smooth cell (about half a grey level of change on average, up to a
 * few in texture): SSIM >= 0.99 against the unmarked image with room for
 * JPEG quality 70 after halving (docs/benchmarks.md).
 */
const STRENGTH = 0.9;
/** Local contrast (grey levels, standard deviation inside a cell) at which the mask starts adding strength. */
const MASK_FLOOR = 3;
/** Smooth cells get MASK_MIN of the base change, textured ones up to MASK_MAX. */
const MASK_MIN = 0.5;
const MASK_MAX = 4;
/** Mean confidence (0 = none, 1 = every bit on its lattice) below which a copy is unmarked. */
const MIN_CONFIDENCE = 0.7;

/** Who is being served a copy, and when (shown in the visible mark). */
export interface Viewer {
  readonly staffId: string;
  readonly at: Date;
}

function tag(key: Uint8Array, mark: number): number {
  return Number.parseInt(hmacHex(key, `photo-mark|${mark}`).slice(0, 4), 16);
}

function payloadBits(key: Uint8Array, mark: number): number[] {
  const bits: number[] = [];
  for (let i = 31; i >= 0; i -= 1) bits.push((mark >>> i) & 1);
  const t = tag(key, mark);
  for (let i = 15; i >= 0; i -= 1) bits.push((t >>> i) & 1);
  return bits;
}

/** Peak-normalised 1-D Gaussian; the 2-D bump is its outer product. */
const KERNEL: Float64Array = Float64Array.from({ length: 2 * RADIUS + 1 }, (_, i) => Math.exp(-((i - RADIUS) ** 2) / (2 * SIGMA * SIGMA)));
/** Sum of the squared 2-D kernel: the gain of blur-then-correlate on one chip. */
const KERNEL_ENERGY = KERNEL.reduce((sum, k) => sum + k * k, 0) ** 2;
const STEP = STRENGTH * KERNEL_ENERGY;

/** The keyed layout: each cell's bit and chip, and each bit's dither. */
interface Layout {
  readonly bitOf: Uint8Array;
  readonly chip: Float64Array;
  readonly count: Float64Array;
  readonly dither: Float64Array;
}

const layouts = new WeakMap<Uint8Array, Layout>();

function layoutFor(key: Uint8Array): Layout {
  const cached = layouts.get(key);
  if (cached) return cached;
  const stream = keystream(key, 'photo-mark-layout', CELLS * 8 + PAYLOAD_BITS * 4);
  const uniform = (i: number) => stream.readUInt32BE(i * 4) / 2 ** 32;
  // Every bit gets CELLS / PAYLOAD_BITS cells (give or take one), scattered by a keyed shuffle.
  const bitOf = Uint8Array.from({ length: CELLS }, (_, i) => i % PAYLOAD_BITS);
  for (let i = CELLS - 1; i > 0; i -= 1) {
    const j = Math.floor(uniform(i) * (i + 1));
    const t = bitOf[i] as number;
    bitOf[i] = bitOf[j] as number;
    bitOf[j] = t;
  }
  // Each bit's chips are half +1 and half -1, in keyed order: they sum to zero (to within one), so the image's
  // overall brightness, and any change of it, falls out of the correlation instead of dwarfing the mark.
  const chip = new Float64Array(CELLS);
  const count = new Float64Array(PAYLOAD_BITS);
  const cellsOf: number[][] = Array.from({ length: PAYLOAD_BITS }, () => []);
  for (let c = 0; c < CELLS; c += 1) (cellsOf[bitOf[c] as number] as number[]).push(c);
  let draw = CELLS;
  for (const [b, cells] of cellsOf.entries()) {
    const signs: number[] = cells.map((_, k) => (k % 2 === 0 ? 1 : -1));
    for (let k = signs.length - 1; k > 0; k -= 1) {
      const j = Math.floor(uniform(draw++) * (k + 1));
      const t = signs[k] as number;
      signs[k] = signs[j] as number;
      signs[j] = t;
    }
    for (const [k, c] of cells.entries()) chip[c] = signs[k] as number;
    count[b] = cells.length;
  }
  const dither = Float64Array.from({ length: PAYLOAD_BITS }, (_, b) => uniform(CELLS * 2 + b) * STEP);
  const layout = { bitOf, chip, count, dither };
  layouts.set(key, layout);
  return layout;
}

/**
 * Area weights from pixels to lattice cells along one axis: pixel p covers
 * cell `first[p]` with weight `w[p]` and the next cell with 1 - w[p].
 */
function areaWeights(pixels: number): { first: Int32Array; w: Float64Array } {
  const first = new Int32Array(pixels);
  const w = new Float64Array(pixels);
  const scale = GRID / pixels;
  for (let p = 0; p < pixels; p += 1) {
    const lo = p * scale;
    const c = Math.min(GRID - 1, Math.floor(lo));
    const boundary = c + 1;
    first[p] = c;
    w[p] = c === GRID - 1 || (p + 1) * scale <= boundary ? 1 : (boundary - lo) / scale;
  }
  return { first, w };
}

/** Mean luminance of every lattice cell, weighting each pixel by how much of it falls in the cell. */
function cellMeans(rgb: Buffer, width: number, height: number, channels: number): Float64Array {
  const cols = areaWeights(width);
  const rows = areaWeights(height);
  const sum = new Float64Array(CELLS);
  const line = new Float64Array(GRID);
  for (let y = 0; y < height; y += 1) {
    line.fill(0);
    let i = y * width * channels;
    for (let x = 0; x < width; x += 1, i += channels) {
      const v = 0.299 * (rgb[i] as number) + 0.587 * (rgb[i + 1] as number) + 0.114 * (rgb[i + 2] as number);
      const c = cols.first[x] as number;
      const w = cols.w[x] as number;
      line[c] = (line[c] as number) + w * v;
      if (w < 1) line[c + 1] = (line[c + 1] as number) + (1 - w) * v;
    }
    const r = rows.first[y] as number;
    const w = rows.w[y] as number;
    const base = r * GRID;
    for (let c = 0; c < GRID; c += 1) sum[base + c] = (sum[base + c] as number) + w * (line[c] as number);
    if (w < 1) for (let c = 0; c < GRID; c += 1) sum[base + GRID + c] = (sum[base + GRID + c] as number) + (1 - w) * (line[c] as number);
  }
  const area = (width / GRID) * (height / GRID);
  return sum.map((s) => s / area);
}

/**
 * Local contrast of every lattice cell: the luminance variance inside it,
 * from every other pixel of every other row (the mask needs no more).
 */
function cellVariances(rgb: Buffer, width: number, height: number, channels: number): Float64Array {
  const sum = new Float64Array(CELLS);
  const sq = new Float64Array(CELLS);
  const n = new Float64Array(CELLS);
  const colCell = Int32Array.from({ length: width }, (_, x) => Math.min(GRID - 1, Math.floor((x * GRID) / width)));
  for (let y = 0; y < height; y += 2) {
    const base = Math.min(GRID - 1, Math.floor((y * GRID) / height)) * GRID;
    let i = y * width * channels;
    for (let x = 0; x < width; x += 2, i += 2 * channels) {
      const v = 0.299 * (rgb[i] as number) + 0.587 * (rgb[i + 1] as number) + 0.114 * (rgb[i + 2] as number);
      const c = base + (colCell[x] as number);
      sum[c] = (sum[c] as number) + v;
      sq[c] = (sq[c] as number) + v * v;
      n[c] = (n[c] as number) + 1;
    }
  }
  return sq.map((s, c) => {
    const count = n[c] as number;
    return count === 0 ? 0 : Math.max(0, s / count - ((sum[c] as number) / count) ** 2);
  });
}

/** Separable Gaussian blur of a lattice field, zero outside (so it is its own adjoint). */
function blur(field: Float64Array): Float64Array {
  const tmp = new Float64Array(CELLS);
  const out = new Float64Array(CELLS);
  for (let r = 0; r < GRID; r += 1) {
    for (let c = 0; c < GRID; c += 1) {
      let s = 0;
      for (let k = -RADIUS; k <= RADIUS; k += 1) {
        const cc = c + k;
        if (cc >= 0 && cc < GRID) s += (KERNEL[k + RADIUS] as number) * (field[r * GRID + cc] as number);
      }
      tmp[r * GRID + c] = s;
    }
  }
  for (let r = 0; r < GRID; r += 1) {
    for (let c = 0; c < GRID; c += 1) {
      let s = 0;
      for (let k = -RADIUS; k <= RADIUS; k += 1) {
        const rr = r + k;
        if (rr >= 0 && rr < GRID) s += (KERNEL[k + RADIUS] as number) * (tmp[rr * GRID + c] as number);
      }
      out[r * GRID + c] = s;
    }
  }
  return out;
}

/** Half-width, in cells, of the local mean taken out before correlating. */
const LOCAL = 3;

/**
 * The field less its local mean (a (2 LOCAL + 1)-cell box): the photo's own
 * shading, and any change of its contrast or brightness, then barely
 * reaches the correlation, while the mark's bumps (narrower) mostly pass.
 */
function highPass(field: Float64Array): Float64Array {
  const tmp = new Float64Array(CELLS);
  const out = new Float64Array(CELLS);
  for (let r = 0; r < GRID; r += 1) {
    for (let c = 0; c < GRID; c += 1) {
      let s = 0;
      let n = 0;
      for (let k = Math.max(0, c - LOCAL); k <= Math.min(GRID - 1, c + LOCAL); k += 1, n += 1) s += field[r * GRID + k] as number;
      tmp[r * GRID + c] = s / n;
    }
  }
  for (let r = 0; r < GRID; r += 1) {
    for (let c = 0; c < GRID; c += 1) {
      let s = 0;
      let n = 0;
      for (let k = Math.max(0, r - LOCAL); k <= Math.min(GRID - 1, r + LOCAL); k += 1, n += 1) s += tmp[k * GRID + c] as number;
      out[r * GRID + c] = (field[r * GRID + c] as number) - s / n;
    }
  }
  return out;
}

/** Each bit's correlation: the mean of its chips times the blurred lattice field over its cells. */
function correlate(field: Float64Array, layout: Layout): Float64Array {
  const blurred = blur(highPass(field));
  const out = new Float64Array(PAYLOAD_BITS);
  for (let c = 0; c < CELLS; c += 1) {
    const b = layout.bitOf[c] as number;
    out[b] = (out[b] as number) + (layout.chip[c] as number) * (blurred[c] as number);
  }
  for (let b = 0; b < PAYLOAD_BITS; b += 1) out[b] = (out[b] as number) / (layout.count[b] as number);
  return out;
}

/** The perceptual mask: how much change each cell takes, from its local contrast, smoothed. */
function mask(variance: Float64Array): Float64Array {
  const raw = variance.map((v) => Math.min(MASK_MAX, Math.max(MASK_MIN, MASK_MIN * Math.max(1, Math.sqrt(v) / MASK_FLOOR))));
  const smooth = blur(raw);
  const ones = blur(new Float64Array(CELLS).fill(1));
  return smooth.map((s, c) => s / (ones[c] as number));
}

/**
 * What the cell means see of a lattice change once it is drawn as a
 * bilinear field between cell centres: per axis, 1/8 of each neighbour and
 * 3/4 of the cell (the edge cells keep their outer half).
 */
function smear(field: Float64Array): Float64Array {
  const tmp = new Float64Array(CELLS);
  const out = new Float64Array(CELLS);
  for (let r = 0; r < GRID; r += 1) {
    for (let c = 0; c < GRID; c += 1) {
      const i = r * GRID + c;
      tmp[i] = 0.75 * (field[i] as number) + 0.125 * ((field[c > 0 ? i - 1 : i] as number) + (field[c < GRID - 1 ? i + 1 : i] as number));
    }
  }
  for (let r = 0; r < GRID; r += 1) {
    for (let c = 0; c < GRID; c += 1) {
      const i = r * GRID + c;
      out[i] = 0.75 * (tmp[i] as number) + 0.125 * ((tmp[r > 0 ? i - GRID : i] as number) + (tmp[r < GRID - 1 ? i + GRID : i] as number));
    }
  }
  return out;
}

/**
 * The lattice change that moves every bit's correlation by `wanted`, along
 * its masked pattern. The bits' patterns barely overlap, so a few Jacobi
 * steps with the diagonal gain settle it.
 */
function solve(wanted: Float64Array, alpha: Float64Array, layout: Layout): Float64Array {
  const gain = new Float64Array(PAYLOAD_BITS);
  for (let c = 0; c < CELLS; c += 1) {
    const b = layout.bitOf[c] as number;
    gain[b] = (gain[b] as number) + (alpha[c] as number) * KERNEL_ENERGY;
  }
  for (let b = 0; b < PAYLOAD_BITS; b += 1) gain[b] = (gain[b] as number) / (layout.count[b] as number);
  const amplitude = new Float64Array(PAYLOAD_BITS);
  let change = new Float64Array(CELLS);
  for (let round = 0; round < 8; round += 1) {
    const reached = correlate(smear(change), layout);
    for (let b = 0; b < PAYLOAD_BITS; b += 1) amplitude[b] = (amplitude[b] as number) + ((wanted[b] as number) - (reached[b] as number)) / (gain[b] as number);
    const chips = new Float64Array(CELLS);
    for (let c = 0; c < CELLS; c += 1) chips[c] = (layout.chip[c] as number) * (amplitude[layout.bitOf[c] as number] as number);
    change = blur(chips).map((v, c) => v * (alpha[c] as number));
  }
  return change;
}

/** Bilinear sample positions from pixels to cell centres along one axis. */
function bilinear(pixels: number): { lo: Int32Array; hi: Int32Array; f: Float64Array } {
  const lo = new Int32Array(pixels);
  const hi = new Int32Array(pixels);
  const f = new Float64Array(pixels);
  for (let p = 0; p < pixels; p += 1) {
    const u = Math.min(GRID - 1, Math.max(0, ((p + 0.5) * GRID) / pixels - 0.5));
    lo[p] = Math.floor(u);
    hi[p] = Math.min(GRID - 1, (lo[p] as number) + 1);
    f[p] = u - (lo[p] as number);
  }
  return { lo, hi, f };
}

/** A 64 × 64 tile of rounding dither in [-1/2, 1/2), hashed (no visible order; sub-grey-level, so the tiling cannot show). */
const DITHER_SIDE = 64;
const DITHER: Float64Array = Float64Array.from({ length: DITHER_SIDE * DITHER_SIDE }, (_, i) => {
  let h = Math.imul(i ^ 0x9e3779b9, 0x85ebca6b);
  h = Math.imul(h ^ (h >>> 13), 0xc2b2ae35);
  h ^= h >>> 16;
  return (h >>> 0) / 2 ** 32 - 0.5;
});

/**
 * Add the lattice change to the pixels as a smooth field (the same to R, G
 * and B, so luminance moves by exactly that), rounding with a hashed
 * dither so that sub-grey-level changes survive on flat areas too.
 * Returns how many pixels clipped at 0 or 255.
 */
function apply(rgb: Buffer, width: number, height: number, channels: number, change: Float64Array): number {
  const cols = bilinear(width);
  const rows = bilinear(height);
  const line = new Float64Array(GRID);
  const pixels = new Uint8ClampedArray(rgb.buffer, rgb.byteOffset, rgb.length);
  let clipped = 0;
  for (let y = 0; y < height; y += 1) {
    const r0 = (rows.lo[y] as number) * GRID;
    const r1 = (rows.hi[y] as number) * GRID;
    const fy = rows.f[y] as number;
    for (let c = 0; c < GRID; c += 1) line[c] = (change[r0 + c] as number) * (1 - fy) + (change[r1 + c] as number) * fy;
    const ditherRow = (y & (DITHER_SIDE - 1)) * DITHER_SIDE;
    let i = y * width * channels;
    for (let x = 0; x < width; x += 1, i += channels) {
      const fx = cols.f[x] as number;
      const d = (line[cols.lo[x] as number] as number) * (1 - fx) + (line[cols.hi[x] as number] as number) * fx;
      const step = Math.round(d + (DITHER[ditherRow + (x & (DITHER_SIDE - 1))] as number));
      if (step === 0) continue;
      // A clamped view: writes past 0 or 255 clip instead of wrapping.
      const low = Math.min(pixels[i] as number, pixels[i + 1] as number, pixels[i + 2] as number);
      const high = Math.max(pixels[i] as number, pixels[i + 1] as number, pixels[i + 2] as number);
      if (low + step < 0 || high + step > 255) clipped += 1;
      pixels[i] = (pixels[i] as number) + step;
      pixels[i + 1] = (pixels[i + 1] as number) + step;
      pixels[i + 2] = (pixels[i + 2] as number) + step;
    }
  }
  return clipped;
}

/** Where a correlation sits between bit 0's lattice (phase 0) and bit 1's (phase 1/2), in [0, 1). */
function phase(value: number, dither: number): number {
  const t = (value - dither) / STEP;
  return t - Math.floor(t);
}

function large(width: number, height: number): boolean {
  return width >= GRID && height >= GRID;
}

/**
 * Embed the invisible mark into raw RGB pixels in place (exported for the
 * invisibility tests and the benchmark, which measure it without the
 * visible mark). Images smaller than the lattice are left alone.
 */
export function embedInvisibleMark(rgb: Buffer, width: number, height: number, channels: number, mark: number, key: Uint8Array): void {
  if (!large(width, height)) return;
  const layout = layoutFor(key);
  const bits = payloadBits(key, mark >>> 0);
  const alpha = mask(cellVariances(rgb, width, height, channels));
  const now = correlate(cellMeans(rgb, width, height, channels), layout);
  const target = new Float64Array(PAYLOAD_BITS);
  for (let b = 0; b < PAYLOAD_BITS; b += 1) {
    const offset = (layout.dither[b] as number) + ((bits[b] as number) * STEP) / 2;
    target[b] = offset + STEP * Math.round(((now[b] as number) - offset) / STEP);
  }
  const clipped = apply(rgb, width, height, channels, solve(target.map((t, b) => t - (now[b] as number)), alpha, layout));
  // Rounding moves the result by a few hundredths of the lattice spacing; clipping (over- or under-exposed
  // photos) can move it more: then measure the real pixels, and correct once.
  if (clipped * 1000 < width * height) return;
  const reached = correlate(cellMeans(rgb, width, height, channels), layout);
  const residual = target.map((t, b) => t - (reached[b] as number));
  if (residual.some((r) => Math.abs(r) > STEP / 16)) apply(rgb, width, height, channels, solve(residual, alpha, layout));
}

/** The payload bits read from raw RGB pixels, and how sure each is (1 = on its lattice, 0 = halfway). */
function extract(rgb: Buffer, width: number, height: number, channels: number, key: Uint8Array): { bits: number[]; confidence: number } {
  const layout = layoutFor(key);
  const values = correlate(cellMeans(rgb, width, height, channels), layout);
  const bits: number[] = [];
  let sure = 0;
  for (let b = 0; b < PAYLOAD_BITS; b += 1) {
    const p = phase(values[b] as number, layout.dither[b] as number);
    // Distance to bit 0's lattice is min(p, 1 - p); to bit 1's, |p - 1/2|.
    const to0 = Math.min(p, 1 - p);
    const to1 = Math.abs(p - 0.5);
    bits.push(to1 < to0 ? 1 : 0);
    sure += 1 - 4 * Math.min(to0, to1);
  }
  return { bits, confidence: sure / PAYLOAD_BITS };
}

function escapeXml(text: string): string {
  return text.replace(/[<>&"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

function visibleOverlay(width: number, height: number, viewer: Viewer): Buffer {
  const label = escapeXml(`TACET · ${viewer.staffId.slice(0, 8)} · ${viewer.at.toISOString().slice(0, 16).replace('T', ' ')}Z · CONFIDENTIAL`);
  const size = Math.max(12, Math.round(Math.min(width, height) / 28));
  const lines: string[] = [];
  const diagonal = Math.hypot(width, height);
  for (let y = -diagonal; y < diagonal; y += size * 6) {
    lines.push(`<text x="${-diagonal / 2}" y="${y}" font-family="DejaVu Sans, sans-serif" font-size="${size}" fill="#ffffff" fill-opacity="0.28" stroke="#000000" stroke-opacity="0.12" stroke-width="1">${`${label}     `.repeat(6)}</text>`);
  }
  const svg = `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}"><g transform="rotate(-30 ${width / 2} ${height / 2})">${lines.join('')}</g></svg>`;
  return Buffer.from(svg);
}

/**
 * Return a JPEG of `image` (any format sharp reads) carrying the visible
 * mark for `viewer` and the invisible `mark`.
 */
export async function watermarkImage(image: Buffer, viewer: Viewer, mark: number, key: Uint8Array, options: { quality?: number } = {}): Promise<Buffer> {
  const base = sharp(image).removeAlpha();
  const { width, height } = await base.metadata();
  if (!width || !height) throw new Error('image has no dimensions');
  const { data, info } = await sharp(image)
    .removeAlpha()
    .composite([{ input: visibleOverlay(width, height, viewer), top: 0, left: 0 }])
    .raw()
    .toBuffer({ resolveWithObject: true });
  embedInvisibleMark(data, info.width, info.height, info.channels, mark, key);
  return sharp(data, { raw: { width: info.width, height: info.height, channels: info.channels } })
    .jpeg({ quality: options.quality ?? 92, chromaSubsampling: '4:4:4' })
    .toBuffer();
}

/**
 * What the invisible mark in an image file says: the mark id if the keyed
 * tag matches and the bits sit close enough to their lattices, and the
 * mean confidence either way (about 0.5 where there is no mark).
 */
export async function inspectMark(image: Buffer, key: Uint8Array): Promise<{ mark: number | undefined; confidence: number }> {
  const { data, info } = await sharp(image, { limitInputPixels: 100_000_000 }).removeAlpha().toColourspace('srgb').raw().toBuffer({ resolveWithObject: true });
  if (!large(info.width, info.height)) return { mark: undefined, confidence: 0 };
  const { bits, confidence } = extract(data, info.width, info.height, info.channels, key);
  let mark = 0;
  for (let i = 0; i < 32; i += 1) mark = ((mark << 1) | (bits[i] as number)) >>> 0;
  let found = 0;
  for (let i = 32; i < PAYLOAD_BITS; i += 1) found = (found << 1) | (bits[i] as number);
  return { mark: confidence >= MIN_CONFIDENCE && found === tag(key, mark) ? mark : undefined, confidence };
}

/** Read the invisible mark from an image file; undefined if none is there (or its tag is wrong). */
export async function readMark(image: Buffer, key: Uint8Array): Promise<number | undefined> {
  return (await inspectMark(image, key)).mark;
}
