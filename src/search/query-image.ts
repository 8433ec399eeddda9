import sharp from 'sharp';
import { probeImage } from '../catalog/media.store.ts';
import { AppError } from '../errors/app-error.ts';

/** What a photo query goes through before the model: checks, crops, the thumbnail a saved search keeps. */

const ACCEPTED = new Set(['image/jpeg', 'image/png', 'image/gif', 'image/webp']);

/** Type by content (not by name or header), and the pixel limit before any decoding. */
export async function validateQueryImage(bytes: Buffer, maxPixels: number): Promise<void> {
  if (bytes.length === 0) throw new AppError('EMPTY_FILE', 'The uploaded file is empty.', 400);
  const { contentType } = await probeImage(bytes, maxPixels);
  if (!ACCEPTED.has(contentType)) {
    throw new AppError(
      'UNSUPPORTED_MEDIA_TYPE',
      `Unsupported image type ${contentType}: send PNG, JPG, GIF or WEBP.`,
      415,
    );
  }
}

/** Center crops of the photo (fractions of its shorter side), EXIF orientation applied. */
export async function centerCrops(bytes: Buffer, fractions: readonly number[]): Promise<Buffer[]> {
  // Work on a copy no larger than needed: the model sees 224 px, a 12 MP photo need not be decoded thrice.
  const { data, info } = await sharp(bytes, { pages: 1, limitInputPixels: false })
    .rotate()
    .resize(640, 640, { fit: 'outside', withoutEnlargement: true })
    .flatten({ background: '#ffffff' })
    .raw()
    .toBuffer({ resolveWithObject: true });
  const raw = { raw: { width: info.width, height: info.height, channels: info.channels } } as const;
  return Promise.all(
    fractions.map((f) => {
      const side = Math.max(1, Math.round(Math.min(info.width, info.height) * f));
      const w = f === 1 ? info.width : side;
      const h = f === 1 ? info.height : side;
      return sharp(data, raw)
        .extract({
          left: Math.floor((info.width - w) / 2),
          top: Math.floor((info.height - h) / 2),
          width: w,
          height: h,
        })
        .png({ compressionLevel: 0 })
        .toBuffer();
    }),
  );
}

/** Null when sharp cannot make one: a saved search without a thumbnail still works. */
export async function queryThumbnail(bytes: Buffer): Promise<Buffer | null> {
  try {
    return await sharp(bytes, { pages: 1, limitInputPixels: false })
      .rotate()
      .resize(160, 160, { fit: 'cover' })
      .webp({ quality: 75 })
      .toBuffer();
  } catch {
    return null;
  }
}
