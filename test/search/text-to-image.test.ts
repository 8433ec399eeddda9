import assert from 'node:assert/strict';
import fs from 'node:fs/promises';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { createAppContext, type AppContext } from '../../src/app/app.context.ts';
import { createFakeEmbedder } from '../../src/embedding/embedder.fake.ts';
import type { Embedder } from '../../src/embedding/embedding.types.ts';
import { createIndexer } from '../../src/indexer/indexer.service.ts';
import { createModelProvider } from '../../src/search/model.provider.ts';
import { reciprocalRankFusion } from '../../src/search/search.service.ts';
import { createVectorRepository } from '../../src/search/vector.repository.ts';
import { createWebApp, type WebApp } from '../../src/web/web.app.ts';
import { signedInClient, type TestClient } from '../helpers/auth-client.ts';
import { storeMatrix, type OpenedStore } from '../helpers/stores.ts';
import { tempDir, testConfig } from '../helpers/test-env.ts';
import { squareImage } from './search.fixture.ts';

const RED = { r: 210, g: 30, b: 30 };
const GREEN = { r: 40, g: 190, b: 40 };
const WHITE = { r: 250, g: 250, b: 250 };

for (const store of await storeMatrix())
  describe(
    `text → image ranking fused with full-text search (${store.name} store)`,
    { skip: store.skip },
    () => {
      let opened: OpenedStore;
      let ctx: AppContext;
      let web: WebApp;
      let viewer: TestClient;

      before(async () => {
        const dir = await tempDir();
        await fs.writeFile(path.join(dir, 'red.png'), await squareImage(RED, WHITE));
        await fs.writeFile(path.join(dir, 'green.png'), await squareImage(GREEN, { r: 20, g: 20, b: 60 }));
        await fs.writeFile(
          path.join(dir, 'c.csv'),
          [
            'sku,name,description,images',
            'A1,Гала,Сорт из Новой Зеландии,red.png', // a red apple whose text never says "red apple"
            'A2,Granny Smith,Sour and crisp,green.png',
            'J1,Apple juice,Pressed apples,green.png',
          ].join('\n'),
        );
        opened = await store.open();
        const config = await testConfig({ ...opened.config, model: 'clip-like' });
        ctx = await createAppContext(config);
        await ctx.importer.importFile(path.join(dir, 'c.csv'));
        // A stand-in for CLIP's shared space: the text "red apple" lands on the red photo's vector.
        const fake = createFakeEmbedder({ id: 'clip-like', hasTextTower: true });
        const [redVector] = await fake.embedImages([await squareImage(RED, WHITE, 64)]);
        const clipLike: Embedder = {
          ...fake,
          info: { ...fake.info, defaultThreshold: 0.8 },
          embedTexts: async (texts) =>
            Promise.all(
              texts.map(async (t) =>
                // The Russian words would land there too if they were ever sent (they must not be).
                t === 'red apple' || t === 'красное яблоко' ? redVector! : (await fake.embedTexts([t]))[0]!,
              ),
            ),
        };
        const vectors = createVectorRepository(ctx.stores.vectors!);
        await createIndexer({
          catalog: ctx.repository,
          vectors,
          media: ctx.media,
          embedder: clipLike,
          exclusive: vectors.db.kind === 'embedded',
        }).run();
        const models = createModelProvider(config, async () => clipLike);
        await models.get('clip-like');
        web = await createWebApp(ctx, { logger: false, models, indexOnStart: false });
        viewer = await signedInClient(web.app, ctx);
      });
      after(async () => {
        await web?.close();
        await ctx?.close();
        await opened?.close();
      });

      const names = async (q: string) =>
        (await viewer.get(`/api/products?q=${encodeURIComponent(q)}`))
          .json()
          .items.map((i: { name: string }) => i.name);

      it('finds a product by what its photo shows when its text lacks the words', async () => {
        // Гала's photo matches the words; "Apple juice" is a near spelling the text steps keep.
        assert.deepEqual(await names('red apple'), ['Гала', 'Apple juice']);
      });

      it('keeps typo tolerance with a text-tower model loaded', async () => {
        assert.deepEqual(await names('granny smiht'), ['Granny Smith']);
      });

      it('never sends a query in a language the text tower does not know to it', async () => {
        // The tower is English-only (like CLIP): Russian words go to full-text search alone.
        assert.deepEqual(await names('красное яблоко'), []);
        assert.deepEqual(await names('гала'), ['Гала']);
      });

      it('keeps full-text matches first when the photo ranking adds nothing', async () => {
        const found = await names('juice');
        assert.equal(found[0], 'Apple juice');
      });
    },
  );

describe('reciprocal rank fusion', () => {
  it('fuses rankings with reciprocal rank fusion', () => {
    const fused = reciprocalRankFusion([
      [1, 2, 3],
      [3, 1, 4],
    ]);
    assert.deepEqual(
      fused.map((f) => f.productId),
      [1, 3, 2, 4],
    );
    assert.ok(Math.abs(fused[0]!.score - (1 / 61 + 1 / 62)) < 1e-12);
  });
});
