import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { createAppContext, type AppContext } from '../../src/app/app.context.ts';
import type { ProductQuery } from '../../src/catalog/catalog.types.ts';
import type { AppConfig } from '../../src/config/config.schema.ts';
import { tempDir } from '../helpers/test-env.ts';
import { writeFixtureCatalog, writeManyProducts } from './catalog.fixture.ts';
import { listThroughWebWithClip, type ListFn } from './catalog.web.ts';

/** The same catalog behaviour, asserted on whichever store the config points at. */
export function catalogSuite(
  name: string,
  makeConfig: () => Promise<AppConfig>,
  cleanup?: () => Promise<void>,
  options: {
    /** ask for every list through the web app with a text-tower model loaded (catalog.web.ts) */
    throughWebWithClip?: boolean;
    /** describe()'s skip: why this store cannot run here (storeMatrix) */
    skip?: string | false;
  } = {},
) {
  describe(`catalog on ${name}`, { skip: options.skip ?? false }, () => {
    let ctx: AppContext;
    let web: Awaited<ReturnType<typeof listThroughWebWithClip>> | undefined;
    const list: ListFn = (q) => (web ? web.list(q) : ctx.catalog.list(q));
    const names = async (q: Partial<ProductQuery>) =>
      (await list({ page: 1, perPage: 50, ...q })).items.map((i) => i.name);

    before(async () => {
      ctx = await createAppContext(await makeConfig());
      const dir = await tempDir();
      const summary = await ctx.importer.importFile(await writeFixtureCatalog(dir));
      assert.equal(summary.failed, 0, JSON.stringify(summary.errors));
      await ctx.importer.importFile(await writeManyProducts(dir, 30));
      if (options.throughWebWithClip) web = await listThroughWebWithClip(ctx);
    });
    after(async () => {
      await web?.close();
      await ctx?.close();
      await cleanup?.();
    });

    it('finds Russian words in their other forms (russian configuration)', async () => {
      assert.deepEqual(
        (await names({ q: 'молока' })).sort(),
        ['Молоко пастеризованное 3,2%', 'Молоко топлёное'].sort(),
      );
      assert.deepEqual(await names({ q: 'ржаного хлеба' }), ['Хлеб ржаной']);
    });

    it('finds English words in their other forms (english configuration)', async () => {
      assert.deepEqual(await names({ q: 'milks' }), ['Organic whole milk']);
      assert.deepEqual(await names({ q: 'run' }), ['Running shoes']);
      assert.deepEqual(await names({ q: 'apples' }), ['Apple juice']);
    });

    it('prefers name matches over description matches and falls back to descriptions', async () => {
      // "молоко" is in Кефир's description only ("из молока"): the name matches win, alone.
      assert.deepEqual(
        (await names({ q: 'молоко' })).sort(),
        ['Молоко пастеризованное 3,2%', 'Молоко топлёное'].sort(),
      );
      // No name says these words: the descriptions answer.
      assert.deepEqual(await names({ q: 'закваске' }), ['Хлеб ржаной']);
      assert.deepEqual(await names({ q: 'напиток' }), ['Кефир 1%']);
    });

    it('matches SKUs exactly and by prefix, and tolerates typos with trigrams', async () => {
      assert.deepEqual(await names({ q: 'EN-JUICE' }), ['Apple juice']);
      assert.deepEqual(
        (await names({ q: 'mlk-' })).sort(),
        ['Молоко пастеризованное 3,2%', 'Молоко топлёное'].sort(),
      );
      const typo = await list({ q: 'organik wholle', page: 1, perPage: 10 });
      assert.equal(typo.fuzzy, true);
      assert.equal(typo.items[0]?.name, 'Organic whole milk');
      assert.equal((await list({ q: 'zzzxxyq', page: 1, perPage: 10 })).total, 0);
    });

    it('filters by category (with subcategories), supplier and price range', async () => {
      assert.equal((await list({ category: 'Молочные продукты', page: 1, perPage: 50 })).total, 3);
      assert.equal((await list({ category: 'Молочные продукты / Кефир', page: 1, perPage: 50 })).total, 1);
      assert.deepEqual((await names({ supplier: 'Orchard Ltd' })).sort(), ['Apple juice', 'Running shoes']);
      const mid = await list({
        priceMin: 50,
        priceMax: 100,
        category: 'Молочные продукты',
        page: 1,
        perPage: 50,
      });
      assert.deepEqual(mid.items.map((i) => i.price).sort(), [75.5, 89.9]);
    });

    it('sorts by price both ways with products without a price last', async () => {
      const asc = await list({ sort: 'price_asc', category: 'Odd', page: 1, perPage: 3 });
      assert.deepEqual(
        asc.items.map((i) => i.price),
        [1, 3, 5],
      );
      const desc = await list({ sort: 'price_desc', category: 'Odd', page: 1, perPage: 3 });
      assert.deepEqual(
        desc.items.map((i) => i.price),
        [29, 27, 25],
      );
    });

    it('pages without gaps or repeats and reports the total', async () => {
      const seen: string[] = [];
      for (let page = 1; page <= 4; page++) {
        const r = await list({ q: 'product', sort: 'name', page, perPage: 8 });
        assert.equal(r.total, 30);
        seen.push(...r.items.map((i) => i.name));
      }
      assert.equal(seen.length, 30);
      assert.equal(new Set(seen).size, 30);
      const beyond = await list({ q: 'product', page: 9, perPage: 8 });
      assert.equal(beyond.items.length, 0);
      assert.equal(beyond.total, 30);
    });

    it('returns a product with all its images in order', async () => {
      const juice = (await list({ q: 'EN-JUICE', page: 1, perPage: 1 })).items[0]!;
      const detail = await ctx.catalog.get(juice.id);
      assert.equal(detail?.images.length, 2);
      assert.deepEqual(
        detail?.images.map((i) => i.position),
        [0, 1],
      );
      assert.equal(detail?.images[0]?.sha256, juice.imageSha256);
      assert.equal(await ctx.catalog.get(999_999), null);
    });

    it('lists facets with counts', async () => {
      const facets = await ctx.catalog.facets();
      assert.deepEqual(
        facets.suppliers.find((f) => f.value === 'Ферма'),
        { value: 'Ферма', count: 3 },
      );
      assert.ok(facets.categories.some((f) => f.value === 'Dairy / Milk' && f.count === 1));
    });
  });
}
