import assert from 'node:assert/strict';
import fs from 'node:fs/promises';
import { after, before, describe, it } from 'node:test';
import pg from 'pg';
import { adminFromSetupLink, signInOverHttp, type HttpCredentials } from '../helpers/auth-client.ts';
import { multipart } from '../helpers/multipart.ts';
import { writePhotoCatalog, type PhotoProduct } from '../helpers/photo-catalog.ts';
import { lastJsonLine, runCli } from '../helpers/run-cli.ts';
import { startServe } from '../helpers/serve-process.ts';
import { freshServerDatabase, mobilenetDir, serverUnavailableReason, tempDir } from '../helpers/test-env.ts';

const unavailable = await serverUnavailableReason();
const MODEL = 'mobilenetv2-int8';
/** one product per kind of these, two photos each: several products share each category */
const CATEGORIES = ['Apple', 'Milk', 'Pepper', 'Yoghurt'];
const PHOTOS_PER_PRODUCT = 2;

interface ApiItem {
  id: number;
  sku: string;
  category: string;
  price: number;
  score: number;
}
interface ApiPage {
  items: ApiItem[];
  page: number;
  per_page: number;
  total: number;
}

/**
 * The original system's layout (issue 10): the catalog in one PostgreSQL database, the vectors in
 * another (DATABASE_URL and VECTOR_DATABASE_URL), used through the CLI and `vitrina serve` as a
 * person deploys it, with the real model.
 */
describe('catalog and vectors in two server databases', { skip: unavailable }, () => {
  let catalogDb: Awaited<ReturnType<typeof freshServerDatabase>>;
  let vectorDb: Awaited<ReturnType<typeof freshServerDatabase>>;
  let env: Record<string, string>;
  let products: PhotoProduct[];
  const servers: Awaited<ReturnType<typeof startServe>>[] = [];
  let searchId = '';
  let firstMatches: ApiItem[] = [];
  let signedIn: HttpCredentials;

  const query = async <T extends pg.QueryResultRow>(url: string, text: string, params: unknown[] = []) => {
    const client = new pg.Client({ connectionString: url });
    await client.connect();
    try {
      return (await client.query<T>(text, params)).rows;
    } finally {
      await client.end();
    }
  };
  const getPage = async (base: string, headers: Record<string, string>, params: string): Promise<ApiPage> => {
    const r = await fetch(`${base}/api/products?image_search=${searchId}&${params}`, { headers });
    assert.equal(r.status, 200, await r.clone().text());
    return (await r.json()) as ApiPage;
  };
  const skus = (items: ApiItem[]) => items.map((i) => i.sku);

  before(async () => {
    [catalogDb, vectorDb] = [await freshServerDatabase(), await freshServerDatabase()];
    env = {
      DATABASE_URL: catalogDb.url,
      VECTOR_DATABASE_URL: vectorDb.url,
      DATA_DIR: await tempDir(),
      MODEL,
      MODEL_DIR: mobilenetDir,
      INDEX_ON_START: '0',
    };
    const catalog = await writePhotoCatalog(await tempDir(), {
      byClass: CATEGORIES,
      photosPerProduct: PHOTOS_PER_PRODUCT,
    });
    products = catalog.products;
    const imported = await runCli(['import', catalog.file, '--json'], env);
    assert.equal(imported.code, 0, imported.stderr);
    assert.deepEqual(lastJsonLine(imported.stdout), {
      imported: products.length,
      updated: 0,
      failed: 0,
      errors: [],
    });
  });

  after(async () => {
    for (const s of servers) await s.stop();
    await catalogDb?.drop();
    await vectorDb?.drop();
  });

  it('indexes into the vector database; the catalog stays in the other', async () => {
    const indexed = await runCli(['index', '--json'], env);
    assert.equal(indexed.code, 0, indexed.stderr);
    const images = products.length * PHOTOS_PER_PRODUCT;
    assert.deepEqual(
      (({ embedded, skipped, failed }) => ({ embedded, skipped, failed }))(
        lastJsonLine(indexed.stdout) as { embedded: number; skipped: number; failed: number },
      ),
      { embedded: images, skipped: 0, failed: 0 },
    );

    const tables = (url: string) =>
      query<{ t: string }>(
        url,
        `select table_name as t from information_schema.tables
         where table_schema = 'public' and table_name in ('products', 'product_images', 'saved_searches', 'image_embeddings', 'index_tasks')
         order by 1`,
      ).then((rows) => rows.map((r) => r.t));
    assert.deepEqual(await tables(catalogDb.url), ['product_images', 'products', 'saved_searches']);
    assert.deepEqual(await tables(vectorDb.url), ['image_embeddings', 'index_tasks']);

    const [catalogCounts] = await query<{ products: number; images: number }>(
      catalogDb.url,
      'select (select count(*) from products)::int as products, (select count(*) from product_images)::int as images',
    );
    assert.deepEqual(catalogCounts, { products: products.length, images });
    // every vector belongs to an image of the catalog database, once
    const catalogImages = await query<{ id: number }>(
      catalogDb.url,
      'select id::int from product_images order by id',
    );
    const vectorImages = await query<{ id: number }>(
      vectorDb.url,
      'select image_id::int as id from image_embeddings where model = $1 order by image_id',
      [MODEL],
    );
    assert.deepEqual(vectorImages, catalogImages);
    const hnsw = await query<{ n: number }>(
      vectorDb.url,
      `select count(*)::int as n from pg_indexes where tablename = 'image_embeddings' and indexdef ilike '%using hnsw%'`,
    );
    assert.equal(hnsw[0]!.n, 1);
  });

  it('finds the photographed product first over HTTP, and pages and filters the matches', async () => {
    const one = await startServe(env);
    servers.push(one);
    const setupUrl = await one.waitFor(/http:\/\/\S+\/setup\/[A-Za-z0-9_-]{43}/, 120_000);
    await one.waitFor(/Search by photo: ready/, 120_000);
    signedIn = await adminFromSetupLink(setupUrl);

    const target = products.find((p) => p.category === 'Milk')!;
    // every product is a match at threshold -1: the whole catalog ranked by the photo
    const form = multipart([
      {
        name: 'image',
        value: await fs.readFile(target.photos[0]!),
        filename: 'shelf.jpg',
        type: 'image/jpeg',
      },
      { name: 'threshold', value: '-1' },
    ]);
    const made = await fetch(`${one.base}/api/search-by-image`, {
      method: 'POST',
      headers: { ...signedIn.headers, ...form.headers },
      body: form.payload,
    });
    assert.equal(made.status, 200, await made.clone().text());
    const body = (await made.json()) as { search_id: string; count: number; redirect: string };
    searchId = body.search_id;
    assert.equal(body.redirect, `/products?image_search=${searchId}`);

    const all = await getPage(one.base, signedIn.headers, 'per_page=100');
    firstMatches = all.items;
    assert.equal(firstMatches[0]?.sku, target.sku, 'the photographed product first');
    assert.equal(all.total, body.count);
    assert.ok(all.total >= 12, `enough matches to page through (${all.total})`);
    const scores = firstMatches.map((i) => i.score);
    assert.deepEqual(
      scores,
      [...scores].sort((a, b) => b - a),
      'best first',
    );
    assert.equal(new Set(skus(firstMatches)).size, firstMatches.length, 'each product once');

    // page 2 of 5 is the sixth to tenth match, on the API and on the page a person opens
    const page2 = await getPage(one.base, signedIn.headers, 'per_page=5&page=2');
    assert.deepEqual([page2.page, page2.total], [2, all.total]);
    assert.deepEqual(skus(page2.items), skus(firstMatches.slice(5, 10)));
    const html = await (
      await fetch(`${one.base}/products?image_search=${searchId}&per_page=5&page=2`, {
        headers: signedIn.headers,
      })
    ).text();
    const shownSkus = [...html.matchAll(/\bP-\d+\b/g)].map((m) => m[0]);
    assert.deepEqual(
      [...new Set(shownSkus)],
      skus(firstMatches.slice(5, 10)),
      'the page lists them in order',
    );

    // filters keep the ranking order and keep exactly the matches that pass them
    const inMilk = await getPage(one.base, signedIn.headers, 'per_page=100&category=Milk');
    const expectedMilk = firstMatches.filter((i) => i.category === 'Milk');
    assert.ok(expectedMilk.length >= 2);
    assert.deepEqual(skus(inMilk.items), skus(expectedMilk));
    const [low, high] = [150, 250];
    const priced = await getPage(
      one.base,
      signedIn.headers,
      `per_page=100&price_min=${low}&price_max=${high}`,
    );
    const expectedPriced = firstMatches.filter((i) => i.price >= low && i.price <= high);
    assert.ok(expectedPriced.length >= 2);
    assert.deepEqual(skus(priced.items), skus(expectedPriced));
    // the prices and categories filtered on are the catalog's own
    const bySku = new Map(products.map((p) => [p.sku, p]));
    assert.deepEqual(
      firstMatches.map((i) => [i.sku, i.category, i.price]),
      firstMatches.map((i) => [i.sku, bySku.get(i.sku)?.category, bySku.get(i.sku)?.price]),
    );

    // the saved search lives in the catalog database, the vectors it ranked in the other
    const saved = await query<{ n: number }>(
      catalogDb.url,
      'select count(*)::int as n from saved_searches where id = $1',
      [searchId],
    );
    assert.equal(saved[0]!.n, 1);
  });

  it('opens the same saved search from a second vitrina serve: same items, same order', async () => {
    const two = await startServe(env);
    servers.push(two);
    await two.waitFor(/listening on/, 120_000);
    const onTwo = await signInOverHttp(two.base, signedIn.email, signedIn.password);
    const all = await getPage(two.base, onTwo.headers, 'per_page=100');
    assert.deepEqual(all.items, firstMatches);
    const page2 = await getPage(two.base, onTwo.headers, 'per_page=3&page=2&category=Milk');
    const milk = firstMatches.filter((i) => i.category === 'Milk');
    assert.ok(milk.length > 3);
    assert.deepEqual(skus(page2.items), skus(milk.slice(3, 6)));
  });
});
