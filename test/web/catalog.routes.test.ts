import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { FastifyInstance } from 'fastify';
import { createAppContext, type AppContext } from '../../src/app/app.context.ts';
import { createWebServer } from '../../src/web/web.server.ts';
import { writeFixtureCatalog, writeManyProducts } from '../catalog/catalog.fixture.ts';
import { signedInClient, type TestClient } from '../helpers/auth-client.ts';
import { tempDir, testConfig } from '../helpers/test-env.ts';

describe('catalog pages and API', () => {
  let ctx: AppContext;
  let app: FastifyInstance;
  let viewer: TestClient;

  before(async () => {
    ctx = await createAppContext(await testConfig());
    const dir = await tempDir();
    await ctx.importer.importFile(await writeFixtureCatalog(dir));
    await ctx.importer.importFile(await writeManyProducts(dir, 30));
    app = await createWebServer(ctx, {}, { logger: false });
    viewer = await signedInClient(app, ctx, { role: 'viewer' });
  });
  after(async () => {
    await app.close();
    await ctx.close();
  });

  const get = (url: string, headers: Record<string, string> = {}) => viewer.get(url, headers);

  it('GET /api/products returns the documented shape, filtered and paged', async () => {
    const res = await get('/api/products?q=milk');
    assert.equal(res.statusCode, 200);
    const body = res.json();
    assert.deepEqual(Object.keys(body).sort(), ['items', 'page', 'per_page', 'total']);
    assert.equal(body.total, 1);
    assert.deepEqual(Object.keys(body.items[0]).sort(), [
      'category',
      'currency',
      'id',
      'image_url',
      'name',
      'price',
      'sku',
      'supplier',
    ]);
    assert.equal(body.items[0].name, 'Organic whole milk');
    assert.match(body.items[0].image_url, /^\/media\/[0-9a-f]{64}$/);

    const page2 = (await get('/api/products?category=Even&per_page=10&page=2&sort=price_asc')).json();
    assert.deepEqual([page2.page, page2.per_page, page2.total], [2, 10, 15]);
    assert.deepEqual(
      page2.items.map((i: { price: number }) => i.price),
      [22, 24, 26, 28, 30],
    );
    const range = (await get('/api/products?price_min=2&price_max=3.5&supplier=Orchard%20Ltd')).json();
    assert.deepEqual(
      range.items.map((i: { sku: string }) => i.sku),
      ['EN-JUICE'],
    );
  });

  it('answers invalid parameters with 400 and a message naming them', async () => {
    for (const [url, pattern] of [
      ['/api/products?page=0', /page/],
      ['/api/products?per_page=1000', /per_page/],
      ['/api/products?price_min=abc', /price_min/],
      ['/api/products?price_min=10&price_max=1', /price_min must not exceed price_max/],
      ['/api/products?sort=random', /sort/],
      ['/api/products?bogus=1', /unknown parameter "bogus"/],
      ['/api/products?image_search=..%2F..', /image_search/],
    ] as const) {
      const res = await get(url);
      assert.equal(res.statusCode, 400, url);
      assert.equal(res.json().success, false);
      assert.match(res.json().error, pattern, url);
    }
    const page = await get('/products?page=-3');
    assert.equal(page.statusCode, 400);
    assert.match(page.headers['content-type'] as string, /text\/html/);
    assert.match(page.body, /page/);
  });

  it('renders /products in Russian by default and in English on request', async () => {
    const ru = await get('/products');
    assert.equal(ru.statusCode, 200);
    assert.match(ru.body, /Найти/);
    assert.match(ru.body, /37 товаров/);
    assert.match(ru.body, /<html lang="ru"/);
    const en = await get('/products?lang=en');
    assert.match(en.body, /37 products/);
    assert.match(en.body, />\s*Search\s*</);
    assert.match(en.body, /<title>Catalog · Vitrina<\/title>/);
    assert.match(ru.body, /<title>Каталог · Витрина<\/title>/);
    const accept = await get('/products', { 'accept-language': 'en-GB,en;q=0.9' });
    assert.match(accept.body, /<html lang="en"/);
    const unknownParam = await get('/products?utm_source=mail');
    assert.equal(unknownParam.statusCode, 200);
    assert.match(unknownParam.body, /data-testid="total">37 товаров</, 'the whole list, the tag ignored');
  });

  it('renders filters, pagination and thumbnails on /products', async () => {
    const res = await get('/products?per_page=12&page=2');
    assert.match(res.body, /aria-current="page"[^>]*>2</);
    assert.match(res.body, /href="\/products\?page=3&amp;per_page=12"/);
    assert.match(res.body, /<option value="Dairy \/ Milk"/);
    const withImages = await get('/products?q=juice');
    // Cards: the thumbnail at the card's size with a 2x one, contained, lazy, its box sized.
    const card = withImages.body.match(
      /<img\s+src="(\/media\/([0-9a-f]{64})\?w=240)"\s+srcset="([^"]+)"[^>]*>/,
    );
    assert.ok(card, 'a card thumbnail');
    const [tag, thumb, sha] = [card[0], card[1]!, card[2]!];
    assert.equal(card[3], `/media/${sha}?w=240 1x, /media/${sha}?w=480 2x`);
    assert.match(tag, /width="240"\s+height="240"/);
    assert.match(tag, /loading="lazy"/);
    assert.match(tag, /object-contain/);
    assert.doesNotMatch(withImages.body, /object-cover/);
    const img = await get(thumb);
    assert.equal(img.statusCode, 200);
    assert.equal(img.headers['content-type'], 'image/webp');
    assert.match(img.headers['cache-control'] as string, /immutable/);
    assert.equal((await get(thumb.replace('w=240', 'w=333'))).statusCode, 400);
    const large = await get(thumb.replace('w=240', 'w=480'));
    assert.equal(large.statusCode, 200);
  });

  it('shows a product page with all images, and a 404 page for unknown products', async () => {
    const juice = (await get('/api/products?q=EN-JUICE')).json().items[0];
    const page = await get(`/products/${juice.id}`);
    assert.equal(page.statusCode, 200);
    assert.match(page.body, /Apple juice/);
    // Both images, each linked to its original; the main one at its own size (64 px: never upscaled).
    const shas = new Set(page.body.match(/\/media\/[0-9a-f]{64}/g));
    assert.equal(shas.size, 2);
    for (const sha of shas) assert.match(page.body, new RegExp(`href="${sha}"`));
    // A 64 px photo has no pixels for a 2x candidate: offering one would halve its size on retina screens.
    const main = page.body.match(
      /<img\s+src="\/media\/[0-9a-f]{64}\?w=560"\s+srcset="[^"]+\?w=560 1x"[^>]*>/,
    )?.[0];
    assert.ok(main, 'the main image at the page size');
    assert.match(main, /width="64"\s+height="64"/);
    assert.doesNotMatch(main, /loading="lazy"/);
    assert.match(page.body, /href="\/products"[^>]*data-testid="back"\s*>← Все товары/);
    for (const url of ['/products/999999', '/products/abc', '/nope']) {
      const missing = await get(url);
      assert.equal(missing.statusCode, 404, url);
      assert.match(missing.headers['content-type'] as string, /text\/html/);
      assert.doesNotMatch(missing.body, /at .*\.ts:\d+/);
      assert.match(missing.body, /data-testid="account-menu"/, `${url}: still signed in`);
    }
    const anonymous = await app.inject({ method: 'GET', url: '/nope' });
    assert.equal(anonymous.statusCode, 404, 'an unknown address is a 404 for anyone');
  });

  it('takes prices as people type them and explains a bad range in place, keeping the page', async () => {
    const typed = (
      await get('/api/products?price_min=2,5&price_max=3%C2%A0000%20%E2%82%BD&sort=price_asc')
    ).json();
    assert.ok(typed.total > 0);
    assert.ok(typed.items.every((i: { price: number }) => i.price >= 2.5 && i.price <= 3000));
    const all = (await get('/api/products')).json().total;

    const range = await get('/products?price_min=1%20000&price_max=5&category=Sport');
    assert.equal(range.statusCode, 200);
    assert.match(range.body, /Цена «от» \(1\s000\) больше цены «до» \(5\): исправьте одну из них\./);
    assert.match(range.body, /name="price_min"[^>]*value="1 000"[^>]*aria-invalid="true"/);
    assert.match(range.body, /name="price_max"[^>]*value="5"/);
    assert.match(range.body, /<option value="Sport" selected>/, 'the other filters stay');

    const word = await get('/products?price_max=abc&lang=en');
    assert.equal(word.statusCode, 200);
    assert.match(word.body, /“abc” is not a price\. Type a number/);
    assert.match(
      word.body,
      new RegExp(`data-testid="total">${all} products<`),
      'the list without the bad price',
    );
  });

  it('says «1 товар», «2 товара», «5 товаров» as Russian does', async () => {
    const one = await get('/products?q=EN-JUICE');
    assert.match(one.body, /data-testid="total">1 товар</);
    const en = await get('/products?q=EN-JUICE&lang=en');
    assert.match(en.body, /data-testid="total">1 product</);
  });

  it('keeps the way back from a product page to the list it was opened from', async () => {
    const list = await get('/products?q=juice&category=Drinks');
    const href = list.body.match(/href="(\/products\/\d+\?from=[^"]+)"/)?.[1]?.replace(/&amp;/g, '&');
    assert.ok(href, 'cards link with the list as `from`');
    assert.equal(new URL(href, 'http://x').searchParams.get('from'), '/products?q=juice&category=Drinks');
    const page = await get(href);
    assert.match(
      page.body,
      /href="\/products\?q=juice&amp;category=Drinks"[^>]*data-testid="back"\s*>← К результатам поиска/,
    );
    for (const from of ['https://evil.example/products', '//evil.example', '/admin']) {
      const other = await get(`${href.split('?')[0]}?from=${encodeURIComponent(from)}`);
      assert.match(other.body, /href="\/products"[^>]*data-testid="back"\s*>← Все товары/, from);
    }
  });

  it('says on the page why «По фото» is off while the photos are being indexed', async () => {
    const indexing = await createWebServer(
      ctx,
      {
        photoAvailability: async () => ({
          status: 'off',
          reason: 'indexing',
          done: 90,
          total: 200,
          running: true,
          fix: undefined,
        }),
      },
      { logger: false },
    );
    try {
      const page = (await (await signedInClient(indexing, ctx)).get('/products')).body;
      assert.match(page, /id="photo-search-open"\s+aria-disabled="true"/);
      assert.match(page, /Поиск по фото пока недоступен: идёт индексация фото — 45% \(90 из 200\)\./);
      assert.doesNotMatch(page, /Как исправить/, 'nothing to fix: it is under way');
    } finally {
      await indexing.close();
    }
  });

  it('GET /api/health reports the stores and the model', async () => {
    // This server has the embedded vector store and no photo search wired in: no model to load.
    assert.deepEqual((await get('/api/health')).json(), {
      status: 'ok',
      catalog: 'ok',
      vector_store: 'ok',
      model: 'not loaded',
    });
    const anonymous = await app.inject({ method: 'GET', url: '/api/health' });
    assert.equal(anonymous.statusCode, 200, 'public: monitors call it without signing in');
    assert.equal(anonymous.json().status, 'ok');
  });
});
