import crypto from 'node:crypto';
import fs from 'node:fs/promises';
import path from 'node:path';
import sharp, { type Metadata } from 'sharp';
import { AppError } from '../errors/app-error.ts';

export interface StoredImage {
  sha256: string;
  contentType: string;
  bytes: number;
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

/** Whether the bytes start like an image format we know (the name and extension are not trusted). */
export function looksLikeImage(bytes: Buffer): boolean {
  const ascii = (from: number, to: number) => bytes.subarray(from, to).toString('latin1');
  return (
    (bytes[0] === 0xff && bytes[1] === 0xd8 && bytes[2] === 0xff) ||
    ascii(0, 8) === '\x89PNG\r\n\x1a\n' ||
    ascii(0, 4) === 'GIF8' ||
    (ascii(0, 4) === 'RIFF' && ascii(8, 12) === 'WEBP')
  );
}

/** Reads an image's real type and size from its bytes; the file name and extension are not trusted. */
export async function probeImage(
  bytes: Buffer,
  maxPixels: number,
): Promise<Omit<StoredImage, 'sha256' | 'bytes'>> {
  let meta: Metadata;
  try {
    meta = await sharp(bytes, { limitInputPixels: false }).metadata();
  } catch {
    // A known signature with a broken body is a damaged image (400); anything else is not an image (415).
    if (looksLikeImage(bytes)) {
      throw new AppError('IMAGE_UNDECODABLE', 'the image is damaged or truncated and cannot be decoded', 400);
    }
    throw new AppError('IMAGE_NOT_AN_IMAGE', 'not an image file (or an unsupported image format)', 415);
  }
  const contentType = meta.format ? CONTENT_TYPES[meta.format] : undefined;
  if (!contentType || !meta.width || !meta.height) {
    throw new AppError(
      'IMAGE_UNSUPPORTED',
      `unsupported image format${meta.format ? ` (${meta.format})` : ''}`,
      415,
    );
  }
  if (meta.width * meta.height > maxPixels) {
    throw new AppError(
      'IMAGE_TOO_MANY_PIXELS',
      `image is ${meta.width}×${meta.height}, more than the ${maxPixels.toLocaleString('en')}-pixel limit`,
      413,
    );
  }
  // Orientations 5–8 swap width and height once the EXIF rotation is applied.
  const swapped = (meta.orientation ?? 1) >= 5;
  return {
    contentType,
    width: swapped ? meta.height : meta.width,
    height: swapped ? meta.width : meta.height,
  };
}

/**
 * Content-addressed files under DATA_DIR/media: the catalog keeps working when the import's
 * source folder moves, and the same photo used by many products is stored once.
 */
export function createMediaStore(dataDir: string) {
  const root = path.join(dataDir, 'media');
  const pathFor = (sha256: string) => path.join(root, sha256.slice(0, 2), sha256.slice(2, 4), sha256);

  return {
    pathFor,
    async put(bytes: Buffer, maxPixels: number): Promise<StoredImage> {
      const info = await probeImage(bytes, maxPixels);
      const sha256 = crypto.createHash('sha256').update(bytes).digest('hex');
      const target = pathFor(sha256);
      try {
        await fs.access(target);
      } catch {
        await fs.mkdir(path.dirname(target), { recursive: true });
        // temp file + rename: a crash never leaves a half-written file under its final name
        const temp = `${target}.${process.pid}.${crypto.randomBytes(4).toString('hex')}.tmp`;
        await fs.writeFile(temp, bytes);
        await fs.rename(temp, target);
      }
      return { sha256, bytes: bytes.length, ...info };
    },
    async read(sha256: string): Promise<Buffer> {
      if (!/^[0-9a-f]{64}$/.test(sha256)) throw new AppError('MEDIA_NOT_FOUND', 'no such image', 404);
      try {
        return await fs.readFile(pathFor(sha256));
      } catch {
        throw new AppError('MEDIA_NOT_FOUND', 'no such image', 404);
      }
    },
  };
}

export type MediaStore = ReturnType<typeof createMediaStore>;
