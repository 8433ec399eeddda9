import assert from 'node:assert/strict';
import fs from 'node:fs/promises';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { createAppContext, type AppContext } from '../../src/app/app.context.ts';
import type { Actor } from '../../src/catalog/catalog.audit.ts';
import { createMediaCollector } from '../../src/catalog/media.collector.ts';
import type { ProductEditService } from '../../src/catalog/product-edit.service.ts';
import { createFakeEmbedder } from '../../src/embedding/embedder.fake.ts';
import { isAppError } from '../../src/errors/app-error.ts';
import { createIndexer } from '../../src/indexer/indexer.service.ts';
import { createRemoteImageFetcher } from '../../src/remote/remote-image.fetch.ts';
import { createModelProvider } from '../../src/search/model.provider.ts';
import { createSavedSearchRepository } from '../../src/search/saved-search.repository.ts';
import { createSearchService, type SearchService } from '../../src/search/search.service.ts';
import { createVectorRepository, type VectorRepository } from '../../src/search/vector.repository.ts';
import { storeMatrix, type OpenedStore } from '../helpers/stores.ts';
import { tempDir, testConfig } from '../helpers/test-env.ts';
import { squareImage } from '../search/search.fixture.ts';

const editor: Actor = { userId: 7, label: 'editor@test', address: '127.0.0.1' };

// Colours the fake embedder tells apart (layout + histogram): each product its own photo.
const COLOURS = {
  A: [
    { r: 220, g: 30, b: 30 },
    { r: 250, g: 250, b: 250 },
  ],
  B: [
    { r: 30, g: 30, b: 220 },
    { r: 20, g: 20, b: 20 },
  ],
  C: [
    { r: 30, g: 200, b: 40 },
    { r: 240, g: 240, b: 200 },
  ],
  D: [
    { r: 240, g: 200, b: 20 },
    { r: 40, g: 40, b: 120 },
  ],
} as const;

for (const store of await storeMatrix()) {
  describe(
    `editing products keeps photo search, «Похожие» and the media store consistent (${store.name} store)`,
    { skip: store.skip },
    () => {
      let opened: OpenedStore | undefined;
      let ctx: AppContext;
      let edits: ProductEditService;
      let vectors: VectorRepository;
      let search: SearchService;
      let photos: Record<string, Buffer>;
      const ids: Record<string, number> = {};
      const audited: { action: string; details: Record<string, unknown> | undefined }[] = [];
      let imagesChanged = 0;
      const fake = createFakeEmbedder({ id: 'fake' });
      const index = () =>
        createIndexer({
          catalog: ctx.repository,
          vectors,
          media: ctx.media,
          embedder: fake,
          exclusive: true,
        }).run();
      const matches = async (photo: Buffer) => {
        try {
          const outcome = await search.byImages([photo], { threshold: 0.9 });
          const list = await search.listProducts({ imageSearch: outcome.searchId, page: 1, perPage: 50 });
          return list.result.items.map((i) => i.sku);
        } catch (error) {
          if (isAppError(error) && error.code === 'NO_MATCH') return [];
          throw error;
        }
      };

      before(async () => {
        opened = await store.open();
        const config = await testConfig({ model: 'fake', ...opened.config });
        ctx = await createAppContext(config);
        vectors = createVectorRepository(ctx.stores.vectors!);
        edits = ctx.editsWith({
          collector: createMediaCollector({ media: ctx.media, repository: ctx.repository, graceMs: 0 }),
          audit: { record: async (_a, action, what) => void audited.push({ action, details: what.details }) },
          onImagesChanged: () => imagesChanged++,
        });
        search = createSearchService({
          vectors,
          vectorError: undefined,
          saved: createSavedSearchRepository(ctx.stores.catalog, 1),
          catalog: ctx.catalog,
          models: createModelProvider(config, async () => fake),
          remote: createRemoteImageFetcher({ timeoutMs: 1000, maxBytes: 1e6, allowPrivate: false }),
          maxImagePixels: config.maxImagePixels,
          logger: { info: () => {} },
        });
        const dir = await tempDir();
        photos = {};
        const lines = ['sku,name,price,currency,images'];
        for (const [key, [fg, bg]] of Object.entries(COLOURS)) {
          photos[key] = await squareImage(fg, bg, 128, 'png');
          await fs.writeFile(path.join(dir, `${key}.png`), photos[key]!);
          lines.push(`SKU-${key},Product ${key},10,RUB,${key}.png`);
        }
        // E shares A's photo: the file must outlive A
        lines.push('SKU-E,Product E,5,RUB,A.png');
        await fs.writeFile(path.join(dir, 'c.csv'), lines.join('\n'));
        const summary = await ctx.importer.importFile(path.join(dir, 'c.csv'));
        assert.equal(summary.imported, 5, JSON.stringify(summary.errors));
        for (const key of ['A', 'B', 'C', 'D', 'E']) {
          ids[key] = (await ctx.catalog.list({ q: `SKU-${key}`, page: 1, perPage: 1 })).items[0]!.id;
        }
        await index();
      });
      after(async () => {
        await ctx?.close();
        await opened?.close();
      });

      it('finds each product by its photo before any change', async () => {
        assert.deepEqual((await matches(photos.B!)).sort(), ['SKU-B']);
        assert.deepEqual((await matches(photos.A!)).sort(), ['SKU-A', 'SKU-E']);
      });

      it('changes fields as people write them; a taken SKU is refused; text search sees the new name', async () => {
        const updated = await edits.update(
          ids.D!,
          {
            sku: 'SKU-D',
            name: 'Лимонный пирог',
            price: '1 250,00 ₽',
            category: 'Выпечка',
            attributes: 'Вес: 400 г\nСрок: 3 дня',
          },
          editor,
        );
        assert.equal(updated.price, 1250);
        assert.equal(updated.currency, 'RUB');
        assert.deepEqual(updated.attributes, { Вес: '400 г', Срок: '3 дня' });
        assert.equal((await ctx.catalog.list({ q: 'пирог', page: 1, perPage: 5 })).items[0]?.sku, 'SKU-D');
        await assert.rejects(
          edits.update(ids.D!, { sku: 'SKU-B', name: 'x' }, editor),
          (e) => isAppError(e) && e.code === 'SKU_TAKEN' && e.status === 409,
        );
        await assert.rejects(
          edits.update(ids.D!, { sku: 'SKU-D', name: '' }, editor),
          (e) => isAppError(e) && e.code === 'ROW_NO_NAME',
        );
        await assert.rejects(
          edits.update(ids.D!, { sku: 'SKU-D', name: 'x', price: 'дорого' }, editor),
          (e) => isAppError(e) && e.code === 'ROW_BAD_PRICE',
        );
        await assert.rejects(
          edits.update(ids.D!, { sku: 'SKU-D', name: 'x', attributes: 'no colon here' }, editor),
          (e) => isAppError(e) && e.code === 'ATTRIBUTE_LINE_INVALID',
        );
        const record = audited.find((a) => a.details?.event === 'product.update')!;
        assert.deepEqual(record.details!.changed, ['name', 'category', 'price', 'attributes']);
      });

      it('adds photos (checked by content), indexes them, and the product is found by the new photo', async () => {
        const extra = await squareImage({ r: 150, g: 0, b: 150 }, { r: 200, g: 255, b: 200 }, 128, 'jpeg');
        assert.deepEqual(await matches(extra), []);
        await assert.rejects(
          edits.addImages(
            ids.C!,
            [{ bytes: Buffer.from('<html>not a photo</html>'), name: 'page.jpg' }],
            editor,
          ),
          (e) => isAppError(e) && e.code === 'IMAGE_NOT_AN_IMAGE' && /page\.jpg/.test(e.message),
        );
        const product = await edits.addImages(ids.C!, [{ bytes: extra, name: 'extra.jpg' }], editor);
        assert.equal(product.images.length, 2);
        assert.equal(imagesChanged, 1);
        await index();
        assert.deepEqual(await matches(extra), ['SKU-C']);
      });

      it('reorders photos: the first is the main one, and the vectors stay with their photos', async () => {
        const before = (await ctx.catalog.get(ids.C!))!.images;
        const after = await edits.moveImage(ids.C!, before[1]!.id, 'first', editor);
        assert.deepEqual(
          after.images.map((i) => i.id),
          [before[1]!.id, before[0]!.id],
        );
        assert.equal(
          (await ctx.catalog.list({ q: 'SKU-C', page: 1, perPage: 1 })).items[0]!.imageSha256,
          before[1]!.sha256,
        );
        await assert.rejects(
          edits.orderImages(ids.C!, [before[0]!.id], editor),
          (e) => isAppError(e) && e.code === 'IMAGE_ORDER_INVALID',
        );
        assert.deepEqual(await matches(photos.C!), ['SKU-C']);
        assert.equal((await index()).embedded, 0, 'nothing to embed again');
      });

      it('removes a photo: its vector goes, the product is no longer found by it, its file is collected', async () => {
        const c = (await ctx.catalog.get(ids.C!))!;
        const original = c.images.find((i) => i.position === 1)!; // the green square, second now
        await edits.removeImage(ids.C!, original.id, editor);
        assert.deepEqual(await matches(photos.C!), []);
        assert.equal(
          (await vectors.productVectors('fake', ids.C!)).length,
          1,
          'the other photo still searches',
        );
        await assert.rejects(
          ctx.media.read(original.sha256),
          (e) => isAppError(e) && e.code === 'MEDIA_NOT_FOUND',
        );
        await assert.rejects(
          edits.removeImage(ids.C!, original.id, editor),
          (e) => isAppError(e) && e.code === 'IMAGE_NOT_FOUND',
        );
      });

      it('deletes a product: gone from photo search, from «Похожие» and from saved searches; a shared file stays', async () => {
        const before = await search.byImages([photos.A!], { threshold: 0.9 });
        const similarToE = await search.similarTo(ids.E!, { threshold: 0.9 });
        assert.deepEqual(
          (
            await search.listProducts({ imageSearch: similarToE.searchId, page: 1, perPage: 50 })
          ).result.items.map((i) => i.sku),
          ['SKU-A'],
        );
        await edits.deleteProduct(ids.A!, editor);
        assert.equal(await ctx.catalog.get(ids.A!), null);
        assert.deepEqual(await matches(photos.A!), ['SKU-E']);
        await assert.rejects(
          search.similarTo(ids.E!, { threshold: 0.9 }),
          (e) => isAppError(e) && e.code === 'NO_MATCH',
        );
        await assert.rejects(search.similarTo(ids.A!), (e) => isAppError(e) && e.code === 'NOT_INDEXED');
        // a search saved before the deletion no longer lists it
        const old = await search.listProducts({ imageSearch: before.searchId, page: 1, perPage: 50 });
        assert.deepEqual(
          old.result.items.map((i) => i.sku),
          ['SKU-E'],
        );
        assert.equal((await vectors.productVectors('fake', ids.A!)).length, 0);
        const { rows } = await ctx.stores.vectors!.query('select 1 from index_tasks where product_id = $1', [
          ids.A!,
        ]);
        assert.equal(rows.length, 0);
        // E still uses the photo A had: the file stays
        assert.ok((await ctx.media.read((await ctx.catalog.get(ids.E!))!.images[0]!.sha256)).length > 0);
        await edits.deleteProduct(ids.E!, editor);
        await assert.rejects(
          ctx.media.read((await import('node:crypto')).createHash('sha256').update(photos.A!).digest('hex')),
        );
        await assert.rejects(
          edits.deleteProduct(ids.E!, editor),
          (e) => isAppError(e) && e.code === 'PRODUCT_NOT_FOUND',
        );
        // the indexer's sync agrees: nothing left to remove or embed
        const summary = await index();
        assert.deepEqual([summary.embedded, summary.failed], [0, 0]);
        const events = audited.map((a) => a.details?.event);
        for (const e of ['product.update', 'image.add', 'image.order', 'image.remove', 'product.delete'])
          assert.ok(events.includes(e), `${e} recorded`);
      });

      it('a sweep collects files no row references (a row that failed after storing a photo)', async () => {
        const orphan = await ctx.media.put(
          await squareImage({ r: 1, g: 2, b: 3 }, { r: 9, g: 9, b: 9 }),
          1e7,
        );
        const fresh = createMediaCollector({ media: ctx.media, repository: ctx.repository });
        assert.equal(
          await fresh.sweep(),
          0,
          'a file stored a moment ago is spared (an import may reference it next)',
        );
        const collector = createMediaCollector({ media: ctx.media, repository: ctx.repository, graceMs: 0 });
        assert.ok((await collector.sweep()) >= 1);
        await assert.rejects(ctx.media.read(orphan.sha256));
        assert.ok((await ctx.media.read((await ctx.catalog.get(ids.B!))!.images[0]!.sha256)).length > 0);
      });
    },
  );
}
