import assert from 'node:assert/strict';
import fs from 'node:fs';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { after, afterEach, before, describe, it } from 'node:test';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { createAppContext, type AppContext } from '../../src/app/app.context.ts';
import { readGroceryDemo } from '../../src/catalog/catalog.demo.ts';
import { createModelProvider } from '../../src/search/model.provider.ts';
import { createWebApp, type WebApp } from '../../src/web/web.app.ts';
import { signedInClient, type TestClient } from '../helpers/auth-client.ts';
import { groceryDir, mobilenetDir, tempDir, testConfig } from '../helpers/test-env.ts';
import { PHOTOS, supplierWorkbook, type SupplierWorkbook } from '../import/workbook.fixture.ts';
import {
  assertNoHorizontalScroll,
  launchBrowser,
  openContext,
  shot,
  skipReason,
  VIEWPORTS,
} from './browser.harness.ts';

const CSP =
  "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data: blob:; " +
  "connect-src 'self'; object-src 'none'; frame-ancestors 'none'";
const MODEL = 'mobilenetv2-int8';

/**
 * The whole catalog-management flow as an editor meets it, with the real MobileNet and real
 * product photos: a supplier's workbook (photos in its rows, a merged two-row header, prices like
 * «1 250,00 ₽», broken rows) uploaded on «Импорт» → progress → summary with the broken rows and
 * their CSV → the products in the catalog with their photos → indexed → found by photo → deleted
 * on its edit page → gone from photo search.
 */
describe('catalog management in a real browser', { skip: skipReason() }, () => {
  let ctx: AppContext;
  let web: WebApp;
  let base: string;
  let browser: Browser;
  let book: SupplierWorkbook;
  let editor: TestClient;
  let bookFile: string;

  before(async () => {
    const config = await testConfig({ model: MODEL, modelDir: mobilenetDir });
    ctx = await createAppContext(config);
    // A few demo products already in the catalog: the photo search has others to tell apart
    // (the demo's own banana among them).
    const demo = await readGroceryDemo(groceryDir);
    await ctx.importer.importRows(demo.rows.slice(0, 10), demo.baseDir);
    web = await createWebApp(ctx, {
      logger: false,
      models: createModelProvider(config),
      indexOnStart: true,
      importPollMs: 500,
    });
    web.app.addHook('onSend', async (_request, reply, payload) => {
      reply.header('content-security-policy', CSP);
      return payload;
    });
    await web.app.listen({ port: 0, host: '127.0.0.1' });
    base = `http://127.0.0.1:${(web.app.server.address() as AddressInfo).port}`;
    // signed up through the same code as production, signed in through POST /signin
    editor = await signedInClient(web.app, ctx, { role: 'editor' });
    book = await supplierWorkbook();
    bookFile = path.join(await tempDir(), 'Прайс ООО Фермер.xlsx');
    fs.writeFileSync(bookFile, book.bytes);
    browser = await launchBrowser();
  });
  after(async () => {
    await browser?.close();
    await web?.close();
    await ctx?.close();
  });

  /** Until the configured model has embedded every photo (the server's own background indexer). */
  async function indexed(): Promise<void> {
    for (let i = 0; i < 240; i++) {
      const overview = (await editor.get('/api/index/models')).json() as {
        serving: string | null;
        models: { model: string; pending: number; done: number; total: number }[];
      };
      const m = overview.models.find((x) => x.model === MODEL);
      if (overview.serving === MODEL && m && m.pending === 0 && m.done === m.total) return;
      await new Promise((r) => setTimeout(r, 500));
    }
    assert.fail('indexing did not finish');
  }

  for (const vp of VIEWPORTS) {
    describe(`at ${vp.width}×${vp.height} (${vp.name})`, () => {
      let context: BrowserContext;
      let problems: string[];
      let page: Page;
      before(async () => {
        ({ context, problems } = await openContext(browser, vp, { as: editor }));
        page = await context.newPage();
      });
      afterEach(() => assert.deepEqual(problems.splice(0), [], 'no script errors, no CSP refusals'));
      after(() => context.close());

      /** «По фото» with a photo from the disk; the SKUs of the products it finds (none: []). */
      async function searchByPhoto(file: string): Promise<string[]> {
        await page.goto(`${base}/products`);
        await page.getByRole('button', { name: 'По фото' }).click();
        await page.getByRole('dialog', { name: 'Поиск по фото' }).waitFor({ state: 'visible' });
        const [chooser] = await Promise.all([
          page.waitForEvent('filechooser'),
          vp.name === 'phone'
            ? page.getByRole('button', { name: 'Выбрать' }).click()
            : page.getByTestId('drop-zone').click(),
        ]);
        await chooser.setFiles(file);
        await page.locator('#photo-stage .cropper-crop-box').waitFor();
        await page.getByRole('button', { name: 'Найти похожие' }).click();
        const outcome = await Promise.race([
          page.waitForURL(/image_search=/).then(() => 'results' as const),
          page
            .getByTestId('photo-error')
            .waitFor({ state: 'visible' })
            .then(() => 'nothing' as const),
        ]);
        if (outcome === 'nothing') return [];
        await page.getByTestId('photo-banner').waitFor();
        const ids = await page
          .locator('[data-product-id]')
          .evaluateAll((cards) => cards.map((c) => Number(c.getAttribute('data-product-id'))));
        const skus: string[] = [];
        for (const id of ids) skus.push((await ctx.catalog.get(id))!.sku);
        return skus;
      }

      it('uploads a supplier workbook with photos and follows it to its summary', async () => {
        await page.goto(`${base}/products`);
        if (vp.name === 'phone') {
          await page.getByTestId('account-menu').locator('summary').click();
          await page.getByTestId('menu-import').click();
        } else await page.getByTestId('nav-import').click();
        await page.waitForURL(/\/imports$/);
        await shot(page, vp, 'import-01-form', true);
        await assertNoHorizontalScroll(page);
        const [chooser] = await Promise.all([
          page.waitForEvent('filechooser'),
          page.locator('input[name=file]').click(),
        ]);
        await chooser.setFiles(bookFile);
        await page.getByLabel('Поставщик').fill('ООО Фермер');
        await Promise.all([page.waitForURL(/\/imports\/\d+$/), page.getByTestId('import-submit').click()]);
        await shot(page, vp, 'import-02-progress', true);
        // the progress script reloads the page when the job's state changes
        await page.locator('[data-import-status="done"]').waitFor({ timeout: 60_000 });
        await shot(page, vp, 'import-03-summary', true);
        await assertNoHorizontalScroll(page);
        const count = async (field: string) =>
          Number((await page.getByTestId(`count-${field}`).innerText()).trim());
        assert.equal((await count('imported')) + (await count('updated')), book.products.length);
        assert.equal(await count('failed'), book.broken.length);
        const lines = await page.getByTestId('error-row').locator('td:first-child').allTextContents();
        assert.deepEqual(
          lines.map(Number),
          book.broken.map((b) => b.line),
        );
        assert.match(await page.getByTestId('import-errors').innerText(), /нет артикула/);
        const [download] = await Promise.all([
          page.waitForEvent('download'),
          page.getByTestId('errors-csv').click(),
        ]);
        const csv = fs.readFileSync((await download.path())!, 'utf8');
        assert.match(csv, /^\ufeffСтрока,Артикул,Причина\r\n13,,/);
      });

      it('asks which column holds what when the header names neither, and remembers it', async () => {
        const csv = path.join(await tempDir(), 'странный прайс.csv');
        fs.writeFileSync(
          csv,
          `Номер;Позиция;Сумма\nM-${vp.name}-1;Вещь первая;1 250,00 ₽\nM-${vp.name}-2;Вещь вторая;99\n`,
        );
        await page.goto(`${base}/imports`);
        const [chooser] = await Promise.all([
          page.waitForEvent('filechooser'),
          page.locator('input[name=file]').click(),
        ]);
        await chooser.setFiles(csv);
        await page.getByLabel('Поставщик').fill(`Странный ${vp.name}`);
        await Promise.all([page.waitForURL(/\/mapping$/), page.getByTestId('import-submit').click()]);
        await page.getByTestId('mapping-form').waitFor();
        await shot(page, vp, 'mapping-01', true);
        await assertNoHorizontalScroll(page);
        // without the required columns the browser itself asks for them
        await page.getByTestId('mapping-submit').click();
        assert.match(page.url(), /\/mapping$/);
        await page.getByTestId('map-sku').selectOption('Номер');
        await page.getByTestId('map-name').selectOption('Позиция');
        await page.getByTestId('map-price').selectOption('Сумма');
        await Promise.all([page.waitForURL(/\/imports\/\d+$/), page.getByTestId('mapping-submit').click()]);
        await page.locator('[data-import-status="done"]').waitFor({ timeout: 60_000 });
        assert.equal((await page.getByTestId('count-imported').innerText()).trim(), '2');
        const product = (await ctx.catalog.list({ q: `M-${vp.name}-1`, page: 1, perPage: 1 })).items[0]!;
        assert.deepEqual([product.price, product.currency], [1250, 'RUB']);
      });

      it('shows the new products with their photos in the catalog', async () => {
        await page.getByRole('link', { name: 'Открыть каталог' }).click();
        await page.waitForURL(/\/products/);
        const card = page.locator('[data-product-id]', { hasText: 'Бананы Эквадор, кг' });
        await card.waitFor();
        const img = card.locator('img').first();
        await img.evaluate((el: HTMLImageElement) =>
          el.complete ? null : new Promise((r) => (el.onload = r)),
        );
        assert.ok(
          await img.evaluate((el: HTMLImageElement) => el.naturalWidth > 0),
          'the photo from the sheet shows',
        );
        assert.match(await card.innerText(), /1\s250,00\s₽/);
        await shot(page, vp, 'import-04-catalog', true);
        await card.locator('a').first().click();
        await page.waitForURL(/\/products\/\d+/);
        assert.equal(
          (await page.locator('img[src^="/media/"]').count()) >= 2,
          true,
          'both photos of the row',
        );
        await shot(page, vp, 'import-05-product', true);
      });

      it('indexes the new photos without a restart: «Индексация» shows it, then a photo finds the product', async () => {
        await indexed();
        await page.goto(`${base}/indexing`);
        await page.getByTestId('model-card').first().waitFor();
        assert.match(await page.getByTestId('serving').innerText(), new RegExp(MODEL));
        await shot(page, vp, 'indexing-01', true);
        await assertNoHorizontalScroll(page);
        const found = await searchByPhoto(PHOTOS.bananaShelf);
        assert.equal(found[0], 'FR-001', `best match first: ${found.join(', ')}`);
        await shot(page, vp, 'import-06-found-by-photo', true);
      });

      it('deletes the product on its edit page; photo search no longer finds it', async () => {
        const id = (await ctx.catalog.list({ q: 'FR-001', page: 1, perPage: 1 })).items[0]!.id;
        await page.goto(`${base}/products/${id}`);
        await page.getByTestId('edit-product').click();
        await page.waitForURL(/\/edit$/);
        await shot(page, vp, 'edit-01', true);
        await assertNoHorizontalScroll(page);
        await page.getByTestId('delete-confirm').check();
        await page.getByTestId('delete-product').click();
        await page.getByTestId('deleted').waitFor();
        assert.match(await page.getByTestId('deleted').innerText(), /FR-001/);
        await shot(page, vp, 'edit-02-deleted');
        const found = await searchByPhoto(PHOTOS.bananaShelf);
        assert.ok(!found.includes('FR-001'), `deleted, not found: ${found.join(', ')}`);
        await shot(page, vp, 'edit-03-after-delete', true);
      });
    });
  }
});
