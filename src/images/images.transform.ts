import sharp from 'sharp';
import { decode, render, type DecodeLimits } from './images.policy.ts';

/**
 * Center crops of a photo (fractions of its shorter side), EXIF orientation applied, as lossless
 * PNGs the model's preprocessing decodes again.
 */
export async function centerCrops(
  bytes: Buffer,
  fractions: readonly number[],
  limits: DecodeLimits,
): Promise<Buffer[]> {
  // Work on a copy no larger than needed: the model sees 224 px, a 12 MP photo need not be decoded thrice.
  const { data, info } = await render(limits, () =>
    decode(bytes, limits)
      .resize(640, 640, { fit: 'outside', withoutEnlargement: true })
      .raw()
      .toBuffer({ resolveWithObject: true }),
  );
  const raw = { raw: { width: info.width, height: info.height, channels: info.channels } } as const;
  return Promise.all(
    fractions.map((f) => {
      const side = Math.max(1, Math.round(Math.min(info.width, info.height) * f));
      const w = f === 1 ? info.width : side;
      const h = f === 1 ? info.height : side;
      // Raw pixels we made ourselves: nothing left to decode, so no decoding policy applies.
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

/** The small square WebP a saved photo search shows for its query. */
export function squareThumbnail(bytes: Buffer, size: number, limits: DecodeLimits): Promise<Buffer> {
  return render(limits, () =>
    decode(bytes, limits).resize(size, size, { fit: 'cover' }).webp({ quality: 75 }).toBuffer(),
  );
}

/** A WebP that fits in width x width, never enlarged: catalog thumbnails at the sizes pages show. */
export function fittedWebp(bytes: Buffer, width: number, limits: DecodeLimits): Promise<Buffer> {
  return render(limits, () =>
    decode(bytes, limits)
      .resize({ width, height: width, fit: 'inside', withoutEnlargement: true })
      .webp({ quality: 80 })
      .toBuffer(),
  );
}
