import type { FastifyInstance, FastifyRequest } from 'fastify';
import { z } from 'zod';
import type { AppContext } from '../../app/app.context.ts';
import { allow } from '../../auth/auth.plugin.ts';
import type { ProductPage } from '../../catalog/catalog.types.ts';
import { appError } from '../../errors/app-error.ts';
import type { IndexStatus } from '../../indexer/index.job.ts';
import { pickLang } from '../../i18n/i18n.lang.ts';
import { translator } from '../../i18n/i18n.translate.ts';
import type { PhotoAvailability } from '../../search/photo-availability.ts';
import type { ProductList } from '../../search/search.service.ts';
import {
  parseOrThrow,
  parsePageQuery,
  productListQuerySchema,
  type ProductListQuery,
} from '../products.query.ts';
import { productPage } from '../views/product.view.ts';
import { productsPage } from '../views/products.view.ts';
import type { PageContext } from '../views/layout.view.ts';

export function pageContext(request: FastifyRequest): PageContext {
  const lang = pickLang((request.query as Record<string, unknown>).lang, request.headers['accept-language']);
  const p = request.principal;
  const account = p?.kind === 'user' ? { email: p.user.email, role: p.user.role } : null;
  return { lang, t: translator(lang), url: request.url, account };
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

/** `from`: the list the product was opened from; only a /products link, so it cannot lead elsewhere. */
const productPageQuery = z.object({
  from: z
    .string()
    .max(2000)
    .regex(/^\/products(\?[^#]*)?$/)
    .optional(),
});

/** Unknown keys on an HTML page (tracking tags and the like) are ignored rather than refused. */
const pageKeys = new Set(Object.keys(productListQuerySchema.shape));
const knownOnly = (query: unknown) =>
  Object.fromEntries(Object.entries(query as Record<string, unknown>).filter(([k]) => pageKeys.has(k)));

export interface ListDeps {
  ctx: AppContext;
  /** resolves image_search ids; provided by the photo-search feature */
  listProducts(query: ProductListQuery): Promise<ProductList>;
  /** whether «По фото» and «Похожие» can be used now, and why not */
  photoAvailability(): Promise<PhotoAvailability>;
  photoThreshold?: (() => Promise<number | undefined>) | undefined;
  /** indexing progress, shown as a small note while a run is going on */
  indexStatus?: (() => Promise<IndexStatus>) | undefined;
}

export function registerCatalogRoutes(app: FastifyInstance, deps: ListDeps): void {
  const { ctx } = deps;

  app.get('/products', allow('catalog'), async (request, reply) => {
    const { query, priceProblems } = parsePageQuery(knownOnly(request.query));
    const [{ result, photoSearch }, facets, catalogSize, indexStatus, photo] = await Promise.all([
      deps.listProducts(query),
      ctx.catalog.facets(),
      ctx.catalog.count(),
      deps.indexStatus?.().catch(() => undefined),
      deps.photoAvailability(),
    ]);
    return reply.type('text/html; charset=utf-8').send(
      productsPage(pageContext(request), {
        query,
        result,
        facets,
        catalogSize,
        photoSearch,
        photo,
        photoThreshold: await deps.photoThreshold?.(),
        uploadMaxBytes: ctx.config.uploadMaxBytes,
        priceProblems,
        indexing: indexStatus?.running ? indexStatus : undefined,
      }),
    );
  });

  app.get('/products/:id', allow('catalog'), async (request, reply) => {
    const parsed = idParams.safeParse(request.params);
    const product = parsed.success ? await ctx.catalog.get(parsed.data.id) : null;
    if (!product) throw appError('PRODUCT_NOT_FOUND');
    const from = productPageQuery.safeParse(request.query).data?.from;
    const photo = await deps.photoAvailability();
    return reply
      .type('text/html; charset=utf-8')
      .send(productPage(pageContext(request), product, { similar: photo.status !== 'off', from }));
  });

  app.get('/api/products', allow('catalog'), async (request) => {
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
