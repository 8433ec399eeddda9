import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { openServerDb } from '../../src/db/db.server.ts';
import type { Db } from '../../src/db/db.client.ts';
import { openStores, type Stores } from '../../src/db/db.stores.ts';
import {
  createVectorRepository,
  type CatalogImageRef,
  type VectorRepository,
} from '../../src/search/vector.repository.ts';
import { storeMatrix, type OpenedStore } from '../helpers/stores.ts';

const DIM = 8;

/** Deterministic unit vectors (a small LCG), distinct enough that no two similarities tie. */
function vectors(n: number, seed: number): Float32Array[] {
  let s = seed;
  const next = () => {
    s = (s * 1103515245 + 12345) % 2147483648;
    return s / 2147483648 - 0.5;
  };
  return Array.from({ length: n }, () => {
    const v = Float32Array.from({ length: DIM }, next);
    const norm = Math.hypot(...v);
    return v.map((x) => x / norm);
  });
}

const cosine = (a: Float32Array, b: Float32Array) => {
  let dot = 0;
  for (let i = 0; i < a.length; i++) dot += a[i]! * b[i]!;
  return dot / (Math.hypot(...a) * Math.hypot(...b));
};

/** Images 1..n, two per product. */
const refs = (n: number, from = 1): CatalogImageRef[] =>
  Array.from({ length: n }, (_, i) => ({
    imageId: from + i,
    productId: Math.ceil((from + i) / 2),
    sha256: `sha-${from + i}`,
  }));

const sync = (repo: VectorRepository, model: string, images: CatalogImageRef[], retryFailed = false) =>
  repo.syncTasks(model, images, { force: false, retryFailed });

/** Claims and embeds (from `table`, by image id) every queued task of the model. */
async function embedAll(repo: VectorRepository, model: string, table: Map<number, Float32Array>) {
  for (
    let batch = await repo.claim(model, 'w', 50, 60);
    batch.length;
    batch = await repo.claim(model, 'w', 50, 60)
  )
    await repo.saveVectors(
      model,
      DIM,
      batch.map((task) => ({ task, vector: table.get(task.imageId)! })),
    );
}

for (const store of await storeMatrix())
  describe(`vector repository contract (${store.name} store)`, { skip: store.skip }, () => {
    let opened: OpenedStore;
    let stores: Stores;
    let repo: VectorRepository;
    /** a second connection pool on the same store, as another process has (the same one when embedded) */
    let other: Db;
    let otherRepo: VectorRepository;

    before(async () => {
      opened = await store.open();
      stores = await openStores({
        dataDir: 'memory://',
        databaseUrl: opened.url,
        vectorDatabaseUrl: undefined,
      });
      repo = createVectorRepository(stores.vectors!);
      other = opened.url ? await openServerDb(opened.url) : stores.vectors!;
      otherRepo = createVectorRepository(other);
    });
    after(async () => {
      if (other && other !== stores?.vectors) await other.close();
      await stores?.close();
      await opened?.close();
    });

    it('syncTasks queues images without a current vector and drops vectors and tasks of images gone or changed', async () => {
      const model = 'sync';
      const table = new Map(vectors(10, 1).map((v, i) => [i + 1, v]));
      assert.deepEqual(await sync(repo, model, refs(10)), { added: 10, removed: 0 });
      assert.deepEqual(await sync(repo, model, refs(10)), { added: 0, removed: 0 }, 'idempotent');
      await embedAll(repo, model, table);
      assert.deepEqual(await repo.counts(model), {
        total: 10,
        embedded: 10,
        failed: 0,
        pending: 0,
        leased: 0,
      });
      assert.deepEqual(await sync(repo, model, refs(10)), { added: 0, removed: 0 }, 'nothing to redo');

      // image 1's content changed, image 2 left the catalog, image 11 is new
      const now = [{ ...refs(1)[0]!, sha256: 'sha-1-new' }, ...refs(8, 3), ...refs(1, 11)];
      assert.deepEqual(await sync(repo, model, now), { added: 2, removed: 2 });
      const queued = await repo.claim(model, 'w', 50, 60);
      assert.deepEqual(
        queued.map((t) => [t.imageId, t.productId, t.sha256, t.attempts]),
        [
          [1, 1, 'sha-1-new', 1],
          [11, 6, 'sha-11', 1],
        ],
      );
      assert.equal(await repo.vectorOf(model, 2), null);
      assert.equal(await repo.vectorOf(model, 1), null, 'a vector of old content never answers');
      assert.deepEqual(await repo.counts(model), {
        total: 10,
        embedded: 8,
        failed: 0,
        pending: 2,
        leased: 2,
      });
    });

    it('claims with a lease: concurrent claims from two pools split the queue; leased rows wait for release or expiry', async () => {
      const model = 'claim';
      await sync(repo, model, refs(40));
      const claimed: number[][] = [[], []];
      const drain = async (r: VectorRepository, worker: number) => {
        for (let batch = await r.claim(model, `w${worker}`, 3, 60); batch.length;) {
          claimed[worker]!.push(...batch.map((t) => t.imageId));
          batch = await r.claim(model, `w${worker}`, 3, 60);
        }
      };
      await Promise.all([drain(repo, 0), drain(otherRepo, 1)]);
      const all = [...claimed[0]!, ...claimed[1]!].sort((a, b) => a - b);
      assert.deepEqual(
        all,
        refs(40).map((r) => r.imageId),
        'every task claimed exactly once',
      );
      assert.equal((await repo.counts(model)).leased, 40);
      assert.deepEqual(await repo.claim(model, 'w2', 10, 60), [], 'leased rows are not handed out again');

      // a clean shutdown hands back its own rows only
      await repo.releaseLeases(model, 'w0');
      const back = await otherRepo.claim(model, 'w3', 100, 60);
      assert.deepEqual(
        back.map((t) => t.imageId),
        [...claimed[0]!].sort((a, b) => a - b),
      );
      assert.ok(
        back.every((t) => t.attempts === 2),
        'a second claim counts a second attempt',
      );

      // a killed worker's lease runs out: its rows become claimable again
      await stores.vectors!.query(
        `update index_tasks set claimed_until = now() - interval '1 second' where model = $1 and claimed_by = 'w1'`,
        [model],
      );
      const expired = await repo.claim(model, 'w4', 100, 60);
      assert.deepEqual(
        expired.map((t) => t.imageId),
        [...claimed[1]!].sort((a, b) => a - b),
      );
    });

    it(
      'skips rows another connection is claiming instead of waiting for them (FOR UPDATE SKIP LOCKED)',
      {
        skip:
          store.name === 'embedded' &&
          'the embedded store has one connection: no other one can hold a row lock while it claims',
      },
      async () => {
        const model = 'locked';
        await sync(repo, model, refs(6));
        // Another worker is mid-claim: its transaction holds the first two rows.
        const seen = await other.transaction(async (tx) => {
          await tx.query(
            'select image_id from index_tasks where model = $1 order by image_id limit 2 for update',
            [model],
          );
          return repo.claim(model, 'w', 10, 60);
        });
        assert.deepEqual(
          seen.map((t) => t.imageId),
          [3, 4, 5, 6],
        );
        assert.deepEqual(
          (await repo.claim(model, 'w', 10, 60)).map((t) => t.imageId),
          [1, 2],
          'free again once that transaction ends',
        );
      },
    );

    it('saveVectors stores vectors and retires their tasks together; a second save replaces the vector', async () => {
      const model = 'save';
      const [v1, v2] = vectors(2, 7);
      await sync(repo, model, refs(2));
      const tasks = await repo.claim(model, 'w', 10, 60);
      await repo.saveVectors(model, DIM, [{ task: tasks[0]!, vector: v1! }]);
      assert.deepEqual(await repo.counts(model), { total: 2, embedded: 1, failed: 0, pending: 1, leased: 1 });
      const stored = (await repo.vectorOf(model, 1))!;
      assert.equal(stored.length, DIM);
      stored.forEach((x, i) => assert.ok(Math.abs(x - v1![i]!) < 1e-6));
      await repo.saveVectors(model, DIM, [{ task: tasks[0]!, vector: v2! }]);
      assert.ok(Math.abs(cosine((await repo.vectorOf(model, 1))!, v2!) - 1) < 1e-6);
      assert.equal((await repo.counts(model)).embedded, 1, 'replaced, not added');
      assert.deepEqual(
        (await repo.productVectors(model, 1)).map((p) => p.imageId),
        [1],
      );
      const models = await stores.vectors!.query('select id, dim from embedding_models where id = $1', [
        model,
      ]);
      assert.deepEqual(models.rows, [{ id: model, dim: DIM }]);
    });

    it('marks failures with their reason, skips them when claiming, and retries them on request', async () => {
      const model = 'fail';
      await sync(repo, model, refs(3));
      await repo.claim(model, 'w', 10, 60);
      await repo.markFailed(model, [{ imageId: 2, reason: 'cannot decode' }]);
      assert.deepEqual(await repo.failures(model), [{ imageId: 2, productId: 1, reason: 'cannot decode' }]);
      await repo.releaseLeases(model);
      assert.deepEqual(
        (await repo.claim(model, 'w', 10, 60)).map((t) => t.imageId),
        [1, 3],
      );
      assert.equal(await repo.retryFailed(model, [2]), 1);
      assert.deepEqual(await repo.failures(model), []);
      assert.deepEqual(
        (await repo.claim(model, 'w', 10, 60)).map((t) => [t.imageId, t.attempts]),
        [[2, 1]],
        'a retry starts its attempts again',
      );
    });

    it('nearestImages returns this model’s closest images by cosine similarity, best first, with and without the HNSW index', async () => {
      const model = 'knn';
      const table = new Map(vectors(60, 11).map((v, i) => [i + 1, v]));
      await sync(repo, model, refs(60));
      await embedAll(repo, model, table);
      // another model's vectors (another dimension) in the same table never answer
      await sync(repo, 'knn-other', refs(60));
      for (let batch = await repo.claim('knn-other', 'w', 60, 60); batch.length; batch = [])
        await repo.saveVectors(
          'knn-other',
          4,
          batch.map((task) => ({ task, vector: Float32Array.from([1, 0, 0, 0]) })),
        );

      const query = vectors(1, 99)[0]!;
      const exact = [...table]
        .map(([imageId, v]) => ({ imageId, productId: Math.ceil(imageId / 2), similarity: cosine(query, v) }))
        .sort((a, b) => b.similarity - a.similarity);
      const check = (found: Awaited<ReturnType<VectorRepository['nearestImages']>>, k: number) => {
        assert.equal(found.length, k);
        assert.deepEqual(
          found.map((f) => [f.imageId, f.productId]),
          exact.slice(0, k).map((e) => [e.imageId, e.productId]),
        );
        found.forEach((f, i) => assert.ok(Math.abs(f.similarity - exact[i]!.similarity) < 1e-5));
      };
      check(await repo.nearestImages(model, DIM, query, 10), 10);
      await repo.ensureIndex(model, DIM);
      // 60 rows: HNSW returns every one, so the index must not change what is found
      check(await repo.nearestImages(model, DIM, query, 10), 10);
      check(await repo.nearestImages(model, DIM, query, 1000), 60);
      // an image's own vector is its nearest neighbour
      const own = await repo.nearestImages(model, DIM, table.get(17)!, 1);
      assert.equal(own[0]!.imageId, 17);
      assert.ok(Math.abs(own[0]!.similarity - 1) < 1e-5);
    });

    it('removes images and products from every model; requeued images keep answering until re-embedded', async () => {
      // images 101..108 of products 51..54: ids no other test here uses, as removal spans every model
      const table = new Map(vectors(8, 23).map((v, i) => [101 + i, v]));
      for (const model of ['rm-a', 'rm-b']) {
        await sync(repo, model, refs(8, 101));
        await embedAll(repo, model, table);
      }
      const replacement = vectors(1, 31)[0]!;
      assert.equal(await repo.requeue('rm-a', refs(1, 105)), 1);
      assert.deepEqual(await repo.counts('rm-a'), {
        total: 9,
        embedded: 8,
        failed: 0,
        pending: 1,
        leased: 0,
      });
      const hit = await repo.nearestImages('rm-a', DIM, table.get(105)!, 1);
      assert.equal(hit[0]!.imageId, 105, 'the old vector still answers while the new one is made');
      await repo.saveVectors('rm-a', DIM, [{ task: refs(1, 105)[0]!, vector: replacement }]);
      assert.equal((await repo.nearestImages('rm-a', DIM, replacement, 1))[0]!.imageId, 105);
      assert.equal((await repo.counts('rm-a')).pending, 0);

      await repo.requeue('rm-b', refs(1, 103));
      assert.equal(await repo.removeImages([103, 104]), 4, 'both models’ vectors of both images');
      for (const model of ['rm-a', 'rm-b']) {
        assert.equal(await repo.vectorOf(model, 103), null);
        assert.deepEqual(await repo.counts(model), {
          total: 6,
          embedded: 6,
          failed: 0,
          pending: 0,
          leased: 0,
        });
      }
      assert.equal(await repo.removeProducts([51, 54]), 8, 'images 101, 102, 107, 108 in both models');
      const left = await repo.nearestImages('rm-b', DIM, table.get(105)!, 100);
      assert.deepEqual(
        left.map((n) => n.imageId).sort((a, b) => a - b),
        [105, 106],
      );
    });
  });
