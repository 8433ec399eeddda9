export const SORTS = ['relevance', 'name', 'price_asc', 'price_desc', 'newest'] as const;
export type Sort = (typeof SORTS)[number];

export interface ProductFilters {
  q?: string | undefined;
  category?: string | undefined;
  supplier?: string | undefined;
  priceMin?: number | undefined;
  priceMax?: number | undefined;
}

/** Products found by another ranking (photo search, text-to-image), with their scores, best first. */
export interface RankedMatch {
  productId: number;
  score: number;
}

export interface ProductQuery extends ProductFilters {
  sort?: Sort | undefined;
  page: number;
  perPage: number;
  /** restrict the list to these products (photo search); relevance = their order */
  within?: RankedMatch[] | undefined;
}

export interface ProductSummary {
  id: number;
  sku: string;
  name: string;
  category: string | null;
  supplier: string | null;
  price: number | null;
  currency: string | null;
  imageSha256: string | null;
  score?: number;
}

export interface ProductImage {
  id: number;
  position: number;
  sha256: string;
  width: number;
  height: number;
  source: string;
}

export interface ProductDetail extends Omit<ProductSummary, 'imageSha256' | 'score'> {
  description: string;
  attributes: Record<string, unknown>;
  images: ProductImage[];
  createdAt: Date;
  updatedAt: Date;
}

export interface ProductPage {
  items: ProductSummary[];
  total: number;
  page: number;
  perPage: number;
  /** true when no exact text match existed and typo-tolerant matches are shown instead */
  fuzzy: boolean;
}

export interface ProductInput {
  sku: string;
  name: string;
  description: string;
  category: string | null;
  supplier: string | null;
  price: number | null;
  currency: string | null;
  attributes: Record<string, unknown>;
}

export interface ImageInput {
  source: string;
  sha256: string;
  contentType: string;
  bytes: number;
  width: number;
  height: number;
}
