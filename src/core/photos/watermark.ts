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
 * colleague) — embedded by quantisation-index modulation (QIM) of the mean
 * brightness of the cells of a 24 × 18 grid laid over the image in
 * proportion to its size. Every bit is repeated in nine cells spread across
 * the image and read back by majority. Cell means survive JPEG re-encoding
 * and resizing (both preserve local averages), which is what the trace has to
 * withstand; the change to any pixel is at most STEP/2 grey levels.
 *
 * This is a deterrent and a tracing aid, not cryptography: an attacker who
 * knows the scheme and has the image can blur it out. The mark ids name who
 * was served which copy; the audit log has the rest.
 */
import sharp from 'sharp';
import { hmacHex } from '../../crypto/digest.js';

const COLS = 24;
const ROWS = 18;
const PAYLOAD_BITS = 48;
/** QIM step in grey levels: pixels move by at most STEP/2. */
const STEP = 6;
/** Only the inner part of a cell is read back (resampling smears the edges). */
const READ_MARGIN = 0.2;

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

/**
 * Which payload bit each cell carries: every bit exactly nine times, the
 * copies scattered over the image by a fixed shuffle (a bright or dark patch
 * then costs each bit at most a copy or two).
 */
const CELL_BIT: readonly number[] = (() => {
  const cells = Array.from({ length: COLS * ROWS }, (_, i) => i % PAYLOAD_BITS);
  let state = 0x7ac37;
  const next = () => {
    state = (Math.imul(state, 1_103_515_245) + 12_345) >>> 0;
    return state / 2 ** 32;
  };
  for (let i = cells.length - 1; i > 0; i -= 1) {
    const j = Math.floor(next() * (i + 1));
    [cells[i], cells[j]] = [cells[j] as number, cells[i] as number];
  }
  return cells;
})();

function bitOfCell(cell: number): number {
  return CELL_BIT[cell] as number;
}

function cellBounds(width: number, height: number, cell: number, margin: number): [number, number, number, number] {
  const col = cell % COLS;
  const row = Math.floor(cell / COLS);
  const x0 = (col * width) / COLS;
  const x1 = ((col + 1) * width) / COLS;
  const y0 = (row * height) / ROWS;
  const y1 = ((row + 1) * height) / ROWS;
  const mx = (x1 - x0) * margin;
  const my = (y1 - y0) * margin;
  return [Math.round(x0 + mx), Math.round(x1 - mx), Math.round(y0 + my), Math.round(y1 - my)];
}

function cellMean(rgb: Buffer, width: number, channels: number, bounds: [number, number, number, number]): number {
  const [x0, x1, y0, y1] = bounds;
  let sum = 0;
  let count = 0;
  for (let y = y0; y < y1; y += 1) {
    for (let x = x0; x < x1; x += 1) {
      const i = (y * width + x) * channels;
      sum += 0.299 * (rgb[i] as number) + 0.587 * (rgb[i + 1] as number) + 0.114 * (rgb[i + 2] as number);
      count += 1;
    }
  }
  return count === 0 ? 0 : sum / count;
}

/**
 * Embed the payload into raw RGB pixels in place. The whole cell moves, so
 * that the mean of its inner part (what extraction reads) lands on the
 * lattice of its bit; a few passes correct for pixels clipped at 0 or 255.
 */
function embed(rgb: Buffer, width: number, height: number, channels: number, bits: readonly number[]): void {
  for (let cell = 0; cell < COLS * ROWS; cell += 1) {
    const whole = cellBounds(width, height, cell, 0);
    const inner = cellBounds(width, height, cell, READ_MARGIN);
    const offset = (bits[bitOfCell(cell)] as number) * (STEP / 2);
    const original = cellMean(rgb, width, channels, inner);
    const target = STEP * Math.round((original - offset) / STEP) + offset;
    for (let pass = 0; pass < 3; pass += 1) {
      const delta = target - cellMean(rgb, width, channels, inner);
      if (Math.abs(delta) < 0.25) break;
      const [x0, x1, y0, y1] = whole;
      for (let y = y0; y < y1; y += 1) {
        for (let x = x0; x < x1; x += 1) {
          const i = (y * width + x) * channels;
          for (let c = 0; c < 3; c += 1) rgb[i + c] = Math.max(0, Math.min(255, Math.round((rgb[i + c] as number) + delta)));
        }
      }
    }
  }
}

/** Read the payload bits back by majority over each bit's cells. */
function extract(rgb: Buffer, width: number, height: number, channels: number): number[] {
  const votes = new Array<number>(PAYLOAD_BITS).fill(0);
  for (let cell = 0; cell < COLS * ROWS; cell += 1) {
    const mean = cellMean(rgb, width, channels, cellBounds(width, height, cell, READ_MARGIN));
    // Distance to the nearest lattice point of each bit's lattice decides the bit.
    const d0 = Math.abs(mean - STEP * Math.round(mean / STEP));
    const d1 = Math.abs(mean - (STEP * Math.round((mean - STEP / 2) / STEP) + STEP / 2));
    const bit = bitOfCell(cell);
    votes[bit] = (votes[bit] as number) + (d1 < d0 ? 1 : -1);
  }
  return votes.map((v) => (v > 0 ? 1 : 0));
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
  embed(data, info.width, info.height, info.channels, payloadBits(key, mark >>> 0));
  return sharp(data, { raw: { width: info.width, height: info.height, channels: info.channels } })
    .jpeg({ quality: options.quality ?? 92, chromaSubsampling: '4:4:4' })
    .toBuffer();
}

/** Read the invisible mark from an image file; undefined if none is there (or its tag is wrong). */
export async function readMark(image: Buffer, key: Uint8Array): Promise<number | undefined> {
  const { data, info } = await sharp(image, { limitInputPixels: 100_000_000 }).removeAlpha().toColourspace('srgb').raw().toBuffer({ resolveWithObject: true });
  const bits = extract(data, info.width, info.height, info.channels);
  let mark = 0;
  for (let i = 0; i < 32; i += 1) mark = ((mark << 1) | (bits[i] as number)) >>> 0;
  let found = 0;
  for (let i = 32; i < PAYLOAD_BITS; i += 1) found = (found << 1) | (bits[i] as number);
  return found === tag(key, mark) ? mark : undefined;
}
