/**
 * Clinical photo intake: an upload is streamed (never held whole before
 * decoding), size-capped, checked by magic bytes and by its end marker
 * (a file with anything appended after the image — a polyglot — is refused),
 * decoded with a pixel limit (decompression bombs are refused before
 * decoding), re-encoded as JPEG with every piece of metadata dropped (EXIF,
 * GPS, camera, XMP, ICC comments; orientation applied first), and written
 * with a thumbnail to the blob store under the streaming AEAD.
 *
 * SECURITY: only re-encoded pixels are ever stored; the uploaded bytes are
 * never written anywhere.
 */
import { Readable, Transform, type TransformCallback } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import sharp from 'sharp';
import { type BlobStore, putEncrypted } from '../../storage/blob-store.js';

export type PhotoProblem = 'too-large' | 'not-an-image' | 'polyglot' | 'too-many-pixels' | 'corrupt';

const MESSAGES: Record<PhotoProblem, string> = {
  'too-large': 'The photo is larger than allowed.',
  'not-an-image': 'Only JPEG, PNG and WebP photos are accepted.',
  polyglot: 'The file carries data after the image; it was refused.',
  'too-many-pixels': 'The image has too many pixels to process safely.',
  corrupt: 'The image could not be read.',
};

/** A refused upload, with a reason fit to show (no file content in it). */
export class PhotoRejected extends Error {
  constructor(readonly problem: PhotoProblem) {
    super(MESSAGES[problem]);
    this.name = 'PhotoRejected';
  }
}

export interface PhotoLimits {
  readonly maxBytes: number;
  readonly maxPixels: number;
  readonly thumbnailWidth: number;
}

export const DEFAULT_PHOTO_LIMITS: PhotoLimits = { maxBytes: 40 * 1024 * 1024, maxPixels: 60_000_000, thumbnailWidth: 480 };

type Format = 'jpeg' | 'png' | 'webp';

function sniff(head: Buffer): Format | undefined {
  if (head.length >= 3 && head[0] === 0xff && head[1] === 0xd8 && head[2] === 0xff) return 'jpeg';
  if (head.length >= 8 && head.subarray(0, 8).equals(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]))) return 'png';
  if (head.length >= 12 && head.toString('latin1', 0, 4) === 'RIFF' && head.toString('latin1', 8, 12) === 'WEBP') return 'webp';
  return undefined;
}

const PNG_IEND = Buffer.from([0x49, 0x45, 0x4e, 0x44, 0xae, 0x42, 0x60, 0x82]);

/** Passes bytes through while checking size, magic bytes and that nothing follows the image's end. */
function guard(limits: PhotoLimits): Transform & { format: () => Format | undefined } {
  let head = Buffer.alloc(0);
  let tail = Buffer.alloc(0);
  let total = 0;
  let format: Format | undefined;
  let riffSize: number | undefined;
  const stream = new Transform({
    transform(chunk: Buffer, _encoding, callback: TransformCallback) {
      total += chunk.length;
      if (total > limits.maxBytes) return callback(new PhotoRejected('too-large'));
      if (!format) {
        head = Buffer.concat([head, chunk]).subarray(0, 16);
        if (head.length >= 12) {
          format = sniff(head);
          if (!format) return callback(new PhotoRejected('not-an-image'));
          if (format === 'webp') riffSize = head.readUInt32LE(4) + 8;
        }
      }
      tail = Buffer.concat([tail, chunk]).subarray(-16);
      callback(null, chunk);
    },
    flush(callback: TransformCallback) {
      if (!format) return callback(new PhotoRejected('not-an-image'));
      const trimmed = format === 'jpeg' ? trimZeros(tail) : tail;
      const endsWell =
        format === 'jpeg' ? trimmed.length >= 2 && trimmed[trimmed.length - 2] === 0xff && trimmed[trimmed.length - 1] === 0xd9 : format === 'png' ? tail.subarray(-8).equals(PNG_IEND) : riffSize === total;
      callback(endsWell ? null : new PhotoRejected('polyglot'));
    },
  }) as Transform & { format: () => Format | undefined };
  stream.format = () => format;
  return stream;
}

function trimZeros(bytes: Buffer): Buffer {
  let end = bytes.length;
  while (end > 0 && bytes[end - 1] === 0) end -= 1;
  return bytes.subarray(0, end);
}

/** What was stored. */
export interface StoredPhoto {
  readonly width: number;
  readonly height: number;
  readonly bytes: number;
  readonly thumbnailBytes: number;
}

/**
 * Process an upload into `<key>/image` and `<key>/thumb` in the blob store,
 * encrypted under `fileKey`. Throws PhotoRejected with a clear reason; on any
 * refusal nothing is left in the store.
 */
export async function storePhoto(upload: Readable, deps: { store: BlobStore; key: string; fileKey: Uint8Array; limits?: PhotoLimits }): Promise<StoredPhoto> {
  const limits = deps.limits ?? DEFAULT_PHOTO_LIMITS;
  const checker = guard(limits);
  // failOn 'warning': truncated or malformed data is an error, not a best-effort picture.
  const decoder = sharp({ limitInputPixels: limits.maxPixels, failOn: 'warning', sequentialRead: true });
  const feeding = pipeline(upload, checker, decoder);
  let full: { data: Buffer; info: { width: number; height: number } };
  try {
    // Orientation applied, then re-encoded: sharp writes no metadata unless asked (no withMetadata/withExif here).
    [full] = await Promise.all([decoder.rotate().jpeg({ quality: 90, chromaSubsampling: '4:4:4' }).toBuffer({ resolveWithObject: true }), feeding]);
  } catch (error) {
    await feeding.catch(() => undefined);
    if (error instanceof PhotoRejected) throw error;
    const message = error instanceof Error ? error.message : '';
    if (/pixel limit/i.test(message)) throw new PhotoRejected('too-many-pixels');
    throw new PhotoRejected(checker.format() === undefined ? 'not-an-image' : 'corrupt');
  }
  const thumb = await sharp(full.data).resize({ width: limits.thumbnailWidth, withoutEnlargement: true }).jpeg({ quality: 80 }).toBuffer();
  const bytes = await putEncrypted(deps.store, `${deps.key}/image`, Readable.from([full.data]), deps.fileKey);
  let thumbnailBytes: number;
  try {
    thumbnailBytes = await putEncrypted(deps.store, `${deps.key}/thumb`, Readable.from([thumb]), deps.fileKey);
  } catch (error) {
    await deps.store.delete(`${deps.key}/image`);
    throw error;
  }
  const { width, height } = full.info;
  return { width, height, bytes, thumbnailBytes };
}
