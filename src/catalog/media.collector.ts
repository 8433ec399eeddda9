import type { CatalogRepository } from './catalog.repository.ts';
import type { MediaStore } from './media.store.ts';

/** Files stored this recently are spared: an import may be about to reference them. */
export const MEDIA_GRACE_MS = 10 * 60 * 1000;

/**
 * Removes media files no product image references any more (and their thumbnails). A file stored
 * or re-stored within the grace period stays: an import writes a photo's file before the row
 * that references it, and must never find it gone.
 */
export function createMediaCollector(deps: {
  media: MediaStore;
  repository: CatalogRepository;
  graceMs?: number;
}) {
  const { media, repository } = deps;
  const grace = () => Date.now() - (deps.graceMs ?? MEDIA_GRACE_MS);

  async function removeUnreferenced(
    candidates: { sha256: string; storedAt: number | null }[],
    thumbs: string[],
  ) {
    const old = candidates.filter((c) => c.storedAt !== null && c.storedAt < grace()).map((c) => c.sha256);
    if (old.length === 0) return 0;
    const referenced = await repository.referencedShas(old);
    let removed = 0;
    for (const sha256 of old) {
      if (referenced.has(sha256)) continue;
      await media.remove(sha256, thumbs);
      removed++;
    }
    return removed;
  }

  return {
    /** After images were removed: their files, if nothing references them now. */
    async collect(shas: string[]): Promise<number> {
      const unique = [...new Set(shas)];
      if (unique.length === 0) return 0;
      const candidates = await Promise.all(
        unique.map(async (sha256) => ({ sha256, storedAt: await media.storedAt(sha256) })),
      );
      return removeUnreferenced(candidates, await media.thumbNames());
    },
    /** Every file: after imports (rows that failed half-way leave stored photos nobody uses). */
    async sweep(): Promise<number> {
      const thumbs = await media.thumbNames();
      let removed = 0;
      for await (const batch of media.list()) removed += await removeUnreferenced(batch, thumbs);
      return removed;
    },
  };
}

export type MediaCollector = ReturnType<typeof createMediaCollector>;
