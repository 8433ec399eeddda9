import assert from 'node:assert/strict';
import { after, afterEach, before, describe, it } from 'node:test';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import {
  VIEWPORTS,
  assertNoHorizontalScroll,
  launchBrowser,
  openContext,
  signInContext,
  shot,
  skipReason,
  startDemoApp,
  type DemoApp,
} from './browser.harness.ts';

const skip = skipReason();

/** Prices as shown on the cards («1 234,90 ₽») as numbers. */
const prices = async (page: Page) =>
  (await page.getByTestId('price').allTextContents()).map((p) =>
    Number(p.replace(/[^\d,]/g, '').replace(',', '.')),
  );
const names = (page: Page) => page.locator('[data-product-id] a.line-clamp-2').allTextContents();
const total = async (page: Page) => Number((await page.getByTestId('total').innerText()).match(/\d+/)![0]);

describe('the catalog in chromium, as a buyer uses it', { skip }, () => {
  let app: DemoApp;
  let browser: Browser;

  before(async () => {
    [app, browser] = await Promise.all([startDemoApp({ model: 'fake' }), launchBrowser()]);
  });
  after(async () => {
    await browser?.close();
    await app?.close();
  });

  for (const vp of VIEWPORTS) {
    describe(`at ${vp.width}×${vp.height} (${vp.name})`, () => {
      const phone = vp.name === 'phone';
      let context: BrowserContext;
      let problems: string[];
      before(async () => ({ context, problems } = await openContext(browser, vp, { as: app.viewer })));
      afterEach(() => assert.deepEqual(problems.splice(0), [], 'no script errors, no CSP refusals'));
      after(() => context.close());

      async function open(path: string): Promise<Page> {
        const page = await context.newPage();
        await page.goto(`${app.base}${path}`);
        return page;
      }
      /** Phones keep the filters in a sheet behind «Фильтры»; desktops show them beside the list. */
      async function filters(page: Page) {
        if (phone) {
          assert.equal(await page.getByTestId('filters').isVisible(), false, 'results first: filters folded');
          await page.getByTestId('filters-open').click();
        }
        await page.getByTestId('filters').waitFor({ state: 'visible' });
      }

      it('searches by words from the search box', async () => {
        const page = await open('/products');
        await page.getByRole('searchbox').fill('apple');
        await page.keyboard.press('Enter');
        await page.waitForURL(/q=apple/);
        const found = await names(page);
        assert.ok(found.length > 0 && found.every((n) => /apple|äpple/i.test(n)), found.join());
        assert.equal(await page.title(), 'apple · Витрина');
        await shot(page, vp, 'c01-text-search');
        await page.getByRole('searchbox').fill('aple');
        await page.getByRole('button', { name: 'Найти', exact: true }).click();
        await page.waitForURL(/q=aple/);
        assert.match(await page.getByTestId('fuzzy-note').innerText(), /похожие по написанию/);
        await page.getByRole('searchbox').fill('нет такого товара');
        await page.keyboard.press('Enter');
        await page.getByTestId('empty').waitFor();
        assert.match(await page.getByTestId('empty').innerText(), /Ничего не нашлось/);
        await shot(page, vp, 'c02-nothing-found');
        await page.close();
      });

      it('filters by category, supplier and price typed as people type it', async () => {
        const page = await open('/products');
        const all = await total(page);
        assert.equal(all, 81);
        await filters(page);
        await shot(page, vp, 'c03-filters');
        await page.selectOption('select[name=category]', 'Fruit');
        await page.waitForURL(/category=Fruit/);
        const fruit = await total(page);
        assert.ok(fruit > 10 && fruit < all);
        assert.ok(
          (await page.getByTestId('card-category').allTextContents()).every((c) => c.startsWith('Fruit')),
        );
        await filters(page);
        const supplier = (await page.locator('select[name=supplier] option').nth(1).getAttribute('value'))!;
        await page.selectOption('select[name=supplier]', supplier);
        await page.waitForURL((u) => u.searchParams.get('supplier') === supplier);
        assert.doesNotMatch(
          page.url(),
          /price_min=&|price_max=&|=(&|#|$)/,
          'no empty filters in the address',
        );
        assert.ok((await page.getByTestId('card-supplier').allTextContents()).every((s) => s === supplier));
        await filters(page);
        await page.getByRole('textbox', { name: 'Цена от' }).fill('1 000');
        await page.getByRole('textbox', { name: 'Цена до' }).fill('200 ₽');
        await page.getByRole('button', { name: 'Применить' }).click();
        // «от 1 000» above «до 200»: said beside the fields, the page and the other filters kept
        const error = page.getByTestId('price-error');
        await error.waitFor({ state: 'visible' });
        assert.match(await error.innerText(), /Цена «от» \(1\s000\) больше цены «до» \(200\)/);
        assert.match(page.url(), /category=Fruit/);
        await shot(page, vp, 'c04-price-range-error');
        await page.getByRole('textbox', { name: 'Цена от' }).fill('150');
        await page.getByRole('button', { name: 'Применить' }).click();
        await page.waitForURL(/price_min=150/);
        const shown = await prices(page);
        assert.ok(shown.length > 0 && shown.every((p) => p >= 150 && p <= 200), shown.join());
        await assertNoHorizontalScroll(page);
        await page.close();
      });

      it('sorts, changes the page size and pages through the list', async () => {
        const page = await open('/products');
        await page.selectOption('select[name=sort]', 'price_desc');
        await page.waitForURL(/sort=price_desc/);
        const first = await prices(page);
        assert.deepEqual(
          first,
          [...first].sort((a, b) => b - a),
        );
        await page.selectOption('select[name=per_page]', '12');
        await page.waitForURL(/per_page=12/);
        const page1 = await prices(page);
        assert.equal(page1.length, 12);
        await page.getByRole('link', { name: 'Вперёд' }).click();
        await page.waitForURL(/page=2/);
        const page2 = await prices(page);
        assert.ok(page2[0]! <= page1.at(-1)!, 'page 2 continues the order');
        assert.match(await page.getByTestId('total').innerText(), /81 товар/);
        assert.match(await page.locator('[aria-current=page]').innerText(), /^2$/);
        await shot(page, vp, 'c05-sorted-page-2');
        await page.getByTestId('pagination').getByRole('link', { name: '7', exact: true }).click();
        await page.waitForURL(/page=7/);
        assert.equal((await names(page)).length, 81 - 6 * 12);
        await assertNoHorizontalScroll(page);
        await page.close();
      });

      it('opens a product, shows its photo at its own size, and goes back to the same list', async () => {
        const page = await open('/products?q=banana&sort=price_asc');
        await page.locator('[data-product-id] a.line-clamp-2').first().click();
        await page.waitForURL(/\/products\/\d+/);
        const image = page.getByTestId('main-image');
        await image.waitFor();
        const { natural, shown } = await image.evaluate((img: HTMLImageElement) => ({
          natural: img.naturalWidth,
          shown: img.getBoundingClientRect().width,
        }));
        assert.ok(shown <= natural + 0.5, `not upscaled (${natural} px shown at ${shown})`);
        assert.equal(await page.title(), `${(await page.locator('h1').innerText()).trim()} · Витрина`);
        await shot(page, vp, 'c06-product');
        await assertNoHorizontalScroll(page);
        await page.getByRole('link', { name: '← К результатам поиска' }).click();
        await page.waitForURL(/q=banana&sort=price_asc/);
        await page.close();
      });

      it('switches to English and back, the whole page in one language', async () => {
        const page = await open('/products?category=Fruit');
        await page.getByRole('link', { name: 'English' }).click();
        await page.waitForURL(/lang=en/);
        assert.match(await page.getByTestId('total').innerText(), /\d+ products/);
        // Everything but the way back to Russian, which names itself in Russian.
        const text = await page.evaluate(() => {
          const copy = document.body.cloneNode(true) as HTMLElement;
          copy.querySelectorAll('[hreflang], script').forEach((el) => el.remove());
          return copy.textContent ?? '';
        });
        assert.doesNotMatch(text, /[А-Яа-яЁё]/, 'no Russian left on the English page');
        await shot(page, vp, 'c07-english');
        await page.getByRole('link', { name: 'Русский' }).click();
        await page.waitForURL(/lang=ru/);
        assert.match(await page.getByTestId('total').innerText(), /товар/);
        await page.close();
      });

      it('shows error pages in Russian with a way back', async () => {
        for (const [path, status, message, name] of [
          ['/products/999999', '404', /Такого товара нет в каталоге/, 'c08-no-product'],
          [
            '/products?image_search=zzzzzzzzzzzz',
            '404',
            /поиск по фото не найден или устарел/,
            'c09-expired-search',
          ],
          ['/products?page=-3', '400', /Неверные параметры запроса: page/, ''],
          ['/nowhere', '404', /Такой страницы нет/, ''],
        ] as const) {
          const page = await context.newPage();
          const response = await page.goto(`${app.base}${path}`);
          assert.equal(String(response?.status()), status, path);
          assert.match(await page.getByTestId('error-message').innerText(), message);
          assert.doesNotMatch(
            await page.locator('main').innerText(),
            /[A-Za-z]{5,}/,
            `${path}: one language`,
          );
          if (name) await shot(page, vp, name);
          await page.getByRole('link', { name: 'Вернуться в каталог' }).click();
          await page.waitForURL(/\/products$/);
          await page.close();
        }
      });

      it('fits a 360 px phone and the filter sheet opens and closes', async (t) => {
        if (!phone) return t.skip('phones only');
        const narrow = await browser.newContext({
          viewport: { width: 360, height: 740 },
          locale: 'ru-RU',
          isMobile: true,
          hasTouch: true,
        });
        await signInContext(narrow, app.viewer);
        const page = await narrow.newPage();
        for (const path of ['/products', '/products?q=apple&category=Fruit', '/searches', '/products/1']) {
          await page.goto(`${app.base}${path}`);
          await assertNoHorizontalScroll(page);
        }
        await page.goto(`${app.base}/products`);
        const firstCard = (await page.locator('[data-product-id]').first().boundingBox())!;
        assert.ok(firstCard.y < 740, `the first result is on the first screen (y = ${firstCard.y})`);
        await page.getByTestId('filters-open').click();
        const sheet = (await page.getByTestId('filters').boundingBox())!;
        assert.deepEqual([sheet.x, sheet.width], [0, 360], 'the sheet covers the screen');
        await shot(page, vp, 'c10-filter-sheet-360');
        await page.getByTestId('filters-close').click();
        assert.equal(await page.getByTestId('filters').isVisible(), false);
        await narrow.close();
      });
    });
  }
});
