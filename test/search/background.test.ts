import assert from 'node:assert/strict';
import fs from 'node:fs/promises';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { createAppContext, type AppContext } from '../../src/app/app.context.ts';
import { createFakeEmbedder } from '../../src/embedding/embedder.fake.ts';
import { l2Normalize } from '../../src/embedding/vector.math.ts';
import { createIndexer } from '../../src/indexer/indexer.service.ts';
import {
  BACKGROUND_K,
  BACKGROUND_REJECT,
  calibrateMargin,
  distinct,
  kthSimilarity,
} from '../../src/search/background.decision.ts';
import { backgroundFiles } from '../../src/search/background.files.ts';
import { backgroundFor } from '../../src/search/background.service.ts';
import { createModelProvider } from '../../src/search/model.provider.ts';
import { createVectorRepository } from '../../src/search/vector.repository.ts';
import { createWebApp, type WebApp } from '../../src/web/web.app.ts';
import { signedInClient, type TestClient } from '../helpers/auth-client.ts';
import { multipart } from '../helpers/multipart.ts';
import { storeMatrix, type OpenedStore } from '../helpers/stores.ts';
import { tempDir, testConfig } from '../helpers/test-env.ts';
import { squareImage, writeSearchCatalog } from './search.fixture.ts';

const v = (...xs: number[]) => l2Normalize(Float32Array.from(xs));

describe('background decision math', () => {
  it('finds the k-th most similar gallery image, leaving one out when asked', () => {
    const gallery = [v(1, 0), v(0.8, 0.6), v(0, 1), v(0.6, 0.8)];
    const q = v(1, 0);
    assert.equal(kthSimilarity(q, gallery, 1), 1);
    assert.ok(Math.abs(kthSimilarity(q, gallery, 2) - 0.8) < 1e-6);
    assert.ok(Math.abs(kthSimilarity(q, gallery, 1, 0) - 0.8) < 1e-6, 'itself skipped');
    assert.equal(kthSimilarity(q, gallery, 10), 0, 'k beyond the gallery: the least similar');
  });

  it('keeps one of near-duplicate pictures', () => {
    const kept = distinct([v(1, 0), v(0.999, 0.04), v(0, 1)]);
    assert.equal(kept.length, 2);
  });

  it('calibrates the margin so that BACKGROUND_REJECT of the gallery gets "nothing similar"', () => {
    // 20 gallery vectors on a circle; their best catalog scores rise with the index
    const gallery = Array.from({ length: 20 }, (_, i) => v(Math.cos(i / 3), Math.sin(i / 3)));
    const best = gallery.map((_, i) => 0.5 + i / 100);
    const margin = calibrateMargin(gallery, best, 3);
    const rejected = gallery.filter((g, i) => best[i]! - kthSimilarity(g, gallery, 3, i) < margin).length;
    assert.equal(rejected, Math.ceil(BACKGROUND_REJECT * 20) - 1);
  });
});

describe('background gallery files', () => {
  it('reads a folder, keeps one size of each multi-size wallpaper, and keys files by size and time', async () => {
    const dir = await tempDir();
    await fs.mkdir(path.join(dir, 'Kite/contents/images'), { recursive: true });
    for (const size of ['1920x1080', '640x480', '3840x2160'])
      await fs.writeFile(path.join(dir, `Kite/contents/images/${size}.png`), 'x');
    await fs.writeFile(path.join(dir, 'cat.jpg'), 'x');
    await fs.writeFile(path.join(dir, 'notes.txt'), 'x');
    const files = backgroundFiles({ dir });
    assert.deepEqual(
      files.map((f) => path.relative(dir, f.path)),
      ['Kite/contents/images/640x480.png', 'cat.jpg'],
    );
    assert.match(files[1]!.key, /cat\.jpg:1:\d+$/);
  });

  it('reads the Debian packages’ file lists; a package not installed adds nothing', async () => {
    const info = await tempDir();
    const images = await tempDir();
    await fs.writeFile(path.join(images, 'a.png'), 'x');
    await fs.writeFile(
      path.join(info, 'mate-backgrounds.list'),
      ['/.', images, path.join(images, 'a.png'), path.join(images, 'missing.png')].join('\n'),
    );
    assert.deepEqual(
      backgroundFiles({ dpkgInfo: info }).map((f) => f.path),
      [path.join(images, 'a.png')],
    );
  });
});

/**
 * The whole path with the fake embedder: a gallery of unrelated pictures embedded at indexing, the
 * margin calibrated, each search's threshold from its own gallery neighbours, the closest few on
 * request, and the page saying so.
 */
for (const store of await storeMatrix())
  describe(
    `"nothing similar" from a background gallery, through the API (${store.name} store)`,
    { skip: store.skip },
    () => {
      let opened: OpenedStore;
      let ctx: AppContext;
      let web: WebApp;
      let viewer: TestClient;

      before(async () => {
        const galleryDir = await tempDir();
        // unrelated things: colours and layouts the catalog (red and blue squares) does not have
        for (let i = 0; i < 40; i++) {
          const fg = { r: (i * 53) % 200, g: 120 + ((i * 37) % 130), b: (i * 91) % 120 };
          const bg = { r: 30 + ((i * 17) % 200), g: (i * 29) % 90, b: 60 + ((i * 71) % 190) };
          await fs.writeFile(
            path.join(galleryDir, `g${i}.png`),
            await squareImage(fg, bg, 64 + (i % 4) * 16),
          );
        }
        opened = await store.open();
        const config = await testConfig({ ...opened.config, model: 'fake', backgroundDir: galleryDir });
        ctx = await createAppContext(config);
        await ctx.importer.importFile(await writeSearchCatalog(await tempDir()));
        const fake = createFakeEmbedder({ id: 'fake' });
        const vectors = createVectorRepository(ctx.stores.vectors!);
        const summary = await createIndexer({
          catalog: ctx.repository,
          vectors,
          media: ctx.media,
          embedder: fake,
          exclusive: vectors.db.kind === 'embedded',
          background: backgroundFor(config, vectors),
        }).run();
        assert.equal(summary.background?.embedded, 40);
        assert.ok(summary.background!.images > BACKGROUND_K);
        assert.equal(typeof summary.background!.margin, 'number');
        const models = createModelProvider(config, async () => fake);
        web = await createWebApp(ctx, { logger: false, models, indexOnStart: false });
        viewer = await signedInClient(web.app, ctx);
      });
      after(async () => {
        await web?.close();
        await ctx?.close();
        await opened?.close();
      });

      const post = (parts: Parameters<typeof multipart>[0]) => {
        const body = multipart(parts);
        return viewer.inject({ method: 'POST', url: '/api/search-by-image', ...body });
      };

      it('shows the matching products of an in-catalog photo, under its own threshold', async () => {
        const photo = await squareImage({ r: 210, g: 30, b: 20 }, { r: 250, g: 250, b: 250 }, 128, 'jpeg');
        const res = await post([{ name: 'image', value: photo, filename: 'red.jpg' }]);
        assert.equal(res.statusCode, 200, res.body);
        assert.equal(res.json().nothing_similar, undefined);
        const list = await viewer.get(`/api${res.json().redirect}`);
        assert.match(list.json().items[0].name, /^Red thing/);
      });

      it('says «nothing similar» for an unrelated photo, and gives the closest few only when asked', async () => {
        const unrelated = await squareImage({ r: 40, g: 200, b: 60 }, { r: 150, g: 20, b: 200 }, 128, 'jpeg');
        const refused = await post([{ name: 'image', value: unrelated, filename: 'x.jpg' }]);
        assert.equal(refused.statusCode, 404, refused.body);
        assert.equal(refused.json().code, 'NO_MATCH');
        assert.match(refused.json().message, /Похожих товаров не найдено/);

        const closest = await post([
          { name: 'image', value: unrelated, filename: 'x.jpg' },
          { name: 'closest', value: '1' },
        ]);
        assert.equal(closest.statusCode, 200, closest.body);
        assert.equal(closest.json().nothing_similar, true);
        assert.ok(closest.json().count >= 1 && closest.json().count <= 5, closest.body);
        const page = await viewer.get(closest.json().redirect);
        assert.match(page.body, /Похожих товаров не найдено\. Может быть, вы искали:/);
      });

      it('keeps an explicit threshold a plain cosine cut-off', async () => {
        const unrelated = await squareImage({ r: 40, g: 200, b: 60 }, { r: 150, g: 20, b: 200 }, 128, 'jpeg');
        const res = await post([
          { name: 'image', value: unrelated, filename: 'x.jpg' },
          { name: 'threshold', value: '-1' },
        ]);
        assert.equal(res.statusCode, 200, res.body);
        assert.equal(res.json().count, 40);
      });
    },
  );
