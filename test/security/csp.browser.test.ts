import assert from 'node:assert/strict';
import fs from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { chromium, type Browser, type Page } from 'playwright-core';
import { signInContext } from '../browser/browser.harness.ts';
import { repoRoot } from '../helpers/test-env.ts';
import { squareImage } from '../search/search.fixture.ts';
import { startSecurityApp, type SecurityApp } from './security.fixture.ts';

const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const ARTIFACTS = path.join(repoRoot, 'artifacts', 'security');
const missing = fs.existsSync(CHROMIUM) ? false : `no chromium at ${CHROMIUM} (apt-get install chromium)`;

const SIZES = [
  { width: 1280, height: 800 },
  { width: 390, height: 844 },
];

/**
 * The pages under their real Content-Security-Policy in chromium: every script, style, image and
 * the cropper must still work, with not one violation reported; and a form on another site that
 * posts to «Похожие» is refused.
 */
describe('pages under the Content-Security-Policy, in a real browser', { skip: missing }, () => {
  let app: SecurityApp;
  let browser: Browser;
  let base: string;
  let productId: number;
  let photoFile: string;

  before(async () => {
    fs.mkdirSync(ARTIFACTS, { recursive: true });
    app = await startSecurityApp({ model: 'fake' }, { products: 8 });
    await app.web.app.listen({ port: 0, host: '127.0.0.1' });
    base = `http://127.0.0.1:${(app.web.app.server.address() as AddressInfo).port}`;
    productId = (await app.get('/api/products?q=R-3')).json().items[0].id;
    photoFile = path.join(ARTIFACTS, 'red.jpg');
    fs.writeFileSync(
      photoFile,
      await squareImage({ r: 215, g: 40, b: 20 }, { r: 250, g: 250, b: 250 }, 400, 'jpeg'),
    );
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
    await app?.close();
  });

  /** A page that records every CSP violation (the event, and chromium's console report). */
  async function openPage(size: { width: number; height: number }) {
    // signed in as a viewer: the helper's session cookie, as the browser suite does
    const context = await browser.newContext({ viewport: size, locale: 'ru-RU' });
    await signInContext(context, app.client);
    const page = await context.newPage();
    const violations: string[] = [];
    page.on('console', (m) => {
      if (/Content Security Policy|Refused to/i.test(m.text())) violations.push(m.text());
    });
    page.on('pageerror', (e) => violations.push(`page error: ${e.message}`));
    await page.exposeFunction('reportViolation', (v: string) => violations.push(v));
    await page.addInitScript(() => {
      document.addEventListener('securitypolicyviolation', (e) =>
        (window as unknown as { reportViolation(v: string): void }).reportViolation(
          `${e.violatedDirective} ${e.blockedURI}`,
        ),
      );
    });
    return { page, violations };
  }

  async function styled(page: Page): Promise<boolean> {
    // app.css paints the body slate-50; without the stylesheet it stays transparent/white
    return page.evaluate(() => getComputedStyle(document.body).backgroundColor === 'rgb(248, 250, 252)');
  }

  it('every page renders with its styles and scripts and no violation, at desktop and phone sizes', async () => {
    for (const size of SIZES) {
      const { page, violations } = await openPage(size);
      for (const url of [
        '/products',
        `/products/${productId}`,
        '/searches',
        '/products?lang=en',
        '/no-such-page',
      ]) {
        await page.goto(`${base}${url}`);
        await page.waitForLoadState('networkidle');
        assert.ok(await styled(page), `${url} at ${size.width}px: styles applied`);
      }
      await page.goto(`${base}/products`);
      await page.screenshot({ path: path.join(ARTIFACTS, `products-${size.width}.png`) });
      assert.deepEqual(violations, [], `${size.width}px`);
      await page.context().close();
    }
  });

  it('photo search: file chooser, cropper, search — all under the policy', async () => {
    for (const size of SIZES) {
      const { page, violations } = await openPage(size);
      await page.goto(`${base}/products`);
      await page.locator('#photo-search-open').click();
      await page.getByRole('dialog').waitFor({ state: 'visible' });
      // the drop zone on a desktop, «Выбрать» on a phone: the browser's real file chooser either way
      const [chooser] = await Promise.all([
        page.waitForEvent('filechooser'),
        size.width < 640
          ? page.getByRole('button', { name: 'Выбрать' }).click()
          : page.getByTestId('drop-zone').click(),
      ]);
      await chooser.setFiles(photoFile);
      await page.locator('#photo-stage .cropper-crop-box').waitFor();
      await page.waitForSelector('.cropper-view-box img');
      await page.screenshot({ path: path.join(ARTIFACTS, `cropper-${size.width}.png`) });
      await Promise.all([page.waitForURL(/image_search=/), page.locator('#photo-submit').click()]);
      assert.ok((await page.getByTestId('score').count()) > 0, 'results with scores');
      await page.screenshot({ path: path.join(ARTIFACTS, `results-${size.width}.png`) });
      assert.deepEqual(violations, [], `${size.width}px`);
      await page.context().close();
    }
  });

  // The browser posts this form as urlencoded with an empty body (issue 12 made the route accept it).
  it('«Похожие» on this site works in the browser (same-origin form post)', async () => {
    const { page, violations } = await openPage(SIZES[0]!);
    await page.goto(`${base}/products/${productId}`);
    await Promise.all([
      page.waitForURL(/image_search=/, { timeout: 10_000 }),
      page.getByTestId('similar').first().click(),
    ]);
    assert.ok((await page.getByTestId('score').count()) > 0);
    assert.deepEqual(violations, []);
    await page.context().close();
  });

  it('the same form on another site is refused (403 in the page language), nothing saved', async () => {
    const { page } = await openPage(SIZES[0]!);
    const saved = async () =>
      (await app.ctx.stores.catalog.query<{ n: number }>('select count(*)::int as n from saved_searches'))
        .rows[0]!.n;
    // Another origin (localhost is another site than 127.0.0.1) whose page posts the form itself.
    const evil = http.createServer((_req, res) =>
      res.writeHead(200, { 'content-type': 'text/html' }).end(
        `<form id="f" method="post" action="${base}/products/${productId}/similar"></form>
         <script>document.getElementById('f').submit()</script>`,
      ),
    );
    await new Promise<void>((r) => evil.listen(0, '127.0.0.1', r));
    try {
      const evilUrl = `http://localhost:${(evil.address() as AddressInfo).port}/`;
      const before = await saved();
      const refused = page.waitForResponse((r) => r.url().includes('/similar'));
      await page.goto(evilUrl);
      const response = await refused;
      assert.equal(response.status(), 403);
      await page.waitForLoadState('domcontentloaded');
      assert.match(await page.content(), /с других сайтов/);
      assert.equal(await saved(), before, 'nothing was saved');
      await page.screenshot({ path: path.join(ARTIFACTS, 'cross-site-refused.png') });
    } finally {
      evil.close();
      await page.context().close();
    }
  });
});
