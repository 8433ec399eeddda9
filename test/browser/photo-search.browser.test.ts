import assert from 'node:assert/strict';
import fs from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { chromium, type Browser, type Page } from 'playwright-core';
import { createAppContext, type AppContext } from '../../src/app/app.context.ts';
import { createFakeEmbedder } from '../../src/embedding/embedder.fake.ts';
import { createIndexer } from '../../src/indexer/indexer.service.ts';
import { createModelProvider } from '../../src/search/model.provider.ts';
import { createVectorRepository } from '../../src/search/vector.repository.ts';
import { createWebApp, type WebApp } from '../../src/web/web.app.ts';
import { signedInClient, type TestClient } from '../helpers/auth-client.ts';
import { repoRoot, tempDir, testConfig } from '../helpers/test-env.ts';
import { squareImage, writeSearchCatalog } from '../search/search.fixture.ts';

const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const ARTIFACTS = path.join(repoRoot, 'artifacts');
const missing = fs.existsSync(CHROMIUM) ? false : `no chromium at ${CHROMIUM} (apt-get install chromium)`;
if (missing) console.log(`# skipping browser tests: ${missing}`);

describe('«По фото» in a real browser', { skip: missing }, () => {
  let ctx: AppContext;
  let web: WebApp;
  let browser: Browser;
  let base: string;
  let imageServer: http.Server;
  let imageBase: string;
  let redJpeg: Buffer;
  let viewer: TestClient;

  before(async () => {
    fs.mkdirSync(ARTIFACTS, { recursive: true });
    const config = await testConfig({ model: 'fake', allowPrivateUrls: true });
    ctx = await createAppContext(config);
    await ctx.importer.importFile(await writeSearchCatalog(await tempDir()));
    const fake = createFakeEmbedder({ id: 'fake' });
    const vectors = createVectorRepository(ctx.stores.vectors!);
    await createIndexer({
      catalog: ctx.repository,
      vectors,
      media: ctx.media,
      embedder: fake,
      exclusive: true,
    }).run();
    web = await createWebApp(ctx, {
      logger: false,
      indexOnStart: false,
      models: createModelProvider(config, async () => fake),
    });
    await web.app.listen({ port: 0, host: '127.0.0.1' });
    base = `http://127.0.0.1:${(web.app.server.address() as AddressInfo).port}`;
    viewer = await signedInClient(web.app, ctx, { role: 'viewer' });
    redJpeg = await squareImage({ r: 215, g: 40, b: 20 }, { r: 250, g: 250, b: 250 }, 256, 'jpeg');
    imageServer = http.createServer((_req, res) =>
      res.writeHead(200, { 'content-type': 'image/jpeg' }).end(redJpeg),
    );
    await new Promise<void>((r) => imageServer.listen(0, '127.0.0.1', r));
    imageBase = `http://127.0.0.1:${(imageServer.address() as AddressInfo).port}`;
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: [
        '--headless',
        '--no-sandbox',
        '--disable-gpu',
        '--disable-background-networking',
        '--disable-component-update',
        '--no-first-run',
      ],
    });
  });
  after(async () => {
    await browser?.close();
    imageServer?.close();
    await web?.close();
    await ctx?.close();
  });

  async function openModal(): Promise<Page> {
    const context = await browser.newContext({ viewport: { width: 1280, height: 900 }, locale: 'ru-RU' });
    await context.addCookies([{ name: 'vitrina_session', value: viewer.secret, url: base }]);
    const page = await context.newPage();
    page.on('pageerror', (e) => assert.fail(`page error: ${e.message}`));
    await page.goto(`${base}/products`);
    await page.getByRole('button', { name: 'По фото' }).click();
    await page.getByRole('dialog').waitFor({ state: 'visible' });
    return page;
  }

  /** Dispatches a real DataTransfer with the file, as a drag from the desktop does. */
  async function dropFile(page: Page, bytes: Buffer, name: string, type: string) {
    await page.evaluate(
      ({ b64, name, type }) => {
        const bin = Uint8Array.from(atob(b64), (c) => c.charCodeAt(0));
        const dt = new DataTransfer();
        dt.items.add(new File([bin], name, { type }));
        const zone = document.getElementById('photo-drop')!;
        zone.dispatchEvent(new DragEvent('dragenter', { dataTransfer: dt, bubbles: true, cancelable: true }));
        zone.dispatchEvent(new DragEvent('drop', { dataTransfer: dt, bubbles: true, cancelable: true }));
      },
      { b64: bytes.toString('base64'), name, type },
    );
  }

  it('drop → preview → search → results with scores, page 2 and a filter within the matches', async () => {
    const page = await openModal();
    await page.screenshot({ path: path.join(ARTIFACTS, 'modal.png') });
    await dropFile(page, redJpeg, 'red.jpg', 'image/jpeg');
    await page.locator('#photo-preview').waitFor({ state: 'visible' });
    await page.waitForSelector('.cropper-container');
    await page.locator('#photo-threshold').fill('0.3');
    await page.screenshot({ path: path.join(ARTIFACTS, 'modal-preview.png') });
    await Promise.all([
      page.waitForURL(/image_search=/),
      page.getByRole('button', { name: 'Найти похожие' }).click(),
    ]);
    await page.getByTestId('photo-banner').waitFor();
    const scores = await page.getByTestId('score').allTextContents();
    assert.ok(scores.length > 0 && scores.every((s) => /^\d+%$/.test(s)), scores.join(','));
    assert.equal(await page.locator('input[name=q]').isDisabled(), true);
    assert.match(await page.getByTestId('photo-banner').innerText(), /товар\S* по фото/);
    await page.screenshot({ path: path.join(ARTIFACTS, 'results.png'), fullPage: true });

    await page.getByTestId('pagination').getByRole('link', { name: '2', exact: true }).click();
    await page.waitForURL(/page=2/);
    assert.ok((await page.getByTestId('score').count()) > 0);

    await page.selectOption('select[name=category]', 'Red / Odd');
    await page.waitForURL(/category=Red/);
    const categories = await page.locator('[data-product-id] p.text-xs.text-slate-500').allTextContents();
    assert.ok(categories.length > 0 && categories.every((c) => c === 'Red / Odd'), categories.join(','));
    assert.match(page.url(), /image_search=/);
    await page.close();
  });

  it('closes on Escape, on a click outside and on «Отмена»; opens from the keyboard', async () => {
    const page = await openModal();
    await page.keyboard.press('Escape');
    await page.getByRole('dialog').waitFor({ state: 'hidden' });
    await page.getByRole('button', { name: 'По фото' }).click();
    await page.mouse.click(10, 450); // the backdrop
    await page.getByRole('dialog').waitFor({ state: 'hidden' });
    await page.getByRole('button', { name: 'По фото' }).focus();
    await page.keyboard.press('Enter');
    await page.getByRole('dialog').waitFor({ state: 'visible' });
    await page.getByRole('button', { name: 'Отмена' }).click();
    await page.getByRole('dialog').waitFor({ state: 'hidden' });
    await page.close();
  });

  it('takes a pasted image and shows server errors inline', async () => {
    const page = await openModal();
    await page.evaluate(
      async ({ b64 }) => {
        const bin = Uint8Array.from(atob(b64), (c) => c.charCodeAt(0));
        const dt = new DataTransfer();
        dt.items.add(new File([bin], 'pasted.png', { type: 'image/png' }));
        document.dispatchEvent(
          new ClipboardEvent('paste', { clipboardData: dt, bubbles: true, cancelable: true }),
        );
      },
      { b64: (await squareImage({ r: 30, g: 220, b: 30 }, { r: 120, g: 0, b: 120 }, 96)).toString('base64') },
    );
    await page.locator('#photo-preview').waitFor({ state: 'visible' });
    await page.locator('#photo-threshold').fill('0.99');
    await page.getByRole('button', { name: 'Найти похожие' }).click();
    const error = page.getByTestId('photo-error');
    await error.waitFor({ state: 'visible' });
    assert.match(await error.innerText(), /Nothing similar/);
    assert.match(page.url(), /\/products$/);
    await page.close();
  });

  it('searches by an image link', async () => {
    const page = await openModal();
    await page.locator('#photo-url').fill(`${imageBase}/photo.jpg`);
    await page.locator('#photo-threshold').fill('0.3');
    await Promise.all([
      page.waitForURL(/image_search=/),
      page.getByRole('button', { name: 'Найти похожие' }).click(),
    ]);
    assert.ok((await page.getByTestId('score').count()) > 0);
    await page.close();
  });
});
