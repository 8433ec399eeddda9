import type { CatalogRepository, TextMode } from './catalog.repository.ts';
import type { ProductDetail, ProductPage, ProductQuery } from './catalog.types.ts';

export function createCatalogService({ repository }: { repository: CatalogRepository }) {
  return {
    /**
     * Most precise first, widening only when nothing is found: words in the name, SKU or
     * category; then in the description too; then typo-tolerant trigram matching. So "milk"
     * lists milk, "lactose" finds it in descriptions, and "mjolk" still finds "Mjölk".
     */
    async list(query: ProductQuery): Promise<ProductPage> {
      const sort = query.sort ?? (query.q || query.within ? 'relevance' : 'name');
      const modes: TextMode[] = query.q?.trim() ? ['title', 'fulltext', 'fuzzy'] : ['title'];
      let found = { items: [] as ProductPage['items'], total: 0 };
      for (const mode of modes) {
        found = await repository.list({ ...query, sort }, mode);
        if (found.total > 0)
          return { ...found, page: query.page, perPage: query.perPage, fuzzy: mode === 'fuzzy' };
      }
      return { ...found, page: query.page, perPage: query.perPage, fuzzy: false };
    },
    /**
     * Word matches as an ordered id list (at most `limit`), for fusing with another ranking.
     * No typo fallback here: near spellings are a last resort, not evidence to fuse.
     */
    async rankedIds(q: string, limit: number): Promise<number[]> {
      for (const mode of ['title', 'fulltext'] as const) {
        const ids = await repository.rankedIds(q, mode, limit);
        if (ids.length) return ids;
      }
      return [];
    },
    get: (id: number): Promise<ProductDetail | null> => repository.get(id),
    facets: () => repository.facets(),
    count: () => repository.countProducts(),
  };
}

export type CatalogService = ReturnType<typeof createCatalogService>;
