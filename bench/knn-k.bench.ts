/**
 * What k costs: vectors.nearestImages at k = 50, 100, 400, 1000 on the same vectors in the embedded
 * store (PGlite) and on the server (a database of its own, dropped after), so the k that photo search
 * asks for (search.service.ts, from the catalog's images per product) can be judged.
 *
 *   node --import tsx bench/knn-k.bench.ts [--vectors 13350] [--dim 512] [--queries 200] [--store both]
 *
 * Vectors: products with 1-8 images each (seeded), every image its product's direction plus noise,
 * unit length; queries are new noisy views of random products. Written through the repository,
 * indexed and analyzed as the indexer does. Recall@k against exact top-k computed here in float64.
 * Writes docs/bench-knn.md (--no-doc: prints it only).
 */
import { writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import type { Db } from '../src/db/db.client.ts';
import { openEmbeddedDb } from '../src/db/db.embedded.ts';
import { migrate } from '../src/db/db.migrate.ts';
import { openServerDb } from '../src/db/db.server.ts';
import { vectorMigrations } from '../src/db/migrations/vector.migrations.ts';
import { createVectorRepository, vectorIndexName } from '../src/search/vector.repository.ts';
import { freshServerDatabase, serverUnavailableReason } from '../test/helpers/test-env.ts';
import {
  fmt,
  machineInfo,
  machineInfoMarkdown,
  markdownTable,
  nowMs,
  seededRandom,
  summarize,
} from './bench.util.ts';

const { values: args } = parseArgs({
  options: {
    vectors: { type: 'string', default: '13350' },
    dim: { type: 'string', default: '512' },
    queries: { type: 'string', default: '200' },
    store: { type: 'string', default: 'both' },
    'no-doc': { type: 'boolean', default: false },
  },
});
const N = Number(args.vectors);
const DIM = Number(args.dim);
const QUERIES = Number(args.queries);
const KS = [50, 100, 400, 1000];
const MODEL = 'bench-knn';
const log = (m: string) => process.stderr.write(`${m}\n`);

function unit(v: Float64Array): Float32Array {
  const n = Math.hypot(...v) || 1;
  return Float32Array.from(v, (x) => x / n);
}

/**
 * Embeddings of photos vary along far fewer directions than they have dimensions: products are
 * drawn in a 32-d latent space and mapped into DIM dimensions by a fixed random matrix, with a
 * little isotropic noise. (Independent Gaussian vectors of 512-d would be the HNSW worst case,
 * every neighbour beyond the product's own images at the same distance.)
 */
function makeData() {
  const rnd = seededRandom(42);
  const gauss = () => Math.sqrt(-2 * Math.log(rnd() || 1e-12)) * Math.cos(2 * Math.PI * rnd());
  const LATENT = 32;
  const basis = Array.from({ length: LATENT }, () => Float64Array.from({ length: DIM }, gauss));
  const embed = (latent: Float64Array) => {
    const v = Float64Array.from({ length: DIM }, () => 0.15 * gauss());
    for (let j = 0; j < LATENT; j++) for (let i = 0; i < DIM; i++) v[i]! += latent[j]! * basis[j]![i]!;
    return unit(v);
  };
  const view = (center: Float64Array) => embed(Float64Array.from(center, (c) => c + 0.35 * gauss()));
  const centers: Float64Array[] = [];
  const items: { task: { imageId: number; productId: number; sha256: string }; vector: Float32Array }[] = [];
  while (items.length < N) {
    const center = Float64Array.from({ length: LATENT }, gauss);
    centers.push(center);
    const productId = centers.length;
    const images = 1 + Math.floor(rnd() * rnd() * 8);
    for (let i = 0; i < images && items.length < N; i++) {
      items.push({
        task: { imageId: items.length + 1, productId, sha256: `s${items.length}` },
        vector: view(center),
      });
    }
  }
  const queries = Array.from({ length: QUERIES }, () => view(centers[Math.floor(rnd() * centers.length)]!));
  return { items, queries, products: centers.length };
}

function exactTop(items: ReturnType<typeof makeData>['items'], q: Float32Array, k: number): number[] {
  const scored = items.map((it) => {
    let dot = 0;
    for (let i = 0; i < DIM; i++) dot += it.vector[i]! * q[i]!;
    return { id: it.task.imageId, d: 1 - dot };
  });
  scored.sort((a, b) => a.d - b.d || a.id - b.id);
  return scored.slice(0, k).map((s) => s.id);
}

async function measure(db: Db, data: ReturnType<typeof makeData>, exact: Map<number, number[][]>) {
  await migrate(db, 'vectors', vectorMigrations);
  const repo = createVectorRepository(db);
  for (let i = 0; i < data.items.length; i += 500)
    await repo.saveVectors(MODEL, DIM, data.items.slice(i, i + 500));
  let t = nowMs();
  await repo.ensureIndex(MODEL, DIM);
  const buildMs = nowMs() - t;
  t = nowMs();
  await repo.analyzeEmbeddings();
  const analyzeMs = nowMs() - t;
  log(`  HNSW build ${fmt(buildMs / 1000, 1)} s, ANALYZE ${fmt(analyzeMs, 0)} ms`);
  const rows = [];
  for (const k of KS) {
    const plan = await repo.explainNearestImages(MODEL, DIM, data.queries[0]!, k);
    const usesIndex = plan.some((l) => l.includes(vectorIndexName(MODEL)));
    for (const q of data.queries.slice(0, 10)) await repo.nearestImages(MODEL, DIM, q, k); // warm-up
    const times: number[] = [];
    let hits = 0;
    for (const [qi, q] of data.queries.entries()) {
      const t = nowMs();
      const got = await repo.nearestImages(MODEL, DIM, q, k);
      times.push(nowMs() - t);
      const truth = new Set(exact.get(k)![qi]);
      hits += got.filter((g) => truth.has(g.imageId)).length;
    }
    const s = summarize(times);
    rows.push({ k, p50: s.p50, p95: s.p95, recall: hits / (k * data.queries.length), usesIndex, analyzeMs });
    log(`  k=${k}: p50 ${fmt(s.p50, 2)} ms, p95 ${fmt(s.p95, 2)} ms, ${usesIndex ? 'HNSW' : 'NO INDEX'}`);
  }
  return rows;
}

const data = makeData();
log(`${N} vectors of ${DIM}-d, ${data.products} products; exact top-k for ${QUERIES} queries`);
const top = data.queries.map((q) => exactTop(data.items, q, Math.max(...KS)));
const exact = new Map(KS.map((k) => [k, top.map((t) => t.slice(0, k))]));
const table: string[][] = [];
const stores = args.store === 'both' ? ['embedded', 'server'] : [args.store!];
for (const store of stores) {
  log(store);
  let rows;
  if (store === 'embedded') {
    const db = await openEmbeddedDb('memory://');
    try {
      rows = await measure(db, data, exact);
    } finally {
      await db.close();
    }
  } else {
    const why = await serverUnavailableReason();
    if (why) {
      log(`server skipped: ${why}`);
      continue;
    }
    const fresh = await freshServerDatabase();
    const db = await openServerDb(fresh.url);
    try {
      rows = await measure(db, data, exact);
    } finally {
      await db.close();
      await fresh.drop();
    }
  }
  for (const r of rows)
    table.push([
      store,
      String(r.k),
      fmt(r.p50, 2),
      fmt(r.p95, 2),
      fmt(r.recall, 3),
      r.usesIndex ? 'HNSW index scan' : 'sequential scan + top-N sort',
      fmt(r.analyzeMs, 0),
    ]);
}
const load = () =>
  os
    .loadavg()
    .map((l) => l.toFixed(1))
    .join(' / ');
const doc = `# What k costs: the kNN at k = 50, 100, 400, 1000

Generated by \`bench/knn-k.bench.ts\`; do not edit by hand.

${machineInfoMarkdown(machineInfo())}

Command: \`node --import tsx bench/knn-k.bench.ts ${process.argv.slice(2).join(' ')}\`.
Load average (1/5/15 min) at the end: ${load()} on ${os.availableParallelism()} cores: other work shared
the machine, so compare the rows with each other rather than with other runs.

${N} vectors of ${DIM}-d (${data.products} products of 1-8 images, seeded, in a 32-d latent space),
the same in both stores: embedded PGlite in memory and the PostgreSQL server (a database of its own).
Written through the vector repository, indexed by \`ensureIndex\` and analyzed as the indexer does.
Each row: ${QUERIES} queries through \`vectors.nearestImages\` (its whole transaction), after 10 warm-up
queries; recall@k against exact top-k computed in float64. "plan" is \`explainNearestImages\` for that k.

${markdownTable(['store', 'k', 'p50 ms', 'p95 ms', 'recall@k', 'plan', 'ANALYZE ms'], table, [
  'left',
  'right',
  'right',
  'right',
  'right',
  'left',
  'right',
])}

Photo search asks for k = 51 × the 95th percentile of images per product (at most 1000; search.service.ts
\`neighborsFor\`): 51 for a catalog of one photo per product, 408 for 8. ef_search is 2k (64 to 1000).
Where the planner picks a sequential scan at k = 1000 it judged reading every row of the model cheaper
than an HNSW search with ef_search = 1000 over a set this small; recall is then exact.
`;
if (!args['no-doc']) {
  const file = path.resolve(import.meta.dirname, '../docs/bench-knn.md');
  writeFileSync(file, doc);
  log(`wrote ${path.relative(process.cwd(), file)}`);
}
console.log(doc);
