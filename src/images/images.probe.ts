import sharp, { type Metadata } from 'sharp';
import { appError } from '../errors/app-error.ts';

export interface ProbedImage {
  contentType: string;
  /** after EXIF orientation */
  width: number;
  height: number;
}

const CONTENT_TYPES: Record<string, string> = {
  jpeg: 'image/jpeg',
  png: 'image/png',
  webp: 'image/webp',
  gif: 'image/gif',
  avif: 'image/avif',
  heif: 'image/heif',
  tiff: 'image/tiff',
};

/** What a photo query may be: the formats every browser shows. */
export const QUERY_TYPES: ReadonlySet<string> = new Set([
  'image/jpeg',
  'image/png',
  'image/gif',
  'image/webp',
]);

/** Whether the bytes start like a query image format (the name and extension are not trusted). */
export function looksLikeImage(bytes: Buffer): boolean {
  const ascii = (from: number, to: number) => bytes.subarray(from, to).toString('latin1');
  return (
    (bytes[0] === 0xff && bytes[1] === 0xd8 && bytes[2] === 0xff) ||
    ascii(0, 8) === '\x89PNG\r\n\x1a\n' ||
    ascii(0, 4) === 'GIF8' ||
    (ascii(0, 4) === 'RIFF' && ascii(8, 12) === 'WEBP')
  );
}

/**
 * An image's real type and size from its header, without decoding pixels; the file name and
 * extension are not trusted. The pixel limit is checked here so a bomb is refused before decoding.
 */
export async function probeImage(bytes: Buffer, maxPixels: number): Promise<ProbedImage> {
  if (bytes.length === 0) throw appError('EMPTY_FILE');
  let meta: Metadata;
  try {
    // Header only, so no pixel limit is needed to read it; the limit is applied to its numbers below.
    meta = await sharp(bytes, { limitInputPixels: false }).metadata();
  } catch {
    // A known signature with a broken body is a damaged image (400); anything else is not an image (415).
    if (looksLikeImage(bytes)) throw appError('IMAGE_UNDECODABLE', {});
    throw appError('IMAGE_NOT_AN_IMAGE');
  }
  const contentType = meta.format ? CONTENT_TYPES[meta.format] : undefined;
  if (!contentType || !meta.width || !meta.height) {
    throw appError('IMAGE_FORMAT_UNSUPPORTED', {
      format: meta.format ?? 'unknown',
      accepted: 'JPEG, PNG, GIF, WEBP, AVIF, HEIF, TIFF',
    });
  }
  if (meta.width * meta.height > maxPixels) {
    throw appError('IMAGE_TOO_MANY_PIXELS', { width: meta.width, height: meta.height, maxPixels });
  }
  // Orientations 5–8 swap width and height once the EXIF rotation is applied.
  const swapped = (meta.orientation ?? 1) >= 5;
  return {
    contentType,
    width: swapped ? meta.height : meta.width,
    height: swapped ? meta.width : meta.height,
  };
}

/** A photo query: an image by content, in a format browsers show, within the pixel limit. */
export async function probeQueryImage(bytes: Buffer, maxPixels: number): Promise<ProbedImage> {
  const probed = await probeImage(bytes, maxPixels);
  if (!QUERY_TYPES.has(probed.contentType)) {
    throw appError('IMAGE_FORMAT_UNSUPPORTED', {
      format: probed.contentType,
      accepted: 'PNG, JPG, GIF, WEBP',
    });
  }
  return probed;
}
