import type { CatalogRepository, TextMode } from './catalog.repository.ts';
import type { ProductDetail, ProductPage, ProductQuery } from './catalog.types.ts';

/** Most precise first; each step is tried only when the one before found nothing. */
const TEXT_MODES: readonly TextMode[] = ['title', 'fulltext', 'fuzzy'];

export function createCatalogService({ repository }: { repository: CatalogRepository }) {
  return {
    /**
     * Most precise first, widening only when nothing is found: words in the name, SKU or
     * category; then in the description too; then typo-tolerant trigram matching. So "milk"
     * lists milk, "lactose" finds it in descriptions, and "mjolk" still finds "Mjölk".
     */
    async list(query: ProductQuery): Promise<ProductPage> {
      const sort = query.sort ?? (query.q || query.within ? 'relevance' : 'name');
      const modes: readonly TextMode[] = query.q?.trim() ? TEXT_MODES : ['title'];
      let found = { items: [] as ProductPage['items'], total: 0 };
      for (const mode of modes) {
        found = await repository.list({ ...query, sort }, mode);
        if (found.total > 0)
          return { ...found, page: query.page, perPage: query.perPage, fuzzy: mode === 'fuzzy' };
      }
      return { ...found, page: query.page, perPage: query.perPage, fuzzy: false };
    },
    /**
     * The same text steps as `list` (words, descriptions, near spellings) as an ordered id list of
     * at most `limit`, for fusing with another ranking; `fuzzy` when only near spellings matched.
     */
    async rankedIds(q: string, limit: number): Promise<{ ids: number[]; fuzzy: boolean }> {
      for (const mode of TEXT_MODES) {
        const ids = await repository.rankedIds(q, mode, limit);
        if (ids.length) return { ids, fuzzy: mode === 'fuzzy' };
      }
      return { ids: [], fuzzy: false };
    },
    get: (id: number): Promise<ProductDetail | null> => repository.get(id),
    facets: () => repository.facets(),
    count: () => repository.countProducts(),
    imagesPerProduct: () => repository.imagesPerProduct(),
  };
}

export type CatalogService = ReturnType<typeof createCatalogService>;
