import { appError } from '../errors/app-error.ts';
import type { ImageSource } from '../catalog/catalog.import.ts';
import type { ZipArchive } from './zip.archive.ts';

const IMAGE_FILE = /\.(jpe?g|png|gif|webp|avif|heic|heif|tiff?)$/i;

/**
 * The images of a file uploaded with a ZIP: a row's names are looked up in the archive (by path,
 * else by file name), and a row naming none gets the files named after its SKU: "A-100.jpg",
 * "A-100_2.jpg", "A-100 (3).png", in that order.
 */
export function zipImages(zip: ZipArchive): ImageSource {
  const bySkuIndex = new Map<string, { name: string; n: number }[]>();
  for (const entry of zip.entries) {
    const file = entry.name.split('/').pop()!;
    if (!IMAGE_FILE.test(file)) continue;
    const stem = file.replace(/\.[^.]+$/, '');
    const numbered = /^(.*?)(?:_(\d+)| \((\d+)\))$/.exec(stem);
    const [key, n] = numbered ? [numbered[1]!, Number(numbered[2] ?? numbered[3])] : [stem, 0];
    const list = bySkuIndex.get(key.toLowerCase()) ?? [];
    list.push({ name: entry.name, n });
    bySkuIndex.set(key.toLowerCase(), list);
  }
  return {
    async read(ref) {
      const entry = zip.find(ref);
      if (!entry) throw appError('IMAGE_NOT_IN_ZIP', { file: ref });
      return zip.read(entry);
    },
    bySku(sku) {
      return (bySkuIndex.get(sku.trim().toLowerCase()) ?? []).sort((a, b) => a.n - b.n).map((e) => e.name);
    },
  };
}

/** A file uploaded without a ZIP: only links can bring images (the server's own files never). */
export const NO_IMAGE_FILES: ImageSource = {
  read: async (ref) => {
    throw appError('IMAGE_NEEDS_ZIP', { file: ref });
  },
};
