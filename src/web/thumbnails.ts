import crypto from 'node:crypto';
import fs from 'node:fs/promises';
import path from 'node:path';
import type { MediaStore } from '../catalog/media.store.ts';
import type { DecodeLimits } from '../images/images.policy.ts';
import { fittedWebp } from '../images/images.transform.ts';

/** The CSS widths pages display product images at; each is made at 1x and 2x (srcset). */
export const DISPLAY_SIZES = { card: 240, strip: 160, main: 560 } as const;
export const THUMB_WIDTHS: readonly number[] = [
  ...new Set(Object.values(DISPLAY_SIZES).flatMap((w) => [w, w * 2])),
].sort((a, b) => a - b);

export const thumbUrl = (sha256: string, width: number) => `/media/${sha256}?w=${width}`;

/**
 * Thumbnails are made once per (image, width) and kept on disk: a catalog page shows dozens of
 * them and originals can be megabytes each. Concurrent requests for the same one share the work.
 */
export function createThumbnailer(dataDir: string, media: MediaStore, limits: DecodeLimits) {
  const dir = path.join(dataDir, 'cache', 'thumbs');
  const inFlight = new Map<string, Promise<Buffer>>();

  async function make(sha256: string, width: number, file: string): Promise<Buffer> {
    const original = await media.read(sha256);
    const out = await fittedWebp(original, width, limits);
    await fs.mkdir(dir, { recursive: true });
    const temp = `${file}.${crypto.randomBytes(4).toString('hex')}.tmp`;
    await fs.writeFile(temp, out);
    await fs.rename(temp, file);
    return out;
  }

  return {
    async get(sha256: string, width: number): Promise<Buffer> {
      const file = path.join(dir, `${sha256}-${width}.webp`);
      try {
        return await fs.readFile(file);
      } catch {
        const key = `${sha256}-${width}`;
        let job = inFlight.get(key);
        if (!job) {
          job = make(sha256, width, file).finally(() => inFlight.delete(key));
          inFlight.set(key, job);
        }
        return job;
      }
    },
  };
}
