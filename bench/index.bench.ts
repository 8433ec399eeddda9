/**
 * Indexing and kNN on the embedded store (PGlite + pgvector), at catalog scale.
 *
 *   npm run bench:index [-- --models mobilenet,vit-int8,vit-fp32] [--images 13350] [--queries 200]
 *                        [--big 100000] [--big-models mobilenet,vit-int8] [--alone-images N]
 *                        [--store embedded|server|both] [--no-variants] [--json file] [--drop]
 *
 * --store server runs the same steps on the PostgreSQL server (bench/bench.server.ts): a database
 * `vitrina_bench` created for the run and kept for bench:search (dropped with --drop), media in
 * bench/.data/index-server. --store both runs embedded, then server, in one process: one report.
 *
 * 1. Builds (once) a 13,350-image catalog from the grocery train photos (bench/bench.catalog.ts) and
 *    imports it with the real importer into a fresh DATA_DIR, bench/.data/index-db.
 * 2. Per model: the embedder alone over the same files (decode + forward, batch 16, next batch decoded
 *    while the current one runs), then the real indexer (createIndexer, batch 16) over every image.
 *    ORT_THREADS=2.
 * 3. kNN through vectors.nearestImages (k=50) with 200 held-out val photos embedded by the same model:
 *    latency and recall@50 against an exact sequential scan; EXPLAIN of the production query.
 * 4. vector vs halfvec HNSW (build time, size, latency, recall) at 13,350 and at 100,000 vectors
 *    (the real ones plus noisy copies under a separate model id), and an ef_search sweep.
 *
 * The indexed store is left in bench/.data/index-db (server: vitrina_bench) for bench:search
 * (synthetic rows are deleted).
 * Writes docs/bench-index.md (only from a full run: all three models, all images) and prints it.
 */
import { rmSync, writeFileSync, mkdirSync } from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import sharp from 'sharp';
import { createAppContext } from '../src/app/app.context.ts';
import type { Db } from '../src/db/db.client.ts';
import type { Embedder } from '../src/embedding/embedding.types.ts';
import { createIndexer, type IndexProgress } from '../src/indexer/indexer.service.ts';
import { activateModel } from '../src/search/active-model.ts';
import {
  INDEX_BUILD_MEMORY as PRODUCTION_MEM,
  createVectorRepository,
  type VectorRepository,
} from '../src/search/vector.repository.ts';
import { CATALOG_SIZE, ensureCatalog, valPhotos } from './bench.catalog.ts';
import {
  BENCH_DATA_DIR,
  INDEX_DATA_DIR,
  REPO_DIR,
  benchConfig,
  openBenchEmbedder,
  parseModelList,
  type BenchModel,
} from './bench.models.ts';
import {
  cpuMonitor,
  createMeasurer,
  fmt,
  machineInfo,
  machineInfoMarkdown,
  markdownTable,
  measureKnn,
  nowMs,
  type Align,
  type CpuReport,
} from './bench.util.ts';
import {
  BENCH_DB,
  dropDatabase,
  parseStores,
  recreateDatabase,
  serverSettings,
  type StoreKind,
} from './bench.server.ts';

const DOC = path.join(REPO_DIR, 'docs', 'bench-index.md');
const THREADS = 2;
const BATCH = 16;
const K = 50;
/** another process using more than this many cores during a measurement makes it suspect */
const BUSY_CORES = 0.25;
/** per-dimension sigma = NOISE_NORM / sqrt(dim): a noisy copy has cosine ~0.96 to its source */
const NOISE_NORM = 0.3;
const EF_SWEEP = [40, 100, 200, 400];

const { values: args } = parseArgs({
  options: {
    models: { type: 'string' },
    images: { type: 'string' },
    queries: { type: 'string' },
    big: { type: 'string' },
    'big-models': { type: 'string' },
    'alone-images': { type: 'string' },
    'no-doc': { type: 'boolean' },
    'big-variants': { type: 'boolean' },
    store: { type: 'string' },
    'no-variants': { type: 'boolean' },
    json: { type: 'string' },
    drop: { type: 'boolean' },
    'real-images': { type: 'string' },
  },
});
/**
 * Embed only this many images with the model (the indexer's images/s comes from them); the rest of
 * the catalog gets noisy copies of those vectors, so kNN, the HNSW build and bench:search still see
 * the whole catalog. For machines where embedding 13,350 images per store takes hours.
 */
const REAL_IMAGES = args['real-images'] ? Number(args['real-images']) : undefined;
const STORES = parseStores(args.store);
/** media of the server run (its rows live in the server database) */
export const SERVER_MEDIA_DIR = path.join(BENCH_DATA_DIR, 'index-server');
const MODELS = parseModelList(args.models);
const N_IMAGES = Math.min(CATALOG_SIZE, Number(args.images ?? CATALOG_SIZE));
const N_QUERIES = Number(args.queries ?? 200);
const N_BIG = Number(args.big ?? 100_000);
const BIG_MODELS = parseModelList(args['big-models'] ?? 'mobilenet,vit-int8').filter((m) =>
  MODELS.some((x) => x.key === m.key),
);
const N_ALONE = Math.min(N_IMAGES, Number(args['alone-images'] ?? N_IMAGES));
const FULL_RUN =
  MODELS.length === 3 &&
  N_IMAGES === CATALOG_SIZE &&
  N_QUERIES >= 200 &&
  N_BIG >= 100_000 &&
  !args['no-variants'] &&
  STORES.includes('embedded') &&
  REAL_IMAGES === undefined;

const log = (m: string) => console.error(`bench:index: ${m}`);

// ------------------------------------------------------------------------------------------------
// measurement helpers

const BUSY_RETRIES = Number(process.env.BENCH_BUSY_RETRIES ?? 2);
const { measured, cpuCell } = createMeasurer({ log, busyCores: BUSY_CORES, retries: BUSY_RETRIES });

/** Embedder alone: the indexer's pipeline (decode batch k+1 while batch k runs) without the database. */
async function embedAlone(embedder: Embedder, files: string[]) {
  const chunks: string[][] = [];
  for (let i = 0; i < files.length; i += BATCH) chunks.push(files.slice(i, i + BATCH));
  const prepare = (chunk: string[]) => Promise.all(chunk.map((f) => embedder.preprocess(f)));
  const stop = cpuMonitor();
  let next = prepare(chunks[0] ?? []);
  for (let k = 0; k < chunks.length; k++) {
    const tensors = await next;
    if (k + 1 < chunks.length) next = prepare(chunks[k + 1] as string[]);
    await embedder.embedPreprocessed(tensors);
  }
  const cpu = stop();
  return { imagesPerS: (1000 * files.length) / cpu.wallMs, seconds: cpu.wallMs / 1000, cpu };
}

async function embedQueries(embedder: Embedder, files: string[]): Promise<Float32Array[]> {
  const out: Float32Array[] = [];
  for (let i = 0; i < files.length; i += BATCH)
    out.push(...(await embedder.embedImages(files.slice(i, i + BATCH))));
  return out;
}

/** plans print the query vector in full; 1280 numbers say nothing */
const elide = (line: string) => line.replace(/'\[[^\]]*\]'/g, "'[…]'");
const vectorText = (v: Float32Array) => `[${Array.from(v).join(',')}]`;
const safeName = (model: string) => model.replace(/[^a-z0-9]+/gi, '_').toLowerCase();
const quote = (s: string) => `'${s.replace(/'/g, "''")}'`;
const vectorIndexName = (model: string) => `image_embeddings_hnsw_${safeName(model)}`;
const halfIndexName = (model: string) => `bench_hnsw_half_${safeName(model)}`;

/**
 * A Db that runs the kNN select of nearestImages under EXPLAIN ANALYZE instead and keeps the plan, so
 * the plan shown is the production query's, text and parameters unchanged.
 */
function explainingDb(db: Db): { db: Db; plan: () => string[] } {
  let plan: string[] = [];
  const wrapped: Db = {
    ...db,
    transaction: (fn) =>
      db.transaction((tx) =>
        fn({
          query: (async (text: string, params?: unknown[]) => {
            if (!/^\s*select image_id as "imageId"/i.test(text)) return tx.query(text, params);
            const r = await tx.query<{ 'QUERY PLAN': string }>(
              `explain (analyze, costs off, timing off, summary off) ${text}`,
              params,
            );
            plan = r.rows.map((row) => elide(row['QUERY PLAN']));
            return { ...r, rows: [] };
          }) as Db['query'],
        }),
      ),
  };
  return { db: wrapped, plan: () => plan };
}

// ---- measurement-only SQL -----------------------------------------------------------------------
// Exact search, halfvec indexes and ef_search variants exist only here, to measure against; the
// application's queries are those of src/search/vector.repository.ts.

type Kind = 'vector' | 'halfvec';

function knnSql(kind: Kind, dim: number, tieBreak: boolean): string {
  const d = Number(dim);
  return `select image_id as "imageId"
          from image_embeddings
          where model = $1
          order by embedding::${kind}(${d}) <=> $2::${kind}(${d})${tieBreak ? ', image_id' : ''}
          limit $3`;
}

/** Exact top-k: same ordering as production, with index scans off so it is a sequential scan + sort. */
async function exactKnn(db: Db, model: string, dim: number, q: Float32Array, k: number): Promise<number[]> {
  return db.transaction(async (tx) => {
    await tx.query('set local enable_indexscan = off');
    await tx.query('set local enable_bitmapscan = off');
    const { rows } = await tx.query<{ imageId: number }>(knnSql('vector', dim, true), [
      model,
      vectorText(q),
      k,
    ]);
    return rows.map((r) => r.imageId);
  });
}

async function explainExact(db: Db, model: string, dim: number, q: Float32Array): Promise<string[]> {
  return db.transaction(async (tx) => {
    await tx.query('set local enable_indexscan = off');
    await tx.query('set local enable_bitmapscan = off');
    const { rows } = await tx.query<{ 'QUERY PLAN': string }>(
      `explain (costs off) ${knnSql('vector', dim, true)}`,
      [model, vectorText(q), K],
    );
    return rows.map((r) => elide(r['QUERY PLAN']));
  });
}

/**
 * Variants measure the index itself: sequential and bitmap scans are disabled so the planner cannot
 * swap the HNSW scan for a scan + sort (what it does by cost for some sizes; see the plans).
 */
async function forceIndex(tx: Pick<Db, 'query'>) {
  await tx.query('set local enable_seqscan = off');
  await tx.query('set local enable_bitmapscan = off');
}

/** kNN through a given index kind at a given ef_search (the production query's shape otherwise). */
async function variantKnn(
  db: Db,
  kind: Kind,
  model: string,
  dim: number,
  q: Float32Array,
  k: number,
  ef: number,
  tieBreak = true,
): Promise<number[]> {
  return db.transaction(async (tx) => {
    await tx.query(`set local hnsw.ef_search = ${Number(ef)}`);
    await forceIndex(tx);
    const { rows } = await tx.query<{ imageId: number }>(knnSql(kind, dim, tieBreak), [
      model,
      vectorText(q),
      k,
    ]);
    return rows.map((r) => r.imageId);
  });
}

async function explainVariant(
  db: Db,
  kind: Kind,
  model: string,
  dim: number,
  q: Float32Array,
  tieBreak: boolean,
  force: boolean,
) {
  return db.transaction(async (tx) => {
    await tx.query(`set local hnsw.ef_search = 100`);
    if (force) await forceIndex(tx);
    const { rows } = await tx.query<{ 'QUERY PLAN': string }>(
      `explain (costs off) ${knnSql(kind, dim, tieBreak)}`,
      [model, vectorText(q), K],
    );
    return rows.map((r) => elide(r['QUERY PLAN']));
  });
}

async function dropIndex(db: Db, name: string) {
  await db.query(`drop index if exists ${name}`);
}

/** The production index (same statement as vectors.ensureIndex) with maintenance_work_mem raised. */
async function buildIndex(db: Db, kind: Kind, model: string, dim: number, maintenanceMem?: string) {
  const name = kind === 'vector' ? vectorIndexName(model) : halfIndexName(model);
  await db.transaction(async (tx) => {
    if (maintenanceMem) await tx.query(`set local maintenance_work_mem = '${maintenanceMem}'`);
    await tx.query(
      `create index ${name} on image_embeddings
       using hnsw ((embedding::${kind}(${Number(dim)})) ${kind}_cosine_ops) where model = ${quote(model)}`,
    );
  });
}

async function indexMb(db: Db, name: string): Promise<number> {
  const { rows } = await db.query<{ b: string }>(`select pg_relation_size($1::regclass)::text as b`, [name]);
  return Number(rows[0]?.b ?? 0) / 2 ** 20;
}

async function ensureRandomNormal(db: Db) {
  if (db.kind !== 'server') return;
  // random_normal() arrived in PostgreSQL 16; Box-Muller from random() on older servers
  const { rows } = await db.query<{ n: number }>("select current_setting('server_version_num')::int as n");
  if ((rows[0]?.n ?? 0) < 160000)
    await db.query(
      `create or replace function random_normal() returns float8 language sql volatile
       as $$ select sqrt(-2 * ln(1 - random())) * cos(2 * pi() * random()) $$`,
    );
}

/**
 * --real-images: every image still queued gets a noisy copy of one of the real vectors (its own
 * image id, product and sha256, as the indexer would store it) and leaves the queue.
 */
async function fillQueued(db: Db, model: string, dim: number): Promise<number> {
  await ensureRandomNormal(db);
  await db.query('select setseed(0.2424)');
  const { rowCount } = await db.query(
    `insert into image_embeddings (model, image_id, product_id, sha256, embedding)
     select $1, c.image_id, c.product_id, c.sha256,
            l2_normalize((select array_agg(x + $2 * random_normal()) from unnest(s.embedding::real[]) x)::vector)
     from (select image_id, product_id, sha256, row_number() over (order by image_id) - 1 as rn
           from index_tasks where model = $1 and not failed) c
     join (select embedding, row_number() over (order by image_id) - 1 as rn
           from image_embeddings where model = $1) s
       on s.rn = c.rn % (select count(*) from image_embeddings where model = $1)`,
    [model, NOISE_NORM / Math.sqrt(dim)],
  );
  await db.query('delete from index_tasks where model = $1 and not failed', [model]);
  return rowCount ?? 0;
}

/** The real vectors plus noisy, renormalized copies of them (seeded), under `bigModel`. */
async function insertSynthetic(db: Db, source: string, bigModel: string, dim: number, total: number) {
  await db.query('delete from image_embeddings where model = $1', [bigModel]);
  await db.query(
    `insert into image_embeddings (model, image_id, product_id, sha256, embedding)
     select $2, image_id, product_id, sha256, embedding from image_embeddings where model = $1`,
    [source, bigModel],
  );
  const { rows } = await db.query<{ n: number }>(
    'select count(*)::int as n from image_embeddings where model = $1',
    [bigModel],
  );
  const real = rows[0]?.n ?? 0;
  const extra = Math.max(0, total - real);
  const sigma = NOISE_NORM / Math.sqrt(dim);
  const CHUNK = 10_000;
  await ensureRandomNormal(db);
  await db.query('select setseed(0.4242)');
  for (let start = 0; start < extra; start += CHUNK) {
    const n = Math.min(CHUNK, extra - start);
    await db.transaction(async (tx) => {
      await tx.query(
        `create temporary table if not exists _bench_src (rn int primary key, image_id bigint, product_id bigint, sha256 text, embedding vector) on commit drop`,
      );
      await tx.query(
        `insert into _bench_src select (row_number() over (order by image_id))::int - 1, image_id, product_id, sha256, embedding
         from image_embeddings where model = $1`,
        [source],
      );
      await tx.query(
        `insert into image_embeddings (model, image_id, product_id, sha256, embedding)
         select $1, 1000000000 + g, s.product_id, s.sha256,
                l2_normalize((select array_agg(x + $5 * random_normal()) from unnest(s.embedding::real[]) x)::vector)
         from generate_series($2::int, $2::int + $3::int - 1) g
         join _bench_src s on s.rn = (g::bigint * 7919) % $4`,
        [bigModel, start, n, real, sigma],
      );
    });
    log(`  synthetic ${bigModel}: ${real + start + n}/${total}`);
  }
}

interface KnnStats {
  p50: number;
  p95: number;
  recall: number;
  cpu: CpuReport;
}

// ------------------------------------------------------------------------------------------------
// rows

interface IndexRow {
  model: BenchModel;
  images: number;
  aloneImages: number;
  aloneIps: number;
  aloneCpu: CpuReport;
  indexerIps: number;
  loopSeconds: number;
  syncSeconds: number;
  hnswSeconds: number;
  totalSeconds: number;
  failed: number;
  indexerCpu: CpuReport;
}

interface VariantRow {
  model: BenchModel;
  vectors: number;
  kind: Kind;
  path: string;
  maintenanceMem: string;
  buildSeconds: number | undefined;
  buildCpu?: CpuReport;
  mb: number | undefined;
  stats: KnnStats;
  ef: number;
}

interface Plans {
  production: { label: string; lines: string[] }[];
  exact: string[];
  other: { label: string; lines: string[] }[];
}

// ------------------------------------------------------------------------------------------------

/** The models of one store's run; with both stores the labels say which, so one report holds both. */
function storeModel(m: BenchModel, store: StoreKind): BenchModel {
  return STORES.length > 1 ? { ...m, label: `${m.label}, ${store}` } : m;
}

interface StoreRun {
  store: StoreKind;
  importSeconds: number;
  importSummary: { imported: number; failed: number };
  indexRows: IndexRow[];
  productionRows: VariantRow[];
  variantRows: VariantRow[];
}

/** Import, index, kNN (and the variants) on one store, from nothing. */
async function runStore(store: StoreKind, csv: string, plans: Plans): Promise<StoreRun> {
  const models = MODELS.map((m) => storeModel(m, store));
  const bigModels = BIG_MODELS.map((m) => storeModel(m, store));
  const dataDir = store === 'server' ? SERVER_MEDIA_DIR : INDEX_DATA_DIR;
  const databaseUrl = store === 'server' ? await recreateDatabase(BENCH_DB) : undefined;
  const configFor = (m: BenchModel) => benchConfig(m, { dataDir, threads: THREADS, databaseUrl });
  rmSync(dataDir, { recursive: true, force: true });
  const ctx = await createAppContext(configFor(models[0]!));
  const indexRows: IndexRow[] = [];
  const variantRows: VariantRow[] = [];
  const productionRows: VariantRow[] = [];
  let importSeconds = 0;
  let importSummary = { imported: 0, failed: 0 };
  try {
    const db = ctx.stores.vectors;
    if (!db) throw new Error(`vector store unavailable: ${ctx.stores.vectorError}`);
    const vectors = createVectorRepository(db);

    log(
      `importing ${path.relative(process.cwd(), csv)} into ${store === 'server' ? databaseUrl : path.relative(process.cwd(), dataDir)}`,
    );
    const t0 = nowMs();
    const imported = await ctx.importer.importFile(csv);
    importSeconds = (nowMs() - t0) / 1000;
    importSummary = { imported: imported.imported, failed: imported.failed };
    log(`  ${imported.imported} products in ${fmt(importSeconds)} s, ${imported.failed} failed`);
    const refs = await ctx.repository.imageRefs();
    if (refs.length !== N_IMAGES) throw new Error(`catalog has ${refs.length} images, expected ${N_IMAGES}`);
    const files = refs.map((r) => ctx.media.pathFor(r.sha256));
    const queryFiles = valPhotos(N_QUERIES).map((r) => r.path);
    const queries = new Map<string, Float32Array[]>();

    // ---- indexing --------------------------------------------------------------------------------
    for (const model of models) {
      log(`${model.label}: loading`);
      const config = configFor(model);
      const embedder = await openBenchEmbedder(model, config);
      try {
        await embedder.embedImages(files.slice(0, BATCH)); // arenas, page-in
        const alone = await measured(`${model.label} embedder alone`, async () => {
          log(`${model.label}: embedder alone over ${N_ALONE} images`);
          const r = await embedAlone(embedder, files.slice(0, N_ALONE));
          log(`  ${fmt(r.imagesPerS)} images/s (${cpuCell(r.cpu)})`);
          return r;
        });

        const run = await measured(`${model.label} indexer`, async (attempt) => {
          log(`${model.label}: indexer over ${N_IMAGES} images${attempt ? ' (again, from scratch)' : ''}`);
          // a repeat starts from nothing: no vectors, no index
          if (attempt > 0) await dropIndex(db, vectorIndexName(model.id));
          let hnswMs = 0;
          const timedVectors: VectorRepository = {
            ...vectors,
            async ensureIndex(m, dim) {
              const t = nowMs();
              await vectors.ensureIndex(m, dim);
              hnswMs += nowMs() - t;
            },
          };
          let firstReport: number | undefined;
          let lastReport = 0;
          let lastLogged = 0;
          const indexer = createIndexer({
            catalog: ctx.repository,
            vectors: timedVectors,
            media: ctx.media,
            embedder,
            exclusive: true,
            onProgress: (p: IndexProgress) => {
              const now = nowMs();
              firstReport ??= now;
              lastReport = now;
              if (now - lastLogged > 30_000) {
                lastLogged = now;
                log(`  ${p.done}/${p.total} (${fmt(p.imagesPerSecond)} images/s)`);
              }
            },
          });
          const started = nowMs();
          const stop = cpuMonitor();
          const summary = await indexer.run({
            batchSize: BATCH,
            force: attempt > 0,
            maxBatches: REAL_IMAGES === undefined ? undefined : Math.ceil(REAL_IMAGES / BATCH),
          });
          const loopEnd = lastReport;
          if (REAL_IMAGES !== undefined) {
            const filled = await fillQueued(db, model.id, model.dim);
            log(`  ${filled} more images got noisy copies of the ${summary.embedded} real vectors`);
            await indexer.run({ batchSize: BATCH }); // nothing left to embed: HNSW build, completion
          }
          const cpu = stop();
          log(`  ${summary.embedded} in ${fmt(cpu.wallMs / 1000)} s (${cpuCell(cpu)})`);
          return { summary, cpu, started, firstReport: firstReport ?? started, lastReport: loopEnd, hnswMs };
        });
        const { summary, cpu } = run;
        const loopMs = run.lastReport - run.firstReport;
        await activateModel(vectors, model.id);
        indexRows.push({
          model,
          images: summary.embedded,
          aloneImages: N_ALONE,
          aloneIps: alone.imagesPerS,
          aloneCpu: alone.cpu,
          indexerIps: (1000 * summary.embedded) / loopMs,
          loopSeconds: loopMs / 1000,
          syncSeconds: (run.firstReport - run.started) / 1000,
          hnswSeconds: run.hnswMs / 1000,
          totalSeconds: cpu.wallMs / 1000,
          failed: summary.failed,
          indexerCpu: cpu,
        });
        const r = indexRows.at(-1)!;
        log(
          `  ${r.images} in ${fmt(r.totalSeconds)} s; loop ${fmt(r.indexerIps)} images/s ` +
            `(ratio ${fmt(r.indexerIps / r.aloneIps, 2)}); HNSW ${fmt(r.hnswSeconds)} s (${cpuCell(cpu)})`,
        );

        log(`${model.label}: embedding ${queryFiles.length} val queries`);
        queries.set(model.key, await embedQueries(embedder, queryFiles));
      } finally {
        await embedder.close();
      }
    }

    // ---- kNN at catalog size ---------------------------------------------------------------------
    const explainer = explainingDb(db);
    const explainRepo = createVectorRepository(explainer.db);
    const knnAt = async (model: BenchModel, storeModel: string, n: number, qs: Float32Array[]) => {
      log(`${model.label} @ ${n}: exact search for ${qs.length} queries`);
      const exact: number[][] = [];
      for (const q of qs) exact.push(await exactKnn(db, storeModel, model.dim, q, K));
      if (plans.exact.length === 0) plans.exact = await explainExact(db, storeModel, model.dim, qs[0]!);

      // production path, production index (built by the indexer or below)
      await explainRepo.nearestImages(storeModel, model.dim, qs[0]!, K);
      const prodPlan = explainer.plan();
      plans.production.push({ label: `${model.label}, ${n} vectors`, lines: prodPlan });
      const usesHnsw = prodPlan.some((l) => l.includes(vectorIndexName(storeModel)));
      const prod = await measured(`${model.label} kNN`, () =>
        measureKnn(
          (q) => vectors.nearestImages(storeModel, model.dim, q, K).then((rs) => rs.map((x) => x.imageId)),
          qs,
          exact,
        ),
      );
      const row: VariantRow = {
        model,
        vectors: n,
        kind: 'vector',
        path: `vectors.nearestImages (${usesHnsw ? 'HNSW index scan' : 'NO index scan'})`,
        maintenanceMem: PRODUCTION_MEM,
        buildSeconds: undefined,
        mb: await indexMb(db, vectorIndexName(storeModel)),
        stats: prod,
        ef: Math.max(64, K * 2),
      };
      productionRows.push(row);
      log(
        `  production: p50 ${fmt(prod.p50, 2)} ms, p95 ${fmt(prod.p95, 2)} ms, recall ${fmt(prod.recall, 3)}`,
      );
      return exact;
    };

    const variants = async (
      model: BenchModel,
      storeModel: string,
      n: number,
      qs: Float32Array[],
      exact: number[][],
      /** the production index is already there (built by the indexer or just before): its build time */
      prebuilt: { seconds: number; cpu: CpuReport },
      /** false: only the production index (halfvec builds take many minutes at 100,000 in WASM) */
      rebuilds = true,
    ) => {
      // vector index as ensureIndex builds it, then with more memory, then halfvec with more memory;
      // each measured through the production query shape (tie-break kept)
      const ef = Math.max(64, K * 2);
      const configs: { kind: Kind; mem?: string }[] = rebuilds
        ? [{ kind: 'vector' }, { kind: 'vector', mem: '1GB' }, { kind: 'halfvec', mem: '1GB' }]
        : [{ kind: 'vector' }];
      for (const c of configs) {
        const reuse = c.kind === 'vector' && !c.mem;
        const build = reuse
          ? prebuilt
          : await measured(
              `${model.label} build ${c.kind}`,
              async () => {
                await dropIndex(db, vectorIndexName(storeModel));
                await dropIndex(db, halfIndexName(storeModel));
                await db.query('checkpoint');
                log(
                  `${model.label} @ ${n}: building ${c.kind} HNSW (maintenance_work_mem ${c.mem ?? PRODUCTION_MEM})`,
                );
                const stop = cpuMonitor();
                await buildIndex(db, c.kind, storeModel, model.dim, c.mem);
                const cpu = stop();
                return { seconds: cpu.wallMs / 1000, cpu };
              },
              n > CATALOG_SIZE ? 0 : BUSY_RETRIES,
            ); // builds at 100k take many minutes: no repeats, ⚠ instead
        const buildSeconds = build.seconds;
        const name = c.kind === 'vector' ? vectorIndexName(storeModel) : halfIndexName(storeModel);
        const plan = await explainVariant(db, c.kind, storeModel, model.dim, qs[0]!, true, true);
        if (!plan.some((l) => l.includes(name)))
          plans.other.push({ label: `${model.label} ${n} ${c.kind}`, lines: plan });
        const stats = await measured(`${model.label} kNN ${c.kind}`, () =>
          measureKnn((q) => variantKnn(db, c.kind, storeModel, model.dim, q, K, ef), qs, exact),
        );
        variantRows.push({
          model,
          vectors: n,
          kind: c.kind,
          path: reuse ? 'built by vectors.ensureIndex' : 'bench SQL build',
          maintenanceMem: c.mem ?? PRODUCTION_MEM,
          buildSeconds,
          buildCpu: build.cpu,
          mb: await indexMb(db, name),
          stats,
          ef,
        });
        log(
          `  build ${fmt(buildSeconds)} s, ${fmt(variantRows.at(-1)!.mb)} MB; p50 ${fmt(stats.p50, 2)} ms, ` +
            `recall ${fmt(stats.recall, 3)}`,
        );
      }
      // ef_search sweep on the vector index (the one production uses)
      await dropIndex(db, halfIndexName(storeModel));
      await dropIndex(db, vectorIndexName(storeModel)); // still there when rebuilds were skipped
      await buildIndex(db, 'vector', storeModel, model.dim, '1GB');
      for (const efs of EF_SWEEP) {
        const stats = await measured(`${model.label} ef ${efs}`, () =>
          measureKnn((q) => variantKnn(db, 'vector', storeModel, model.dim, q, K, efs), qs, exact),
        );
        variantRows.push({
          model,
          vectors: n,
          kind: 'vector',
          path: `ef_search sweep`,
          maintenanceMem: '1GB',
          buildSeconds: undefined,
          mb: undefined,
          stats,
          ef: efs,
        });
        log(`  ef_search ${efs}: p50 ${fmt(stats.p50, 2)} ms, recall ${fmt(stats.recall, 3)}`);
      }
      // no tie-break: what the planner does without ", image_id"
      plans.other.push({
        label: `${model.label}, ${n} vectors, without the image_id tie-break (planner free to choose)`,
        lines: await explainVariant(db, 'vector', storeModel, model.dim, qs[0]!, false, false),
      });
      const noTie = await measured(`${model.label} no tie-break`, () =>
        measureKnn((q) => variantKnn(db, 'vector', storeModel, model.dim, q, K, ef, false), qs, exact),
      );
      variantRows.push({
        model,
        vectors: n,
        kind: 'vector',
        path: 'no image_id tie-break',
        maintenanceMem: '1GB',
        buildSeconds: undefined,
        mb: undefined,
        stats: noTie,
        ef,
      });
    };

    for (const model of models) {
      const qs = queries.get(model.key)!;
      const exact = await knnAt(model, model.id, N_IMAGES, qs);
      const built = indexRows.find((r) => r.model.key === model.key)!;
      if (args['no-variants']) continue; // the production index stays as the indexer built it
      await variants(model, model.id, N_IMAGES, qs, exact, {
        seconds: built.hnswSeconds,
        cpu: built.indexerCpu,
      });
      // leave the production index as the app builds it
      await dropIndex(db, vectorIndexName(model.id));
      await dropIndex(db, halfIndexName(model.id));
      await vectors.ensureIndex(model.id, model.dim);
    }

    // ---- kNN at 100,000 --------------------------------------------------------------------------
    if (N_BIG > 0) {
      for (const model of bigModels) {
        const big = `bench-${Math.round(N_BIG / 1000)}k-${model.key}`;
        log(`${model.label}: ${N_BIG} vectors under ${big}`);
        const t = nowMs();
        await insertSynthetic(db, model.id, big, model.dim, N_BIG);
        log(`  inserted in ${fmt((nowMs() - t) / 1000)} s`);
        const qs = queries.get(model.key)!;
        // no ANALYZE: the embedded store never runs one (no autovacuum), so the planner sees what it
        // sees in production; CREATE INDEX updates the table's row count
        const built = await measured(
          `${model.label} build @ ${N_BIG}`,
          async () => {
            await dropIndex(db, vectorIndexName(big));
            await db.query('checkpoint');
            log(`${model.label} @ ${N_BIG}: vectors.ensureIndex`);
            const stop = cpuMonitor();
            await vectors.ensureIndex(big, model.dim);
            const cpu = stop();
            log(`  ${fmt(cpu.wallMs / 1000)} s`);
            return { seconds: cpu.wallMs / 1000, cpu };
          },
          0,
        );
        const exact = await knnAt(model, big, N_BIG, qs);
        if (!args['no-variants'])
          await variants(model, big, N_BIG, qs, exact, built, Boolean(args['big-variants']));
        await dropIndex(db, vectorIndexName(big));
        await dropIndex(db, halfIndexName(big));
        await db.query('delete from image_embeddings where model = $1', [big]);
      }
      await db.query('vacuum image_embeddings');
    }
  } finally {
    await ctx.close();
  }
  return { store, importSeconds, importSummary, indexRows, productionRows, variantRows };
}

async function main(): Promise<void> {
  const startedAt = nowMs();
  const info = machineInfo(REPO_DIR);
  log(
    `models ${MODELS.map((m) => m.key).join(', ')}; ${N_IMAGES} images; ${N_QUERIES} queries; big ${N_BIG}`,
  );

  const catalog = await ensureCatalog(CATALOG_SIZE, log);
  const csv = catalog.csvFor(N_IMAGES);
  for (const m of MODELS) m.modelDir(); // generate the random ViT before anything is timed

  const plans: Plans = { production: [], exact: [], other: [] };
  const runs: StoreRun[] = [];
  const settings = STORES.includes('server') ? await serverSettings() : undefined;
  for (const store of STORES) runs.push(await runStore(store, csv, plans));
  if (STORES.includes('server') && args.drop) await dropDatabase(BENCH_DB);
  const indexRows = runs.flatMap((r) => r.indexRows);
  const productionRows = runs.flatMap((r) => r.productionRows);
  const variantRows = runs.flatMap((r) => r.variantRows);
  const importSeconds = runs[0]?.importSeconds ?? 0;
  const importSummary = runs[0]?.importSummary ?? { imported: 0, failed: 0 };
  if (args.json) {
    const cpu = (c: CpuReport | undefined) => c && { own: c.ownCores, others: c.otherCores };
    writeFileSync(
      args.json,
      JSON.stringify(
        {
          command: `npm run bench:index -- ${process.argv.slice(2).join(' ')}`,
          at: new Date().toISOString(),
          machine: info,
          server: settings,
          runs: runs.map((r) => ({
            store: r.store,
            importSeconds: r.importSeconds,
            index: r.indexRows.map((x) => ({
              model: x.model.key,
              images: x.images,
              aloneIps: x.aloneIps,
              indexerIps: x.indexerIps,
              hnswSeconds: x.hnswSeconds,
              totalSeconds: x.totalSeconds,
              failed: x.failed,
              aloneCpu: cpu(x.aloneCpu),
              indexerCpu: cpu(x.indexerCpu),
            })),
            knn: [...r.productionRows, ...r.variantRows].map((x) => ({
              model: x.model.key,
              vectors: x.vectors,
              kind: x.kind,
              path: x.path,
              buildSeconds: x.buildSeconds,
              buildCpu: cpu(x.buildCpu),
              mb: x.mb,
              ef: x.ef,
              p50: x.stats.p50,
              p95: x.stats.p95,
              recall: x.stats.recall,
              cpu: cpu(x.stats.cpu),
            })),
          })),
        },
        null,
        2,
      ),
    );
  }

  const doc = report({
    info,
    startedAt,
    importSeconds,
    importSummary,
    indexRows,
    productionRows,
    variantRows,
    plans,
  });
  if (!args['no-doc']) {
    mkdirSync(path.dirname(DOC), { recursive: true });
    writeFileSync(DOC, doc);
    log(`wrote ${path.relative(process.cwd(), DOC)}`);
  } else {
    log('--no-doc: docs/bench-index.md left as it is');
  }
  console.log(doc);
}

// ------------------------------------------------------------------------------------------------
// report

function report(r: {
  info: ReturnType<typeof machineInfo>;
  startedAt: number;
  importSeconds: number;
  importSummary: { imported: number; failed: number };
  indexRows: IndexRow[];
  productionRows: VariantRow[];
  variantRows: VariantRow[];
  plans: Plans;
}): string {
  const cmd = `npm run bench:index${process.argv.length > 2 ? ` -- ${process.argv.slice(2).join(' ')}` : ''}`;
  const indexTable = markdownTable(
    [
      'model',
      'images',
      'embedder alone images/s',
      'indexer images/s',
      'ratio',
      'embedding loop s',
      'HNSW build s',
      'total s',
      'failed',
      'CPU cores alone (ours / others)',
      'CPU cores indexer (ours / others)',
    ],
    r.indexRows.map((x) => [
      x.model.label,
      String(x.images),
      fmt(x.aloneIps),
      fmt(x.indexerIps),
      fmt(x.indexerIps / x.aloneIps, 2),
      fmt(x.loopSeconds),
      fmt(x.hnswSeconds),
      fmt(x.totalSeconds),
      String(x.failed),
      cpuCell(x.aloneCpu),
      cpuCell(x.indexerCpu),
    ]),
    ['left', 'right', 'right', 'right', 'right', 'right', 'right', 'right', 'right', 'right', 'right'],
  );
  const knnHeaders = [
    'model',
    'vectors',
    'index',
    'query path',
    'maintenance_work_mem',
    'ef_search',
    'build s',
    'index MB',
    'p50 ms',
    'p95 ms',
    `recall@${K}`,
    'CPU (ours / others)',
  ];
  const knnAlign: Align[] = [
    'left',
    'right',
    'left',
    'left',
    'right',
    'right',
    'right',
    'right',
    'right',
    'right',
    'right',
    'right',
  ];
  const knnRow = (x: VariantRow) => [
    x.model.label,
    String(x.vectors),
    x.kind,
    x.path,
    x.maintenanceMem,
    String(x.ef),
    x.buildSeconds === undefined
      ? ''
      : `${fmt(x.buildSeconds)}${(x.buildCpu?.otherCores ?? 0) > BUSY_CORES ? ' ⚠' : ''}`,
    x.mb === undefined ? '' : fmt(x.mb),
    fmt(x.stats.p50, 2),
    fmt(x.stats.p95, 2),
    fmt(x.stats.recall, 3),
    cpuCell(x.stats.cpu),
  ];

  const targets: string[][] = [];
  const check = (
    what: string,
    goal: string,
    value: number | undefined,
    ok: (v: number) => boolean,
    unit: string,
  ) =>
    targets.push([
      what,
      goal,
      value === undefined
        ? 'not measured'
        : `${fmt(value, unit === '' ? 3 : unit === 'ms' ? 2 : 1)} ${unit}`.trim(),
      value === undefined ? '–' : ok(value) ? 'PASS' : 'FAIL',
    ]);
  for (const x of r.indexRows) {
    check(
      `${x.model.label}: indexer / embedder alone`,
      '≥ 0.9',
      x.indexerIps / x.aloneIps,
      (v) => v >= 0.9,
      '',
    );
  }
  const vit = r.indexRows.find((x) => x.model.key === 'vit-int8');
  check(
    `ViT-B/32 int8: all ${CATALOG_SIZE} images indexed`,
    '≤ 210 s',
    vit && vit.images === CATALOG_SIZE ? vit.totalSeconds : undefined,
    (v) => v <= 210,
    's',
  );
  for (const x of r.productionRows) {
    const limit = x.vectors <= CATALOG_SIZE ? 3 : 10;
    check(
      `${x.model.label} @ ${x.vectors}: nearestImages p50`,
      `≤ ${limit} ms`,
      x.stats.p50,
      (v) => v <= limit,
      'ms',
    );
    check(
      `${x.model.label} @ ${x.vectors}: nearestImages recall@${K}`,
      '≥ 0.98',
      x.stats.recall,
      (v) => v >= 0.98,
      '',
    );
  }

  const planBlock = (label: string, lines: string[]) => [`${label}:`, '', '```', ...lines, '```', ''];
  return [
    '# Indexing and kNN benchmark',
    '',
    'Generated by `npm run bench:index` (bench/index.bench.ts); do not edit by hand.',
    '',
    machineInfoMarkdown(r.info),
    '',
    `Command: \`${cmd}\`. onnxruntime intra-op threads: ${THREADS}; batch ${BATCH}; sharp concurrency ` +
      `${sharp.concurrency()}; libuv threadpool ${process.env.UV_THREADPOOL_SIZE ?? '4 (default)'}; ` +
      `run took ${fmt((nowMs() - r.startedAt) / 60_000, 0)} min.`,
    '',
    ...(FULL_RUN
      ? []
      : [
          '**Shortened run**: the command above leaves out models, images, queries or vectors of the full run ' +
            '(`npm run bench:index` without options); what was left out is not in the tables.',
          '',
        ]),
    ...(args['alone-images']
      ? [`The embedder alone was timed over the first ${N_ALONE} catalog images (--alone-images).`, '']
      : []),
    ...(args['big-variants']
      ? []
      : [
          `At ${N_BIG} vectors only the production index is built (no --big-variants): halfvec and 1 GB rebuilds are compared at ${N_IMAGES}.`,
          '',
        ]),
    `Catalog: ${CATALOG_SIZE} distinct JPEGs (~300-400 px, ~33 KB) made from the 2,640 grocery train photos by`,
    'random crop (85-98% per side), mirror, scale and ±8% brightness/saturation, ±6° hue; 3 images per product',
    `(${Math.ceil(CATALOG_SIZE / 3)} products). Imported with the real importer into a fresh embedded store:` +
      ` ${r.importSummary.imported} products in ${fmt(r.importSeconds)} s, ${r.importSummary.failed} failed.`,
    `Queries: ${N_QUERIES} of the 296 held-out val photos, embedded by the same model.`,
    '',
    '## Indexing',
    '',
    indexTable,
    '',
    '- embedder alone: the same files (DATA_DIR/media, image-id order) through preprocess + embedPreprocessed,',
    `  batch ${BATCH}, batch k+1 decoded while batch k runs, no database.`,
    '- indexer: `createIndexer(...).run({ batchSize: 16 })` on the embedded store. "indexer images/s" and',
    '  "embedding loop s" run from its first to its last progress report (claim, decode, forward, save);',
    '  "total s" adds queue sync, the HNSW build (`ensureIndex`, also shown alone) and the final counts.',
    '- ViT-B/32 has random weights (speed is the same as the real export); mobilenetv2-int8 is the real model.',
    '',
    `## kNN through the application (k = ${K})`,
    '',
    markdownTable(knnHeaders, r.productionRows.map(knnRow), knnAlign),
    '',
    `- p50/p95: wall time of \`vectors.nearestImages(model, dim, query, ${K})\` (BEGIN, SET LOCAL`,
    '  hnsw.ef_search, select, COMMIT on PGlite), after 10 warm-up queries.',
    `- recall@${K}: share of the exact top ${K} (same query with index and bitmap scans off: sequential scan`,
    '  + sort) that the indexed query returns, averaged over the queries.',
    `- ${Math.round(N_BIG / 1000)}k rows: the model's real vectors plus noisy copies (Gaussian noise of norm ${NOISE_NORM},`,
    '  renormalized; cosine ≈ 0.96 to the source) under a separate model id, deleted afterwards.',
    '',
    '## Index variants: vector vs halfvec, maintenance_work_mem, ef_search',
    '',
    markdownTable(knnHeaders, r.variantRows.map(knnRow), knnAlign),
    '',
    '- Measurement-only SQL (bench/index.bench.ts): the production query shape (partial index on the',
    '  model, cast to the dimension, `order by distance, image_id limit k`, same transaction) with the index',
    '  kind, ef_search or tie-break changed, and sequential and bitmap scans disabled so every row measures',
    '  the HNSW index (the planner otherwise may pick a scan + sort, see the plans). "built by',
    '  vectors.ensureIndex" is the application building its index as it does today.',
    '',
    '## Targets',
    '',
    markdownTable(['target', 'goal', 'measured', 'result'], targets),
    '',
    '## Query plans',
    '',
    ...r.plans.production.flatMap((p) =>
      planBlock(`vectors.nearestImages, ${p.label} (EXPLAIN ANALYZE)`, p.lines),
    ),
    ...planBlock('Exact reference (enable_indexscan and enable_bitmapscan off)', r.plans.exact),
    ...r.plans.other.flatMap((p) => planBlock(p.label, p.lines)),
  ].join('\n');
}

await main();
