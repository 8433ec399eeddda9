import assert from 'node:assert/strict';
import fs from 'node:fs/promises';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { createAppContext, type AppContext } from '../../src/app/app.context.ts';
import { createFakeEmbedder } from '../../src/embedding/embedder.fake.ts';
import type { Embedder } from '../../src/embedding/embedding.types.ts';
import { createModelProvider } from '../../src/search/model.provider.ts';
import { createWebApp, type WebApp } from '../../src/web/web.app.ts';
import { signedInClient, type TestClient } from '../helpers/auth-client.ts';
import { storeMatrix, type OpenedStore } from '../helpers/stores.ts';
import { tempDir, testConfig, writeImage } from '../helpers/test-env.ts';
import { until } from '../helpers/until.ts';

async function writeCatalog(dir: string, from: number, n: number) {
  const lines = ['sku,name,images'];
  for (let i = from; i < from + n; i++) {
    await writeImage(
      path.join(dir, `i${i}.png`),
      { r: (i * 37) % 256, g: (i * 11) % 256, b: (i * 5) % 256 },
      'png',
      24,
    );
    lines.push(`J-${i},Job item ${i},i${i}.png`);
  }
  await fs.writeFile(path.join(dir, `c${from}.csv`), lines.join('\n'));
  return path.join(dir, `c${from}.csv`);
}

for (const store of await storeMatrix())
  describe(`background indexing in the web process (${store.name} store)`, { skip: store.skip }, () => {
    let opened: OpenedStore;
    let ctx: AppContext;
    let web: WebApp;
    let viewer: TestClient;
    let dir: string;
    let release: () => void = () => {};
    let gate = Promise.resolve();

    before(async () => {
      dir = await tempDir();
      opened = await store.open();
      const config = await testConfig({ model: 'fake', ...opened.config });
      ctx = await createAppContext(config);
      await ctx.importer.importFile(await writeCatalog(dir, 0, 24));
      const fake = createFakeEmbedder({ id: 'fake' });
      // Each batch waits at the gate, so the test can look at the status while a run is in progress.
      const gated: Embedder = {
        ...fake,
        info: fake.info,
        async embedPreprocessed(t) {
          await gate;
          return fake.embedPreprocessed(t);
        },
      };
      gate = new Promise((r) => (release = r));
      web = await createWebApp(ctx, {
        logger: false,
        indexOnStart: true,
        indexPollMs: 100,
        models: createModelProvider(config, async () => gated),
      });
      viewer = await signedInClient(web.app, ctx);
    });
    after(async () => {
      release();
      await web?.close();
      await ctx?.close();
      await opened?.close();
    });

    const status = async () => (await viewer.get('/api/index/status')).json();

    it('runs pending work at start, reports progress, and shows a note on /products', async () => {
      const running = await status();
      assert.deepEqual(Object.keys(running).sort(), [
        'embedded',
        'eta_s',
        'failed',
        'images_per_s',
        'model',
        'running',
        'total',
      ]);
      assert.equal(running.running, true);
      assert.equal(running.total, 24);
      assert.equal(running.model, 'fake');
      const page = await viewer.get('/products');
      assert.match(page.body, /data-testid="indexing-note"/);
      release();
      // The run under way is the one trigger() hands back: awaiting it is awaiting the job's end.
      await web.indexJob!.trigger();
      const done = await status();
      assert.deepEqual([done.running, done.embedded, done.failed], [false, 24, 0]);
      assert.doesNotMatch((await viewer.get('/products')).body, /indexing-note/);
    });

    it('indexes images added by an import without a restart', async () => {
      await ctx.importer.importFile(await writeCatalog(dir, 100, 5));
      // Nothing here tells the job: its own poll of the catalog has to notice the new images.
      const done = await until(
        status,
        (s) => s.embedded === 29 && !s.running,
        'the 5 imported images indexed by the poll',
      );
      assert.deepEqual([done.total, done.embedded, done.failed], [29, 29, 0]);
    });
  });
