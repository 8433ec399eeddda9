import type { FastifyInstance, FastifyRequest } from 'fastify';
import { z } from 'zod';
import type { AppContext } from '../../app/app.context.ts';
import type { ProductPage } from '../../catalog/catalog.types.ts';
import { appError } from '../../errors/app-error.ts';
import type { IndexStatus } from '../../indexer/index.job.ts';
import { messages, pickLang } from '../i18n.ts';
import { parseOrThrow, productListQuerySchema, type ProductListQuery } from '../products.query.ts';
import { productPage } from '../views/product.view.ts';
import { productsPage } from '../views/products.view.ts';
import type { PageContext } from '../views/layout.view.ts';

export function pageContext(request: FastifyRequest): PageContext {
  const lang = pickLang((request.query as Record<string, unknown>).lang, request.headers['accept-language']);
  return { lang, t: messages[lang], url: request.url };
}

export function toApiItem(p: ProductPage['items'][number]) {
  return {
    id: p.id,
    sku: p.sku,
    name: p.name,
    category: p.category,
    supplier: p.supplier,
    price: p.price,
    currency: p.currency,
    image_url: p.imageSha256 ? `/media/${p.imageSha256}` : null,
    ...(p.score !== undefined ? { score: Math.round(p.score * 10000) / 10000 } : {}),
  };
}

const idParams = z.object({ id: z.coerce.number().int().positive().max(Number.MAX_SAFE_INTEGER) }).strict();

/** Unknown keys on an HTML page (tracking tags and the like) are ignored rather than refused. */
const pageKeys = new Set(Object.keys(productListQuerySchema.shape));
const knownOnly = (query: unknown) =>
  Object.fromEntries(Object.entries(query as Record<string, unknown>).filter(([k]) => pageKeys.has(k)));

export interface ListDeps {
  ctx: AppContext;
  /** resolves image_search ids; provided by the photo-search feature */
  listProducts(query: ProductListQuery): Promise<{
    result: ProductPage;
    photoSearch?: { id: string; count: number; queryImageUrl: string | null };
  }>;
  photoSearchEnabled(): boolean;
  photoThreshold?: (() => Promise<number | undefined>) | undefined;
  /** indexing progress, shown as a small note while a run is going on */
  indexStatus?: (() => Promise<IndexStatus>) | undefined;
}

export function registerCatalogRoutes(app: FastifyInstance, deps: ListDeps): void {
  const { ctx } = deps;

  app.get('/', async (_request, reply) => reply.redirect('/products'));

  app.get('/products', async (request, reply) => {
    const query = parseOrThrow(productListQuerySchema, knownOnly(request.query));
    const [{ result, photoSearch }, facets, catalogSize, indexStatus] = await Promise.all([
      deps.listProducts(query),
      ctx.catalog.facets(),
      ctx.catalog.count(),
      deps.indexStatus?.().catch(() => undefined),
    ]);
    return reply.type('text/html; charset=utf-8').send(
      productsPage(pageContext(request), {
        query,
        result,
        facets,
        catalogSize,
        photoSearch,
        photoSearchEnabled: deps.photoSearchEnabled(),
        photoThreshold: await deps.photoThreshold?.(),
        indexing: indexStatus?.running ? indexStatus : undefined,
      }),
    );
  });

  app.get('/products/:id', async (request, reply) => {
    const parsed = idParams.safeParse(request.params);
    const product = parsed.success ? await ctx.catalog.get(parsed.data.id) : null;
    if (!product) throw appError('PRODUCT_NOT_FOUND');
    return reply
      .type('text/html; charset=utf-8')
      .send(productPage(pageContext(request), product, deps.photoSearchEnabled()));
  });

  app.get('/api/products', async (request) => {
    const query = parseOrThrow(productListQuerySchema, request.query);
    const { result } = await deps.listProducts(query);
    return {
      items: result.items.map(toApiItem),
      page: result.page,
      per_page: result.perPage,
      total: result.total,
    };
  });
}
