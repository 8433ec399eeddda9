import sharp, { type Sharp } from 'sharp';
import { appError, type AppError } from '../errors/app-error.ts';

/**
 * The one way this app decodes an image, whatever it is for (import, thumbnails, query checks,
 * crops, model input): so a decompression bomb or a truncated file is refused the same way
 * everywhere instead of by whichever caller remembered to.
 */
export interface DecodeLimits {
  /** width x height of the first frame; bigger images are refused before any pixel is decoded */
  maxPixels: number;
}

/**
 * pages: 1 keeps only the first frame of an animated GIF/WebP. failOn 'error' tolerates the benign
 * warnings many phone JPEGs carry but refuses truncated or corrupt data. EXIF orientation applied,
 * transparency on white (catalog packshots), every colour space converted to sRGB.
 */
export function decode(input: Buffer, limits: DecodeLimits): Sharp {
  return sharp(input, { pages: 1, limitInputPixels: limits.maxPixels, failOn: 'error' })
    .rotate()
    .flatten({ background: '#ffffff' })
    .toColourspace('srgb');
}

/** Runs a decoding pipeline's output step with sharp's failures turned into coded errors. */
export async function render<T>(limits: DecodeLimits, produce: () => Promise<T>): Promise<T> {
  try {
    return await produce();
  } catch (error) {
    throw decodeError(error, limits);
  }
}

/** Header only (no pixels): the size after EXIF rotation, with the pixel limit enforced. */
export async function orientedSize(
  input: Buffer,
  limits: DecodeLimits,
): Promise<{ width: number; height: number }> {
  return render(limits, async () => {
    const meta = await sharp(input, { pages: 1, limitInputPixels: limits.maxPixels }).metadata();
    return { width: meta.autoOrient.width, height: meta.autoOrient.height };
  });
}

export function decodeError(error: unknown, limits: DecodeLimits): AppError {
  const message = error instanceof Error ? error.message : String(error);
  if (/pixel limit/i.test(message)) {
    return appError('IMAGE_TOO_MANY_PIXELS', { maxPixels: limits.maxPixels }, { cause: error });
  }
  return appError('IMAGE_UNDECODABLE', { reason: message.split('\n')[0] }, { cause: error });
}
