import assert from 'node:assert/strict';
import fs from 'node:fs/promises';
import http from 'node:http';
import path from 'node:path';
import type { AddressInfo } from 'node:net';
import { after, before, describe, it } from 'node:test';
import { createAppContext, type AppContext } from '../../src/app/app.context.ts';
import { createFakeEmbedder } from '../../src/embedding/embedder.fake.ts';
import { createIndexer } from '../../src/indexer/indexer.service.ts';
import { dot } from '../../src/embedding/vector.math.ts';
import { createModelProvider } from '../../src/search/model.provider.ts';
import { meanDirection } from '../../src/search/search.service.ts';
import { createVectorRepository } from '../../src/search/vector.repository.ts';
import { createWebApp, type WebApp } from '../../src/web/web.app.ts';
import { signedInClient, type TestClient } from '../helpers/auth-client.ts';
import { storeMatrix, type OpenedStore } from '../helpers/stores.ts';
import { freshServerDatabase, serverUnavailableReason, tempDir, testConfig } from '../helpers/test-env.ts';
import { multipart } from '../helpers/multipart.ts';
import { bigPngHeader } from '../helpers/png-header.ts';
import { squareImage, writeSearchCatalog } from './search.fixture.ts';

const RED = { r: 215, g: 40, b: 20 };
const WHITE = { r: 250, g: 250, b: 250 };

for (const store of await storeMatrix())
  describe(`POST /api/search-by-image and photo results (${store.name} store)`, { skip: store.skip }, () => {
    let opened: OpenedStore;
    let ctx: AppContext;
    let web: WebApp;
    let embedCalls = 0;
    let imageServer: http.Server;
    let imageBase: string;
    let redPhoto: Buffer;
    let viewer: TestClient;

    before(async () => {
      opened = await store.open();
      const config = await testConfig({
        ...opened.config,
        model: 'fake',
        uploadMaxBytes: 300_000,
        maxImagePixels: 4_000_000,
        allowPrivateUrls: true,
      });
      ctx = await createAppContext(config);
      await ctx.importer.importFile(await writeSearchCatalog(await tempDir()));
      const fake = createFakeEmbedder({ id: 'fake' });
      const counted = {
        ...fake,
        info: fake.info,
        embedImages: async (images: Parameters<typeof fake.embedImages>[0]) => {
          embedCalls++;
          return fake.embedImages(images);
        },
      };
      const vectors = createVectorRepository(ctx.stores.vectors!);
      await createIndexer({
        catalog: ctx.repository,
        vectors,
        media: ctx.media,
        embedder: fake,
        exclusive: vectors.db.kind === 'embedded',
      }).run();
      const models = createModelProvider(config, async () => counted);
      web = await createWebApp(ctx, { logger: false, models, indexOnStart: false });
      viewer = await signedInClient(web.app, ctx, { role: 'viewer' });
      redPhoto = await squareImage(RED, WHITE, 128, 'jpeg');
      imageServer = http.createServer((req, res) => {
        if (req.url === '/red.jpg') return res.writeHead(200, { 'content-type': 'image/jpeg' }).end(redPhoto);
        res.writeHead(404).end();
      });
      await new Promise<void>((r) => imageServer.listen(0, '127.0.0.1', r));
      imageBase = `http://127.0.0.1:${(imageServer.address() as AddressInfo).port}`;
    });
    after(async () => {
      imageServer?.close();
      await web?.close();
      await ctx?.close();
      await opened?.close();
    });

    const post = (parts: Parameters<typeof multipart>[0], headers: Record<string, string> = {}) => {
      const body = multipart(parts);
      return viewer.inject({
        method: 'POST',
        url: '/api/search-by-image',
        payload: body.payload,
        headers: { ...body.headers, ...headers },
      });
    };
    const get = (url: string, headers: Record<string, string> = {}) => viewer.get(url, headers);

    it('finds the matching products, saves the search and redirects to it', async () => {
      const res = await post([
        { name: 'image', value: redPhoto, filename: 'photo.jpg', type: 'image/jpeg' },
        { name: 'threshold', value: '0.3' },
      ]);
      assert.equal(res.statusCode, 200, res.body);
      const body = res.json();
      assert.equal(body.success, true);
      assert.match(body.search_id, /^[A-Za-z0-9_-]{6,64}$/);
      assert.equal(body.redirect, `/products?image_search=${body.search_id}`);
      assert.ok(body.count >= 25 && body.count <= 30, `red products only (${body.count})`);

      const api = (await get(`/api/products?image_search=${body.search_id}&per_page=100`)).json();
      assert.equal(api.total, body.count);
      const scores: number[] = api.items.map((i: { score: number }) => i.score);
      assert.deepEqual(
        [...scores].sort((a, b) => b - a),
        scores,
        'similarity order',
      );
      assert.ok(api.items.every((i: { name: string }) => i.name.startsWith('Red')));
      assert.ok(scores[0]! > 0.8);
    });

    it('applies pages, filters and sort within the matches, and renders them with scores', async () => {
      const { search_id: id, count } = (
        await post([
          { name: 'image', value: redPhoto, filename: 'a.jpg' },
          { name: 'threshold', value: '0.3' },
        ])
      ).json();
      const page2 = (await get(`/api/products?image_search=${id}&per_page=10&page=2`)).json();
      assert.equal(page2.items.length, 10);
      assert.equal(page2.total, count);
      const odd = (
        await get(`/api/products?image_search=${id}&category=Red%20%2F%20Odd&per_page=100`)
      ).json();
      assert.ok(odd.total > 0 && odd.total < count);
      assert.ok(odd.items.every((i: { category: string }) => i.category === 'Red / Odd'));
      const cheap = (await get(`/api/products?image_search=${id}&sort=price_asc&per_page=3`)).json();
      assert.deepEqual(
        cheap.items.map((i: { price: number }) => i.price),
        [...cheap.items.map((i: { price: number }) => i.price)].sort((a: number, b: number) => a - b),
      );

      const html = (await get(`/products?image_search=${id}`)).body;
      assert.match(html, /data-testid="photo-banner"/);
      assert.match(html, new RegExp(`${count} товар`));
      assert.match(html, /data-testid="score"/);
      assert.match(html, /<input[^>]*name="q"[^>]*disabled/);
      assert.match(html, new RegExp(`src="/searches/${id}/thumb"`));
      const thumb = await get(`/searches/${id}/thumb`);
      assert.equal(thumb.statusCode, 200);
      assert.equal(thumb.headers['content-type'], 'image/webp');
    });

    it('combines several photos into one query and reuses cached query embeddings', async () => {
      const before = embedCalls;
      const again = await post([{ name: 'image', value: redPhoto, filename: 'a.jpg' }]);
      assert.equal(again.statusCode, 200);
      assert.equal(embedCalls, before, 'the same bytes are not embedded twice');
      const blue = await squareImage({ r: 20, g: 40, b: 200 }, { r: 10, g: 10, b: 10 }, 128);
      const both = await post([
        { name: 'image', value: redPhoto, filename: 'a.jpg' },
        { name: 'image', value: blue, filename: 'b.png' },
        { name: 'threshold', value: '0' },
      ]);
      assert.equal(both.statusCode, 200, both.body);
      const items = (await get(`/api/products?image_search=${both.json().search_id}&per_page=100`)).json()
        .items;
      assert.ok(items.some((i: { name: string }) => i.name.startsWith('Red')));
      assert.ok(items.some((i: { name: string }) => i.name.startsWith('Blue')));

      // 30 more products in between the two colours, so far more than MAX_RESULTS pass threshold 0:
      // the search keeps exactly the 50 closest, in the order a brute-force comparison gives.
      const dir = await tempDir();
      const lines = ['sku,name,category,price,currency,images'];
      for (let i = 0; i < 30; i++) {
        const fg = { r: 90 + i * 4, g: 20 + i, b: 210 - i * 4 };
        await fs.writeFile(
          path.join(dir, `x${i}.png`),
          await squareImage(fg, { r: 130, g: 130, b: 130 + i }),
        );
        lines.push(`X-${i},Purple thing ${i},Purple,${100 + i},RUB,x${i}.png`);
      }
      await fs.writeFile(path.join(dir, 'extra.csv'), lines.join('\n'));
      await ctx.importer.importFile(path.join(dir, 'extra.csv'));
      const vectors = createVectorRepository(ctx.stores.vectors!);
      const fake = createFakeEmbedder({ id: 'fake' });
      await createIndexer({
        catalog: ctx.repository,
        vectors,
        media: ctx.media,
        embedder: fake,
        exclusive: vectors.db.kind === 'embedded',
      }).run();
      const catalog = (await get('/api/products?per_page=100')).json().items as {
        id: number;
        name: string;
      }[];
      const extras = catalog.filter((p) => p.name.startsWith('Purple'));
      try {
        assert.equal(catalog.length, 70);
        const many = await post([
          { name: 'image', value: redPhoto, filename: 'a.jpg' },
          { name: 'image', value: blue, filename: 'b.png' },
          { name: 'threshold', value: '0' },
        ]);
        assert.equal(many.statusCode, 200, many.body);
        const found = (await get(`/api/products?image_search=${many.json().search_id}&per_page=100`)).json();

        const query = meanDirection(await fake.embedImages([redPhoto, blue]));
        const scored = await Promise.all(
          catalog.map(async (p) => ({
            name: p.name,
            id: p.id,
            score: Math.max(...(await vectors.productVectors('fake', p.id)).map((v) => dot(v.vector, query))),
          })),
        );
        scored.sort((a, b) => b.score - a.score || a.id - b.id);
        assert.ok(scored.filter((p) => p.score >= 0).length > 50, 'more than 50 products pass');
        assert.equal(many.json().count, 50);
        assert.equal(found.total, 50);
        // Position by position, the product shown has the score of the brute-force ranking's product
        // there (products whose images score alike to 1e-5 may swap places, nothing else may).
        const own = new Map(scored.map((p) => [p.name, p.score]));
        const shown: { name: string; score: number }[] = found.items;
        assert.equal(new Set(shown.map((i) => i.name)).size, 50, 'no product twice');
        shown.forEach((item, i) => {
          const expected = scored[i]!;
          assert.ok(
            Math.abs(own.get(item.name)! - expected.score) < 1e-5,
            `#${i + 1}: ${item.name} (${own.get(item.name)}) where ${expected.name} (${expected.score}) belongs`,
          );
          assert.ok(Math.abs(item.score - expected.score) < 1e-4, `#${i + 1}: its score ${item.score}`);
        });
        assert.ok(
          shown.some((i) => i.name.startsWith('Purple')),
          'the added products compete',
        );
      } finally {
        const actor = { userId: null, label: 'test', address: null };
        for (const p of extras) await ctx.edits.deleteProduct(p.id, actor);
      }
    });

    it('searches by image URL and refuses private addresses unless allowed', async () => {
      const ok = await post([{ name: 'url', value: `${imageBase}/red.jpg` }]);
      assert.equal(ok.statusCode, 200, ok.body);
      // The default: user-supplied URLs must not reach loopback or private addresses (SSRF).
      const strict = await createWebApp(
        { ...ctx, config: { ...ctx.config, allowPrivateUrls: false } },
        {
          logger: false,
          indexOnStart: false,
          models: createModelProvider({ ...ctx.config, model: 'fake' }, async () =>
            createFakeEmbedder({ id: 'fake' }),
          ),
        },
      );
      try {
        const body = multipart([{ name: 'url', value: `${imageBase}/red.jpg` }]);
        const res = await (
          await signedInClient(strict.app, ctx)
        ).inject({
          method: 'POST',
          url: '/api/search-by-image',
          payload: body.payload,
          headers: body.headers,
        });
        assert.equal(res.statusCode, 400);
        assert.equal(res.json().code, 'URL_FETCH_FAILED');
      } finally {
        await strict.close();
      }
      for (const [url, pattern] of [
        ['ftp://example.com/x.jpg', /http/],
        ['not a url', /valid URL/],
        [`${imageBase}/missing.jpg`, /Could not get an image/],
      ] as const) {
        const res = await post([{ name: 'url', value: url }]);
        assert.equal(res.statusCode, 400, url);
        assert.match(res.json().error, pattern);
      }
    });

    it('«Похожие» searches from a product’s stored vectors without an upload', async () => {
      const red = (await get('/api/products?q=R-3')).json().items[0];
      const res = await viewer.inject({ method: 'POST', url: `/api/products/${red.id}/similar` });
      assert.equal(res.statusCode, 200, res.body);
      const items = (await get(`/api${res.json().redirect}&per_page=100`)).json().items;
      assert.ok(
        !items.some((i: { id: number }) => i.id === red.id),
        'the product itself is not its own match',
      );
      assert.ok(items[0].name.startsWith('Red'));
      // As a browser posts the button's <form>: urlencoded, empty body, over a real socket.
      const address = await web.app.listen({ port: 0, host: '127.0.0.1' });
      for (const [path, location] of [
        [`/products/${red.id}/similar`, /^\/products\?image_search=[\w-]+$/],
        [`/products/${red.id}/similar?lang=en`, /^\/products\?image_search=[\w-]+&lang=en$/],
      ] as const) {
        const form = await fetch(`${address}${path}`, {
          method: 'POST',
          headers: { 'content-type': 'application/x-www-form-urlencoded', ...viewer.headers },
          body: '',
          redirect: 'manual',
        });
        assert.equal(form.status, 303, await form.text());
        assert.match(String(form.headers.get('location')), location);
      }
      assert.equal(
        (await viewer.inject({ method: 'POST', url: '/api/products/999999/similar' })).statusCode,
        404,
      );
    });

    it('answers bad input with 4xx and a reason, never a 500', async () => {
      const truncated = redPhoto.subarray(0, Math.floor(redPhoto.length / 2));
      const cases: [Parameters<typeof post>[0], number, RegExp][] = [
        [
          [{ name: 'image', value: 'just some text', filename: 'photo.jpg', type: 'image/jpeg' }],
          415,
          /not an image/i,
        ],
        [[{ name: 'image', value: truncated, filename: 'cut.jpg' }], 400, /decode/i],
        [[{ name: 'image', value: Buffer.alloc(400_000, 1), filename: 'big.jpg' }], 413, /larger than/],
        [[{ name: 'image', value: bigPngHeader(20_000, 20_000), filename: 'bomb.png' }], 413, /20000×20000/],
        [[{ name: 'image', value: Buffer.alloc(0), filename: 'empty.png' }], 400, /empty/],
        [[{ name: 'threshold', value: '0.5' }], 400, /image/],
        [
          [
            { name: 'image', value: redPhoto, filename: 'a.jpg' },
            { name: 'threshold', value: 'high' },
          ],
          400,
          /threshold/,
        ],
        [[{ name: 'photo', value: redPhoto, filename: 'a.jpg' }], 400, /"photo"/],
      ];
      for (const [parts, status, pattern] of cases) {
        const res = await post(parts);
        assert.equal(res.statusCode, status, `${JSON.stringify(parts.map((p) => p.name))}: ${res.body}`);
        assert.equal(res.json().success, false);
        assert.match(res.json().error, pattern);
        assert.ok(res.json().code);
      }
      const tiff = await (
        await import('sharp')
      )
        .default({ create: { width: 8, height: 8, channels: 3, background: RED } })
        .tiff()
        .toBuffer();
      assert.equal((await post([{ name: 'image', value: tiff, filename: 'x.png' }])).statusCode, 415);
      const notMultipart = await viewer.inject({
        method: 'POST',
        url: '/api/search-by-image',
        payload: { image: 'x' },
      });
      assert.equal(notMultipart.statusCode, 415);
      assert.deepEqual(
        (await get('/api/health')).json(),
        { status: 'ok', catalog: 'ok', vector_store: 'ok', model: 'fake (ready)', failing: [] },
        'the server stays up, its model still loaded',
      );
    });

    it('replies 404 when nothing passes the threshold, and for unknown search ids', async () => {
      const odd = await squareImage({ r: 30, g: 220, b: 30 }, { r: 120, g: 0, b: 120 }, 96);
      const res = await post([
        { name: 'image', value: odd, filename: 'g.png' },
        { name: 'threshold', value: '0.99' },
      ]);
      assert.equal(res.statusCode, 404);
      assert.equal(res.json().success, false);
      assert.match(res.json().error, /Nothing similar/);
      const unknown = await get('/api/products?image_search=AAAAAAAAAAAA');
      assert.equal(unknown.statusCode, 404);
      const page = await get('/products?image_search=AAAAAAAAAAAA');
      assert.equal(page.statusCode, 404);
      assert.match(page.body, /устарел/, 'the page speaks the page’s language (Russian by default)');
      const english = await get('/products?image_search=AAAAAAAAAAAA&lang=en');
      assert.match(english.body, /expired/);
      assert.equal(unknown.json().code, 'SEARCH_NOT_FOUND');
      assert.match(unknown.json().message, /устарел/, 'JSON carries the message in the request’s language');

      // An expired search is gone everywhere at once, before any purge deletes its rows: the list,
      // the page and the thumbnail of the query photo (which may show a person's own photo).
      const { search_id: id } = (await post([{ name: 'image', value: redPhoto, filename: 'a.jpg' }])).json();
      const urls = [
        `/api/products?image_search=${id}`,
        `/products?image_search=${id}`,
        `/searches/${id}/thumb`,
      ];
      for (const url of urls) assert.equal((await get(url)).statusCode, 200, `${url} while fresh`);
      await ctx.stores.catalog.query(
        `update saved_searches set expires_at = now() - interval '1 second' where id = $1`,
        [id],
      );
      const [json, html, thumb] = await Promise.all(urls.map((url) => get(url)));
      assert.deepEqual([json!.statusCode, html!.statusCode, thumb!.statusCode], [404, 404, 404]);
      assert.equal(json!.json().code, 'SEARCH_NOT_FOUND');
      assert.match(html!.body, /устарел/);
      assert.doesNotMatch(String(thumb!.headers['content-type']), /image/, 'no image bytes');
    });

    it('lists each person’s own searches with thumbnails at /searches; the links open for colleagues', async () => {
      const first = await post([{ name: 'image', value: redPhoto, filename: 'a.jpg' }]);
      const id = first.json().search_id;
      const page = await viewer.get('/searches');
      assert.equal(page.statusCode, 200);
      assert.match(page.body, new RegExp(`/searches/${id}/thumb`));
      const colleague = await signedInClient(web.app, ctx, { role: 'viewer' });
      assert.doesNotMatch((await colleague.get('/searches')).body, /data-testid="history"/);
      const shared = await colleague.get(`/products?image_search=${id}`);
      assert.equal(shared.statusCode, 200);
      assert.match(shared.body, /data-testid="photo-banner"/);
    });
  });

describe('search by photo when it cannot work', () => {
  it('replies 503 when the model cannot be loaded, and the catalog still serves', async () => {
    const ctx = await createAppContext(await testConfig({ model: 'broken' }));
    const models = createModelProvider(ctx.config, async () => {
      throw new Error('model file onnx/vision_model_quantized.onnx is missing; set MODEL_DIR');
    });
    const web = await createWebApp(ctx, { logger: false, models, indexOnStart: false });
    try {
      const viewer = await signedInClient(web.app, ctx);
      const body = multipart([{ name: 'image', value: await squareImage(RED, WHITE), filename: 'a.png' }]);
      const res = await viewer.inject({
        method: 'POST',
        url: '/api/search-by-image',
        payload: body.payload,
        headers: body.headers,
      });
      assert.equal(res.statusCode, 503);
      assert.match(res.json().error, /MODEL_DIR/);
      const page = await viewer.get('/products');
      assert.equal(page.statusCode, 200);
      // The button stays, disabled, with the reason and the command that fixes it.
      assert.match(page.body, /id="photo-search-open"\s+aria-disabled="true"\s+aria-describedby="photo-off"/);
      assert.match(page.body, /Поиск по фото недоступен: модель распознавания «broken» не загружена/);
      assert.match(page.body, /MODEL=mobilenetv2-int8 MODEL_DIR=\S+mobilenetv2-12-int8 npm start/);
      assert.doesNotMatch(page.body, /id="photo-modal"/, 'no dialog to open');
      assert.doesNotMatch(page.body, /data-testid="similar"/, 'no «Похожие» either');
      // health names the part at fault with a 503, so a monitor sees that photo search is down
      const health = await viewer.get('/api/health');
      assert.equal(health.statusCode, 503);
      assert.deepEqual(health.json(), {
        status: 'degraded',
        catalog: 'ok',
        vector_store: 'ok',
        model: 'unavailable: model file onnx/vision_model_quantized.onnx is missing; set MODEL_DIR',
        failing: ['model'],
      });
    } finally {
      await web.close();
      await ctx.close();
    }
  });

  it('replies 503 and hides the button when the vector store has no pgvector; text search works', async (t) => {
    const unavailable = await serverUnavailableReason();
    if (unavailable) return t.skip(unavailable);
    const schema = await freshServerDatabase({ owner: 'unprivileged' });
    const ctx = await createAppContext(await testConfig({ databaseUrl: schema.url, model: 'fake' }));
    const web = await createWebApp(ctx, {
      logger: false,
      indexOnStart: false,
      models: createModelProvider(ctx.config, async () => createFakeEmbedder({ id: 'fake' })),
    });
    try {
      assert.equal(ctx.stores.vectors, null);
      const viewer = await signedInClient(web.app, ctx);
      const body = multipart([{ name: 'image', value: await squareImage(RED, WHITE), filename: 'a.png' }]);
      const res = await viewer.inject({
        method: 'POST',
        url: '/api/search-by-image',
        payload: body.payload,
        headers: body.headers,
      });
      assert.equal(res.statusCode, 503);
      assert.match(res.json().error, /pgvector/);
      const page = await viewer.get('/products?q=anything');
      assert.equal(page.statusCode, 200);
      assert.match(page.body, /id="photo-search-open"\s+aria-disabled="true"/);
      assert.match(page.body, /Поиск по фото недоступен: нет хранилища векторов/);
      assert.match(page.body, /VECTOR_DATABASE_URL=embedded npm start/);
      assert.equal((await viewer.get('/api/index/status')).statusCode, 503);
      const health = await viewer.get('/api/health');
      assert.equal(health.statusCode, 503);
      const parts = health.json();
      assert.deepEqual(
        [parts.status, parts.catalog, parts.failing],
        ['degraded', 'ok', ['vector_store']],
        'the catalog serves; the vector store is the part at fault',
      );
      assert.match(parts.vector_store, /^unavailable: .*pgvector/);
    } finally {
      await web.close();
      await ctx.close();
      await schema.drop();
    }
  });
});
