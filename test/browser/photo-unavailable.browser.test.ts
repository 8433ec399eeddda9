import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Browser, Request } from 'playwright-core';
import { appError } from '../../src/errors/app-error.ts';
import {
  VIEWPORTS,
  launchBrowser,
  multipartParts,
  openContext,
  openDemoStore,
  serveDemo,
  shot,
  skipReason,
  type DemoApp,
  type DemoStore,
} from './browser.harness.ts';

const skip = skipReason();

describe('when search by photo cannot work, the page says why and what fixes it', { skip }, () => {
  let browser: Browser;
  let store: DemoStore;
  let noModel: DemoApp;
  let notIndexed: DemoApp;
  let strictLinks: DemoApp;

  before(async () => {
    [browser, store] = await Promise.all([launchBrowser(), openDemoStore({ model: 'fake', products: 12 })]);
    // Over one store: the default CLIP model whose download failed; the photos not indexed yet;
    // then, indexed, a server that refuses links to private addresses (the default).
    noModel = await serveDemo(store, {
      config: { model: 'clip-vit-b32' },
      loader: async () => {
        throw appError('MODEL_DOWNLOAD_FAILED', {
          details: 'Could not download onnx/vision_model_quantized.onnx',
        });
      },
    });
    notIndexed = await serveDemo(store);
  });
  after(async () => {
    await browser?.close();
    for (const app of [noModel, notIndexed, strictLinks]) await app?.close();
    await store?.close();
  });

  async function indexedStrictLinks(): Promise<DemoApp> {
    if (!strictLinks) {
      await store.index();
      strictLinks = await serveDemo(store, { config: { allowPrivateUrls: false } });
    }
    return strictLinks;
  }

  for (const vp of VIEWPORTS) {
    it(`keeps «По фото» visible but disabled, with the reason on a notice and on tap (${vp.name})`, async () => {
      const { context, problems } = await openContext(browser, vp, { as: noModel.viewer });
      const page = await context.newPage();
      await page.goto(`${noModel.base}/products`);
      const button = page.getByRole('button', { name: 'По фото' });
      assert.equal(await button.getAttribute('aria-disabled'), 'true');
      assert.match((await button.getAttribute('title'))!, /модель распознавания «clip-vit-b32» не загружена/);
      const notice = page.getByTestId('photo-off');
      assert.match(
        await notice.innerText(),
        /Поиск по фото недоступен: модель распознавания «clip-vit-b32» не загружена/,
      );
      assert.match(await notice.innerText(), /Как исправить: MODEL=mobilenetv2-int8 MODEL_DIR=\S+ npm start/);
      // A person can press it (aria-disabled, not disabled); playwright's own check would refuse to.
      await button.click({ force: true });
      assert.equal(
        await page.evaluate(() => document.activeElement?.id),
        'photo-off',
        'the tap leads to the reason',
      );
      assert.equal(await page.getByRole('dialog').count(), 0, 'no dialog that cannot work');
      assert.equal(await page.getByRole('button', { name: 'Похожие' }).count(), 0);
      await shot(page, vp, 'u01-no-model');

      await page.goto(`${notIndexed.base}/products`);
      assert.match(
        await page.getByTestId('photo-off').innerText(),
        /фото товаров ещё не проиндексированы \(0 из 12\)[\s\S]*npx vitrina index/,
      );
      await shot(page, vp, 'u02-not-indexed');
      await context.close();
      assert.deepEqual(problems, []);
    });
  }

  // After the states above: this indexes the store.
  for (const vp of VIEWPORTS) {
    it(`refuses a link to a private address, in Russian (${vp.name})`, async () => {
      const { context, problems } = await openContext(browser, vp, { as: noModel.viewer });
      const page = await context.newPage();
      const app = await indexedStrictLinks();
      await page.goto(`${app.base}/products`);
      await page.getByRole('button', { name: 'По фото' }).click();
      await page.getByLabel('или ссылка на изображение').fill(`${app.base}/assets/favicon.svg`);
      await page.getByRole('button', { name: 'Найти похожие' }).click();
      const error = page.getByTestId('photo-error');
      await error.waitFor({ state: 'visible' });
      // One wording for every refused or failed link (issue 11): it must not tell open ports from closed ones.
      assert.equal(
        await error.innerText(),
        'Не удалось загрузить изображение по ссылке. Проверьте адрес или сохраните фото и загрузите файл.',
      );
      await shot(page, vp, 'u03-private-link');
      await context.close();
      assert.deepEqual(problems, []);
    });
  }

  it('searches at the server’s calibrated threshold when the page was shown before the model loaded', async () => {
    await indexedStrictLinks();
    let ready!: () => void;
    const gate = new Promise<void>((resolve) => (ready = resolve));
    const loading = await serveDemo(store, {
      loader: async (id) => {
        await gate;
        return store.loader(id);
      },
      awaitModel: false,
    });
    const { context, problems } = await openContext(browser, VIEWPORTS[0]!, { as: loading.viewer });
    try {
      const page = await context.newPage();
      await page.goto(`${loading.base}/products`);
      // The page knows no calibrated value yet: the slider can only show a stand-in.
      assert.equal(await page.locator('#photo-threshold').getAttribute('value'), '0.50');
      await page.getByRole('button', { name: 'По фото' }).click();
      const [chooser] = await Promise.all([
        page.waitForEvent('filechooser'),
        page.getByTestId('drop-zone').click(),
      ]);
      // A catalog product's own photo: it passes any threshold, so the search is saved either way.
      const [product] = (await store.ctx.catalog.list({ page: 1, perPage: 1 })).items;
      const photo = await fetch(`${loading.base}/media/${product!.imageSha256}`, {
        headers: loading.viewer.headers,
      });
      await chooser.setFiles({
        name: 'product.jpg',
        mimeType: String(photo.headers.get('content-type')),
        buffer: Buffer.from(await photo.arrayBuffer()),
      });
      await page.locator('#photo-stage .cropper-crop-box').waitFor();
      // (a route sees the request's body; a plain listener does not get one this large)
      const sent = new Promise<Request>((resolve) =>
        page.route('**/api/search-by-image', async (route) => {
          resolve(route.request());
          await route.continue();
        }),
      );
      await page.getByRole('button', { name: 'Найти похожие' }).click();
      const request = await sent;
      ready(); // the model finishes loading while the search waits for it
      assert.equal((await request.response())?.status(), 200, 'the search found and saved');
      await page.waitForURL(/image_search=/);
      assert.ok(!multipartParts(request).has('threshold'), 'no threshold of the page’s own');

      const calibrated = await loading.web.search.defaultThreshold();
      assert.ok(
        calibrated !== undefined && calibrated !== 0.5,
        `a calibrated value (${calibrated}) to tell apart`,
      );
      const id = new URL(page.url()).searchParams.get('image_search');
      const { rows } = await loading.ctx.stores.catalog.query<{ threshold: number }>(
        'select threshold from saved_searches where id = $1',
        [id],
      );
      // (stored as real: equal to float precision)
      assert.ok(
        Math.abs(Number(rows[0]?.threshold) - calibrated) < 1e-6,
        `the search ran at the server’s default ${calibrated}, not ${rows[0]?.threshold}`,
      );
      await page.goto(`${loading.base}/products`);
      assert.equal(
        await page.locator('#photo-threshold').getAttribute('value'),
        calibrated.toFixed(2),
        'once loaded, the slider starts at the server’s default',
      );
      assert.deepEqual(problems, []);
    } finally {
      ready();
      await context.close();
      await loading.close();
    }
  });
});
