import type { Db } from '../db/db.client.ts';

/** enough for the HNSW graph of ~100,000 vectors of 512-d or ~60,000 of 1280-d */
export const INDEX_BUILD_MEMORY = '512MB';

export interface CatalogImageRef {
  imageId: number;
  productId: number;
  sha256: string;
}

export interface ClaimedTask extends CatalogImageRef {
  attempts: number;
}

export interface ImageNeighbor {
  imageId: number;
  productId: number;
  similarity: number;
}

export interface ModelCounts {
  total: number;
  embedded: number;
  failed: number;
  pending: number;
  leased: number;
}

export const MAX_KNN = 1000;

/** float32 bytes as stored (copied: a driver's Buffer may be a view into a larger, unaligned one) */
const toFloats = (b: Buffer) => new Float32Array(b.buffer.slice(b.byteOffset, b.byteOffset + b.byteLength));
const toVectorText = (v: Float32Array | number[]) => `[${Array.from(v).join(',')}]`;
const safeName = (model: string) => model.replace(/[^a-z0-9]+/gi, '_').toLowerCase();

/** index builds and whole-catalog queue syncs outlast any request's statement timeout (DB_STATEMENT_TIMEOUT_MS) */
const MAINTENANCE = { unbounded: true };

/** The name ensureIndex gives the model's HNSW index (plans name it). */
export const vectorIndexName = (model: string) => `image_embeddings_hnsw_${safeName(model)}`;

const knnLimit = (k: number) => Math.max(1, Math.min(MAX_KNN, Math.floor(k)));

/**
 * SET LOCAL, so nothing leaks into the session for other queries. ef_search at twice k keeps recall
 * at larger k. No JIT: on a server it compiled the old exact-scan plan for 50 of its 80 ms, and an
 * index scan of k rows has nothing worth compiling.
 */
const knnSettings = (limit: number) =>
  `set local hnsw.ef_search = ${Math.max(64, Math.min(1000, limit * 2))}; set local jit = off`;

/**
 * The inner ORDER BY is the distance alone, which the HNSW index (partial per model, on the cast
 * to the model's dimension) satisfies by itself: with `, image_id` in it the planner could only
 * scan every row of the model and top-N sort them. The tie-break sorts the k rows afterwards.
 */
function knnStatement(dim: number): string {
  const d = Number(dim);
  return `select image_id as "imageId", product_id as "productId", 1 - distance as similarity
     from (select image_id, product_id, embedding::vector(${d}) <=> $2::vector(${d}) as distance
           from image_embeddings
           where model = $1
           order by embedding::vector(${d}) <=> $2::vector(${d})
           limit $3) nearest
     order by distance, image_id`;
}

/** Every statement against the vector store: embeddings, the indexing queue, the active model. */
export function createVectorRepository(db: Db) {
  /** queue rows and vectors of these images or products, for every model; how many vectors went */
  async function removeRows(column: 'image_id' | 'product_id', ids: number[]): Promise<number> {
    if (ids.length === 0) return 0;
    return db.transaction(async (tx) => {
      await tx.query(`delete from index_tasks where ${column} = any($1::bigint[])`, [ids]);
      const { rowCount } = await tx.query(
        `delete from image_embeddings where ${column} = any($1::bigint[])`,
        [ids],
      );
      return rowCount ?? 0;
    });
  }

  return {
    db,

    /**
     * Brings the queue in line with the catalog: an image gets a task unless a vector of the same
     * content already exists; vectors and tasks of images gone from the catalog are removed.
     */
    async syncTasks(
      model: string,
      images: CatalogImageRef[],
      options: { force: boolean; retryFailed: boolean },
    ) {
      return db.transaction(async (tx) => {
        await tx.query(
          'create temporary table if not exists _catalog_images (image_id bigint primary key, product_id bigint, sha256 text) on commit drop',
        );
        await tx.query('truncate _catalog_images');
        const CHUNK = 5000;
        for (let i = 0; i < images.length; i += CHUNK) {
          const part = images.slice(i, i + CHUNK);
          await tx.query(
            `insert into _catalog_images select * from unnest($1::bigint[], $2::bigint[], $3::text[])`,
            [part.map((r) => r.imageId), part.map((r) => r.productId), part.map((r) => r.sha256)],
          );
        }
        const removed = await tx.query(
          `delete from image_embeddings e where e.model = $1
             and not exists (select 1 from _catalog_images c where c.image_id = e.image_id and c.sha256 = e.sha256)`,
          [model],
        );
        await tx.query(
          `delete from index_tasks t where t.model = $1
             and not exists (select 1 from _catalog_images c where c.image_id = t.image_id and c.sha256 = t.sha256)`,
          [model],
        );
        if (options.force) await tx.query('delete from image_embeddings where model = $1', [model]);
        if (options.retryFailed || options.force) {
          await tx.query(
            'update index_tasks set failed = false, error = null, attempts = 0 where model = $1 and failed',
            [model],
          );
        }
        const added = await tx.query(
          `insert into index_tasks (model, image_id, product_id, sha256)
           select $1, c.image_id, c.product_id, c.sha256 from _catalog_images c
           where not exists (select 1 from image_embeddings e where e.model = $1 and e.image_id = c.image_id)
           on conflict (model, image_id) do nothing`,
          [model],
        );
        return { added: added.rowCount ?? 0, removed: removed.rowCount ?? 0 };
        // a whole catalog's worth of rows: maintenance, not a request, so no statement limit
      }, MAINTENANCE);
    },

    /** Claims up to `limit` tasks for this worker; rows leased by a live worker are skipped, not waited for. */
    async claim(model: string, worker: string, limit: number, leaseSeconds: number): Promise<ClaimedTask[]> {
      const { rows } = await db.query<ClaimedTask>(
        `update index_tasks t set claimed_by = $2, claimed_until = now() + make_interval(secs => $4),
                attempts = t.attempts + 1, updated_at = now()
         where (t.model, t.image_id) in (
           select model, image_id from index_tasks
           where model = $1 and not failed and (claimed_until is null or claimed_until < now())
           order by image_id
           limit $3
           for update skip locked)
         returning t.image_id as "imageId", t.product_id as "productId", t.sha256, t.attempts`,
        [model, worker, limit, leaseSeconds],
      );
      return rows.sort((a, b) => a.imageId - b.imageId);
    },

    /** Stores vectors and retires their tasks in one transaction: a kill leaves either both or neither. */
    async saveVectors(model: string, dim: number, items: { task: CatalogImageRef; vector: Float32Array }[]) {
      if (items.length === 0) return;
      await db.transaction(async (tx) => {
        await tx.query(`insert into embedding_models (id, dim) values ($1, $2) on conflict (id) do nothing`, [
          model,
          dim,
        ]);
        await tx.query(
          `insert into image_embeddings (model, image_id, product_id, sha256, embedding)
           select $1, i, p, s, v::vector from unnest($2::bigint[], $3::bigint[], $4::text[], $5::text[]) as x(i, p, s, v)
           on conflict (model, image_id) do update
             set product_id = excluded.product_id, sha256 = excluded.sha256,
                 embedding = excluded.embedding, created_at = now()`,
          [
            model,
            items.map((x) => x.task.imageId),
            items.map((x) => x.task.productId),
            items.map((x) => x.task.sha256),
            items.map((x) => toVectorText(x.vector)),
          ],
        );
        await tx.query(`delete from index_tasks where model = $1 and image_id = any($2::bigint[])`, [
          model,
          items.map((x) => x.task.imageId),
        ]);
      });
    },

    async markFailed(model: string, failures: { imageId: number; reason: string }[]) {
      if (failures.length === 0) return;
      await db.query(
        `update index_tasks t set failed = true, error = f.reason, claimed_by = null, claimed_until = null, updated_at = now()
         from unnest($2::bigint[], $3::text[]) as f(image_id, reason)
         where t.model = $1 and t.image_id = f.image_id`,
        [model, failures.map((f) => f.imageId), failures.map((f) => f.reason)],
      );
    },

    /** Hands back leased rows (clean shutdown, or an embedded store no other process can hold). */
    async releaseLeases(model: string, worker?: string) {
      await db.query(
        `update index_tasks set claimed_by = null, claimed_until = null
         where model = $1 and ($2::text is null or claimed_by = $2)`,
        [model, worker ?? null],
      );
    },

    async counts(model: string): Promise<ModelCounts> {
      const { rows } = await db.query<ModelCounts>(
        `select
           (select count(*) from image_embeddings where model = $1)::int as embedded,
           (select count(*) from index_tasks where model = $1 and failed)::int as failed,
           (select count(*) from index_tasks where model = $1 and not failed)::int as pending,
           (select count(*) from index_tasks where model = $1 and not failed and claimed_until > now())::int as leased,
           0 as total`,
        [model],
      );
      const c = rows[0]!;
      return { ...c, total: c.embedded + c.failed + c.pending };
    },

    async failures(
      model: string,
      limit = 100,
    ): Promise<{ imageId: number; productId: number; reason: string }[]> {
      const { rows } = await db.query<{ imageId: number; productId: number; reason: string }>(
        `select image_id as "imageId", product_id as "productId", error as reason from index_tasks
         where model = $1 and failed order by image_id limit $2`,
        [model, limit],
      );
      return rows;
    },

    /** The HNSW index is per model: the column has no fixed dimension, so the index casts to it. */
    async ensureIndex(model: string, dim: number) {
      await db.transaction(async (tx) => {
        // Two workers finishing one set at once would both pass `if not exists` and the second
        // would fail on pg_class's unique key before completing the set; the second waits here
        // instead, then finds the first one's index.
        await tx.query('select pg_advisory_xact_lock(hashtext($1))', [`vitrina-hnsw:${model}`]);
        // pgvector builds far faster when the graph fits in maintenance_work_mem (13,350 x 1280-d:
        // 35.6 s at PGlite's default, 21.4 s at 1 GB; docs/bench-index.md); only for this statement
        await tx.query(`set local maintenance_work_mem = '${INDEX_BUILD_MEMORY}'`);
        await tx.query(
          `create index if not exists ${vectorIndexName(model)} on image_embeddings
           using hnsw ((embedding::vector(${Number(dim)})) vector_cosine_ops) where model = '${model.replace(/'/g, "''")}'`,
        );
      }, MAINTENANCE);
    },

    /**
     * Mean and spread of the similarity between images of different products, from a fixed
     * pseudo-random sample (at most 400 images, ~80,000 pairs): the catalog's own notion of
     * "unrelated", which calibrates the default threshold per model and catalog.
     */
    async calibrate(model: string, dim: number): Promise<{ mean: number; std: number } | null> {
      const d = Number(dim);
      const { rows } = await db.query<{ mean: number | null; std: number | null }>(
        `with s as (
           select image_id, product_id, embedding::vector(${d}) as e from image_embeddings
           where model = $1 order by md5(image_id::text) limit 400)
         select avg(1 - (a.e <=> b.e))::float8 as mean, stddev_pop(1 - (a.e <=> b.e))::float8 as std
         from s a join s b on a.image_id < b.image_id and a.product_id <> b.product_id`,
        [model],
      );
      const { mean, std } = rows[0] ?? {};
      if (mean === null || mean === undefined || std === null || std === undefined) return null;
      await db.query('update embedding_models set impostor_mean = $2, impostor_std = $3 where id = $1', [
        model,
        mean,
        std,
      ]);
      return { mean, std };
    },

    /** Which background images (by file key) already have a vector for the model. */
    async backgroundKeys(model: string): Promise<Set<string>> {
      const { rows } = await db.query<{ k: string }>(
        'select file_key as k from background_vectors where model = $1',
        [model],
      );
      return new Set(rows.map((r) => r.k));
    },

    async saveBackground(model: string, items: { key: string; vector: Float32Array }[]) {
      if (items.length === 0) return;
      await db.query(
        `insert into background_vectors (model, file_key, embedding)
         select $1, k, v from unnest($2::text[], $3::bytea[]) as x(k, v)
         on conflict (model, file_key) do update set embedding = excluded.embedding`,
        [
          model,
          items.map((i) => i.key),
          items.map((i) => Buffer.from(i.vector.buffer, i.vector.byteOffset, i.vector.byteLength)),
        ],
      );
    },

    /** Drops vectors of background images no longer on disk (a package removed or updated). */
    async pruneBackground(model: string, keep: string[]) {
      await db.query('delete from background_vectors where model = $1 and not (file_key = any($2::text[]))', [
        model,
        keep,
      ]);
    },

    /** Keys and vectors, to seed another store with the same gallery (eval builds one per protocol). */
    async backgroundRows(model: string): Promise<{ key: string; vector: Float32Array }[]> {
      const { rows } = await db.query<{ k: string; e: Buffer }>(
        'select file_key as k, embedding as e from background_vectors where model = $1 order by file_key',
        [model],
      );
      return rows.map((r) => ({ key: r.k, vector: toFloats(r.e) }));
    },

    async backgroundVectors(model: string): Promise<Float32Array[]> {
      const { rows } = await db.query<{ e: Buffer }>(
        'select embedding as e from background_vectors where model = $1 order by file_key',
        [model],
      );
      return rows.map((r) => toFloats(r.e));
    },

    async saveBackgroundCalibration(model: string, margin: number | null, k: number | null) {
      await db.query('update embedding_models set background_margin = $2, background_k = $3 where id = $1', [
        model,
        margin,
        k,
      ]);
    },

    async backgroundCalibration(model: string): Promise<{ margin: number; k: number } | null> {
      const { rows } = await db.query<{ margin: number | null; k: number | null }>(
        'select background_margin::float8 as margin, background_k as k from embedding_models where id = $1',
        [model],
      );
      const r = rows[0];
      return r && r.margin !== null && r.k !== null ? { margin: r.margin, k: r.k } : null;
    },

    async calibration(model: string): Promise<{ mean: number; std: number } | null> {
      const { rows } = await db.query<{ mean: number | null; std: number | null }>(
        'select impostor_mean::float8 as mean, impostor_std::float8 as std from embedding_models where id = $1',
        [model],
      );
      const r = rows[0];
      return r && r.mean !== null && r.std !== null ? { mean: r.mean, std: r.std } : null;
    },

    async markComplete(model: string) {
      await db.query(
        'update embedding_models set completed_at = coalesce(completed_at, now()) where id = $1',
        [model],
      );
    },

    async getSetting(key: string): Promise<string | null> {
      const { rows } = await db.query<{ value: string }>('select value from vector_settings where key = $1', [
        key,
      ]);
      return rows[0]?.value ?? null;
    },

    async setSetting(key: string, value: string) {
      await db.query(
        'insert into vector_settings (key, value) values ($1, $2) on conflict (key) do update set value = excluded.value',
        [key, value],
      );
    },

    async completedModels(): Promise<{ id: string; dim: number; completedAt: Date }[]> {
      const { rows } = await db.query<{ id: string; dim: number; completedAt: Date }>(
        'select id, dim, completed_at as "completedAt" from embedding_models where completed_at is not null order by completed_at desc',
      );
      return rows;
    },

    async vectorOf(model: string, imageId: number): Promise<Float32Array | null> {
      const { rows } = await db.query<{ v: string }>(
        'select embedding::text as v from image_embeddings where model = $1 and image_id = $2',
        [model, imageId],
      );
      return rows[0] ? Float32Array.from(JSON.parse(rows[0].v) as number[]) : null;
    },

    async productVectors(
      model: string,
      productId: number,
    ): Promise<{ imageId: number; vector: Float32Array }[]> {
      const { rows } = await db.query<{ imageId: number; v: string }>(
        'select image_id as "imageId", embedding::text as v from image_embeddings where model = $1 and product_id = $2 order by image_id',
        [model, productId],
      );
      return rows.map((r) => ({
        imageId: r.imageId,
        vector: Float32Array.from(JSON.parse(r.v) as number[]),
      }));
    },

    /**
     * Cosine kNN through the model's HNSW index, closest first, ties by image_id. The index alone
     * produces the order (see knnStatement); the k rows it returns are then sorted with the tie-break.
     */
    async nearestImages(
      model: string,
      dim: number,
      query: Float32Array,
      k: number,
    ): Promise<ImageNeighbor[]> {
      const limit = knnLimit(k);
      return db.transaction(async (tx) => {
        await tx.query(knnSettings(limit));
        const { rows } = await tx.query<ImageNeighbor>(knnStatement(dim), [
          model,
          toVectorText(query),
          limit,
        ]);
        return rows;
      });
    },

    /**
     * The plan of nearestImages' own statement, under its own settings (EXPLAIN, or EXPLAIN ANALYZE
     * when asked): tests and benchmarks read the real statement, not a copy of it.
     */
    async explainNearestImages(
      model: string,
      dim: number,
      query: Float32Array,
      k: number,
      options: { analyze?: boolean } = {},
    ): Promise<string[]> {
      const limit = knnLimit(k);
      const how = options.analyze ? 'analyze, costs off, timing off, summary off' : 'costs off';
      return db.transaction(async (tx) => {
        await tx.query(knnSettings(limit));
        const { rows } = await tx.query<{ 'QUERY PLAN': string }>(`explain (${how}) ${knnStatement(dim)}`, [
          model,
          toVectorText(query),
          limit,
        ]);
        return rows.map((r) => r['QUERY PLAN']);
      });
    },

    /**
     * Fresh planner statistics for the vectors after bulk writes. The embedded store has no
     * autovacuum, so without this its planner guesses 0.5% of the table per model. With
     * `ifMissing`, only when the table has never been analyzed (a store indexed before this existed).
     */
    async analyzeEmbeddings(options: { ifMissing?: boolean } = {}) {
      if (options.ifMissing) {
        const { rows } = await db.query<{ has: boolean }>(
          `select exists (select 1 from pg_stats where schemaname = current_schema()
                            and tablename = 'image_embeddings' and attname = 'model') as has`,
        );
        if (rows[0]?.has) return;
      }
      // a large table's ANALYZE outlasts a request's statement limit; it is maintenance
      await db.transaction((tx) => tx.query('analyze image_embeddings'), MAINTENANCE);
    },

    // ── catalog changes and the indexing page ──────────────────────────────────────────────

    /** Vectors and queue rows of removed images, for every model: a deleted photo is no longer found. */
    removeImages: (imageIds: number[]): Promise<number> => removeRows('image_id', imageIds),

    /** Every vector and queue row of removed products, for every model. */
    removeProducts: (productIds: number[]): Promise<number> => removeRows('product_id', productIds),

    /**
     * Queues these images to be embedded again. Their current vectors keep answering searches
     * until the new ones replace them, so reindexing never empties search.
     */
    async requeue(model: string, images: CatalogImageRef[]): Promise<number> {
      let queued = 0;
      const CHUNK = 5000;
      for (let i = 0; i < images.length; i += CHUNK) {
        const part = images.slice(i, i + CHUNK);
        const { rowCount } = await db.query(
          `insert into index_tasks (model, image_id, product_id, sha256)
           select $1, i, p, s from unnest($2::bigint[], $3::bigint[], $4::text[]) as x(i, p, s)
           on conflict (model, image_id) do update
             set failed = false, error = null, attempts = 0, sha256 = excluded.sha256,
                 product_id = excluded.product_id, updated_at = now()`,
          [model, part.map((r) => r.imageId), part.map((r) => r.productId), part.map((r) => r.sha256)],
        );
        queued += rowCount ?? 0;
      }
      return queued;
    },

    /** Failed images back in the queue (all of the model's, or these). */
    async retryFailed(model: string, imageIds?: number[]): Promise<number> {
      const { rowCount } = await db.query(
        `update index_tasks set failed = false, error = null, attempts = 0, claimed_by = null,
                claimed_until = null, updated_at = now()
         where model = $1 and failed and ($2::bigint[] is null or image_id = any($2::bigint[]))`,
        [model, imageIds ?? null],
      );
      return rowCount ?? 0;
    },

    /**
     * Every model with vectors or work queued: images done (a vector and nothing queued), pending,
     * failed, and how many vectors were written in the last minute (the rate any process sees).
     */
    async overview(): Promise<
      {
        model: string;
        dim: number | null;
        completedAt: Date | null;
        done: number;
        pending: number;
        failed: number;
        lastMinute: number;
      }[]
    > {
      const { rows } = await db.query<{
        model: string;
        dim: number | null;
        completedAt: Date | null;
        done: number;
        pending: number;
        failed: number;
        lastMinute: number;
      }>(
        `with models as (select id as model from embedding_models union select distinct model from index_tasks)
         select m.model, em.dim, em.completed_at as "completedAt",
           (select count(*) from image_embeddings e where e.model = m.model
              and not exists (select 1 from index_tasks t
                              where t.model = e.model and t.image_id = e.image_id and not t.failed))::int as done,
           (select count(*) from index_tasks t where t.model = m.model and not t.failed)::int as pending,
           (select count(*) from index_tasks t where t.model = m.model and t.failed)::int as failed,
           (select count(*) from image_embeddings e
              where e.model = m.model and e.created_at > now() - interval '60 seconds')::int as "lastMinute"
         from models m left join embedding_models em on em.id = m.model
         order by em.completed_at desc nulls first, m.model`,
      );
      return rows;
    },

    async failuresPage(
      model: string,
      limit: number,
      offset: number,
    ): Promise<{ imageId: number; productId: number; reason: string; attempts: number; at: Date }[]> {
      const { rows } = await db.query<{
        imageId: number;
        productId: number;
        reason: string;
        attempts: number;
        at: Date;
      }>(
        `select image_id as "imageId", product_id as "productId", error as reason, attempts, updated_at as at
         from index_tasks where model = $1 and failed order by image_id limit $2 offset $3`,
        [model, limit, offset],
      );
      return rows;
    },
  };
}

export type VectorRepository = ReturnType<typeof createVectorRepository>;
