import type { Db, DbTx } from '../db/db.client.ts';
import type {
  ImageInput,
  ProductDetail,
  ProductInput,
  ProductQuery,
  ProductSummary,
  RankedMatch,
  Sort,
} from './catalog.types.ts';

/** title: name/SKU/category words; fulltext: also the description; fuzzy: trigram similarity (typos). */
export type TextMode = 'title' | 'fulltext' | 'fuzzy';

/** All SQL of the product aggregate (products, their images, facets). */
export function createCatalogRepository(db: Db) {
  return {
    /** Insert or update by sku; `created` tells which happened. */
    async upsertProduct(tx: DbTx, p: ProductInput): Promise<{ id: number; created: boolean }> {
      const { rows } = await tx.query<{ id: number; created: boolean }>(
        `insert into products (sku, name, description, category, supplier, price, currency, attributes)
         values ($1, $2, $3, $4, $5, $6, $7, $8)
         on conflict (sku) do update set
           name = excluded.name, description = excluded.description, category = excluded.category,
           supplier = excluded.supplier, price = excluded.price, currency = excluded.currency,
           attributes = excluded.attributes, updated_at = now()
         returning id, (xmax = 0) as created`,
        [
          p.sku,
          p.name,
          p.description,
          p.category,
          p.supplier,
          p.price,
          p.currency,
          JSON.stringify(p.attributes),
        ],
      );
      return rows[0]!;
    },

    /** Makes the product's images exactly `images`, keeping rows (and their ids) whose content is unchanged. */
    async replaceImages(tx: DbTx, productId: number, images: ImageInput[]): Promise<void> {
      await tx.query('delete from product_images where product_id = $1 and position >= $2', [
        productId,
        images.length,
      ]);
      for (const [position, img] of images.entries()) {
        await tx.query(
          `insert into product_images (product_id, position, source, sha256, content_type, bytes, width, height)
           values ($1, $2, $3, $4, $5, $6, $7, $8)
           on conflict (product_id, position) do update set
             source = excluded.source, sha256 = excluded.sha256, content_type = excluded.content_type,
             bytes = excluded.bytes, width = excluded.width, height = excluded.height,
             created_at = case when product_images.sha256 = excluded.sha256
                               then product_images.created_at else now() end`,
          [productId, position, img.source, img.sha256, img.contentType, img.bytes, img.width, img.height],
        );
      }
    },

    /** Changes whenever an image is added, removed or replaced: cheap to poll from any process. */
    async imagesSignature(): Promise<string> {
      const { rows } = await db.query<{ s: string }>(
        `select count(*)::text || ':' || coalesce(max(id), 0)::text || ':' || coalesce(max(created_at)::text, '') as s
         from product_images`,
      );
      return rows[0]!.s;
    },

    async countProducts(): Promise<number> {
      const { rows } = await db.query<{ n: number }>('select count(*)::int as n from products');
      return rows[0]!.n;
    },

    async list(query: ProductQuery, textMode: TextMode): Promise<{ items: ProductSummary[]; total: number }> {
      const { where, params, rank } = buildWhere(query, textMode);
      const order = orderBy(query.sort ?? 'name', rank);
      const withinJoin = query.within
        ? `join unnest($${params.push(query.within.map((m) => m.productId))}::bigint[],
                       $${params.push(query.within.map((m) => m.score))}::float8[])
             with ordinality as m(product_id, score, ord) on m.product_id = p.id`
        : '';
      const limit = params.push(query.perPage);
      const offset = params.push((query.page - 1) * query.perPage);
      const { rows } = await db.query<ProductSummary & { total: number }>(
        `select p.id, p.sku, p.name, p.category, p.supplier, p.price, p.currency,
                (select i.sha256 from product_images i where i.product_id = p.id order by i.position limit 1)
                  as "imageSha256",
                ${query.within ? 'm.score' : 'null::float8'} as score,
                count(*) over () as total
         from products p ${withinJoin}
         where ${where.join(' and ')}
         order by ${order}
         limit $${limit} offset $${offset}`,
        params,
      );
      const total = rows[0]?.total ?? (query.page > 1 ? await countOnly(db, query, textMode) : 0);
      const items = rows.map(({ total: _total, score, ...item }) =>
        score === null ? item : { ...item, score },
      );
      return { items, total };
    },

    /** Product ids in text-relevance order, for fusing with another ranking (text → image). */
    async rankedIds(q: string, textMode: TextMode, limit: number): Promise<number[]> {
      const { where, params, rank } = buildWhere({ q, page: 1, perPage: limit }, textMode);
      const n = params.push(limit);
      const { rows } = await db.query<{ id: number }>(
        `select p.id from products p where ${where.join(' and ')} order by ${orderBy('relevance', rank)} limit $${n}`,
        params,
      );
      return rows.map((r) => r.id);
    },

    async get(id: number): Promise<ProductDetail | null> {
      const { rows } = await db.query<Omit<ProductDetail, 'images'>>(
        `select id, sku, name, description, category, supplier, price, currency, attributes,
                created_at as "createdAt", updated_at as "updatedAt"
         from products where id = $1`,
        [id],
      );
      const product = rows[0];
      if (!product) return null;
      const images = await db.query<ProductDetail['images'][number]>(
        'select id, position, sha256, width, height, source from product_images where product_id = $1 order by position',
        [id],
      );
      return { ...product, images: images.rows };
    },

    async facets(): Promise<{ categories: Facet[]; suppliers: Facet[] }> {
      const [categories, suppliers] = await Promise.all([
        db.query<Facet>(
          `select category as value, count(*)::int as count from products
           where category is not null group by category order by category`,
        ),
        db.query<Facet>(
          `select supplier as value, count(*)::int as count from products
           where supplier is not null group by supplier order by supplier`,
        ),
      ]);
      return { categories: categories.rows, suppliers: suppliers.rows };
    },

    async imageSha256Exists(sha256: string): Promise<boolean> {
      const { rowCount } = await db.query('select 1 from product_images where sha256 = $1 limit 1', [sha256]);
      return (rowCount ?? 0) > 0;
    },

    async imageCount(): Promise<number> {
      const { rows } = await db.query<{ n: number }>('select count(*)::int as n from product_images');
      return rows[0]!.n;
    },

    /** Every catalog image, for the indexer to diff against the vector store. */
    async imageRefs(): Promise<{ imageId: number; productId: number; sha256: string }[]> {
      const { rows } = await db.query<{ imageId: number; productId: number; sha256: string }>(
        'select id as "imageId", product_id as "productId", sha256 from product_images order by id',
      );
      return rows;
    },

    async productNames(ids: number[]): Promise<Map<number, string>> {
      const { rows } = await db.query<{ id: number; name: string }>(
        'select id, name from products where id = any($1::bigint[])',
        [ids],
      );
      return new Map(rows.map((r) => [r.id, r.name]));
    },
  };
}

export type CatalogRepository = ReturnType<typeof createCatalogRepository>;
export interface Facet {
  value: string;
  count: number;
}

/** A LIKE pattern for strings starting with `text`: its %, _ and backslash (LIKE's default escape) escaped. */
export function likePrefix(text: string): string {
  return `${text.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
}

// A category filter matches the category and everything below it ("Fruit" matches "Fruit / Apple").
function buildWhere(query: ProductQuery, textMode: TextMode) {
  const params: unknown[] = [];
  const where: string[] = ['true'];
  let rank = '0';
  const q = query.q?.trim();
  if (q) {
    const n = params.push(q);
    if (textMode !== 'fuzzy') {
      const tsq = `(websearch_to_tsquery('english', $${n}) || websearch_to_tsquery('russian', $${n}) || websearch_to_tsquery('simple', $${n}))`;
      const column = textMode === 'title' ? 'p.title_tsv' : 'p.search_tsv';
      // The typed text is a prefix, not a pattern: its % and _ match themselves.
      const prefix = params.push(likePrefix(q));
      where.push(`(${column} @@ ${tsq} or lower(p.sku) like lower($${prefix}))`);
      rank = `(ts_rank_cd(p.search_tsv, ${tsq}) + case when lower(p.sku) = lower($${n}) then 10 else 0 end)`;
    } else {
      where.push(
        `(word_similarity(lower($${n}), lower(p.name)) >= 0.4 or similarity(lower(p.sku), lower($${n})) >= 0.4)`,
      );
      rank = `greatest(word_similarity(lower($${n}), lower(p.name)), similarity(lower(p.sku), lower($${n})))`;
    }
  }
  if (query.category) {
    const n = params.push(query.category);
    const below = params.push(likePrefix(`${query.category} / `));
    where.push(`(p.category = $${n} or p.category like $${below})`);
  }
  if (query.supplier) where.push(`p.supplier = $${params.push(query.supplier)}`);
  if (query.priceMin !== undefined) where.push(`p.price >= $${params.push(query.priceMin)}`);
  if (query.priceMax !== undefined) where.push(`p.price <= $${params.push(query.priceMax)}`);
  if (query.within) rank = `(-m.ord)`;
  return { where, params, rank };
}

// Every order ends with the id so pages never repeat or skip rows that tie.
function orderBy(sort: Sort, rank: string): string {
  switch (sort) {
    case 'relevance':
      return `${rank} desc, p.name, p.id`;
    case 'price_asc':
      return 'p.price asc nulls last, p.name, p.id';
    case 'price_desc':
      return 'p.price desc nulls last, p.name, p.id';
    case 'newest':
      return 'p.created_at desc, p.id desc';
    case 'name':
      return 'lower(p.name), p.id';
  }
}

async function countOnly(db: Db, query: ProductQuery, textMode: TextMode): Promise<number> {
  const { where, params } = buildWhere({ ...query, within: undefined }, textMode);
  if (query.within) {
    const n = params.push(query.within.map((m: RankedMatch) => m.productId));
    where.push(`p.id = any($${n}::bigint[])`);
  }
  const { rows } = await db.query<{ n: number }>(
    `select count(*)::int as n from products p where ${where.join(' and ')}`,
    params,
  );
  return rows[0]!.n;
}
