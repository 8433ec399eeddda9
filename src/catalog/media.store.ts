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
  // thumbnails made from the originals (web/thumbnails.ts): `${sha256}-${width}.webp`
  const thumbsDir = path.join(dataDir, 'cache', 'thumbs');

  return {
    pathFor,
    async put(bytes: Buffer, maxPixels: number): Promise<StoredImage> {
      const info = await probeImage(bytes, maxPixels);
      const sha256 = crypto.createHash('sha256').update(bytes).digest('hex');
      const target = pathFor(sha256);
      try {
        // Touched: the collector spares recently stored files, so an import that is about to
        // reference a file that had become unreferenced never loses it (media.collector.ts).
        const now = new Date();
        await fs.utimes(target, now, now);
      } catch {
        await fs.mkdir(path.dirname(target), { recursive: true });
        // temp file + rename: a crash never leaves a half-written file under its final name
        const temp = `${target}.${process.pid}.${crypto.randomBytes(4).toString('hex')}.tmp`;
        await fs.writeFile(temp, bytes);
        await fs.rename(temp, target);
      }
      return { sha256, bytes: bytes.length, ...info };
    },
    /** When the file was last stored; null when it is not there. */
    async storedAt(sha256: string): Promise<number | null> {
      return fs.stat(pathFor(sha256)).then(
        (st) => st.mtimeMs,
        () => null,
      );
    },
    /** Removes an original and every thumbnail made from it. */
    async remove(sha256: string, thumbs?: readonly string[]): Promise<void> {
      if (!/^[0-9a-f]{64}$/.test(sha256)) return;
      await fs.rm(pathFor(sha256), { force: true });
      const names = thumbs ?? (await fs.readdir(thumbsDir).catch(() => [] as string[]));
      for (const name of names) {
        if (name.startsWith(`${sha256}-`)) await fs.rm(path.join(thumbsDir, name), { force: true });
      }
    },
    /** Every stored original, in batches: for the collector's sweep. */
    async *list(batch = 1000): AsyncGenerator<{ sha256: string; storedAt: number }[]> {
      let out: { sha256: string; storedAt: number }[] = [];
      for (const a of await fs.readdir(root).catch(() => [] as string[])) {
        for (const b of await fs.readdir(path.join(root, a)).catch(() => [] as string[])) {
          for (const name of await fs.readdir(path.join(root, a, b)).catch(() => [] as string[])) {
            if (!/^[0-9a-f]{64}$/.test(name)) continue; // temp files of a write in progress
            const st = await fs.stat(path.join(root, a, b, name)).catch(() => null);
            if (st) out.push({ sha256: name, storedAt: st.mtimeMs });
            if (out.length >= batch) {
              yield out;
              out = [];
            }
          }
        }
      }
      if (out.length) yield out;
    },
    /** Thumbnail file names, read once for a batch of removals. */
    thumbNames: () => fs.readdir(thumbsDir).catch(() => [] as string[]),
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
