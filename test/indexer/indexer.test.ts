import assert from 'node:assert/strict';
import fs from 'node:fs/promises';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { createAppContext, type AppContext } from '../../src/app/app.context.ts';
import { createFakeEmbedder } from '../../src/embedding/embedder.fake.ts';
import type { Embedder } from '../../src/embedding/embedding.types.ts';
import { createIndexer } from '../../src/indexer/indexer.service.ts';
import { activateModel, resolveServingModel } from '../../src/search/active-model.ts';
import { createVectorRepository, type VectorRepository } from '../../src/search/vector.repository.ts';
import { storeMatrix, type OpenedStore } from '../helpers/stores.ts';
import { tempDir, testConfig, writeImage } from '../helpers/test-env.ts';

/** n products with one distinct image each (colour varies with i). */
async function writeCatalog(dir: string, n: number, offset = 0): Promise<string> {
  const lines = ['sku,name,images'];
  for (let i = 0; i < n; i++) {
    const c = (i + offset) * 7;
    await writeImage(
      path.join(dir, `img${i}.png`),
      { r: c % 256, g: (c * 3) % 256, b: (c * 5) % 256 },
      'png',
      24,
    );
    lines.push(`S-${i},Item ${i},img${i}.png`);
  }
  const file = path.join(dir, 'c.csv');
  await fs.writeFile(file, lines.join('\n'));
  return file;
}

/** The fake embedder, slowed down so concurrent workers really interleave. */
function slowEmbedder(id: string, delayMs: number): Embedder {
  const inner = createFakeEmbedder({ id });
  return {
    ...inner,
    info: inner.info,
    async embedPreprocessed(tensors) {
      await new Promise((r) => setTimeout(r, delayMs));
      return inner.embedPreprocessed(tensors);
    },
  };
}

let catalogFile: Promise<string> | undefined; // written once, imported into each store

for (const store of await storeMatrix())
  describe(`indexer (${store.name} store)`, { skip: store.skip }, () => {
    let opened: OpenedStore;
    let ctx: AppContext;
    let vectors: VectorRepository;
    const indexer = (embedder: Embedder) =>
      createIndexer({ catalog: ctx.repository, vectors, media: ctx.media, embedder, exclusive: false });
    const rowCount = async (model: string) =>
      (
        await vectors.db.query<{ n: number; d: number }>(
          'select count(*)::int as n, count(distinct image_id)::int as d from image_embeddings where model = $1',
          [model],
        )
      ).rows[0]!;

    before(async () => {
      opened = await store.open();
      ctx = await createAppContext(await testConfig(opened.config));
      vectors = createVectorRepository(ctx.stores.vectors!);
      catalogFile ??= tempDir().then((dir) => writeCatalog(dir, 40));
      await ctx.importer.importFile(await catalogFile);
    });
    after(async () => {
      await ctx?.close();
      await opened?.close();
    });

    it('embeds every image once, skips unchanged ones, and re-embeds only changed content', async () => {
      const embedder = createFakeEmbedder({ id: 'fake-a' });
      const first = await indexer(embedder).run({ batchSize: 8 });
      assert.deepEqual([first.embedded, first.skipped, first.failed], [40, 0, 0]);
      assert.deepEqual(await rowCount('fake-a'), { n: 40, d: 40 });
      const again = await indexer(embedder).run();
      assert.deepEqual([again.embedded, again.skipped], [0, 40]);

      // Re-import three products with new photos: only those three change.
      const dir = await tempDir();
      await writeCatalog(dir, 3, 1000);
      await ctx.importer.importFile(path.join(dir, 'c.csv'));
      const third = await indexer(embedder).run();
      assert.deepEqual([third.embedded, third.skipped], [3, 37]);
      assert.deepEqual(await rowCount('fake-a'), { n: 40, d: 40 });
      const stale = await vectors.db.query(
        `select 1 from image_embeddings e where model = 'fake-a' and not exists
         (select 1 from product_images i where i.id = e.image_id and i.sha256 = e.sha256)`,
      );
      assert.equal(stale.rowCount, 0);
    });

    it('records an unreadable image as failed with its reason and indexes the rest', async () => {
      const { rows } = await ctx.stores.catalog.query<{ sha256: string }>(
        `select i.sha256 from product_images i join products p on p.id = i.product_id where p.sku = 'S-10'`,
      );
      const file = ctx.media.pathFor(rows[0]!.sha256);
      const original = await fs.readFile(file);
      await fs.writeFile(file, original.subarray(0, 40)); // truncated: corrupt on disk
      try {
        const summary = await indexer(createFakeEmbedder({ id: 'fake-b' })).run();
        assert.equal(summary.embedded, 39);
        assert.equal(summary.failed, 1);
        assert.match(summary.failures[0]!.reason, /decode|image/i);
        assert.equal((await vectors.counts('fake-b')).failed, 1);
        // Failed images are not retried on every run, only on request.
        assert.equal((await indexer(createFakeEmbedder({ id: 'fake-b' })).run()).failed, 0);
      } finally {
        await fs.writeFile(file, original);
      }
      const retried = await indexer(createFakeEmbedder({ id: 'fake-b' })).run({ retryFailed: true });
      assert.deepEqual([retried.embedded, retried.failed], [1, 0]);
      assert.equal((await vectors.counts('fake-b')).failed, 0);
    });

    it('lets two workers share one queue without embedding any image twice', async () => {
      const seen: number[] = [];
      const counting = (delay: number): Embedder => {
        const e = slowEmbedder('fake-c', delay);
        return {
          ...e,
          info: e.info,
          async embedPreprocessed(tensors) {
            seen.push(tensors.length);
            return e.embedPreprocessed(tensors);
          },
        };
      };
      const [a, b] = await Promise.all([
        indexer(counting(15)).run({ batchSize: 4 }),
        indexer(counting(15)).run({ batchSize: 4 }),
      ]);
      assert.equal(a.embedded + b.embedded, 40);
      assert.ok(a.embedded > 0 && b.embedded > 0, `both workers got work (${a.embedded}/${b.embedded})`);
      assert.equal(
        seen.reduce((s, n) => s + n, 0),
        40,
      );
      assert.deepEqual(await rowCount('fake-c'), { n: 40, d: 40 });
    });

    it('keeps serving the old model until the new model has a complete set, then switches', async () => {
      await activateModel(vectors, 'fake-a');
      assert.equal(await resolveServingModel(vectors, 'fake-a'), 'fake-a');
      // MODEL changes to fake-d: half indexed → the old set keeps serving.
      const partial = await indexer(createFakeEmbedder({ id: 'fake-d' })).run({
        batchSize: 8,
        maxBatches: 2,
      });
      assert.equal(partial.embedded, 16);
      assert.equal(await resolveServingModel(vectors, 'fake-d'), 'fake-a');
      // On request the new model serves at once, complete or not.
      await activateModel(vectors, 'fake-d');
      assert.equal(await resolveServingModel(vectors, 'fake-d'), 'fake-d');
      await activateModel(vectors, 'fake-a');
      assert.equal(await resolveServingModel(vectors, 'fake-d'), 'fake-a');
      await indexer(createFakeEmbedder({ id: 'fake-d' })).run();
      assert.equal(await resolveServingModel(vectors, 'fake-d'), 'fake-d');
      // Both sets remain side by side.
      assert.equal((await rowCount('fake-a')).n, 40);
      assert.equal((await rowCount('fake-d')).n, 40);
    });
  });
