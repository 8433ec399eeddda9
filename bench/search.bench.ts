/**
 * Search by photo end to end: the real web app on 127.0.0.1, HTTP POST /api/search-by-image with a
 * ~1 MP JPEG, until the JSON has arrived; on the 13,350-image catalog indexed by bench:index.
 *
 *   npm run bench:search [-- --models mobilenet,vit-int8,vit-fp32] [--requests 200] [--concurrency 8]
 *                         [--load-requests 320] [--label text] [--no-doc]
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

const DOC = path.join(REPO_DIR, 'docs', 'bench-search.md');
const THREADS = 2;
const WARMUP = 16;
const BUSY_CORES = 0.25;

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
  },
});
const MODELS = parseModelList(args.models);
const N_REQUESTS = Number(args.requests ?? 200);
const CONCURRENCY = Number(args.concurrency ?? 8);
const N_LOAD = Number(args['load-requests'] ?? 320);
/** catalog size expected in the store (smaller only with bench:index --images, for quick checks) */
const N_IMAGES = Number(args.images ?? CATALOG_SIZE);
const FULL_RUN = MODELS.length === 3 && N_REQUESTS >= 200 && N_IMAGES === CATALOG_SIZE;

const log = (m: string) => console.error(`bench:search: ${m}`);

const BUSY_RETRIES = Number(process.env.BENCH_BUSY_RETRIES ?? 1);
const { measured, cpuCell } = createMeasurer({ log, busyCores: BUSY_CORES, retries: BUSY_RETRIES });

// ------------------------------------------------------------------------------------------------
// the indexed store

/** Reuses bench:index's store when complete; otherwise imports the catalog and indexes it (untimed). */
async function ensureIndexedStore(models: BenchModel[]): Promise<AppContext> {
  const open = () => createAppContext(benchConfig(models[0]!, { dataDir: INDEX_DATA_DIR, threads: THREADS }));
  let ctx = existsSync(INDEX_DATA_DIR) ? await open() : null;
  if (!ctx || (await ctx.repository.imageRefs()).length !== N_IMAGES) {
    await ctx?.close();
    log(`no complete ${N_IMAGES}-image store in ${path.relative(process.cwd(), INDEX_DATA_DIR)}: importing`);
    const catalog = await ensureCatalog(CATALOG_SIZE, log);
    rmSync(INDEX_DATA_DIR, { recursive: true, force: true });
    ctx = await open();
    await ctx.importer.importFile(catalog.csvFor(N_IMAGES));
  }
  const vectors = createVectorRepository(ctx.stores.vectors!);
  const complete = new Set((await vectors.completedModels()).map((m) => m.id));
  for (const model of models) {
    const counts = await vectors.counts(model.id);
    if (complete.has(model.id) && counts.embedded === N_IMAGES && counts.pending === 0) continue;
    log(`${model.label}: indexing ${N_IMAGES} images first (not timed; bench:index measures this)`);
    const embedder = await openBenchEmbedder(
      model,
      benchConfig(model, { dataDir: INDEX_DATA_DIR, threads: THREADS }),
    );
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

function post(agent: http.Agent, port: number, req: { body: Buffer; contentType: string }): Promise<Reply> {
  return new Promise((resolve, reject) => {
    const t = nowMs();
    const r = http.request(
      {
        host: '127.0.0.1',
        port,
        method: 'POST',
        path: '/api/search-by-image',
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

async function benchModel(base: AppContext, model: BenchModel, images: Buffer[]): Promise<ModelResult> {
  const config = benchConfig(model, { dataDir: INDEX_DATA_DIR, threads: THREADS });
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

// ------------------------------------------------------------------------------------------------

function report(
  results: ModelResult[],
  info: ReturnType<typeof machineInfo>,
  startedAt: number,
  imageInfo: string,
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
    `Catalog: ${N_IMAGES} images (bench:index's store, embedded PGlite + pgvector HNSW), each model benchmarked indexed.`,
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
  const ctx = await ensureIndexedStore(MODELS);
  const results: ModelResult[] = [];
  try {
    for (const model of MODELS) results.push(await benchModel(ctx, model, images));
  } finally {
    await ctx.close();
  }
  const doc = report(results, info, startedAt, imageInfo);
  if (args.json) {
    writeFileSync(
      args.json,
      JSON.stringify(
        results.map((r) => ({
          model: r.model.key,
          e2e: summarize(r.e2e),
          forward: summarize(r.forward),
          outside: summarize(r.outside),
          stages: Object.fromEntries(Object.entries(r.stages).map(([k, v]) => [k, summarize(v)])),
          load: { ...r.load },
        })),
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
