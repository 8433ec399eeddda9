import assert from 'node:assert/strict';
import fs from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { after, afterEach, before, describe, it } from 'node:test';
import type { Browser, BrowserContext, Page, Request } from 'playwright-core';
import sharp from 'sharp';
import { tempDir } from '../helpers/test-env.ts';
import {
  ASPARAGUS,
  BANANA,
  VIEWPORTS,
  assertNoHorizontalScroll,
  dragFile,
  launchBrowser,
  multipartParts,
  openContext,
  pasteFile,
  sentImageSize,
  shot,
  skipReason,
  startDemoApp,
  type DemoApp,
} from './browser.harness.ts';

const skip = skipReason();
if (skip) console.log(`# skipping browser tests: ${skip}`);
const UPLOAD_MAX = 2 * 1024 * 1024;

describe('search by photo in chromium, with the real model and real store photos', { skip }, () => {
  let app: DemoApp;
  let browser: Browser;
  let files: Record<'text' | 'large' | 'broken' | 'empty', string>;
  let imageServer: http.Server;
  let imageBase: string;

  before(async () => {
    [app, browser] = await Promise.all([
      startDemoApp({ model: 'mobilenet', config: { uploadMaxBytes: UPLOAD_MAX, allowPrivateUrls: true } }),
      launchBrowser(),
    ]);
    const dir = await tempDir();
    files = {
      text: path.join(dir, 'notes.jpg'), // a text file renamed .jpg
      large: path.join(dir, 'huge.png'),
      broken: path.join(dir, 'broken.jpg'), // a JPEG signature and nothing decodable after it
      empty: path.join(dir, 'empty.jpg'),
    };
    fs.writeFileSync(files.text, 'shopping list: milk, bread\n'.repeat(20));
    const noise = Buffer.alloc(1100 * 1000 * 3);
    for (let i = 0; i < noise.length; i++) noise[i] = (i * 2654435761) >>> 24;
    await sharp(noise, { raw: { width: 1100, height: 1000, channels: 3 } })
      .png({ compressionLevel: 0 })
      .toFile(files.large);
    assert.ok(fs.statSync(files.large).size > UPLOAD_MAX);
    fs.writeFileSync(
      files.broken,
      Buffer.concat([Buffer.from([0xff, 0xd8, 0xff, 0xe0]), Buffer.alloc(2000, 7)]),
    );
    fs.writeFileSync(files.empty, '');
    const banana = fs.readFileSync(BANANA);
    imageServer = http.createServer((req, res) => {
      if (req.url === '/banana.jpg') return res.writeHead(200, { 'content-type': 'image/jpeg' }).end(banana);
      if (req.url === '/page.html')
        return res.writeHead(200, { 'content-type': 'text/html' }).end('<p>hi</p>');
      res.writeHead(404).end();
    });
    await new Promise<void>((r) => imageServer.listen(0, '127.0.0.1', r));
    imageBase = `http://127.0.0.1:${(imageServer.address() as AddressInfo).port}`;
  });
  after(async () => {
    await browser?.close();
    imageServer?.close();
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

      async function catalog(query = ''): Promise<Page> {
        const page = await context.newPage();
        await page.goto(`${app.base}/products${query}`);
        return page;
      }
      const dialog = (page: Page) => page.getByRole('dialog', { name: 'Поиск по фото' });
      async function openDialog(page: Page) {
        await page.getByRole('button', { name: 'По фото' }).click();
        await dialog(page).waitFor({ state: 'visible' });
      }
      /** «Выбрать» (phone) or the drop zone (desktop), through the browser's real file chooser. */
      async function choose(page: Page, file: string) {
        const [chooser] = await Promise.all([
          page.waitForEvent('filechooser'),
          phone
            ? page.getByRole('button', { name: 'Выбрать' }).click()
            : page.getByTestId('drop-zone').click(),
        ]);
        await chooser.setFiles(file);
      }
      const cropperReady = (page: Page) => page.locator('#photo-stage .cropper-crop-box').waitFor();
      /** Presses «Найти похожие»; the request as it left the browser (a route sees its body). */
      async function submit(page: Page): Promise<Request> {
        const sent = new Promise<Request>((resolve) =>
          page.route('**/api/search-by-image', async (route) => {
            resolve(route.request());
            await route.continue();
          }),
        );
        await page.getByRole('button', { name: 'Найти похожие' }).click();
        const request = await sent;
        await page.unroute('**/api/search-by-image');
        return request;
      }
      const scores = async (page: Page) =>
        (await page.getByTestId('score').allTextContents()).map((s) => Number(s.replace('%', '')));
      const names = (page: Page) => page.locator('[data-product-id] a.line-clamp-2').allTextContents();
      /** The cards are the saved search's products in its order, as the API lists them. */
      async function assertShowsSearch(page: Page): Promise<string[]> {
        const id = new URL(page.url()).searchParams.get('image_search');
        const shown = (await names(page)).map((n) => n.trim());
        assert.ok(shown.length > 0, 'results shown');
        const listed = await (
          await fetch(`${app.base}/api/products?image_search=${id}&per_page=${shown.length}`, {
            headers: app.viewer.headers,
          })
        ).json();
        assert.deepEqual(
          shown,
          listed.items.map((i: { name: string }) => i.name),
          'the search’s products, best first',
        );
        return shown;
      }

      it('opens «По фото» and closes it with Escape, «Отмена», ✕ and a click outside', async () => {
        const page = await catalog();
        await shot(page, vp, '01-catalog');
        await assertNoHorizontalScroll(page);
        await openDialog(page);
        await shot(page, vp, '02-dialog');
        if (phone) {
          const box = (await dialog(page).boundingBox())!;
          assert.deepEqual([box.x, box.y, box.width, box.height], [0, 0, vp.width, vp.height], 'full screen');
          // «Сделать фото» asks the phone for its camera (capture), «Выбрать» for its gallery.
          const [camera] = await Promise.all([
            page.waitForEvent('filechooser'),
            page.getByRole('button', { name: 'Сделать фото' }).click(),
          ]);
          assert.equal(await camera.element().getAttribute('capture'), 'environment');
          await camera.setFiles(BANANA);
          await cropperReady(page);
          await page.getByRole('button', { name: 'Другое фото' }).click();
        }
        await page.keyboard.press('Escape');
        await dialog(page).waitFor({ state: 'hidden' });
        assert.equal(
          await page.evaluate(() => document.activeElement?.id),
          'photo-search-open',
          'focus back',
        );
        await openDialog(page);
        await page.getByRole('button', { name: 'Отмена' }).click();
        await dialog(page).waitFor({ state: 'hidden' });
        await openDialog(page);
        await page.getByRole('button', { name: 'Закрыть' }).click();
        await dialog(page).waitFor({ state: 'hidden' });
        if (!phone) {
          await openDialog(page);
          await page.mouse.click(20, vp.height - 20); // press and release on the backdrop
          await dialog(page).waitFor({ state: 'hidden' });
        }
        await page.close();
      });

      it('keeps the dialog and the photo when a drag inside is released outside', async (t) => {
        if (phone) return t.skip('full screen on phones: there is no outside');
        const page = await catalog();
        await openDialog(page);
        await choose(page, ASPARAGUS);
        await cropperReady(page);
        // Resize the frame from its corner and let go over the backdrop.
        const corner = (await page.locator('#photo-stage .cropper-point.point-se').boundingBox())!;
        await page.mouse.move(corner.x + corner.width / 2, corner.y + corner.height / 2);
        await page.mouse.down();
        await page.mouse.move(corner.x - 60, corner.y - 60, { steps: 4 });
        await page.mouse.move(20, vp.height - 20, { steps: 4 });
        await page.mouse.up();
        // Select the link field's text and let go over the backdrop.
        const field = (await page.getByLabel('или ссылка на изображение').boundingBox())!;
        await page.getByLabel('или ссылка на изображение').fill('https://example.com/a.jpg');
        await page.mouse.move(field.x + field.width - 10, field.y + field.height / 2);
        await page.mouse.down();
        await page.mouse.move(vp.width - 10, field.y + field.height / 2, { steps: 4 });
        await page.mouse.up();
        assert.ok(await dialog(page).isVisible(), 'still open');
        assert.ok(
          await page.locator('#photo-stage .cropper-crop-box').isVisible(),
          'the photo is still there',
        );
        await page.close();
      });

      it('chooses a store photo: preview focused, the whole photo sent, results with scores best first', async () => {
        const page = await catalog();
        await openDialog(page);
        await choose(page, ASPARAGUS);
        await cropperReady(page);
        assert.equal(
          await page.evaluate(() => document.activeElement?.id),
          'photo-stage',
          'focus on the preview',
        );
        await shot(page, vp, '03-preview');
        const request = await submit(page);
        assert.equal(multipartParts(request).get('image')?.filename, 'Asparagus_012.jpg');
        assert.ok(!multipartParts(request).has('threshold'), 'untouched, the server’s own threshold applies');
        await page.waitForURL(/image_search=/);
        await page.getByTestId('photo-banner').waitFor();
        // The file went as chosen: the same matches and scores as posting it directly.
        const direct = new FormData();
        direct.append('image', new Blob([fs.readFileSync(ASPARAGUS)], { type: 'image/jpeg' }), 'a.jpg');
        const reply = await (
          await fetch(`${app.base}/api/search-by-image`, {
            method: 'POST',
            body: direct,
            headers: app.viewer.headers,
          })
        ).json();
        const id = new URL(page.url()).searchParams.get('image_search');
        const items = async (search: string) =>
          (
            await (
              await fetch(`${app.base}/api/products?image_search=${search}&per_page=100`, {
                headers: app.viewer.headers,
              })
            ).json()
          ).items;
        assert.deepEqual(await items(id!), await items(reply.search_id));
        const s = await scores(page);
        assert.ok(s.length > 0);
        assert.deepEqual(
          s,
          [...s].sort((a, b) => b - a),
          'best first',
        );
        assert.match((await assertShowsSearch(page))[0]!, /Asparagus/);
        assert.match(await page.getByTestId('photo-banner').innerText(), /\d+ товар\S* по фото/);
        await assertNoHorizontalScroll(page);
        await shot(page, vp, '04-results');
        await page.close();
      });

      it('rotates both ways: the turned photo fits the preview and is sent whole', async () => {
        const page = await catalog();
        await openDialog(page);
        await choose(page, ASPARAGUS);
        await cropperReady(page);
        const stage = (await page.locator('#photo-stage').boundingBox())!;
        for (const [button, name] of [
          ['Повернуть вправо', '05-rotated-right'],
          ['Повернуть влево', '06-rotated-back'],
          ['Повернуть влево', '07-rotated-left'],
        ] as const) {
          const before = await page.locator('#photo-img').getAttribute('src');
          await page.getByRole('button', { name: button }).click();
          await page.waitForFunction(
            (src) => document.getElementById('photo-img')?.getAttribute('src') !== src,
            before,
          );
          await cropperReady(page);
          const canvas = (await page.locator('#photo-stage .cropper-canvas').boundingBox())!;
          const crop = (await page.locator('#photo-stage .cropper-crop-box').boundingBox())!;
          assert.ok(canvas.width <= stage.width + 1 && canvas.height <= stage.height + 1, `${name}: fits`);
          assert.ok(
            Math.abs(crop.width - canvas.width) < 2 && Math.abs(crop.height - canvas.height) < 2,
            'frame = photo',
          );
          await shot(page, vp, name);
        }
        const request = await submit(page);
        assert.deepEqual(
          await sentImageSize(request),
          { width: 464, height: 348 },
          'turned a quarter, all of it',
        );
        await page.waitForURL(/image_search=/);
        await page.close();
      });

      it('crops (keyboard on a desktop, dragging the frame on a phone) and sends only the frame; threshold in %', async () => {
        const page = await catalog();
        if (phone) {
          await openDialog(page);
        } else {
          await page.getByRole('button', { name: 'По фото' }).focus();
          await page.keyboard.press('Enter');
          await dialog(page).waitFor({ state: 'visible' });
        }
        await choose(page, ASPARAGUS);
        await cropperReady(page);
        if (phone) {
          // The photo stays 348×464: drag the top-left handle a third of the way in.
          const box = (await page.locator('#photo-stage .cropper-crop-box').boundingBox())!;
          const handle = (await page.locator('#photo-stage .cropper-point.point-nw').boundingBox())!;
          assert.ok(handle.width >= 20, `a handle a finger can hold (${handle.width} px)`);
          await page.mouse.move(handle.x + handle.width / 2, handle.y + handle.height / 2);
          await page.mouse.down();
          await page.mouse.move(box.x + box.width / 3, box.y + box.height / 3, { steps: 5 });
          await page.mouse.up();
        } else {
          const before = await page.locator('#photo-img').getAttribute('src');
          await page.keyboard.press(']');
          await page.waitForFunction(
            (src) => document.getElementById('photo-img')?.getAttribute('src') !== src,
            before,
          );
          await cropperReady(page);
          assert.equal(await page.evaluate(() => document.activeElement?.id), 'photo-stage');
          for (let i = 0; i < 6; i++) await page.keyboard.press('Shift+ArrowLeft');
          for (let i = 0; i < 4; i++) await page.keyboard.press('ArrowRight');
        }
        await shot(page, vp, '08-crop');
        await page.locator('#photo-threshold').fill('0.4');
        assert.equal(await page.locator('#photo-threshold-value').innerText(), '40%');
        const request = await submit(page);
        const size = await sentImageSize(request);
        if (phone) {
          assert.ok(
            size.width < 348 * 0.75 && size.height < 464 * 0.75,
            `only the frame (${size.width}×${size.height})`,
          );
        } else {
          assert.equal(size.height, 348, 'the frame keeps the full height of the turned photo');
          assert.ok(size.width < 464 - 40, `only the framed part is sent (${size.width} px wide)`);
        }
        assert.equal(multipartParts(request).get('threshold')?.bytes.toString(), '0.4');
        await page.waitForURL(/image_search=/);
        await page.close();
      });

      it('takes a pasted photo, and a dropped one with a clear drag-over state', async () => {
        const page = await catalog();
        await openDialog(page);
        await pasteFile(page, BANANA, 'image/jpeg');
        await cropperReady(page);
        await page.getByRole('button', { name: 'Другое фото' }).click();
        if (!phone) {
          const drag = await dragFile(page, '#photo-drop', BANANA, 'image/jpeg');
          assert.match(
            await page.getByTestId('drop-zone').innerText(),
            /Отпустите, чтобы искать по этому фото/,
          );
          await shot(page, vp, '09-drag-over');
          await drag.drop();
          await cropperReady(page);
        } else {
          await pasteFile(page, BANANA, 'image/jpeg');
          await cropperReady(page);
        }
        await submit(page);
        await page.waitForURL(/image_search=/);
        assert.ok(
          (await names(page)).slice(0, 5).some((n) => /Banana/.test(n)),
          (await names(page)).join(', '),
        );
        await page.close();
      });

      it('refuses what is not an image, too large, empty or unreadable before uploading, in Russian', async () => {
        const page = await catalog();
        let uploads = 0;
        page.on('request', (r) => (r.url().endsWith('/api/search-by-image') ? uploads++ : 0));
        await openDialog(page);
        const error = page.getByTestId('photo-error');
        for (const [file, message, name] of [
          [files.text, /Это не изображение: выберите файл PNG, JPG, GIF или WEBP\./, '10-not-an-image'],
          [files.large, /Файл больше 2 МБ: выберите фото поменьше\./, '11-too-large'],
          [files.empty, /Файл пустой/, ''],
          [files.broken, /Не получается открыть это изображение/, ''],
        ] as const) {
          await choose(page, file);
          await error.waitFor({ state: 'visible' });
          assert.match(await error.innerText(), message);
          assert.equal(await page.getByRole('button', { name: 'Найти похожие' }).isDisabled(), true);
          if (name) await shot(page, vp, name);
        }
        assert.equal(uploads, 0, 'nothing was sent');
        await page.close();
      });

      it('keeps the filters when a photo search starts; filters, sort and pages work within the matches', async () => {
        const page = await catalog('?category=Vegetables');
        await openDialog(page);
        await choose(page, ASPARAGUS);
        await cropperReady(page);
        await submit(page);
        await page.waitForURL(/image_search=/);
        const url = new URL(page.url());
        assert.equal(url.searchParams.get('category'), 'Vegetables', 'the filter stayed');
        const categories = await page.getByTestId('card-category').allTextContents();
        assert.ok(
          categories.length > 0 && categories.every((c) => c.startsWith('Vegetables')),
          categories.join(),
        );
        await shot(page, vp, '12-filtered-matches');

        // All the matches, 12 a page, cheapest first: page 2 continues the order.
        await page.goto(`${app.base}/products?image_search=${url.searchParams.get('image_search')}`);
        const total = Number((await page.getByTestId('total').innerText()).match(/\d+/)![0]);
        assert.ok(total > 12, `enough matches for two pages (${total})`);
        await page.selectOption('select[name=per_page]', '12');
        await page.waitForURL(/per_page=12/);
        await page.selectOption('select[name=sort]', 'price_asc');
        await page.waitForURL(/sort=price_asc/);
        const price = async () =>
          (await page.getByTestId('price').allTextContents()).map((p) =>
            Number(p.replace(/[^\d,]/g, '').replace(',', '.')),
          );
        const first = await price();
        assert.deepEqual(
          first,
          [...first].sort((a, b) => a - b),
        );
        await page.getByTestId('pagination').getByRole('link', { name: '2', exact: true }).click();
        await page.waitForURL(/page=2/);
        const second = await price();
        assert.ok(second.length > 0 && second[0]! >= first.at(-1)!, 'page 2 continues the order');
        assert.match(page.url(), /image_search=/);
        await shot(page, vp, '13-matches-page-2');
        await page.close();
      });

      it('says why the text box is off in photo mode and how to leave it', async () => {
        const page = await catalog();
        await openDialog(page);
        await choose(page, ASPARAGUS);
        await cropperReady(page);
        await submit(page);
        await page.waitForURL(/image_search=/);
        const box = page.getByRole('searchbox');
        assert.equal(await box.isDisabled(), true);
        assert.match(
          await page.getByTestId('photo-mode-hint').innerText(),
          /Поиск по словам выключен, пока показаны результаты поиска по фото/,
        );
        assert.equal(await box.getAttribute('aria-describedby'), 'photo-mode-hint');
        await page.getByRole('link', { name: 'Искать по словам' }).click();
        await page.waitForURL((u) => !u.searchParams.has('image_search'));
        assert.equal(await box.isDisabled(), false);
        await page.close();
      });

      it('finds «Похожие» from a card and from a product page, and the way back keeps the search', async () => {
        const page = await catalog('?q=apple');
        await page.locator('[data-product-id]').first().getByRole('button', { name: 'Похожие' }).click();
        await page.waitForURL(/image_search=/);
        assert.match(await page.getByTestId('photo-banner').innerText(), /похож\S* товар/);
        const fromCard = await assertShowsSearch(page);
        assert.ok(
          fromCard.slice(0, 3).some((n) => /Apple/.test(n)),
          fromCard.join(),
        );
        await shot(page, vp, '14-similar-from-card');
        const results = page.url();
        await page.locator('[data-product-id] a.line-clamp-2').first().click();
        await page.waitForURL(/\/products\/\d+/);
        await shot(page, vp, '15-product-page');
        await assertNoHorizontalScroll(page);
        const product = (await page.locator('h1').innerText()).trim();
        await page.getByRole('button', { name: 'Похожие' }).click();
        await page.waitForURL(/image_search=/);
        const fromPage = await assertShowsSearch(page);
        assert.ok(!fromPage.includes(product), `${product} is not its own match`);
        assert.ok(
          fromPage.slice(0, 3).some((n) => /Apple/.test(n)),
          fromPage.join(),
        );
        await page.goBack();
        await page.getByTestId('back').click();
        await page.waitForURL(results);
        await page.close();
      });

      it('«Похожие» works without JavaScript too', async () => {
        const plain = await openContext(browser, vp, { javaScriptEnabled: false, as: app.viewer });
        const page = await plain.context.newPage();
        await page.goto(`${app.base}/products?q=banana`);
        const banana = (await names(page))[0]!.trim();
        await page.getByRole('button', { name: 'Похожие' }).first().click();
        await page.waitForURL(/image_search=/);
        const shown = await assertShowsSearch(page);
        assert.ok(!shown.includes(banana), `${banana} is not its own match`);
        assert.equal((await scores(page)).length, shown.length, 'each card with its score');
        await shot(page, vp, '16-similar-no-js');
        await plain.context.close();
        assert.deepEqual(plain.problems, []);
      });

      it('lists this browser’s searches at /searches', async () => {
        const page = await context.newPage();
        await page.goto(`${app.base}/searches`);
        const cards = page.getByTestId('history').getByRole('listitem');
        assert.ok((await cards.count()) >= 3, 'the searches made above');
        for (const count of (await page.getByTestId('history-count').allTextContents()).map((c) =>
          c.trim(),
        )) {
          assert.match(count, /^\d+ (товар|товара|товаров)$/);
          const n = Number(count.match(/\d+/)![0]);
          const word =
            n % 10 === 1 && n % 100 !== 11
              ? 'товар'
              : [2, 3, 4].includes(n % 10) && ![12, 13, 14].includes(n % 100)
                ? 'товара'
                : 'товаров';
          assert.equal(count, `${n} ${word}`);
        }
        await shot(page, vp, '17-searches');
        await assertNoHorizontalScroll(page);
        await cards.first().getByRole('link').click();
        await page.waitForURL(/image_search=/);
        await page.close();
      });

      it('searches by an image link, and says in Russian when a link is not an image', async () => {
        const page = await catalog();
        await openDialog(page);
        await page.getByLabel('или ссылка на изображение').fill(`${imageBase}/page.html`);
        await page.getByRole('button', { name: 'Найти похожие' }).click();
        const error = page.getByTestId('photo-error');
        await error.waitFor({ state: 'visible' });
        assert.doesNotMatch(
          await error.innerText(),
          /[A-Za-z]{4,}/,
          `one language: ${await error.innerText()}`,
        );
        await shot(page, vp, '18-link-not-an-image');
        await page.getByLabel('или ссылка на изображение').fill(`${imageBase}/banana.jpg`);
        await page.getByRole('button', { name: 'Найти похожие' }).click();
        await page.waitForURL(/image_search=/);
        assert.ok((await names(page)).slice(0, 5).some((n) => /Banana/.test(n)));
        await page.close();
      });

      it('says «Похожих товаров не найдено» in the dialog when nothing passes the threshold', async () => {
        const page = await catalog();
        await openDialog(page);
        await choose(page, BANANA);
        await cropperReady(page);
        await page.locator('#photo-threshold').fill('0.99');
        await submit(page);
        const error = page.getByTestId('photo-error');
        await error.waitFor({ state: 'visible' });
        assert.match(
          await error.innerText(),
          /^Похожих товаров не найдено\. Попробуйте другое фото или снизьте порог сходства\.$/,
        );
        assert.match(page.url(), /\/products$/, 'the page and the photo stay');
        assert.ok(await page.locator('#photo-stage .cropper-crop-box').isVisible());
        await shot(page, vp, '19-nothing-similar');
        // «может быть, вы искали»: the closest few, only when asked for
        await Promise.all([page.waitForURL(/image_search=/), page.getByTestId('photo-closest').click()]);
        assert.match(
          await page.getByTestId('photo-banner-text').innerText(),
          /^Похожих товаров не найдено\. Может быть, вы искали:$/,
        );
        const shown = (await scores(page)).length;
        assert.ok(shown >= 1 && shown <= 5, `${shown} closest products`);
        await shot(page, vp, '20-closest');
        await page.close();
      });

      it('says in Russian when the server does not answer', async () => {
        const page = await catalog();
        await page.route('**/api/search-by-image', (route) => route.abort('connectionreset'));
        await openDialog(page);
        await choose(page, BANANA);
        await cropperReady(page);
        await page.getByRole('button', { name: 'Найти похожие' }).click();
        const error = page.getByTestId('photo-error');
        await error.waitFor({ state: 'visible' });
        assert.match(await error.innerText(), /Сервер не ответил/);
        assert.equal(
          await page.getByRole('button', { name: 'Найти похожие' }).isEnabled(),
          true,
          'can try again',
        );
        await page.close();
      });
    });
  }
});
