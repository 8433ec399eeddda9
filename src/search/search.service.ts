import crypto from 'node:crypto';
import type { CatalogService } from '../catalog/catalog.service.ts';
import type { ProductPage, ProductQuery } from '../catalog/catalog.types.ts';
import type { Embedder, QueryFraming } from '../embedding/embedding.types.ts';
import { appError } from '../errors/app-error.ts';
import { resolveServingModel } from './active-model.ts';
import type { RemoteImageFetcher } from '../remote/remote-image.fetch.ts';
import type { ModelProvider } from './model.provider.ts';
import type { Background } from './background.service.ts';
import { frameQuery } from './query-framing.ts';
import { queryThumbnail, validateQueryImage } from './query-image.ts';
import type { SavedMatch, SavedSearch, SavedSearchRepository, SaveInput } from './saved-search.repository.ts';
import { MAX_KNN, type ImageNeighbor, type VectorRepository } from './vector.repository.ts';

export const MAX_RESULTS = 50;
/** «может быть, вы искали»: how many of the closest products a search with nothing similar shows on request */
export const CLOSEST_FEW = 5;
/** how long the catalog's images-per-product figure sizes the kNN before it is read again */
const KNN_SIZE_TTL_MS = 60_000;
const QUERY_CACHE_SIZE = 500;
/** how many text matches take part in text → image fusion */
const FUSION_DEPTH = 500;
/**
 * Spreads above (or below) the impostor mean the default threshold sits at. Chosen with
 * `vitrina eval` on the grocery protocols so that about 90% of in-catalog store photos still
 * show their product (docs/eval.md).
 */
export const CALIBRATION_Z = -0.3;

export interface SearchLogger {
  info(fields: Record<string, unknown>, message: string): void;
}

export interface ProductList {
  result: ProductPage;
  photoSearch?: {
    id: string;
    kind: string;
    count: number;
    queryImageUrl: string | null;
    nothingSimilar: boolean;
  };
}

export interface SearchOptions {
  threshold?: number | undefined;
  /** when nothing is similar, keep the closest few instead of a 404 */
  closest?: boolean | undefined;
  /** who searches (rate limits and the per-client cap on saved searches); absent for the CLI */
  clientKey?: string | undefined;
}

export interface SearchOutcome {
  searchId: string;
  count: number;
  ms: number;
  /** nothing passed the threshold; the search holds the closest few, as asked */
  nothingSimilar: boolean;
}

export interface RankOptions {
  /** when nothing passes: the closest few products instead of NO_MATCH («может быть, вы искали») */
  closest?: boolean | undefined;
  /** eval only: frame queries this way instead of the model's own (null = the whole photo only) */
  framing?: QueryFraming | null;
  /** eval only: 'impostor' = the catalog-wide calibrated threshold even when a gallery exists */
  decision?: 'background' | 'impostor';
}

export function createSearchService(deps: {
  vectors: VectorRepository | null;
  vectorError: string | undefined;
  saved: SavedSearchRepository;
  catalog: CatalogService;
  models: ModelProvider;
  /** image links given by users; refuses non-public addresses unless configured otherwise */
  remote: RemoteImageFetcher;
  maxImagePixels: number;
  logger: SearchLogger;
  /** "nothing similar" measured against a background gallery; null: the impostor calibration alone */
  background?: Background | null;
}) {
  const { saved, catalog, models, logger } = deps;
  const limits = { maxPixels: deps.maxImagePixels };
  const queryCache = new Map<string, Float32Array>();
  const calibrations = new Map<string, { value: number; at: number }>();
  let knnSize: { value: number; at: number } | null = null;

  /**
   * Images fetched before grouping by product, from the catalog's images per product (neighborsFor).
   * Read at most once a minute, like the calibration; an empty catalog is not remembered, so the
   * first import counts at once.
   */
  async function neighborCount(): Promise<number> {
    if (knnSize && knnSize.at > Date.now() - KNN_SIZE_TTL_MS) return knnSize.value;
    const stats = await catalog.imagesPerProduct();
    const value = neighborsFor(stats);
    knnSize = stats.products > 0 ? { value, at: Date.now() } : null;
    return value;
  }

  function requireVectors(): VectorRepository {
    if (!deps.vectors) {
      throw appError('VECTOR_STORE_UNAVAILABLE', {
        reason: deps.vectorError ?? 'The vector store is unavailable.',
      });
    }
    return deps.vectors;
  }

  /** The model whose vectors answer searches (see active-model.ts): the one place it is looked up. */
  async function servingModel(vectors: VectorRepository): Promise<string> {
    return (await resolveServingModel(vectors, models.configured)) ?? models.configured;
  }

  /** The model whose vectors answer, and its loaded embedder; 503 when either is missing. */
  async function servingEmbedder(): Promise<{ model: string; embedder: Embedder }> {
    const model = await servingModel(requireVectors());
    try {
      return { model, embedder: await models.get(model) };
    } catch (error) {
      throw appError('MODEL_UNAVAILABLE', { reason: (error as Error).message }, { cause: error });
    }
  }

  /** One framed vector per photo (query-framing.ts), cached by content, model and framing. */
  async function embedQuery(
    embedder: Embedder,
    bytes: Buffer,
    sha256: string,
    framing: QueryFraming | null,
  ): Promise<Float32Array> {
    const key = `${embedder.info.id}:${JSON.stringify(framing)}:${sha256}`;
    const hit = queryCache.get(key);
    if (hit) {
      queryCache.delete(key); // re-insert: Map order is the LRU order
      queryCache.set(key, hit);
      return hit;
    }
    const { vector } = await frameQuery(embedder, bytes, limits, framing);
    queryCache.set(key, vector);
    if (queryCache.size > QUERY_CACHE_SIZE) queryCache.delete(queryCache.keys().next().value!);
    return vector;
  }

  /**
   * The ranking behind every photo search (API, URL, eval): validate, embed each photo framed for
   * that photo, one query for all photos, kNN, best image per product, threshold. Without an
   * explicit threshold each query gets its own, from the background gallery (background.decision.ts).
   */
  async function rankImages(images: Buffer[], threshold?: number, options: RankOptions = {}) {
    if (images.length === 0) throw appError('NO_IMAGE');
    await Promise.all(images.map((bytes) => validateQueryImage(bytes, deps.maxImagePixels)));
    const { model, embedder } = await servingEmbedder();
    const shas = images.map((b) => crypto.createHash('sha256').update(b).digest('hex'));
    const framing = options.framing === undefined ? (embedder.info.queryFraming ?? null) : options.framing;
    const perImage = await Promise.all(images.map((b, i) => embedQuery(embedder, b, shas[i]!, framing)));
    // One query: the mean direction of every photo's vector, at the cost of a single kNN.
    const query = meanDirection(perImage);
    const queryThreshold =
      options.decision === 'impostor'
        ? await defaultThresholdFor(model, embedder)
        : await defaultThresholdOf(model, embedder, query);
    const t = threshold ?? queryThreshold;
    const neighbors = await requireVectors().nearestImages(
      model,
      embedder.info.dim,
      query,
      await neighborCount(),
    );
    let matches = bestPerProduct(neighbors, t);
    const nothingSimilar = matches.length === 0;
    if (nothingSimilar && options.closest)
      matches = bestPerProduct(neighbors, -Infinity).slice(0, CLOSEST_FEW);
    return { model, threshold: t, queryThreshold, shas, matches, nothingSimilar };
  }

  /**
   * The default threshold of one query: above its k-th most similar background image by the
   * calibrated margin, when the model has a background gallery; else the catalog-wide calibration.
   */
  async function defaultThresholdOf(model: string, embedder: Embedder, query: Float32Array): Promise<number> {
    const perQuery = deps.background ? await deps.background.thresholdFor(model) : null;
    return perQuery ? perQuery(query) : defaultThresholdFor(model, embedder);
  }

  async function rank(model: string, dim: number, query: Float32Array, threshold: number, exclude?: number) {
    const neighbors = await requireVectors().nearestImages(model, dim, query, await neighborCount());
    return bestPerProduct(neighbors, threshold, exclude);
  }

  /**
   * The photo-search threshold when the request sets none: the catalog's own "unrelated" level
   * (mean similarity of different products' images) shifted by CALIBRATION_Z spreads, so it adapts
   * to the model and the catalog; the model entry's fixed value until a calibration exists.
   */
  async function defaultThresholdFor(model: string, embedder: Embedder): Promise<number> {
    const cached = calibrations.get(model);
    if (cached && cached.at > Date.now() - 60_000) return cached.value;
    const c = await requireVectors().calibration(model);
    const value = c
      ? Math.round((c.mean + CALIBRATION_Z * c.std) * 1000) / 1000
      : embedder.info.defaultThreshold;
    calibrations.set(model, { value, at: Date.now() });
    return value;
  }

  async function finish(started: number, s: SaveInput): Promise<SearchOutcome> {
    const ms = Math.round(performance.now() - started);
    if (s.matches.length === 0) {
      logger.info({ kind: s.kind, model: s.model, count: 0, ms }, 'photo search: nothing similar');
      throw appError('NO_MATCH');
    }
    const searchId = await saved.save(s);
    const nothingSimilar = isNothingSimilar(s);
    logger.info(
      { kind: s.kind, model: s.model, count: s.matches.length, ms, searchId, nothingSimilar },
      'photo search',
    );
    return { searchId, count: s.matches.length, ms, nothingSimilar };
  }

  /**
   * Text → image: products whose photos match the words, when the serving model has a text tower
   * that understands the query's language. null otherwise: text search then works alone.
   */
  async function textToImage(q: string): Promise<SavedMatch[] | null> {
    if (!deps.vectors) return null;
    const model = await servingModel(deps.vectors);
    if (!models.ready(model)) return null;
    const embedder = await models.get(model);
    const language = queryLanguage(q);
    if (!embedder.info.hasTextTower || !language || !embedder.info.textLanguages?.includes(language))
      return null;
    const [vector] = await embedder.embedTexts([q]);
    return rank(model, embedder.info.dim, vector!, embedder.info.defaultThreshold);
  }

  /** The threshold the modal's slider starts at: the one a search without a threshold would use. */
  async function defaultThreshold(): Promise<number | undefined> {
    if (!deps.vectors) return undefined;
    const model = await servingModel(deps.vectors);
    return models.ready(model) ? defaultThresholdFor(model, await models.get(model)) : undefined;
  }

  async function savedOrThrow(id: string): Promise<SavedSearch> {
    const found = await saved.get(id);
    if (!found) throw appError('SEARCH_NOT_FOUND');
    return found;
  }

  return {
    rankImages,
    textToImage,
    defaultThreshold,

    async byImages(images: Buffer[], options: SearchOptions & { kind?: 'image' | 'url' } = {}) {
      const started = performance.now();
      const ranked = await rankImages(images, options.threshold, { closest: options.closest });
      // The same photo searched again reuses its stored thumbnail instead of making and storing another.
      const sha256 = ranked.shas[0]!;
      // (no thumbnail is made for a search that found nothing: finish refuses it unsaved)
      const stored = ranked.matches.length === 0 || (await saved.hasThumb(sha256));
      return finish(started, {
        kind: options.kind ?? 'image',
        model: ranked.model,
        querySha256: ranked.shas.length === 1 ? sha256 : null,
        threshold: ranked.threshold,
        matches: ranked.matches,
        thumb: { sha256, bytes: stored ? null : await queryThumbnail(images[0]!, limits) },
        clientKey: options.clientKey,
      });
    },

    /** A photo given by its link: fetched by the remote service (SSRF rules), then searched like an upload. */
    async byUrl(url: string, options: SearchOptions = {}) {
      const bytes = await deps.remote.fetchImage(url);
      return this.byImages([bytes], { ...options, kind: 'url' });
    },

    /** «Похожие»: the product's own stored vectors are the query; no upload, no forward pass. */
    async similarTo(productId: number, options: SearchOptions = {}) {
      const started = performance.now();
      const vectors = requireVectors();
      const model = await servingModel(vectors);
      const own = await vectors.productVectors(model, productId);
      if (own.length === 0) throw appError('NOT_INDEXED');
      const query = meanDirection(own.map((o) => o.vector));
      const threshold = options.threshold ?? (await thresholdOf(model));
      const matches = await rank(model, query.length, query, threshold, productId);
      return finish(started, {
        kind: 'similar',
        model,
        querySha256: null,
        threshold,
        matches,
        thumb: null,
        clientKey: options.clientKey,
      });
    },

    /**
     * The catalog list as a page or the API asks for it. A saved photo search restricts it to its
     * matches (filters, sort and pages apply within them). A text query keeps every text step (words,
     * descriptions, near spellings); a model with a text tower in the query's language only adds
     * the products whose photos match the words, fused by reciprocal rank.
     */
    async listProducts(query: ProductQuery & { imageSearch?: string | undefined }): Promise<ProductList> {
      const { imageSearch, ...rest } = query;
      if (imageSearch) {
        const search = await savedOrThrow(imageSearch);
        const within = search.matches.map((m) => ({ productId: m.productId, score: m.score }));
        const result = await catalog.list({ ...rest, q: undefined, within });
        return {
          result,
          photoSearch: {
            id: search.id,
            kind: search.kind,
            count: search.matches.length,
            nothingSimilar: isNothingSimilar(search),
            queryImageUrl: search.hasThumb ? `/searches/${search.id}/thumb` : null,
          },
        };
      }
      const q = rest.q?.trim();
      const byImage = q ? await textToImage(q).catch(() => null) : null;
      if (!q || !byImage?.length) return { result: await catalog.list(rest) };
      const byText = await catalog.rankedIds(q, FUSION_DEPTH);
      const fused = reciprocalRankFusion([byText.ids, byImage.map((m) => m.productId)]);
      const result = await catalog.list({ ...rest, q: undefined, within: fused });
      // RRF scores are ranks, not similarities: the cards show no percentage for them.
      const items = result.items.map(({ score: _score, ...item }) => item);
      return { result: { ...result, items, fuzzy: byText.fuzzy } };
    },

    thumb: (id: string) => saved.thumb(id),

    /** Deletes expired saved searches and the thumbnails no search uses any more. */
    purgeExpired: () => saved.purgeExpired(),

    available(): { available: boolean; reason?: string } {
      if (!deps.vectors) return { available: false, reason: deps.vectorError ?? 'no vector store' };
      const state = models.state();
      if (state.status === 'unavailable') return { available: false, reason: state.reason };
      return { available: true };
    },
  };

  async function thresholdOf(model: string): Promise<number> {
    try {
      return await defaultThresholdFor(model, await models.get(model));
    } catch {
      return 0;
    }
  }
}

export type SearchService = ReturnType<typeof createSearchService>;

/**
 * Reciprocal rank fusion: each ranking adds 1/(k + rank) to a product. Robust to the two
 * rankings' scores being on different scales (ts_rank vs cosine), which is why it is used here.
 */
export function reciprocalRankFusion(rankings: number[][], k = 60): { productId: number; score: number }[] {
  const scores = new Map<number, number>();
  for (const ranking of rankings) {
    ranking.forEach((id, i) => scores.set(id, (scores.get(id) ?? 0) + 1 / (k + i + 1)));
  }
  return [...scores.entries()]
    .map(([productId, score]) => ({ productId, score }))
    .sort((a, b) => b.score - a.score || a.productId - b.productId);
}

/**
 * k for the kNN so that grouping by product can still fill MAX_RESULTS products when each brings up
 * to the catalog's 95th percentile of images per product (one with more takes more of the k and
 * leaves room for fewer others); one product more for «похожие», which drops the product asked
 * about. Bounded by MAX_KNN: docs/bench-search.md says what k costs.
 */
export function neighborsFor(stats: { p95: number }): number {
  return Math.min(MAX_KNN, (MAX_RESULTS + 1) * Math.max(1, Math.ceil(stats.p95)));
}

export function bestPerProduct(
  neighbors: ImageNeighbor[],
  threshold: number,
  exclude?: number,
): SavedMatch[] {
  const best = new Map<number, SavedMatch>();
  for (const n of neighbors) {
    if (n.similarity < threshold || n.productId === exclude) continue;
    const current = best.get(n.productId);
    if (!current || n.similarity > current.score) {
      best.set(n.productId, { productId: n.productId, imageId: n.imageId, score: n.similarity });
    }
  }
  return [...best.values()]
    .sort((a, b) => b.score - a.score || a.productId - b.productId)
    .slice(0, MAX_RESULTS);
}

/** The script a query is written in, as the language a text tower would need: null when neither. */
export function queryLanguage(q: string): 'ru' | 'en' | null {
  if (/[\u0400-\u04ff]/.test(q)) return 'ru';
  if (/[a-z]/i.test(q)) return 'en';
  return null;
}

/**
 * A saved search whose matches all sit below its threshold holds the closest few of a search that
 * found nothing similar (asked for with `closest`); no extra column needed to tell.
 */
export function isNothingSimilar(s: Pick<SavedSearch, 'matches' | 'threshold'>): boolean {
  return s.matches.length > 0 && s.matches.every((m) => m.score < s.threshold);
}

/** Several photos of one thing → one query: the normalized mean of their unit vectors. */
export function meanDirection(vectors: Float32Array[]): Float32Array {
  const dim = vectors[0]!.length;
  const sum = new Float32Array(dim);
  for (const v of vectors) for (let i = 0; i < dim; i++) sum[i]! += v[i]!;
  const norm = Math.hypot(...sum) || 1;
  return sum.map((x) => x / norm);
}
