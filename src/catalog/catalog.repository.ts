import type { Db, DbTx } from '../db/db.client.ts';
import { appError } from '../errors/app-error.ts';
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
        productValues(p),
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

    /**
     * How many images products have: the 95th percentile and the largest, over products with any.
     * Photo search sizes its kNN by it (several images of one product take several neighbours).
     */
    async imagesPerProduct(): Promise<{ products: number; p95: number; max: number }> {
      const { rows } = await db.query<{ products: number; p95: number | null; max: number | null }>(
        `select count(*)::int as products,
                percentile_disc(0.95) within group (order by n)::int as p95, max(n)::int as max
         from (select count(*) as n from product_images group by product_id) per_product`,
      );
      const r = rows[0]!;
      return { products: r.products, p95: r.p95 ?? 0, max: r.max ?? 0 };
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

    // ── editing (product-edit.service.ts) ─────────────────────────────────────────────────

    /** Changes a product's fields; false when it does not exist. A SKU another product has → SKU_TAKEN. */
    async updateProduct(tx: DbTx, id: number, p: ProductInput): Promise<boolean> {
      try {
        const { rowCount } = await tx.query(
          `update products set sku = $2, name = $3, description = $4, category = $5, supplier = $6,
                  price = $7, currency = $8, attributes = $9, updated_at = now()
           where id = $1`,
          [id, ...productValues(p)],
        );
        return (rowCount ?? 0) > 0;
      } catch (error) {
        if ((error as { code?: string }).code === '23505') throw appError('SKU_TAKEN', { sku: p.sku });
        throw error;
      }
    },

    /** The product's image rows, locked for a change in the same transaction. */
    async lockImages(
      tx: DbTx,
      productId: number,
    ): Promise<{ id: number; position: number; sha256: string }[] | null> {
      const product = await tx.query('select id from products where id = $1 for update', [productId]);
      if (!product.rowCount) return null;
      const { rows } = await tx.query<{ id: number; position: number; sha256: string }>(
        'select id, position, sha256 from product_images where product_id = $1 order by position',
        [productId],
      );
      return rows;
    },

    async addImage(tx: DbTx, productId: number, img: ImageInput): Promise<number> {
      const { rows } = await tx.query<{ id: number }>(
        `insert into product_images (product_id, position, source, sha256, content_type, bytes, width, height)
         values ($1, (select coalesce(max(position) + 1, 0) from product_images where product_id = $1),
                 $2, $3, $4, $5, $6, $7)
         returning id`,
        [productId, img.source, img.sha256, img.contentType, img.bytes, img.width, img.height],
      );
      await tx.query('update products set updated_at = now() where id = $1', [productId]);
      return rows[0]!.id;
    },

    /**
     * Puts the product's images in this order (ids of all its images). Positions are moved out of
     * the way first: (product_id, position) is unique at every statement.
     */
    async orderImages(tx: DbTx, productId: number, imageIds: number[]): Promise<void> {
      await tx.query('update product_images set position = -1 - position where product_id = $1', [productId]);
      await tx.query(
        `update product_images i set position = o.ord - 1
         from unnest($2::bigint[]) with ordinality as o(id, ord)
         where i.product_id = $1 and i.id = o.id`,
        [productId, imageIds],
      );
      await tx.query('update products set updated_at = now() where id = $1', [productId]);
    },

    async deleteImage(tx: DbTx, productId: number, imageId: number): Promise<string | null> {
      const { rows } = await tx.query<{ sha256: string }>(
        'delete from product_images where product_id = $1 and id = $2 returning sha256',
        [productId, imageId],
      );
      return rows[0]?.sha256 ?? null;
    },

    /** Deletes the product and its image rows; the removed images, for their vectors and files. */
    async deleteProduct(tx: DbTx, id: number): Promise<{ imageId: number; sha256: string }[] | null> {
      const { rows } = await tx.query<{ imageId: number; sha256: string }>(
        'select id as "imageId", sha256 from product_images where product_id = $1',
        [id],
      );
      const { rowCount } = await tx.query('delete from products where id = $1', [id]);
      return rowCount ? rows : null;
    },

    /** Which of these files some product image still uses. */
    async referencedShas(shas: string[]): Promise<Set<string>> {
      const { rows } = await db.query<{ sha256: string }>(
        'select distinct sha256 from product_images where sha256 = any($1::text[])',
        [shas],
      );
      return new Set(rows.map((r) => r.sha256));
    },

    async productImageRefs(
      productId: number,
    ): Promise<{ imageId: number; productId: number; sha256: string }[]> {
      const { rows } = await db.query<{ imageId: number; productId: number; sha256: string }>(
        'select id as "imageId", product_id as "productId", sha256 from product_images where product_id = $1 order by id',
        [productId],
      );
      return rows;
    },

    /** Image id → product, for the indexing page's list of failed images. */
    async imageOwners(
      imageIds: number[],
    ): Promise<Map<number, { productId: number; name: string; sha256: string }>> {
      const { rows } = await db.query<{ imageId: number; productId: number; name: string; sha256: string }>(
        `select i.id as "imageId", p.id as "productId", p.name, i.sha256
         from product_images i join products p on p.id = i.product_id where i.id = any($1::bigint[])`,
        [imageIds],
      );
      return new Map(rows.map((r) => [r.imageId, r]));
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

/** A product's columns as query parameters, in the order both the insert and the update name them. */
function productValues(p: ProductInput): unknown[] {
  return [
    p.sku,
    p.name,
    p.description,
    p.category,
    p.supplier,
    p.price,
    p.currency,
    JSON.stringify(p.attributes),
  ];
}
