import assert from 'node:assert/strict';
import fs from 'node:fs/promises';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { createAppContext, type AppContext } from '../../src/app/app.context.ts';
import type { Actor } from '../../src/catalog/catalog.audit.ts';
import { createFakeEmbedder } from '../../src/embedding/embedder.fake.ts';
import type { Embedder } from '../../src/embedding/embedding.types.ts';
import { isAppError } from '../../src/errors/app-error.ts';
import { createIndexStatusService, type IndexStatusService } from '../../src/indexer/index-status.service.ts';
import { createIndexer } from '../../src/indexer/indexer.service.ts';
import { resolveServingModel } from '../../src/search/active-model.ts';
import { createModelProvider } from '../../src/search/model.provider.ts';
import { createVectorRepository, type VectorRepository } from '../../src/search/vector.repository.ts';
import { storeMatrix, type OpenedStore } from '../helpers/stores.ts';
import { tempDir, testConfig } from '../helpers/test-env.ts';
import { squareImage } from '../search/search.fixture.ts';

const editor: Actor = { userId: 3, label: 'editor@test', address: null };

for (const store of await storeMatrix()) {
  describe(
    `indexing status, retry, reindex and the serving model (${store.name} store)`,
    { skip: store.skip },
    () => {
      let opened: OpenedStore | undefined;
      let ctx: AppContext;
      let vectors: VectorRepository;
      let status: IndexStatusService;
      const embedders: Record<string, Embedder> = {
        fake: createFakeEmbedder({ id: 'fake' }),
        'fake-b': createFakeEmbedder({ id: 'fake-b', dim: 64 }),
      };
      let kicked = 0;
      let brokenSha = '';
      let brokenBytes: Buffer;
      const model = (id: string) => status.overview().then((o) => o.models.find((m) => m.model === id)!);
      const run = (id = 'fake') =>
        createIndexer({
          catalog: ctx.repository,
          vectors,
          media: ctx.media,
          embedder: embedders[id]!,
          exclusive: true,
        }).run();

      before(async () => {
        opened = await store.open();
        const config = await testConfig({ model: 'fake', ...opened.config });
        ctx = await createAppContext(config);
        vectors = createVectorRepository(ctx.stores.vectors!);
        const dir = await tempDir();
        const lines = ['sku,name,images'];
        for (let i = 0; i < 6; i++) {
          const img = await squareImage({ r: 40 * i, g: 200 - 30 * i, b: 90 }, { r: 250, g: 250, b: 250 });
          await fs.writeFile(path.join(dir, `${i}.png`), img);
          lines.push(`S-${i},Thing ${i},${i}.png${i === 5 ? `|${i - 1}.png` : ''}`);
        }
        await fs.writeFile(path.join(dir, 'c.csv'), lines.join('\n'));
        await ctx.importer.importFile(path.join(dir, 'c.csv'));
        // one stored file damaged after import: the indexer must report it, not stop
        const first = (await ctx.catalog.get(
          (await ctx.catalog.list({ q: 'S-0', page: 1, perPage: 1 })).items[0]!.id,
        ))!;
        brokenSha = first.images[0]!.sha256;
        brokenBytes = await ctx.media.read(brokenSha);
        await fs.writeFile(ctx.media.pathFor(brokenSha), brokenBytes.subarray(0, 60));
        status = createIndexStatusService({
          catalog: ctx.repository,
          vectors,
          models: createModelProvider(config, async (id) => {
            const e = embedders[id];
            if (!e) throw new Error(`no model ${id}`);
            return e;
          }),
          indexJob: { trigger: async () => void kicked++, progressOf: () => null, running: () => false },
        });
      });
      after(async () => {
        await ctx?.close();
        await opened?.close();
      });

      it('before indexing: everything pending for the configured model, nothing serves', async () => {
        const o = await status.overview();
        assert.equal(o.configured, 'fake');
        assert.equal(o.serving, null);
        assert.equal(o.building, 'fake');
        const m = o.models[0]!;
        assert.deepEqual(
          [m.model, m.done, m.pending, m.failed, m.total, m.complete],
          ['fake', 0, 7, 0, 7, false],
        );
      });

      it('after a run: done, the failed image with its reason and product, rate and serving model', async () => {
        await run();
        const o = await status.overview();
        assert.equal(o.serving, 'fake');
        const m = o.models.find((x) => x.model === 'fake')!;
        assert.deepEqual([m.done, m.pending, m.failed, m.complete], [6, 0, 1, true]);
        assert.deepEqual([m.images_per_s, m.eta_s], [0, 0], 'nothing left to do: no rate, no ETA');
        const failures = await status.failures('fake');
        assert.equal(failures.items.length, 1);
        assert.equal(failures.items[0]!.productName, 'Thing 0');
        assert.match(failures.items[0]!.reason, /damaged|truncated|decode/i);
      });

      it('«Повторить» puts failed images back in the queue; fixed, they index', async () => {
        await fs.writeFile(ctx.media.pathFor(brokenSha), brokenBytes);
        assert.equal(await status.retry('fake', editor), 1);
        assert.equal(kicked, 1);
        assert.deepEqual([(await model('fake')).pending, (await model('fake')).failed], [1, 0]);
        await run();
        assert.deepEqual([(await model('fake')).done, (await model('fake')).failed], [7, 0]);
      });

      it('reindexes a product, then everything, while the current vectors keep serving', async () => {
        const id = (await ctx.catalog.list({ q: 'S-5', page: 1, perPage: 1 })).items[0]!.id;
        assert.equal(await status.reindexProduct(id, editor), 2);
        const m = await model('fake');
        assert.deepEqual([m.done, m.pending], [5, 2]);
        // vectors written in the last minute give the rate and ETA any process sees
        assert.ok(m.images_per_s > 0 && m.eta_s !== null && m.eta_s > 0, JSON.stringify(m));
        assert.equal((await vectors.productVectors('fake', id)).length, 2, 'still searchable meanwhile');
        assert.equal((await run()).embedded, 2);
        assert.equal(await status.reindexAll(editor), 7);
        assert.equal((await model('fake')).pending, 7);
        assert.equal((await status.overview()).serving, 'fake');
        assert.equal((await run()).embedded, 7);
        await assert.rejects(
          status.reindexProduct(999_999, editor),
          (e) => isAppError(e) && e.code === 'PRODUCT_NOT_FOUND',
        );
      });

      it('switches search to a complete model, refuses an incomplete one, and hands back to MODEL', async () => {
        await assert.rejects(
          status.activate('fake-b', editor),
          (e) => isAppError(e) && e.code === 'MODEL_NOT_COMPLETE',
        );
        await run('fake-b');
        await status.activate('fake-b', editor);
        let o = await status.overview();
        assert.equal(o.serving, 'fake-b');
        assert.ok(o.models.find((m) => m.model === 'fake-b')!.pinned);
        // a later run of the configured model does not take search back from a person's choice
        await run();
        assert.equal(await resolveServingModel(vectors, 'fake'), 'fake-b');
        await status.activate('fake', editor);
        o = await status.overview();
        assert.equal(o.serving, 'fake');
        assert.ok(!o.models.some((m) => m.pinned));
      });
    },
  );
}
