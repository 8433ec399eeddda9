/**
 * Search by photo end to end: the real web app on 127.0.0.1, HTTP POST /api/search-by-image with a
 * ~1 MP JPEG, until the JSON has arrived; on the 13,350-image catalog indexed by bench:index.
 *
 *   npm run bench:search [-- --models mobilenet,vit-int8,vit-fp32] [--requests 200] [--concurrency 8]
 *                         [--load-requests 320] [--label text] [--no-doc]
 *                         [--store embedded|server|both] [--peer] [--json file]
 *
 * Per model: a fresh app (createWebApp, logger off, no indexing), 16 warm-up searches, then
 * `--requests` searches one after another (latency), then `--load-requests` searches from
 * `--concurrency` clients at once (throughput). Every search sends a different photo, so the
 * service's query-embedding cache (keyed by sha256) never hits.
 *
 * Time outside the forward pass: the model provider's loader wraps the embedder (createModelProvider
 * with a loader) and times embedPreprocessed and preprocess; the store is wrapped to time the kNN
 * transaction, the saved-search insert and the serving-model lookups; validation, sha256 and the
 * query thumbnail are timed alone on the same bytes afterwards. The rest is HTTP, multipart, JSON.
 *
 * Uses bench/.data/index-db from bench:index when it holds the full catalog indexed for the models;
 * otherwise imports and indexes it first (not timed). Writes docs/bench-search.md on a full run.
 *
 * --store server: the same on the PostgreSQL server, in bench:index's `vitrina_bench` database (built
 * here when missing or incomplete, and kept); --store both: embedded, then server, in one run.
 * --peer (needs the server store and vit-fp32): the original's request path, bench/peer/app.py
 * (Flask, Pillow, PyTorch fp32, psycopg2), started on 127.0.0.1 against the same server database and
 * measured with the same photos, the same client and the same counts right after our runs.
 */
import crypto from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { parseArgs } from 'node:util';
import sharp from 'sharp';
import { createAppContext, type AppContext } from '../src/app/app.context.ts';
import type { Db } from '../src/db/db.client.ts';
import type { Embedder } from '../src/embedding/embedding.types.ts';
import { createIndexer } from '../src/indexer/indexer.service.ts';
import { activateModel } from '../src/search/active-model.ts';
import { createModelProvider } from '../src/search/model.provider.ts';
import { queryCrops, queryThumbnail, validateQueryImage } from '../src/search/query-image.ts';
import { createVectorRepository } from '../src/search/vector.repository.ts';
import { createWebApp } from '../src/web/web.app.ts';
import { CATALOG_SIZE, ensureCatalog, ensureQueryImages } from './bench.catalog.ts';
import {
  INDEX_DATA_DIR,
  REPO_DIR,
  benchConfig,
  ensureRandomClip,
  openBenchEmbedder,
  parseModelList,
  type BenchModel,
} from './bench.models.ts';
import {
  cpuMonitor,
  fmt,
  machineInfo,
  machineInfoMarkdown,
  markdownTable,
  nowMs,
  summarize,
  createMeasurer,
  type Align,
  type CpuReport,
} from './bench.util.ts';
import { PEER_APP, preparePeerTable, startPeer } from './bench.peer.ts';
import {
  BENCH_DB,
  databaseExists,
  databaseUrl,
  parseStores,
  recreateDatabase,
  serverSettings,
  type StoreKind,
} from './bench.server.ts';

const DOC = path.join(REPO_DIR, 'docs', 'bench-search.md');
const THREADS = 2;
const WARMUP = 16;
const BUSY_CORES = 0.25;
/** photos the embedder alone embeds in batches of 16, for the 8-client target */
const BATCHED_IMAGES = 160;

const { values: args } = parseArgs({
  options: {
    models: { type: 'string' },
    requests: { type: 'string' },
    concurrency: { type: 'string' },
    'load-requests': { type: 'string' },
    label: { type: 'string' },
    images: { type: 'string' },
    'no-doc': { type: 'boolean' },
    json: { type: 'string' },
    store: { type: 'string' },
    peer: { type: 'boolean' },
  },
});
const STORES = parseStores(args.store);
/** media of the server store (its rows live in the server database); bench:index fills it too */
const SERVER_MEDIA_DIR = path.join(path.dirname(INDEX_DATA_DIR), 'index-server');
const MODELS = parseModelList(args.models);
const N_REQUESTS = Number(args.requests ?? 200);
const CONCURRENCY = Number(args.concurrency ?? 8);
const N_LOAD = Number(args['load-requests'] ?? 320);
/** catalog size expected in the store (smaller only with bench:index --images, for quick checks) */
const N_IMAGES = Number(args.images ?? CATALOG_SIZE);
const FULL_RUN =
  MODELS.length === 3 && N_REQUESTS >= 200 && N_IMAGES === CATALOG_SIZE && STORES.includes('embedded');

const log = (m: string) => console.error(`bench:search: ${m}`);

const BUSY_RETRIES = Number(process.env.BENCH_BUSY_RETRIES ?? 1);
const { measured, cpuCell } = createMeasurer({ log, busyCores: BUSY_CORES, retries: BUSY_RETRIES });

// ------------------------------------------------------------------------------------------------
// the indexed store

/** Reuses bench:index's store when complete; otherwise imports the catalog and indexes it (untimed). */
/** Where a store's benchmark catalog lives: DATA_DIR, and the server database for the server store. */
function storeConfig(model: BenchModel, store: StoreKind) {
  return store === 'server'
    ? benchConfig(model, { dataDir: SERVER_MEDIA_DIR, threads: THREADS, databaseUrl: databaseUrl(BENCH_DB) })
    : benchConfig(model, { dataDir: INDEX_DATA_DIR, threads: THREADS });
}

async function ensureIndexedStore(models: BenchModel[], store: StoreKind): Promise<AppContext> {
  const open = () => createAppContext(storeConfig(models[0]!, store));
  const dataDir = store === 'server' ? SERVER_MEDIA_DIR : INDEX_DATA_DIR;
  const present = existsSync(dataDir) && (store === 'embedded' || (await databaseExists(BENCH_DB)));
  let ctx = present ? await open() : null;
  if (!ctx || (await ctx.repository.imageRefs()).length !== N_IMAGES) {
    await ctx?.close();
    log(`no complete ${N_IMAGES}-image ${store} store: importing`);
    const catalog = await ensureCatalog(CATALOG_SIZE, log);
    rmSync(dataDir, { recursive: true, force: true });
    if (store === 'server') await recreateDatabase(BENCH_DB);
    ctx = await open();
    await ctx.importer.importFile(catalog.csvFor(N_IMAGES));
  }
  const vectors = createVectorRepository(ctx.stores.vectors!);
  // as the indexer's next run would: a store indexed before ANALYZE existed has no statistics
  await vectors.analyzeEmbeddings({ ifMissing: true });
  const complete = new Set((await vectors.completedModels()).map((m) => m.id));
  for (const model of models) {
    const counts = await vectors.counts(model.id);
    if (complete.has(model.id) && counts.embedded === N_IMAGES && counts.pending === 0) continue;
    log(`${model.label}: indexing ${N_IMAGES} images first (not timed; bench:index measures this)`);
    const embedder = await openBenchEmbedder(model, storeConfig(model, store));
    try {
      const indexer = createIndexer({
        catalog: ctx.repository,
        vectors,
        media: ctx.media,
        embedder,
        exclusive: true,
      });
      await indexer.run({ batchSize: 16 });
      await activateModel(vectors, model.id);
    } finally {
      await embedder.close();
    }
  }
  return ctx;
}

// ------------------------------------------------------------------------------------------------
// instrumentation (measurement only: wraps, never changes, what the app does)

type Stage = 'preprocess' | 'forward' | 'knn' | 'save' | 'model lookup' | 'other db';

class StageClock {
  current: Partial<Record<Stage, number>> = {};
  /** statements of the last kNN transaction, replayed under EXPLAIN for the report */
  lastKnn: { text: string; params?: unknown[] }[] = [];
  add(stage: Stage, ms: number) {
    this.current[stage] = (this.current[stage] ?? 0) + ms;
  }
  take(): Partial<Record<Stage, number>> {
    const c = this.current;
    this.current = {};
    return c;
  }
}

async function timed<T>(clock: StageClock, stage: Stage, fn: () => Promise<T>): Promise<T> {
  const t = nowMs();
  try {
    return await fn();
  } finally {
    clock.add(stage, nowMs() - t);
  }
}

/**
 * embedImages is spelled as preprocess + embedPreprocessed (what OnnxEmbedder does for up to 16
 * images) so both are timed.
 */
function timedEmbedder(e: Embedder, clock: StageClock): Embedder {
  const preprocess = (image: Parameters<Embedder['preprocess']>[0]) =>
    timed(clock, 'preprocess', () => e.preprocess(image));
  const embedPreprocessed = (tensors: Float32Array[]) =>
    timed(clock, 'forward', () => e.embedPreprocessed(tensors));
  return {
    info: e.info,
    preprocess,
    embedPreprocessed,
    async embedImages(images) {
      // wall time of decoding them all (concurrently, as OnnxEmbedder does), not the sum
      const tensors = await timed(clock, 'preprocess', () => Promise.all(images.map((i) => e.preprocess(i))));
      return embedPreprocessed(tensors);
    },
    embedTexts: (texts) => e.embedTexts(texts),
    close: () => e.close(),
  };
}

function timedDb(db: Db, clock: StageClock): Db {
  const classify = (text: string): Stage =>
    /insert into saved_searches/i.test(text)
      ? 'save'
      : /embedding_models|vector_settings/i.test(text)
        ? 'model lookup'
        : 'other db';
  return {
    ...db,
    query: ((text: string, params?: unknown[]) =>
      timed(clock, classify(text), () => db.query(text, params))) as Db['query'],
    async transaction(fn) {
      let stage = 'other db' as Stage;
      const statements: { text: string; params?: unknown[] }[] = [];
      const t = nowMs();
      try {
        return await db.transaction((tx) =>
          fn({
            query: ((text: string, params?: unknown[]) => {
              statements.push({ text, params });
              if (/order by embedding/i.test(text)) stage = 'knn';
              return tx.query(text, params);
            }) as Db['query'],
          }),
        );
      } finally {
        clock.add(stage, nowMs() - t);
        if (stage === 'knn') clock.lastKnn = statements;
      }
    },
  };
}

// ------------------------------------------------------------------------------------------------
// client

function multipartBody(bytes: Buffer): { body: Buffer; contentType: string } {
  const boundary = `----vitrinabench${crypto.randomBytes(8).toString('hex')}`;
  const head = Buffer.from(
    `--${boundary}\r\nContent-Disposition: form-data; name="image"; filename="photo.jpg"\r\n` +
      'Content-Type: image/jpeg\r\n\r\n',
  );
  const tail = Buffer.from(`\r\n--${boundary}--\r\n`);
  return {
    body: Buffer.concat([head, bytes, tail]),
    contentType: `multipart/form-data; boundary=${boundary}`,
  };
}

interface Reply {
  status: number;
  ms: number;
  count: number;
}

/** Searches need a signed-in user or a token, as for any script: one viewer token per run. */
let authorization = '';

function post(
  agent: http.Agent,
  port: number,
  req: { body: Buffer; contentType: string },
  target = '/api/search-by-image',
): Promise<Reply> {
  return new Promise((resolve, reject) => {
    const t = nowMs();
    const r = http.request(
      {
        host: '127.0.0.1',
        port,
        method: 'POST',
        path: target,
        agent,
        headers: {
          'content-type': req.contentType,
          'content-length': req.body.length,
          accept: 'application/json',
          authorization,
        },
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => {
          const ms = nowMs() - t;
          let count = 0;
          try {
            count = Number(
              (JSON.parse(Buffer.concat(chunks).toString('utf8')) as { count?: number }).count ?? 0,
            );
          } catch {
            // a non-JSON reply counts as a failure through its status below
          }
          resolve({ status: res.statusCode ?? 0, ms, count });
        });
        res.on('error', reject);
      },
    );
    r.on('error', reject);
    r.end(req.body);
  });
}

// ------------------------------------------------------------------------------------------------

interface ModelResult {
  model: BenchModel;
  store: StoreKind;
  n: number;
  e2e: number[];
  forward: number[];
  outside: number[];
  stages: Record<Stage | 'validate' | 'sha256' | 'thumbnail' | 'crops' | 'rest', number[]>;
  crops: readonly number[];
  statuses: Map<number, number>;
  matches: number[];
  latencyCpu: CpuReport;
  load: { n: number; perS: number; p50: number; p95: number; cpu: CpuReport; failed: number };
  batched: { imagesPerS: number; n: number; cpu: CpuReport };
  /** EXPLAIN ANALYZE of the service's last kNN statement, parameters as sent */
  knnPlan: string[];
}

/** Replays a kNN transaction with its select under EXPLAIN ANALYZE (the query vector elided in the output). */
async function explainKnn(db: Db, statements: { text: string; params?: unknown[] }[]): Promise<string[]> {
  if (statements.length === 0) return [];
  return db.transaction(async (tx) => {
    let plan: string[] = [];
    for (const st of statements) {
      if (/order by embedding/i.test(st.text)) {
        const r = await tx.query<{ 'QUERY PLAN': string }>(
          `explain (analyze, costs off, timing off, summary off) ${st.text}`,
          st.params,
        );
        plan = r.rows.map((row) => row['QUERY PLAN'].replace(/'\[[^\]]*\]'/g, "'[…]'"));
      } else {
        await tx.query(st.text, st.params);
      }
    }
    return plan;
  });
}

async function benchModel(
  base: AppContext,
  model: BenchModel,
  images: Buffer[],
  store: StoreKind,
): Promise<ModelResult> {
  const config = storeConfig(model, store);
  const clock = new StageClock();
  const db = timedDb(base.stores.catalog, clock);
  const ctx: AppContext = { ...base, config, stores: { ...base.stores, catalog: db, vectors: db } };
  const provider = createModelProvider(config, async () =>
    timedEmbedder(await openBenchEmbedder(model, config), clock),
  );
  const web = await createWebApp(ctx, { logger: false, models: provider, indexOnStart: false });
  const bench = { userId: null, label: 'bench:search', address: null };
  authorization = `Bearer ${(await base.tokens.create({ name: `bench ${Date.now()}`, role: 'viewer' }, bench)).token}`;
  const agent = new http.Agent({ keepAlive: true, maxSockets: CONCURRENCY });
  try {
    await provider.get(model.id);
    await web.app.listen({ host: '127.0.0.1', port: 0 });
    const port = (web.app.server.address() as AddressInfo).port;
    const bodies = images.map(multipartBody);
    let next = 0;
    const take = () => {
      const b = bodies[next++];
      if (!b) throw new Error(`need more than ${bodies.length} distinct query images`);
      return b;
    };

    for (let i = 0; i < WARMUP; i++) await post(agent, port, take());
    clock.take();

    // latency: one search at a time
    const seq = await measured(`${model.label} latency`, async () => {
      log(`${model.label}: ${N_REQUESTS} searches one at a time`);
      const first = next;
      const e2e: number[] = [];
      const perRequest: Partial<Record<Stage, number>>[] = [];
      const statuses = new Map<number, number>();
      const matches: number[] = [];
      clock.take();
      const stop = cpuMonitor();
      for (let i = 0; i < N_REQUESTS; i++) {
        const r = await post(agent, port, take());
        e2e.push(r.ms);
        perRequest.push(clock.take());
        statuses.set(r.status, (statuses.get(r.status) ?? 0) + 1);
        matches.push(r.count);
      }
      return { first, e2e, perRequest, statuses, matches, cpu: stop() };
    });
    const { first, e2e, perRequest, statuses, matches } = seq;
    const latencyCpu = seq.cpu;

    // the parts the wrappers cannot see, alone on the same bytes
    const used = images.slice(first, first + N_REQUESTS);
    const validate: number[] = [];
    const sha: number[] = [];
    const thumb: number[] = [];
    const crops: number[] = [];
    const cropFractions = [1, ...((await provider.get(model.id)).info.queryFraming?.crops ?? [])];
    for (const bytes of used) {
      let t = nowMs();
      await validateQueryImage(bytes, config.maxImagePixels);
      validate.push(nowMs() - t);
      t = nowMs();
      crypto.createHash('sha256').update(bytes).digest('hex');
      sha.push(nowMs() - t);
      t = nowMs();
      await queryThumbnail(bytes, { maxPixels: config.maxImagePixels });
      thumb.push(nowMs() - t);
      t = nowMs();
      await queryCrops(bytes, cropFractions, { maxPixels: config.maxImagePixels });
      crops.push(nowMs() - t);
    }
    const get = (s: Stage) => perRequest.map((p) => p[s] ?? 0);
    const forward = get('forward');
    const stages = {
      preprocess: get('preprocess'),
      forward,
      knn: get('knn'),
      save: get('save'),
      'model lookup': get('model lookup'),
      'other db': get('other db'),
      validate,
      sha256: sha,
      thumbnail: thumb,
      crops,
      rest: e2e.map(
        (ms, i) =>
          ms -
          Object.values(perRequest[i] ?? {}).reduce((a, b) => a + b, 0) -
          (validate[i] ?? 0) -
          (sha[i] ?? 0) -
          (thumb[i] ?? 0) -
          (crops[i] ?? 0),
      ),
    };

    // the embedder alone, batched as the indexer runs it, on the same photos: the throughput 8
    // clients are compared with (a search embeds its photo alone: no batching across requests)
    const batched = await measured(`${model.label} embedder batched`, async () => {
      const embedder = await provider.get(model.id);
      const photos = used.slice(0, Math.max(16, Math.min(BATCHED_IMAGES, N_REQUESTS)));
      const chunks: Buffer[][] = [];
      for (let i = 0; i < photos.length; i += 16) chunks.push(photos.slice(i, i + 16));
      const prepare = (c: Buffer[]) => Promise.all(c.map((b) => embedder.preprocess(b)));
      const stop = cpuMonitor();
      let pending = prepare(chunks[0] ?? []);
      for (let k = 0; k < chunks.length; k++) {
        const tensors = await pending;
        if (k + 1 < chunks.length) pending = prepare(chunks[k + 1]!);
        await embedder.embedPreprocessed(tensors);
      }
      const cpu = stop();
      return { imagesPerS: (1000 * photos.length) / cpu.wallMs, n: photos.length, cpu };
    });
    clock.take();
    log(`  embedder alone, batch 16: ${fmt(batched.imagesPerS)} images/s`);

    // throughput: CONCURRENCY clients
    const load = await measured(`${model.label} throughput`, async () => {
      log(`${model.label}: ${N_LOAD} searches from ${CONCURRENCY} clients`);
      const loadMs: number[] = [];
      let failed = 0;
      let issued = 0;
      const stopLoad = cpuMonitor();
      await Promise.all(
        Array.from({ length: CONCURRENCY }, async () => {
          while (issued < N_LOAD) {
            issued++;
            const r = await post(agent, port, take());
            loadMs.push(r.ms);
            if (r.status !== 200) failed++;
          }
        }),
      );
      return { loadMs, failed, cpu: stopLoad() };
    });
    const { loadMs, failed } = load;
    const loadCpu = load.cpu;
    clock.take();
    const l = summarize(loadMs);
    const result: ModelResult = {
      model,
      store,
      n: N_REQUESTS,
      e2e,
      forward,
      outside: e2e.map((ms, i) => ms - (forward[i] ?? 0)),
      knnPlan: await explainKnn(base.stores.catalog, clock.lastKnn),
      stages,
      crops: cropFractions,
      statuses,
      matches,
      latencyCpu,
      batched,
      load: {
        n: N_LOAD,
        perS: (1000 * N_LOAD) / loadCpu.wallMs,
        p50: l.p50,
        p95: l.p95,
        cpu: loadCpu,
        failed,
      },
    };
    log(
      `  p50 ${fmt(summarize(e2e).p50)} ms (forward ${fmt(summarize(forward).p50)}, outside ` +
        `${fmt(summarize(result.outside).p50)}); ${fmt(result.load.perS)} searches/s with ${CONCURRENCY} clients`,
    );
    return result;
  } finally {
    agent.destroy();
    await web.close();
  }
}

/**
 * Both stores and the original's path in one table, with issue 10's ratio targets (same run): time
 * outside the forward pass ≤ 30% of the forward pass's p50; 8-client searches/s ≥ 0.8 × the
 * embedder's batched images/s; ≥ 3× the peer's end-to-end p50 and its 8-client searches/s.
 */
function storesTable(results: ModelResult[], peer: PeerResult | undefined): string[] {
  if (STORES.length < 2 && !peer) return [];
  const p = (v: number[]) => summarize(v);
  const rows = results.map((r) => [
    r.store,
    r.model.label,
    fmt(p(r.e2e).p50),
    fmt(p(r.e2e).p95),
    fmt(p(r.forward).p50),
    fmt(p(r.outside).p50),
    fmt(p(r.outside).p95),
    fmt(p(r.outside).p50 / p(r.forward).p50, 2),
    fmt(p(r.stages.knn).p50, 2),
    fmt(r.batched.imagesPerS),
    fmt(r.load.perS),
    fmt(r.load.perS / r.batched.imagesPerS, 2),
  ]);
  if (peer)
    rows.push([
      'server',
      'original path: Flask + Pillow + PyTorch fp32 + psycopg2',
      fmt(p(peer.e2e).p50),
      fmt(p(peer.e2e).p95),
      '',
      '',
      '',
      '',
      '',
      '',
      fmt(peer.load.perS),
      '',
    ]);
  const targets: string[][] = [];
  const verdict = (ok: boolean) => (ok ? 'met' : 'NOT met');
  for (const r of results) {
    const ratio = p(r.outside).p50 / p(r.forward).p50;
    targets.push([
      `${r.model.label}: outside the forward pass ≤ 30% of its p50`,
      `${fmt(p(r.outside).p50)} / ${fmt(p(r.forward).p50)} ms = ${fmt(100 * ratio, 0)}%`,
      verdict(ratio <= 0.3),
    ]);
    const load = r.load.perS / r.batched.imagesPerS;
    targets.push([
      `${r.model.label}: ${CONCURRENCY}-client searches/s ≥ 0.8 × embedder batched images/s`,
      `${fmt(r.load.perS)} / ${fmt(r.batched.imagesPerS)} = ${fmt(load, 2)}`,
      verdict(load >= 0.8),
    ]);
    if (peer && r.model.key === 'vit-fp32') {
      const faster = p(peer.e2e).p50 / p(r.e2e).p50;
      targets.push([
        `${r.model.label}: ≥ 3× faster end to end (p50) than the original's path`,
        `${fmt(p(peer.e2e).p50)} / ${fmt(p(r.e2e).p50)} ms = ${fmt(faster, 2)}×`,
        verdict(faster >= 3),
      ]);
      const more = r.load.perS / peer.load.perS;
      targets.push([
        `${r.model.label}: ≥ 3× the original's ${CONCURRENCY}-client searches/s`,
        `${fmt(r.load.perS)} / ${fmt(peer.load.perS)} = ${fmt(more, 2)}×`,
        verdict(more >= 3),
      ]);
    }
  }
  return [
    "## Both stores and the original's path (same run)",
    '',
    markdownTable(
      [
        'store',
        'path',
        'e2e p50 ms',
        'e2e p95 ms',
        'forward p50 ms',
        'outside forward p50 ms',
        'outside forward p95 ms',
        'outside / forward',
        'kNN p50 ms',
        'embedder batched images/s',
        `${CONCURRENCY} clients searches/s`,
        'searches/s ÷ batched',
      ],
      rows,
      [
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
        'right',
        'right',
      ],
    ),
    '',
    ...(peer
      ? [
          `- original path: bench/peer/app.py (${peer.banner.replace(/^listening \d+ /, '')}), Flask's threaded`,
          `  server, ${peer.rows} vectors in peer_embeddings (vector(512) + HNSW) copied from our index of the same`,
          '  images by the same model; kNN `order by embedding <=> %s limit 50`, similarity ≥ 0.3, products',
          `  fetched by id. Same photos, client and counts as ours. Statuses: ${[...peer.statuses.entries()]
            .map(([st, n]) => `${st}×${n}`)
            .join(' ')}${peer.load.failed ? `, load: ${peer.load.failed} not 200` : ''}; matches p50 ${fmt(
            p(peer.matches).p50,
            0,
          )}; CPU sequential ${cpuCell(peer.latencyCpu)}, ${CONCURRENCY} clients ${cpuCell(peer.load.cpu)}.`,
        ]
      : []),
    `- embedder batched: the model alone over ${BATCHED_IMAGES} of the same photos, batch 16, the next batch decoded`,
    '  while the current one runs (no HTTP, no database): what the indexer gets out of the model.',
    '',
    '### Targets (issue 10, ratios in this run)',
    '',
    markdownTable(['target', 'measured', 'result'], targets),
    '',
  ];
}

/** With both stores the labels say which, so one report holds both. */
function storeModel(m: BenchModel, store: StoreKind): BenchModel {
  return STORES.length > 1 ? { ...m, label: `${m.label}, ${store}` } : m;
}

interface PeerResult {
  banner: string;
  rows: number;
  n: number;
  e2e: number[];
  statuses: Map<number, number>;
  matches: number[];
  latencyCpu: CpuReport;
  load: { n: number; perS: number; p50: number; p95: number; cpu: CpuReport; failed: number };
}

/**
 * The original's path (bench/peer/app.py) against the same server database, measured like ours:
 * same photos in the same order (the peer caches nothing), same warm-up, same client and counts.
 */
async function benchPeer(ctx: AppContext, model: BenchModel, images: Buffer[]): Promise<PeerResult> {
  const rows = await preparePeerTable(ctx.stores.catalog, model.id, model.dim);
  log(`peer: ${rows} vectors copied into peer_embeddings (HNSW); starting ${PEER_APP}`);
  // torch's own default thread count, as the original got it (--threads 0)
  const p = await startPeer({ dsn: databaseUrl(BENCH_DB), configDir: ensureRandomClip(), threads: 0 });
  log(`peer: ${p.banner}`);
  const agent = new http.Agent({ keepAlive: true, maxSockets: CONCURRENCY });
  try {
    const bodies = images.map(multipartBody);
    let next = 0;
    const take = () => bodies[next++] ?? bodies[(next - 1) % bodies.length]!;
    for (let i = 0; i < WARMUP; i++) await post(agent, p.port, take(), '/search');
    const seq = await measured('peer latency', async () => {
      log(`peer: ${N_REQUESTS} searches one at a time`);
      const e2e: number[] = [];
      const statuses = new Map<number, number>();
      const matches: number[] = [];
      const stop = cpuMonitor();
      for (let i = 0; i < N_REQUESTS; i++) {
        const r = await post(agent, p.port, take(), '/search');
        e2e.push(r.ms);
        statuses.set(r.status, (statuses.get(r.status) ?? 0) + 1);
        matches.push(r.count);
      }
      return { e2e, statuses, matches, cpu: stop() };
    });
    // our run embedded BATCHED_IMAGES photos alone between the two phases; the peer's load phase
    // starts at the same photo ours did
    const load = await measured('peer throughput', async () => {
      log(`peer: ${N_LOAD} searches from ${CONCURRENCY} clients`);
      const loadMs: number[] = [];
      let failed = 0;
      let issued = 0;
      const stop = cpuMonitor();
      await Promise.all(
        Array.from({ length: CONCURRENCY }, async () => {
          while (issued < N_LOAD) {
            issued++;
            const r = await post(agent, p.port, take(), '/search');
            loadMs.push(r.ms);
            if (r.status !== 200) failed++;
          }
        }),
      );
      return { loadMs, failed, cpu: stop() };
    });
    const l = summarize(load.loadMs);
    const result: PeerResult = {
      banner: p.banner,
      rows,
      n: N_REQUESTS,
      e2e: seq.e2e,
      statuses: seq.statuses,
      matches: seq.matches,
      latencyCpu: seq.cpu,
      load: {
        n: N_LOAD,
        perS: (1000 * N_LOAD) / load.cpu.wallMs,
        p50: l.p50,
        p95: l.p95,
        cpu: load.cpu,
        failed: load.failed,
      },
    };
    log(
      `  peer p50 ${fmt(summarize(seq.e2e).p50)} ms; ${fmt(result.load.perS)} searches/s with ${CONCURRENCY} clients`,
    );
    return result;
  } finally {
    agent.destroy();
    await p.stop();
  }
}

// ------------------------------------------------------------------------------------------------

function report(
  results: ModelResult[],
  info: ReturnType<typeof machineInfo>,
  startedAt: number,
  imageInfo: string,
  peer?: PeerResult,
) {
  const cmd = `npm run bench:search${process.argv.length > 2 ? ` -- ${process.argv.slice(2).join(' ')}` : ''}`;
  const p = (v: number[]) => summarize(v);
  const main = markdownTable(
    [
      'model',
      'query crops',
      'n',
      'e2e p50 ms',
      'e2e p95 ms',
      'forward p50 ms',
      'outside forward p50 ms',
      'outside forward p95 ms',
      `${CONCURRENCY} clients searches/s`,
      `${CONCURRENCY} clients p50 / p95 ms`,
      'HTTP status',
      'matches p50',
      'CPU sequential (ours / others)',
      `CPU ${CONCURRENCY} clients (ours / others)`,
    ],
    results.map((r) => [
      r.model.label,
      r.crops.join(', '),
      String(r.n),
      fmt(p(r.e2e).p50),
      fmt(p(r.e2e).p95),
      fmt(p(r.forward).p50),
      fmt(p(r.outside).p50),
      fmt(p(r.outside).p95),
      fmt(r.load.perS),
      `${fmt(r.load.p50)} / ${fmt(r.load.p95)}`,
      [...r.statuses.entries()].map(([s, n]) => `${s}×${n}`).join(' ') +
        (r.load.failed ? ` (load: ${r.load.failed} not 200)` : ''),
      fmt(p(r.matches).p50, 0),
      cpuCell(r.latencyCpu),
      cpuCell(r.load.cpu),
    ]),
    [
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
      'left',
      'right',
      'right',
      'right',
    ],
  );
  const stageNames = [
    'validate',
    'preprocess',
    'forward',
    'model lookup',
    'knn',
    'thumbnail',
    'save',
    'sha256',
    'crops',
    'other db',
    'rest',
  ] as const;
  const stageLabels: Record<(typeof stageNames)[number], string> = {
    validate: 'validate (sharp header probe) ¹',
    preprocess: 'decode + resize + normalize, all crops (embedder.preprocess)',
    forward: 'forward pass (embedder.embedPreprocessed)',
    'model lookup': 'serving-model and threshold lookups',
    knn: 'kNN k=400 (vectors.nearestImages transaction)',
    thumbnail: 'query thumbnail 160 px WebP ¹',
    save: 'saved-search insert',
    sha256: 'sha256 of the upload ¹',
    crops: 'query crops: decode ≤640 px + a PNG per crop (queryCrops) ¹',
    'other db': 'other store queries',
    rest: 'rest: HTTP, multipart, JSON, event loop (e2e minus the above)',
  };
  const breakdown = markdownTable(
    ['stage (sequential searches)', ...results.flatMap((r) => [`${r.model.label} p50`, 'mean'])],
    stageNames.map((s) => [
      stageLabels[s],
      ...results.flatMap((r) => [fmt(p(r.stages[s]).p50, 2), fmt(p(r.stages[s]).mean, 2)]),
    ]),
    ['left', ...results.flatMap((): Align[] => ['right', 'right'])],
  );
  const targets: string[][] = [];
  const vit = results.find((r) => r.model.key === 'vit-int8');
  const check = (
    what: string,
    goal: string,
    v: number | undefined,
    ok: (v: number) => boolean,
    unit: string,
  ) =>
    targets.push([
      what,
      goal,
      v === undefined ? 'not measured' : `${fmt(v)} ${unit}`,
      v === undefined ? '–' : ok(v) ? 'PASS' : 'FAIL',
    ]);
  check('ViT-B/32 int8: e2e p50', '≤ 30 ms', vit && p(vit.e2e).p50, (v) => v <= 30, 'ms');
  check(
    'ViT-B/32 int8: outside the forward pass, p50',
    '≤ 10 ms',
    vit && p(vit.outside).p50,
    (v) => v <= 10,
    'ms',
  );
  check(
    `ViT-B/32 int8: ${CONCURRENCY} clients`,
    '≥ 60 searches/s',
    vit?.load.perS,
    (v) => v >= 60,
    'searches/s',
  );

  const sideBySide = storesTable(results, peer);
  return [
    '# Search-by-photo benchmark',
    '',
    'Generated by `npm run bench:search` (bench/search.bench.ts); do not edit by hand.',
    '',
    machineInfoMarkdown(info),
    '',
    `Command: \`${cmd}\`${args.label ? ` (${args.label})` : ''}. onnxruntime intra-op threads: ${THREADS}; sharp ` +
      `concurrency ${sharp.concurrency()}; libuv threadpool ${process.env.UV_THREADPOOL_SIZE ?? '4 (default)'}; ` +
      `run took ${fmt((nowMs() - startedAt) / 60_000, 0)} min.`,
    '',
    ...(FULL_RUN
      ? []
      : [
          '**Shortened run**: the command above leaves out models, requests or images of the full run ' +
            '(`npm run bench:search` without options); what was left out is not in the tables.',
          '',
        ]),
    `Catalog: ${N_IMAGES} images (bench:index's store${STORES.length > 1 ? 's' : ''}: ${STORES.map((st) => (st === 'server' ? `PostgreSQL server database ${BENCH_DB}` : 'embedded PGlite')).join(', ')}; pgvector HNSW), each model benchmarked indexed.`,
    `Queries: ${imageInfo}; every request a different photo (the service caches query vectors by sha256).`,
    'Client: node:http keep-alive in the same process, body prebuilt; latency is from the request until the',
    'whole JSON reply has arrived. Server: `createWebApp(ctx, { logger: false, models, indexOnStart: false })`',
    '+ `app.listen` on 127.0.0.1, port 0. ViT-B/32 has random weights (same speed as the real export).',
    '',
    '## Results',
    '',
    main,
    '',
    `- ${WARMUP} warm-up searches per model first. "outside forward" = e2e minus the time inside`,
    "  embedder.embedPreprocessed for that request (timed by wrapping the model provider's loader).",
    `- ${CONCURRENCY} clients: ${N_LOAD} searches, each client sends its next search when its previous reply arrives.`,
    '',
    ...sideBySide,
    '## Where the time goes (one search at a time)',
    '',
    breakdown,
    '',
    '¹ timed alone on the same bytes after the run (the service does not expose them); the others are',
    'timed inside the running app by wrapping the embedder and the store.',
    '',
    '## Targets',
    '',
    markdownTable(['target', 'goal', 'measured', 'result'], targets),
    '',
    "## The service's kNN query (EXPLAIN ANALYZE of its last one, same statements and parameters)",
    '',
    ...results.flatMap((r) => [`${r.model.label}:`, '', '```', ...r.knnPlan, '```', '']),
  ].join('\n');
}

async function main() {
  const startedAt = nowMs();
  const info = machineInfo(REPO_DIR);
  for (const m of MODELS) m.modelDir();
  const needed = WARMUP + (N_REQUESTS + N_LOAD) * (1 + BUSY_RETRIES);
  const files = await ensureQueryImages(needed, log);
  const images = files.map((f) => readFileSync(f));
  const meta = await sharp(images[0]!).metadata();
  const avgKb = images.reduce((s, b) => s + b.length, 0) / images.length / 1024;
  const imageInfo = `${images.length} distinct ${meta.width}x${meta.height} JPEGs (q90, mean ${fmt(avgKb, 0)} KB) upscaled from the 296 val photos`;
  const fp32 = MODELS.find((m) => m.key === 'vit-fp32');
  if (args.peer && (!STORES.includes('server') || !fp32))
    throw new Error(
      '--peer needs --store server|both and the vit-fp32 model (the peer runs the same ViT in fp32)',
    );
  const settings = STORES.includes('server') ? await serverSettings() : undefined;
  const results: ModelResult[] = [];
  let peer: PeerResult | undefined;
  for (const store of STORES) {
    const ctx = await ensureIndexedStore(MODELS, store);
    try {
      for (const model of MODELS)
        results.push(await benchModel(ctx, storeModel(model, store), images, store));
      if (args.peer && store === 'server' && fp32) peer = await benchPeer(ctx, fp32, images);
    } finally {
      await ctx.close();
    }
  }
  const doc = report(results, info, startedAt, imageInfo, peer);
  if (args.json) {
    const cpu = (c: CpuReport) => ({ own: c.ownCores, others: c.otherCores });
    writeFileSync(
      args.json,
      JSON.stringify(
        {
          command: `npm run bench:search -- ${process.argv.slice(2).join(' ')}`,
          at: new Date().toISOString(),
          machine: info,
          server: settings,
          images: imageInfo,
          concurrency: CONCURRENCY,
          results: results.map((r) => ({
            store: r.store,
            model: r.model.key,
            e2e: summarize(r.e2e),
            forward: summarize(r.forward),
            outside: summarize(r.outside),
            stages: Object.fromEntries(Object.entries(r.stages).map(([k, v]) => [k, summarize(v)])),
            load: { ...r.load, cpu: cpu(r.load.cpu) },
            latencyCpu: cpu(r.latencyCpu),
            batched: { ...r.batched, cpu: cpu(r.batched.cpu) },
            statuses: Object.fromEntries(r.statuses),
            matches: summarize(r.matches),
            knnPlan: r.knnPlan,
          })),
          peer: peer && {
            banner: peer.banner,
            rows: peer.rows,
            e2e: summarize(peer.e2e),
            statuses: Object.fromEntries(peer.statuses),
            matches: summarize(peer.matches),
            latencyCpu: cpu(peer.latencyCpu),
            load: { ...peer.load, cpu: cpu(peer.load.cpu) },
          },
        },
        null,
        2,
      ),
    );
  }
  if (!args['no-doc']) {
    mkdirSync(path.dirname(DOC), { recursive: true });
    writeFileSync(DOC, doc);
    log(`wrote ${path.relative(process.cwd(), DOC)}`);
  } else {
    log('--no-doc: docs/bench-search.md left as it is');
  }
  console.log(doc);
}

await main();
