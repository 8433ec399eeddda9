import crypto from 'node:crypto';
import fs from 'node:fs/promises';
import path from 'node:path';
import { appError } from '../errors/app-error.ts';
import { probeImage } from '../images/images.probe.ts';

export interface StoredImage {
  sha256: string;
  contentType: string;
  bytes: number;
  width: number;
  height: number;
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
      if (!/^[0-9a-f]{64}$/.test(sha256)) throw appError('MEDIA_NOT_FOUND');
      try {
        return await fs.readFile(pathFor(sha256));
      } catch {
        throw appError('MEDIA_NOT_FOUND');
      }
    },
  };
}

export type MediaStore = ReturnType<typeof createMediaStore>;
