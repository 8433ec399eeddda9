import assert from 'node:assert/strict';
import fs from 'node:fs/promises';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { createAppContext, type AppContext } from '../../src/app/app.context.ts';
import { createEmbedder } from '../../src/embedding/embedder.factory.ts';
import type { Embedder } from '../../src/embedding/embedding.types.ts';
import { createIndexer } from '../../src/indexer/indexer.service.ts';
import { createModelProvider } from '../../src/search/model.provider.ts';
import { createVectorRepository } from '../../src/search/vector.repository.ts';
import { createWebApp, type WebApp } from '../../src/web/web.app.ts';
import { dot } from '../../src/embedding/vector.math.ts';
import { frameQuery } from '../../src/search/query-framing.ts';
import { PHOTOS } from '../embedding/fixtures.ts';
import { signedInClient, type TestClient } from '../helpers/auth-client.ts';
import { multipart } from '../helpers/multipart.ts';
import { groceryDir, mobilenetDir, tempDir, testConfig } from '../helpers/test-env.ts';

const ICONIC = path.join(groceryDir, 'dataset/iconic-images-and-descriptions');

/**
 * The query path every MobileNet search takes (center crops of the photo, one mean query) on the
 * real model: a store photo finds its product, a damaged one is refused with a code.
 */
describe('photo search through query crops with the real mobilenetv2-int8', () => {
  let ctx: AppContext;
  let web: WebApp;
  let embedder: Embedder;
  let viewer: TestClient;

  before(async () => {
    const config = await testConfig({ model: 'mobilenetv2-int8', modelDir: mobilenetDir, ortThreads: 1 });
    ctx = await createAppContext(config);
    const dir = await tempDir();
    await fs.writeFile(
      path.join(dir, 'c.csv'),
      [
        'sku,name,images',
        `GS,Granny Smith,${ICONIC}/Fruit/Apple/Granny-Smith/Granny-Smith_Iconic.jpg`,
        `MILK,Arla Standard Milk,${ICONIC}/Packages/Milk/Arla-Standard-Milk/Arla-Standard-Milk_Iconic.jpg`,
        `TOM,Vine Tomato,${ICONIC}/Vegetables/Tomato/Vine-Tomato/Vine-Tomato_Iconic.jpg`,
      ].join('\n'),
    );
    const summary = await ctx.importer.importFile(path.join(dir, 'c.csv'));
    assert.equal(summary.imported, 3, JSON.stringify(summary.errors));
    embedder = await createEmbedder({ config, modelId: 'mobilenetv2-int8' });
    await createIndexer({
      catalog: ctx.repository,
      vectors: createVectorRepository(ctx.stores.vectors!),
      media: ctx.media,
      embedder,
      exclusive: true,
    }).run();
    const models = createModelProvider(config, async () => embedder);
    web = await createWebApp(ctx, { logger: false, models, indexOnStart: false });
    viewer = await signedInClient(web.app, ctx);
  });
  after(async () => {
    await web?.close();
    await ctx?.close();
  });

  const search = async (bytes: Buffer, threshold = '-1') => {
    const form = multipart([
      { name: 'image', value: bytes, filename: 'photo.jpg' },
      { name: 'threshold', value: threshold },
    ]);
    return viewer.inject({ method: 'POST', url: '/api/search-by-image', ...form });
  };

  it('embeds the query at several crops and ranks the photographed product first', async () => {
    assert.ok((embedder.info.queryFraming?.crops.length ?? 0) > 0, 'the model frames queries with crops');
    for (const [photo, sku] of [
      [PHOTOS.apple1, 'GS'],
      [PHOTOS.milk, 'MILK'],
    ] as const) {
      const res = await search(await fs.readFile(photo));
      assert.equal(res.statusCode, 200, res.body);
      const list = await viewer.get(`/api${res.json().redirect}`);
      assert.equal(list.json().items[0].sku, sku, `${path.basename(photo)} → ${sku}`);
    }
  });

  it('frames each photo: crops join a store photo, a product shot on white keeps its whole view', async () => {
    const limits = { maxPixels: 50_000_000 };
    const framing = embedder.info.queryFraming!;
    const store = await frameQuery(embedder, await fs.readFile(PHOTOS.tomato), limits, framing);
    assert.ok(store.cropsUsed.length > 0, 'a busy store photo is zoomed into');
    const shot = await frameQuery(embedder, await fs.readFile(PHOTOS.asparagusIconic), limits, framing);
    assert.deepEqual(shot.cropsUsed, [], 'a product on a plain background is not cut');
    const [whole] = await embedder.embedImages([PHOTOS.asparagusIconic]);
    assert.ok(dot(shot.vector, whole!) > 0.9999);
    // a crop that no longer shows what the photo shows stays out, whatever the border says
    const strict = await frameQuery(embedder, await fs.readFile(PHOTOS.tomato), limits, {
      ...framing,
      minAgreement: 0.999,
    });
    assert.deepEqual(strict.cropsUsed, []);
    for (const f of [store, shot, strict]) assert.ok(Math.abs(Math.hypot(...f.vector) - 1) < 1e-5);
  });

  it('refuses a truncated photo with IMAGE_UNDECODABLE (400) in the crop step, not a 500', async () => {
    const photo = await fs.readFile(PHOTOS.tomato);
    const res = await search(photo.subarray(0, Math.floor(photo.length / 2)));
    assert.equal(res.statusCode, 400, res.body);
    assert.equal(res.json().code, 'IMAGE_UNDECODABLE');
  });
});
