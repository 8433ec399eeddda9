/**
 * kNN at scale on the PostgreSQL server: HNSW build time and memory, k=50 latency and recall@50
 * through the production query (vectors.nearestImages), on synthetic 512-d vectors.
 *
 *   npm run bench:knn-scale [-- --vectors 1000000] [--queries 100] [--mem 4GB] [--workers 1] [--keep]
 *                            [--label text] [--no-doc]
 *
 * Vectors: seeded and clustered like image embeddings are — topics (vectors/1000 random directions),
 * products around a topic (cosine ~0.7 to it, 0.1335 per vector as in bench:index's 100,000 set:
 * 13,350 real plus noisy copies), and noisy copies of each product's vector (cosine ~0.96).
 * Queries are further noisy copies, not in the table. Exact top-50 is computed here while the rows
 * are generated (the same float32 values the server stores), so the recall costs no scan of 1M rows.
 *
 * The schema is the application's (vector migrations), in a database of its own (vitrina_bench_knn,
 * or vitrina_bench_knn_<N> at other sizes; dropped after unless --keep). Rows go in with COPY (binary) through psql. The index is built with
 * the production statement's shape, maintenance_work_mem and max_parallel_maintenance_workers set as
 * pgvector's README documents (the graph in memory; workers plus the leader = the cores), while the
 * build's progress (pg_stat_progress_create_index), the memory of the backend and its workers and
 * the machine's used memory are sampled. Writes docs/bench-knn-scale.md and bench/.data/results/.
 */
import { spawn } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import pg from 'pg';
import type { Db } from '../src/db/db.client.ts';
import { migrate } from '../src/db/db.migrate.ts';
import { vectorMigrations } from '../src/db/migrations/vector.migrations.ts';
import { openServerDb } from '../src/db/db.server.ts';
import { createVectorRepository } from '../src/search/vector.repository.ts';
import { BENCH_DATA_DIR, REPO_DIR } from './bench.models.ts';
import {
  KNN_DB,
  databaseUrl,
  dropDatabase,
  machineUsedMb,
  processRssMb,
  recreateDatabase,
  serverSettings,
} from './bench.server.ts';
import {
  cpuMonitor,
  fmt,
  machineInfo,
  machineInfoMarkdown,
  markdownTable,
  measureKnn,
  nowMs,
  seededRandom,
  type CpuReport,
} from './bench.util.ts';

const DIM = 512;
const K = 50;
const MODEL = 'synthetic-512';
const DOC = path.join(REPO_DIR, 'docs', 'bench-knn-scale.md');
export const RESULTS_DIR = path.join(BENCH_DATA_DIR, 'results');

const { values: args } = parseArgs({
  options: {
    vectors: { type: 'string' },
    queries: { type: 'string' },
    mem: { type: 'string' },
    workers: { type: 'string' },
    keep: { type: 'boolean' },
    label: { type: 'string' },
    'no-doc': { type: 'boolean' },
    reuse: { type: 'boolean' },
    'prod-queries': { type: 'string' },
  },
});
/**
 * --reuse: measure again on the kept database of an earlier run (--keep) instead of loading and
 * building: the build's figures come from its knn-scale-<N>.build.json, exact top-50 from a
 * sequential scan. The application's statement runs on the first --prod-queries queries only (5):
 * while it cannot use the index (issue 10) one takes ~20 s at 1,000,000.
 */
const N = Number(args.vectors ?? 1_000_000);
const N_QUERIES = Number(args.queries ?? 100);
const REUSE = Boolean(args.reuse);
const PROD_QUERIES = Number(args['prod-queries'] ?? (REUSE ? 5 : N_QUERIES));
const MEM = args.mem ?? '4GB';
const WORKERS = Number(args.workers ?? Math.max(0, os.availableParallelism() - 1));
const TOPICS = Math.max(1, Math.round(N / 1000));
const PRODUCTS = Math.max(1, Math.round(N * 0.1335));
/** one database per size, so a kept 1M set survives runs at other sizes */
const DB_NAME = N === 1_000_000 ? KNN_DB : `${KNN_DB}_${N}`;

const log = (m: string) => console.error(`bench:knn-scale: ${new Date().toISOString().slice(11, 19)} ${m}`);

// ---- synthetic vectors --------------------------------------------------------------------------

function gaussian(rand: () => number): () => number {
  let spare: number | undefined;
  return () => {
    if (spare !== undefined) {
      const s = spare;
      spare = undefined;
      return s;
    }
    const u = Math.max(rand(), 1e-12);
    const v = rand();
    const r = Math.sqrt(-2 * Math.log(u));
    spare = r * Math.sin(2 * Math.PI * v);
    return r * Math.cos(2 * Math.PI * v);
  };
}

function normalize(v: Float32Array): Float32Array {
  let n = 0;
  for (let i = 0; i < v.length; i++) n += (v[i] as number) ** 2;
  const inv = 1 / Math.sqrt(n);
  for (let i = 0; i < v.length; i++) v[i] = (v[i] as number) * inv;
  return v;
}

/** base + noise of the given norm (per-dimension sigma = norm / sqrt(dim)), renormalized */
function noisy(base: Float32Array, norm: number, g: () => number): Float32Array {
  const sigma = norm / Math.sqrt(DIM);
  const out = new Float32Array(DIM);
  for (let i = 0; i < DIM; i++) out[i] = (base[i] as number) + sigma * g();
  return normalize(out);
}

interface Corpus {
  products: Float32Array[];
  productOf: (row: number) => number;
  row: (i: number) => Float32Array;
  queries: Float32Array[];
}

function corpus(): Corpus {
  const g = gaussian(seededRandom(0x5eed));
  const topics = Array.from({ length: TOPICS }, () => noisy(new Float32Array(DIM), 1, g));
  const products = Array.from({ length: PRODUCTS }, (_, p) => noisy(topics[(p * 7919) % TOPICS]!, 1.02, g));
  const productOf = (row: number) => row % PRODUCTS;
  const rowG = gaussian(seededRandom(0xc0ffee));
  const qg = gaussian(seededRandom(0x9e77));
  const qr = seededRandom(0x51);
  const queries = Array.from({ length: N_QUERIES }, () =>
    noisy(products[Math.floor(qr() * PRODUCTS)]!, 0.3, qg),
  );
  return {
    products,
    productOf,
    // rows are generated in order, once: the first PRODUCTS rows are the products themselves
    row: (i) => (i < PRODUCTS ? products[i]! : noisy(products[productOf(i)]!, 0.3, rowG)),
    queries,
  };
}

/** Top-k by cosine distance over streamed rows (smallest distance first; ties by id). */
class TopK {
  private ids: number[] = [];
  private dists: number[] = [];
  constructor(private readonly k: number) {}
  get worst(): number {
    return this.ids.length < this.k ? Infinity : (this.dists[this.dists.length - 1] as number);
  }
  push(id: number, dist: number) {
    if (dist >= this.worst) return;
    let i = this.dists.length;
    while (i > 0 && (this.dists[i - 1] as number) > dist) i--;
    this.dists.splice(i, 0, dist);
    this.ids.splice(i, 0, id);
    if (this.ids.length > this.k) {
      this.ids.pop();
      this.dists.pop();
    }
  }
  result(): number[] {
    return [...this.ids];
  }
}

// ---- COPY (binary) through psql --------------------------------------------------------------------

const COPY_HEADER = Buffer.concat([
  Buffer.from('PGCOPY\n\xff\r\n\0', 'latin1'),
  Buffer.alloc(8), // flags, header extension length
]);

function copyRow(model: Buffer, imageId: number, productId: number, sha: Buffer, v: Float32Array): Buffer {
  const size = 2 + (4 + model.length) + (4 + 8) * 2 + (4 + sha.length) + (4 + 4 + 4 * DIM);
  const b = Buffer.allocUnsafe(size);
  let o = b.writeInt16BE(5, 0);
  o = b.writeInt32BE(model.length, o);
  o += model.copy(b, o);
  o = b.writeInt32BE(8, o);
  o = b.writeBigInt64BE(BigInt(imageId), o);
  o = b.writeInt32BE(8, o);
  o = b.writeBigInt64BE(BigInt(productId), o);
  o = b.writeInt32BE(sha.length, o);
  o += sha.copy(b, o);
  // pgvector's binary form: int16 dim, int16 unused, float4 values (network order)
  o = b.writeInt32BE(4 + 4 * DIM, o);
  o = b.writeInt16BE(DIM, o);
  o = b.writeInt16BE(0, o);
  for (let i = 0; i < DIM; i++) o = b.writeFloatBE(v[i] as number, o);
  return b;
}

async function loadRows(url: string, c: Corpus): Promise<{ exact: number[][]; seconds: number }> {
  const psql = spawn(
    'psql',
    [
      url,
      '-v',
      'ON_ERROR_STOP=1',
      '-qc',
      'copy image_embeddings (model, image_id, product_id, sha256, embedding) from stdin with (format binary)',
    ],
    { stdio: ['pipe', 'inherit', 'inherit'] },
  );
  const done = new Promise<void>((resolve, reject) => {
    psql.on('error', reject);
    psql.on('exit', (code) => (code === 0 ? resolve() : reject(new Error(`psql COPY exited with ${code}`))));
  });
  const write = (b: Buffer) =>
    psql.stdin.write(b) ? Promise.resolve() : new Promise<void>((r) => psql.stdin.once('drain', () => r()));
  const tops = c.queries.map(() => new TopK(K));
  const model = Buffer.from(MODEL);
  const sha = Buffer.from('0'.repeat(64));
  const t0 = nowMs();
  await write(COPY_HEADER);
  const BLOCK = 1000;
  for (let start = 0; start < N; start += BLOCK) {
    const parts: Buffer[] = [];
    for (let i = start; i < Math.min(N, start + BLOCK); i++) {
      const v = c.row(i);
      for (let q = 0; q < c.queries.length; q++) {
        const qv = c.queries[q]!;
        let dot = 0;
        for (let d = 0; d < DIM; d++) dot += (qv[d] as number) * (v[d] as number);
        tops[q]!.push(i + 1, 1 - dot);
      }
      parts.push(copyRow(model, i + 1, c.productOf(i) + 1, sha, v));
    }
    await write(Buffer.concat(parts));
    if ((start / BLOCK) % 50 === 0) log(`  rows ${start + BLOCK}/${N}`);
  }
  const trailer = Buffer.alloc(2);
  trailer.writeInt16BE(-1);
  await write(trailer);
  psql.stdin.end();
  await done;
  return { exact: tops.map((t) => t.result()), seconds: (nowMs() - t0) / 1000 };
}

// ---- index build ----------------------------------------------------------------------------------

interface BuildResult {
  seconds: number;
  indexMb: number;
  peakBackendsMb: number;
  machineUsedDeltaMb: number | undefined;
  notices: string[];
  workersLaunched: number;
  cpu: CpuReport;
}

async function buildIndex(url: string): Promise<BuildResult> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  const notices: string[] = [];
  client.on('notice', (n) => notices.push(n.message ?? ''));
  const { rows } = await client.query<{ pid: number }>('select pg_backend_pid() as pid');
  const pid = rows[0]!.pid;
  const monitor = new pg.Client({ connectionString: url });
  await monitor.connect();
  const used0 = machineUsedMb();
  let peakUsed = used0 ?? 0;
  let peakBackends = 0;
  let maxWorkers = 0;
  let lastLog = 0;
  const t0 = nowMs();
  const sample = async () => {
    const w = await monitor.query<{ pid: number }>('select pid from pg_stat_activity where leader_pid = $1', [
      pid,
    ]);
    maxWorkers = Math.max(maxWorkers, w.rows.length);
    const rss = [pid, ...w.rows.map((r) => r.pid)].reduce((s, p) => s + (processRssMb(p) ?? 0), 0);
    peakBackends = Math.max(peakBackends, rss);
    peakUsed = Math.max(peakUsed, machineUsedMb() ?? 0);
    if (nowMs() - lastLog > 30_000) {
      lastLog = nowMs();
      const p = await monitor.query<{ phase: string; done: string; total: string }>(
        'select phase, tuples_done::text as done, tuples_total::text as total from pg_stat_progress_create_index where pid = $1',
        [pid],
      );
      const r = p.rows[0];
      log(
        `  build ${fmt((nowMs() - t0) / 1000, 0)} s: ${r ? `${r.phase}, tuples ${r.done}/${r.total}` : '…'}, ` +
          `workers ${w.rows.length}, backends ${fmt(rss, 0)} MB, machine used ${fmt(machineUsedMb(), 0)} MB`,
      );
    }
  };
  let timer: NodeJS.Timeout | undefined;
  const loop = () => {
    timer = setTimeout(() => {
      sample().then(loop, () => loop());
    }, 2000);
  };
  loop();
  const stop = cpuMonitor();
  try {
    await client.query('begin');
    await client.query(`set local maintenance_work_mem = '${MEM}'`);
    await client.query(`set local max_parallel_maintenance_workers = ${WORKERS}`);
    await client.query(
      `create index bench_hnsw_synthetic on image_embeddings
       using hnsw ((embedding::vector(${DIM})) vector_cosine_ops) where model = '${MODEL}'`,
    );
    await client.query('commit');
  } finally {
    clearTimeout(timer);
  }
  const cpu = stop();
  const size = await client.query<{ b: string }>(
    "select pg_relation_size('bench_hnsw_synthetic')::text as b",
  );
  await client.query('analyze image_embeddings');
  await client.end();
  await monitor.end();
  return {
    seconds: cpu.wallMs / 1000,
    indexMb: Number(size.rows[0]?.b ?? 0) / 2 ** 20,
    peakBackendsMb: peakBackends,
    machineUsedDeltaMb: used0 === undefined ? undefined : peakUsed - used0,
    notices,
    workersLaunched: maxWorkers,
    cpu,
  };
}

// ---- kNN ------------------------------------------------------------------------------------------

/** The exact top-k by a sequential scan (index scans off), for --reuse. */
async function exactSql(db: Db, q: Float32Array): Promise<number[]> {
  return db.transaction(async (tx) => {
    await tx.query(
      'set local enable_indexscan = off; set local enable_bitmapscan = off; set local jit = off',
    );
    const { rows } = await tx.query<{ id: number }>(
      `select image_id as id from image_embeddings where model = $1
       order by embedding::vector(${DIM}) <=> $2::vector(${DIM}), image_id limit ${K}`,
      [MODEL, `[${Array.from(q).join(',')}]`],
    );
    return rows.map((r) => r.id);
  });
}

/**
 * Measurement-only: the statement shape issue 10 asks for (the HNSW index alone orders the inner
 * select, ties broken on its k rows; ef_search as production sets it, no JIT), to show what the
 * index gives at this size whatever main's nearestImages does today.
 */
const INDEX_ORDERED = `select image_id as "imageId" from (
    select image_id, embedding::vector(${DIM}) <=> $2::vector(${DIM}) as distance from image_embeddings
    where model = $1 order by embedding::vector(${DIM}) <=> $2::vector(${DIM}) limit $3) nearest
  order by distance, image_id`;

async function indexOrdered(db: Db, q: Float32Array, plan = false): Promise<number[] | string[]> {
  return db.transaction(async (tx) => {
    await tx.query(`set local hnsw.ef_search = ${Math.max(64, 2 * K)}; set local jit = off`);
    const { rows } = await tx.query<Record<string, unknown>>(
      `${plan ? 'explain (analyze, costs off, timing off, summary off) ' : ''}${INDEX_ORDERED}`,
      [MODEL, `[${Array.from(q).join(',')}]`, K],
    );
    return plan
      ? rows.map((r) => String(r['QUERY PLAN']).replace(/'\[[^\]]*\]'/g, "'[…]'"))
      : rows.map((r) => Number(r.imageId));
  });
}

async function measure(
  run: (q: Float32Array) => Promise<number[]>,
  queries: Float32Array[],
  exact: number[][],
) {
  const warmup = Math.min(10, Math.ceil(queries.length / 2));
  return { n: queries.length, ...(await measureKnn(run, queries, exact, warmup)) };
}

/** the production statement, nearestImages, as the search service runs it */
async function measureProduction(db: Db, queries: Float32Array[], exact: number[][]) {
  const vectors = createVectorRepository(db);
  const run = async (q: Float32Array) =>
    (await vectors.nearestImages(MODEL, DIM, q, K)).map((r) => r.imageId);
  return measureKnn(run, queries, exact);
}

async function explain(db: Db, q: Float32Array): Promise<string[]> {
  // the production statement under EXPLAIN: the repository's own transaction, its select explained
  let plan: string[] = [];
  const wrapped: Db = {
    ...db,
    transaction: (fn) =>
      db.transaction((tx) =>
        fn({
          query: (async (text: string, params?: unknown[]) => {
            if (!/^\s*select\b/i.test(text) || !text.includes('<=>')) return tx.query(text, params);
            const r = await tx.query<{ 'QUERY PLAN': string }>(
              `explain (analyze, costs off, timing off, summary off) ${text}`,
              params,
            );
            plan = r.rows.map((row) => row['QUERY PLAN'].replace(/'\[[^\]]*\]'/g, "'[…]'"));
            return { ...r, rows: [] };
          }) as Db['query'],
        }),
      ),
  };
  await createVectorRepository(wrapped).nearestImages(MODEL, DIM, q, K);
  return plan;
}

// ---- main -----------------------------------------------------------------------------------------

export interface KnnScaleResult {
  vectors: number;
  dim: number;
  topics: number;
  products: number;
  queries: number;
  loadSeconds: number;
  mem: string;
  workers: number;
  build: BuildResult;
  knn: { n: number; p50: number; p95: number; recall: number; cpu: CpuReport };
  indexOrdered: { n: number; p50: number; p95: number; recall: number; cpu: CpuReport };
  plan: string[];
  orderedPlan: string[];
  tableMb: number;
  settings: Record<string, string>;
  label: string | undefined;
  command: string;
  at: string;
}

async function main() {
  const cmd = `npm run bench:knn-scale${process.argv.length > 2 ? ` -- ${process.argv.slice(2).join(' ')}` : ''}`;
  log(
    `${N} vectors (${TOPICS} topics, ${PRODUCTS} products), ${N_QUERIES} queries, mem ${MEM}, workers ${WORKERS}`,
  );
  const settings = await serverSettings();
  const url = REUSE ? databaseUrl(DB_NAME) : await recreateDatabase(DB_NAME);
  // no statement limit: exact scans and the pre-fix statement take seconds at 1M
  const db = await openServerDb(url, { max: 2, timeouts: { connectTimeoutMs: 5000, statementTimeoutMs: 0 } });
  const buildFile = path.join(RESULTS_DIR, `knn-scale-${N}.build.json`);
  try {
    const c = corpus();
    let load: { exact: number[][]; seconds: number };
    let build: BuildResult;
    if (REUSE) {
      const { rows } = await db.query<{ n: number }>(
        'select count(*)::int as n from image_embeddings where model = $1',
        [MODEL],
      );
      if (rows[0]?.n !== N) throw new Error(`${DB_NAME} holds ${rows[0]?.n} vectors, not ${N}`);
      const saved = JSON.parse(readFileSync(buildFile, 'utf8')) as {
        loadSeconds: number;
        build: BuildResult;
      };
      build = saved.build;
      log(`reusing ${DB_NAME}; exact top-${K} of ${N_QUERIES} queries by sequential scan`);
      const exact: number[][] = [];
      for (const q of c.queries) exact.push(await exactSql(db, q));
      load = { exact, seconds: saved.loadSeconds };
    } else {
      await migrate(db, 'vectors', vectorMigrations);
      log('generating and loading rows (COPY binary), exact top-50 computed meanwhile');
      load = await loadRows(url, c);
      log(`  loaded in ${fmt(load.seconds, 0)} s`);
      await db.query('analyze image_embeddings');
      log(`building HNSW (maintenance_work_mem ${MEM}, max_parallel_maintenance_workers ${WORKERS})`);
      build = await buildIndex(url);
      mkdirSync(RESULTS_DIR, { recursive: true });
      writeFileSync(buildFile, JSON.stringify({ loadSeconds: load.seconds, build }, null, 2));
    }
    const t = await db.query<{ b: string }>("select pg_total_relation_size('image_embeddings')::text as b");
    const tableMb = Number(t.rows[0]?.b ?? 0) / 2 ** 20;
    log(
      `  built in ${fmt(build.seconds, 0)} s, index ${fmt(build.indexMb, 0)} MB, peak backends ${fmt(build.peakBackendsMb, 0)} MB, machine +${fmt(build.machineUsedDeltaMb, 0)} MB, workers ${build.workersLaunched}`,
    );
    const ordered = await measure((q) => indexOrdered(db, q) as Promise<number[]>, c.queries, load.exact);
    log(
      `  index-ordered statement: p50 ${fmt(ordered.p50, 2)} ms, p95 ${fmt(ordered.p95, 2)} ms, recall@50 ${fmt(ordered.recall, 3)}`,
    );
    const orderedPlan = (await indexOrdered(db, c.queries[0]!, true)) as string[];
    const plan = await explain(db, c.queries[0]!);
    const knn = await measureProduction(
      db,
      c.queries.slice(0, PROD_QUERIES),
      load.exact.slice(0, PROD_QUERIES),
    );
    log(
      `  nearestImages: p50 ${fmt(knn.p50, 2)} ms, p95 ${fmt(knn.p95, 2)} ms, recall@50 ${fmt(knn.recall, 3)} (${PROD_QUERIES} queries)`,
    );
    const result: KnnScaleResult = {
      vectors: N,
      dim: DIM,
      topics: TOPICS,
      products: PRODUCTS,
      queries: N_QUERIES,
      loadSeconds: load.seconds,
      mem: MEM,
      workers: WORKERS,
      build,
      knn: { ...knn, n: PROD_QUERIES },
      indexOrdered: ordered,
      plan,
      orderedPlan,
      tableMb,
      settings,
      label: args.label,
      command: cmd,
      at: new Date().toISOString(),
    };
    mkdirSync(RESULTS_DIR, { recursive: true });
    writeFileSync(path.join(RESULTS_DIR, `knn-scale-${N}.json`), JSON.stringify(result, null, 2));
    const md = report(result);
    console.log(md);
    if (!args['no-doc']) writeFileSync(DOC, md);
  } finally {
    await db.close();
    if (!args.keep) await dropDatabase(DB_NAME);
    else log(`kept database ${databaseUrl(DB_NAME)}`);
  }
}

function report(r: KnnScaleResult): string {
  const cpu = (c: CpuReport) => `${fmt(c.ownCores, 2)} / ${fmt(c.otherCores, 2)}`;
  return [
    `# kNN at ${r.vectors.toLocaleString('en-US')} vectors on the server`,
    '',
    `Measured ${r.at}${r.label ? ` (${r.label})` : ''} with \`${r.command}\`.`,
    '',
    markdownTable(
      ['what', 'value'],
      [
        ['vectors × dim', `${r.vectors.toLocaleString('en-US')} × ${r.dim} (synthetic, clustered)`],
        ['table (heap + TOAST + btree)', `${fmt(r.tableMb, 0)} MB`],
        ['load (generate + COPY binary + exact top-50)', `${fmt(r.loadSeconds, 0)} s`],
        ['HNSW build (m=16, ef_construction=64)', `${fmt(r.build.seconds, 0)} s`],
        ['maintenance_work_mem / max_parallel_maintenance_workers', `${r.mem} / ${r.workers}`],
        ['parallel workers seen', String(r.build.workersLaunched)],
        ['peak RSS of the building backend + workers', `${fmt(r.build.peakBackendsMb, 0)} MB`],
        ['machine memory in use, peak rise during the build', `${fmt(r.build.machineUsedDeltaMb, 0)} MB`],
        ['index size', `${fmt(r.build.indexMb, 0)} MB`],
        ['build CPU (ours / other processes, cores)', cpu(r.build.cpu)],
        [
          `kNN k=${K} p50 / p95, recall@${K}: vectors.nearestImages (${r.knn.n} queries)`,
          `${fmt(r.knn.p50, 2)} / ${fmt(r.knn.p95, 2)} ms, ${fmt(r.knn.recall, 3)}`,
        ],
        [
          `kNN k=${K} p50 / p95, recall@${K}: index-ordered statement (${r.indexOrdered.n} queries)`,
          `${fmt(r.indexOrdered.p50, 2)} / ${fmt(r.indexOrdered.p95, 2)} ms, ${fmt(r.indexOrdered.recall, 3)}`,
        ],
        ['kNN CPU (ours / other processes, cores)', cpu(r.knn.cpu)],
      ],
      ['left', 'right'],
    ),
    '',
    r.build.notices.length
      ? `Server notices during the build: ${r.build.notices.join('; ')}`
      : 'No notices during the build (the graph fit in maintenance_work_mem).',
    '',
    'Plan of the index-ordered statement (EXPLAIN ANALYZE):',
    '',
    '```',
    ...r.orderedPlan,
    '```',
    '',
    'Plan of the production statement (vectors.nearestImages, EXPLAIN ANALYZE):',
    '',
    '```',
    ...r.plan,
    '```',
    '',
    `Server: ${Object.entries(r.settings)
      .map(([k, v]) => `${k} ${v}`)
      .join(', ')}.`,
    '',
    machineInfoMarkdown(machineInfo()),
    '',
  ].join('\n');
}

await main();
