import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { createCatalogRepository } from '../../src/catalog/catalog.repository.ts';
import type { Db } from '../../src/db/db.client.ts';
import { openEmbeddedDb } from '../../src/db/db.embedded.ts';
import { migrate } from '../../src/db/db.migrate.ts';
import { openServerDb } from '../../src/db/db.server.ts';
import { catalogMigrations } from '../../src/db/migrations/catalog.migrations.ts';
import { vectorMigrations } from '../../src/db/migrations/vector.migrations.ts';
import { MAX_RESULTS, neighborsFor } from '../../src/search/search.service.ts';
import {
  createVectorRepository,
  MAX_KNN,
  vectorIndexName,
  type VectorRepository,
} from '../../src/search/vector.repository.ts';
import { freshServerDatabase, serverUnavailableReason } from '../helpers/test-env.ts';

const N = 10_000;
const DIM = 64;
const MODEL = 'knn-test';
/** a second model in the same table, so the index and the results must be the model's own */
const OTHER = 'knn-other';
const TWINS = [10_007, 10_003, 10_005, 10_001]; // one vector under four ids, written out of order

/** mulberry32: the same vectors on every run and on both stores */
function seeded(seed: number) {
  let s = seed >>> 0;
  const next = () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = Math.imul(s ^ (s >>> 15), s | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  return () => Math.sqrt(-2 * Math.log(next() || 1e-12)) * Math.cos(2 * Math.PI * next());
}

function unit(v: ArrayLike<number>): Float32Array {
  let n = 0;
  for (let i = 0; i < v.length; i++) n += v[i]! * v[i]!;
  return Float32Array.from(v, (x) => x / Math.sqrt(n));
}

/**
 * Products of 1-4 images: each image its product's direction in a 16-d latent space, mapped to 64-d
 * by a fixed matrix, plus noise; like photo embeddings, far fewer directions than dimensions.
 */
function makeVectors() {
  const gauss = seeded(7);
  const basis = Array.from({ length: 16 }, () => Array.from({ length: DIM }, gauss));
  const view = (center: number[]) => {
    const latent = center.map((c) => c + 0.35 * gauss());
    const v = Array.from({ length: DIM }, () => 0.1 * gauss());
    latent.forEach((l, j) => basis[j]!.forEach((b, i) => (v[i]! += l * b)));
    return unit(v);
  };
  const items: { task: { imageId: number; productId: number; sha256: string }; vector: Float32Array }[] = [];
  const centers: number[][] = [];
  while (items.length < N) {
    const center = Array.from({ length: 16 }, gauss);
    centers.push(center);
    const images = 1 + (centers.length % 4);
    for (let i = 0; i < images && items.length < N; i++) {
      const imageId = items.length + 1;
      items.push({
        task: { imageId, productId: centers.length, sha256: `s${imageId}` },
        vector: view(center),
      });
    }
  }
  const twin = view(centers[0]!);
  for (const imageId of TWINS)
    items.push({ task: { imageId, productId: 90_000 + imageId, sha256: `t${imageId}` }, vector: twin });
  const queries = Array.from({ length: 40 }, (_, i) => view(centers[(i * 97) % centers.length]!));
  return { items, queries, twin };
}

const data = makeVectors();

/** Exact top-k in float64, closest first, ties by image id: what the index is measured against. */
function exactTop(q: Float32Array, k: number): number[] {
  return data.items
    .map(({ task, vector }) => {
      let dot = 0;
      for (let i = 0; i < DIM; i++) dot += vector[i]! * q[i]!;
      return { id: task.imageId, d: 1 - dot };
    })
    .sort((a, b) => a.d - b.d || a.id - b.id)
    .slice(0, k)
    .map((x) => x.id);
}

function knnSuite(store: string, open: () => Promise<{ db: Db; close(): Promise<void> }>) {
  describe(`kNN on the ${store} store`, () => {
    let opened: { db: Db; close(): Promise<void> };
    let vectors: VectorRepository;

    before(async () => {
      opened = await open();
      await migrate(opened.db, 'vectors', vectorMigrations);
      vectors = createVectorRepository(opened.db);
      for (let i = 0; i < data.items.length; i += 1000)
        await vectors.saveVectors(MODEL, DIM, data.items.slice(i, i + 1000));
      await vectors.saveVectors(
        OTHER,
        32,
        data.items.slice(0, 1000).map((x) => ({ task: x.task, vector: x.vector.slice(0, 32) })),
      );
      await vectors.ensureIndex(MODEL, DIM);
      await vectors.ensureIndex(OTHER, 32);
      await vectors.analyzeEmbeddings();
    });
    after(() => opened?.close());

    it('plans the statement nearestImages runs as a scan of the model’s HNSW index', async () => {
      for (const k of [50, 100]) {
        const plan = await vectors.explainNearestImages(MODEL, DIM, data.queries[0]!, k);
        const text = plan.join('\n');
        assert.match(
          text,
          new RegExp(`Index Scan using ${vectorIndexName(MODEL)} on image_embeddings`),
          text,
        );
        assert.match(text, /Order By: \(\(embedding\)::vector\(64\) <=>/, text);
        assert.doesNotMatch(text, /Seq Scan|Bitmap/, text);
      }
      // the executed plan too: the index hands over k rows, the tie-break sorts only those
      const analyzed = await vectors.explainNearestImages(MODEL, DIM, data.queries[1]!, 50, {
        analyze: true,
      });
      const scan = analyzed.find((l) => l.includes(`Index Scan using ${vectorIndexName(MODEL)}`));
      assert.match(scan ?? '', /actual rows=50(\.00)? /, analyzed.join('\n'));
    });

    it('returns the closest first with ties broken by image id, only the model’s own images', async () => {
      const got = await vectors.nearestImages(MODEL, DIM, data.twin, 50);
      assert.equal(got.length, 50);
      assert.deepEqual(
        got.slice(0, 4).map((n) => n.imageId),
        [...TWINS].sort((a, b) => a - b),
      );
      assert.ok(got.slice(0, 4).every((n) => Math.abs(n.similarity - 1) < 1e-5));
      for (let i = 1; i < got.length; i++) {
        const [a, b] = [got[i - 1]!, got[i]!];
        assert.ok(a.similarity > b.similarity || (a.similarity === b.similarity && a.imageId < b.imageId));
      }
      const other = await vectors.nearestImages(OTHER, 32, data.twin.slice(0, 32), 2000);
      assert.equal(other.length, 1000); // the other model's 1000 rows, none of MODEL's
    });

    it('keeps recall@50 against exact search at 0.95 or more', async () => {
      let hits = 0;
      for (const q of data.queries) {
        const truth = new Set(exactTop(q, 50));
        const got = await vectors.nearestImages(MODEL, DIM, q, 50);
        hits += got.filter((n) => truth.has(n.imageId)).length;
      }
      const recall = hits / (50 * data.queries.length);
      assert.ok(recall >= 0.95, `recall@50 ${recall}`);
    });

    it('counts images per product in the catalog, the figure k is chosen from', async () => {
      await migrate(opened.db, 'catalog', catalogMigrations);
      const catalog = createCatalogRepository(opened.db);
      assert.deepEqual(await catalog.imagesPerProduct(), { products: 0, p95: 0, max: 0 });
      // 20 products with 1..20 images: p95 is the 19th product's 19 images, the largest has 20
      await opened.db.transaction(async (tx) => {
        for (let p = 1; p <= 20; p++) {
          const { id } = await catalog.upsertProduct(tx, {
            sku: `K-${p}`,
            name: `Item ${p}`,
            description: '',
            category: null,
            supplier: null,
            price: null,
            currency: null,
            attributes: {},
          });
          for (let i = 0; i < p; i++)
            await catalog.addImage(tx, id, {
              source: `${p}-${i}.png`,
              sha256: `${p}-${i}`,
              contentType: 'image/png',
              bytes: 1,
              width: 1,
              height: 1,
            });
        }
      });
      const stats = await catalog.imagesPerProduct();
      assert.deepEqual(stats, { products: 20, p95: 19, max: 20 });
      assert.equal(neighborsFor(stats), (MAX_RESULTS + 1) * 19);
      assert.equal(neighborsFor({ p95: 25 }), MAX_KNN);
      assert.equal(neighborsFor({ p95: 1 }), MAX_RESULTS + 1);
      assert.equal(neighborsFor({ p95: 0 }), MAX_RESULTS + 1);
      assert.equal(neighborsFor({ p95: 4 }), (MAX_RESULTS + 1) * 4);
    });
  });
}

knnSuite('embedded', async () => {
  const db = await openEmbeddedDb('memory://');
  return { db, close: () => db.close() };
});

const unavailable = await serverUnavailableReason();
if (unavailable) {
  console.log(`# skipping the kNN plan tests on the PostgreSQL server: ${unavailable}`);
  describe('kNN on the server store', () => it('needs a server', { skip: unavailable }, () => {}));
} else {
  knnSuite('server', async () => {
    const fresh = await freshServerDatabase();
    const db = await openServerDb(fresh.url);
    return {
      db,
      async close() {
        await db.close();
        await fresh.drop();
      },
    };
  });
}
