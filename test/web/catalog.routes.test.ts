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
    assert.match(en.body, />Search</);
    const accept = await get('/products', { 'accept-language': 'en-GB,en;q=0.9' });
    assert.match(accept.body, /<html lang="en"/);
    const unknownParam = await get('/products?utm_source=mail');
    assert.equal(unknownParam.statusCode, 200);
  });

  it('renders filters, pagination and thumbnails on /products', async () => {
    const res = await get('/products?per_page=12&page=2');
    assert.match(res.body, /aria-current="page"[^>]*>2</);
    assert.match(res.body, /href="\/products\?page=3&amp;per_page=12"/);
    assert.match(res.body, /<option value="Dairy \/ Milk"/);
    const withImages = await get('/products?q=juice');
    const thumb = withImages.body.match(/src="(\/media\/[0-9a-f]{64}\?w=320)"/)?.[1];
    assert.ok(thumb, 'a card thumbnail');
    const img = await get(thumb);
    assert.equal(img.statusCode, 200);
    assert.equal(img.headers['content-type'], 'image/webp');
    assert.match(img.headers['cache-control'] as string, /immutable/);
    assert.equal((await get(thumb.replace('w=320', 'w=333'))).statusCode, 400);
  });

  it('shows a product page with all images, and a 404 page for unknown products', async () => {
    const juice = (await get('/api/products?q=EN-JUICE')).json().items[0];
    const page = await get(`/products/${juice.id}`);
    assert.equal(page.statusCode, 200);
    assert.match(page.body, /Apple juice/);
    assert.equal(page.body.match(/\/media\/[0-9a-f]{64}/g)?.length, 4); // 2 images × (link + thumbnail)
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

  it('GET /api/health reports the stores and the model', async () => {
    const body = (await get('/api/health')).json();
    assert.equal(body.status, 'ok');
    assert.equal(body.catalog, 'ok');
    assert.ok('vector_store' in body && 'model' in body);
  });
});
