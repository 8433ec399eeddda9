import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { createAppContext, type AppContext } from '../../src/app/app.context.ts';
import { tempDir, testConfig } from '../helpers/test-env.ts';
import { writeFixtureCatalog } from './catalog.fixture.ts';
import { catalogSuite } from './catalog.suite.ts';
import { listThroughWebWithClip, type ListFn } from './catalog.web.ts';

// Every catalog assertion again, asked through GET /api/products with CLIP-like towers loaded.
catalogSuite('embedded PGlite, through the web app with a text-tower model', () => testConfig(), undefined, {
  throughWebWithClip: true,
});

describe('text search through the web app when every photo matches the words', () => {
  let ctx: AppContext;
  let web: Awaited<ReturnType<typeof listThroughWebWithClip>>;
  let withPhotos: string[];
  const list: ListFn = (q) => web.list(q);
  const names = async (q: string) => (await list({ q, page: 1, perPage: 50 })).items.map((i) => i.name);

  before(async () => {
    ctx = await createAppContext(await testConfig());
    await ctx.importer.importFile(await writeFixtureCatalog(await tempDir()));
    // A text → image threshold every photo passes: each English query takes the fused path.
    web = await listThroughWebWithClip(ctx, { threshold: -1 });
    withPhotos = (await ctx.catalog.list({ page: 1, perPage: 50 })).items
      .filter((p) => p.imageSha256)
      .map((p) => p.name)
      .sort();
  });
  after(async () => {
    await web?.close();
    await ctx?.close();
  });

  it('keeps the near-spelling step: a typo finds its product first, the photos only add', async () => {
    const typo = await list({ q: 'organik wholle', page: 1, perPage: 50 });
    assert.equal(typo.items[0]?.name, 'Organic whole milk');
    assert.equal(typo.fuzzy, true, 'the page says it shows near spellings');
    assert.deepEqual(
      typo.items.map((i) => i.name).sort(),
      withPhotos,
      'the fused path ran: every product with a photo is a candidate',
    );
  });

  it('finds an exact SKU and a SKU prefix first', async () => {
    assert.equal((await names('EN-JUICE'))[0], 'Apple juice');
    assert.deepEqual(
      (await names('mlk-')).slice(0, 2).sort(),
      ['Молоко пастеризованное 3,2%', 'Молоко топлёное'].sort(),
    );
  });

  it('serves Russian queries by full-text search alone: no photo is added', async () => {
    assert.deepEqual(
      (await names('молока')).sort(),
      ['Молоко пастеризованное 3,2%', 'Молоко топлёное'].sort(),
    );
    assert.deepEqual(await names('кефир'), ['Кефир 1%']);
    assert.deepEqual(await names('ржаного хлеба'), ['Хлеб ржаной']);
    const typo = await list({ q: 'малоко', page: 1, perPage: 50 });
    assert.equal(typo.fuzzy, true);
    assert.deepEqual(
      typo.items.map((i) => i.name).sort(),
      ['Молоко пастеризованное 3,2%', 'Молоко топлёное'].sort(),
    );
  });
});
