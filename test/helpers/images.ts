/** Test images: photo-like pixels (for watermark robustness and invisibility), camera EXIF with GPS, and multipart bodies. */
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

/**
 * A clinical-photo-like image, as raw RGB: skin over most of the frame with
 * smooth, soft shading (a lit cheek-like dome, a slow gradient across the
 * frame, a soft shadow), a blurred background, mild Gaussian sensor noise
 * (sigma about 1.5 grey levels, as a phone camera leaves after its own
 * denoising), and a textured band (hair-like strands and fine grain) along
 * one side. Smooth skin is where a blocky watermark shows; the texture is
 * where a perceptual mask may hide more of it.
 */
export function skinPhotoRaw(width: number, height: number, seed: number): { data: Buffer; width: number; height: number; channels: 3 } {
  const data = Buffer.alloc(width * height * 3);
  let state = seed >>> 0 || 1;
  const uniform = () => {
    state = (Math.imul(state, 1_664_525) + 1_013_904_223) >>> 0;
    return (state + 0.5) / 2 ** 32;
  };
  const gaussian = () => Math.sqrt(-2 * Math.log(uniform())) * Math.cos(2 * Math.PI * uniform());
  const m = Math.min(width, height);
  const cx = width * 0.52;
  const cy = height * 0.48;
  const band = width * 0.16;
  for (let y = 0; y < height; y += 1) {
    for (let x = 0; x < width; x += 1) {
      const i = (y * width + x) * 3;
      // Skin: base tone, slow vertical falloff, a soft lit dome and a soft shadow.
      const dome = Math.exp(-((x - cx) ** 2 + (y - cy) ** 2) / (2 * (0.28 * m) ** 2));
      const shadow = 1 / (1 + Math.exp(-(x - width * 0.78) / (0.05 * width)));
      let light = 0.78 + 0.22 * dome - 0.1 * (y / height) - 0.18 * shadow;
      let r = 236 * light;
      let g = 182 * light;
      let b = 150 * light;
      // Texture on the left: hair-like strands plus grain, fading softly into skin.
      const inBand = 1 / (1 + Math.exp((x - band) / (0.01 * width)));
      if (inBand > 0.01) {
        const strands = Math.sin(x * 0.9 + 6 * Math.sin(y * 0.021) + 3 * Math.sin(y * 0.11)) * Math.sin(x * 0.23 + y * 0.05);
        const t = 70 + 40 * strands + 18 * gaussian();
        r = r * (1 - inBand) + t * 1.05 * inBand;
        g = g * (1 - inBand) + t * 0.8 * inBand;
        b = b * (1 - inBand) + t * 0.62 * inBand;
        light = 0;
      }
      const n = 1.5 * gaussian();
      data[i] = Math.max(0, Math.min(255, Math.round(r + n)));
      data[i + 1] = Math.max(0, Math.min(255, Math.round(g + n)));
      data[i + 2] = Math.max(0, Math.min(255, Math.round(b + n)));
    }
  }
  return { data, width, height, channels: 3 };
}

/** {@link skinPhotoRaw} as a JPEG at quality 92 (as a phone would store it). */
export async function skinPhoto(width: number, height: number, seed: number): Promise<Buffer> {
  const raw = skinPhotoRaw(width, height, seed);
  return sharp(raw.data, { raw: { width, height, channels: 3 } }).jpeg({ quality: 92 }).toBuffer();
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
