/** Test images: photo-like pixels (for watermark robustness), camera EXIF with GPS, and multipart bodies. */
import { randomBytes } from 'node:crypto';
import sharp from 'sharp';

/** A photo-like image: skin-toned gradients, a dark background strip, a highlight and fine noise. */
export async function photoLike(width: number, height: number, seed: number): Promise<Buffer> {
  const rgb = Buffer.alloc(width * height * 3);
  let state = seed;
  const noise = () => {
    state = (Math.imul(state, 1_103_515_245) + 12_345) >>> 0;
    return (state >>> 24) / 255 - 0.5;
  };
  for (let y = 0; y < height; y += 1) {
    for (let x = 0; x < width; x += 1) {
      const i = (y * width + x) * 3;
      const inFace = Math.hypot(x - width / 2, y - height / 2) < Math.min(width, height) * 0.35;
      const shade = inFace ? 190 - (60 * y) / height : x < width * 0.15 ? 12 : 90 + (40 * x) / width;
      const highlight = Math.hypot(x - width * 0.45, y - height * 0.4) < width * 0.04 ? 50 : 0;
      const v = shade + highlight + noise() * 16;
      rgb[i] = Math.max(0, Math.min(255, v + 25));
      rgb[i + 1] = Math.max(0, Math.min(255, v));
      rgb[i + 2] = Math.max(0, Math.min(255, v - 20));
    }
  }
  return sharp(rgb, { raw: { width, height, channels: 3 } }).jpeg({ quality: 90 }).toBuffer();
}

/** Values planted in camera EXIF: none may survive upload. */
export const EXIF_SECRETS = ['SecretCamCorp', 'PrivateModel-X9', 'ClinicPhoneApp', 'Dr Hidden Name'] as const;

/** A phone-camera JPEG: photo-like pixels with GPS coordinates and camera make/model/software/artist in EXIF. */
export async function cameraJpeg(width = 1200, height = 900, seed = 1): Promise<Buffer> {
  return sharp(await photoLike(width, height, seed))
    .jpeg({ quality: 88 })
    .withExif({
      IFD0: { Make: EXIF_SECRETS[0], Model: EXIF_SECRETS[1], Software: EXIF_SECRETS[2], Artist: EXIF_SECRETS[3] },
      IFD3: { GPSLatitudeRef: 'N', GPSLatitude: '51/1 30/1 2635/100', GPSLongitudeRef: 'W', GPSLongitude: '0/1 8/1 4431/100' },
    })
    .toBuffer();
}

/** A multipart/form-data body: text fields first, then one file (as browsers send a form in order). */
export function multipartBody(fields: Record<string, string>, file: { readonly name: string; readonly filename: string; readonly contentType: string; readonly data: Buffer }): { payload: Buffer; headers: Record<string, string> } {
  const boundary = `----tacet${randomBytes(8).toString('hex')}`;
  const parts: Buffer[] = [];
  for (const [name, value] of Object.entries(fields)) parts.push(Buffer.from(`--${boundary}\r\ncontent-disposition: form-data; name="${name}"\r\n\r\n${value}\r\n`));
  parts.push(Buffer.from(`--${boundary}\r\ncontent-disposition: form-data; name="${file.name}"; filename="${file.filename}"\r\ncontent-type: ${file.contentType}\r\n\r\n`), file.data, Buffer.from(`\r\n--${boundary}--\r\n`));
  return { payload: Buffer.concat(parts), headers: { 'content-type': `multipart/form-data; boundary=${boundary}` } };
}
