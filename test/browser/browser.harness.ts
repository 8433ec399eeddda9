import assert from 'node:assert/strict';
import fs from 'node:fs';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { chromium, type Browser, type BrowserContext, type Page, type Request } from 'playwright-core';
import sharp from 'sharp';
import { createAppContext, type AppContext } from '../../src/app/app.context.ts';
import { SESSION_COOKIE } from '../../src/auth/auth.plugin.ts';
import { readGroceryDemo } from '../../src/catalog/catalog.demo.ts';
import type { AppConfig } from '../../src/config/config.schema.ts';
import { createEmbedder } from '../../src/embedding/embedder.factory.ts';
import { createFakeEmbedder } from '../../src/embedding/embedder.fake.ts';
import type { Embedder } from '../../src/embedding/embedding.types.ts';
import { createIndexer } from '../../src/indexer/indexer.service.ts';
import { createModelProvider, type EmbedderLoader } from '../../src/search/model.provider.ts';
import { createVectorRepository } from '../../src/search/vector.repository.ts';
import { createWebApp, type WebApp } from '../../src/web/web.app.ts';
import { signedInClient, type TestClient } from '../helpers/auth-client.ts';
import { groceryDir, mobilenetDir, repoRoot, testConfig } from '../helpers/test-env.ts';

/**
 * What every browser test file shares: Debian's chromium driven by playwright-core, one app per
 * file serving the Grocery Store demo catalog, both viewports in one browser, screenshots under
 * artifacts/browser/ (git-ignored), and the pages served under a Content-Security-Policy without
 * 'unsafe-inline' scripts, so an inline script or handler shows up as a console error.
 */

const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
export const ARTIFACTS = path.join(repoRoot, 'artifacts', 'browser');

export const skipReason = (): string | false => {
  if (!fs.existsSync(CHROMIUM)) return `no chromium at ${CHROMIUM} (apt-get install chromium)`;
  if (!fs.existsSync(path.join(groceryDir, 'dataset/classes.csv')))
    return `no Grocery Store dataset at ${groceryDir}`;
  return false;
};

export interface Viewport {
  name: 'desktop' | 'phone';
  width: number;
  height: number;
}
export const VIEWPORTS: Viewport[] = [
  { name: 'desktop', width: 1280, height: 800 },
  { name: 'phone', width: 390, height: 844 },
];

/** Real store photos (not the catalog's packshots) from the dataset. */
export const storePhoto = (relative: string) => path.join(groceryDir, 'dataset', relative);
/** 348×464 (portrait): rotating it must send 464×348. */
export const ASPARAGUS = storePhoto('train/Vegetables/Asparagus/Asparagus_012.jpg');
export const BANANA = storePhoto('val/Fruit/Banana/Banana_001.jpg');

const CSP =
  "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data: blob:; " +
  "connect-src 'self'; object-src 'none'; frame-ancestors 'none'";

/** Serves every page of this app under the test's Content-Security-Policy. */
export function applyTestCsp(web: WebApp): void {
  web.app.addHook('onSend', async (_request, reply, payload) => {
    reply.header('content-security-policy', CSP);
    return payload;
  });
}

export interface DemoStore {
  ctx: AppContext;
  /** the store's model: real MobileNet or the fake embedder */
  loader: EmbedderLoader;
  /** embeds every catalog photo, as `vitrina index` does */
  index(): Promise<void>;
  close(): Promise<void>;
}

export interface DemoApp {
  ctx: AppContext;
  web: WebApp;
  base: string;
  /** a signed-in viewer of this store (its session works on every app over the same store) */
  viewer: TestClient;
  close(): Promise<void>;
}

/**
 * The Grocery Store demo catalog in an embedded store. Opening one costs seconds, so a test file
 * opens one and serves it as often as it needs (each web app with its own settings).
 */
export async function openDemoStore(options: {
  model: 'mobilenet' | 'fake';
  /** only the first n demo products: enough for a test about a state, and faster */
  products?: number;
}): Promise<DemoStore> {
  const mobilenet = options.model === 'mobilenet';
  const config = await testConfig({
    model: mobilenet ? 'mobilenetv2-int8' : 'fake',
    modelDir: mobilenet ? mobilenetDir : undefined,
  });
  const ctx = await createAppContext(config);
  const demo = await readGroceryDemo(groceryDir);
  await ctx.importer.importRows(demo.rows.slice(0, options.products), demo.baseDir);
  let embedder: Embedder | undefined;
  const loader: EmbedderLoader = async () =>
    (embedder ??= mobilenet ? await createEmbedder({ config }) : createFakeEmbedder({ id: 'fake' }));
  return {
    ctx,
    loader,
    async index() {
      await createIndexer({
        catalog: ctx.repository,
        vectors: createVectorRepository(ctx.stores.vectors!),
        media: ctx.media,
        embedder: await loader(config.model),
        exclusive: true,
      }).run();
    },
    close: () => ctx.close(),
  };
}

/**
 * A listening web app over the store, its pages under the test CSP. `loader` replaces the store's
 * model (one that fails to load); `config` changes settings for this app only.
 */
export async function serveDemo(
  store: DemoStore,
  options: {
    loader?: EmbedderLoader;
    config?: Partial<AppConfig>;
    /** false: serve at once, the model still loading (pages show the state before it is ready) */
    awaitModel?: boolean;
  } = {},
): Promise<DemoApp> {
  const config = { ...store.ctx.config, ...options.config };
  const ctx = { ...store.ctx, config };
  const web = await createWebApp(ctx, {
    logger: false,
    indexOnStart: false,
    models: createModelProvider(config, options.loader ?? store.loader),
  });
  applyTestCsp(web);
  await web.app.listen({ port: 0, host: '127.0.0.1' });
  // Let the model finish loading, so the page's state is the steady one.
  if (options.awaitModel ?? true) await web.models.get(config.model).catch(() => {});
  return {
    ctx,
    web,
    base: `http://127.0.0.1:${(web.app.server.address() as AddressInfo).port}`,
    viewer: await signedInClient(web.app, ctx, { role: 'viewer' }),
    close: () => web.close(),
  };
}

/** The demo catalog, indexed, served: what most test files need. */
export async function startDemoApp(options: {
  model: 'mobilenet' | 'fake';
  config?: Partial<AppConfig>;
}): Promise<DemoApp> {
  const store = await openDemoStore(options);
  await store.index();
  const app = await serveDemo(store, { config: options.config });
  return {
    ...app,
    async close() {
      await app.close();
      await store.close();
    },
  };
}

export function launchBrowser(): Promise<Browser> {
  return chromium.launch({
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
}

/**
 * A person's browser at this size, in Russian, signed in as `as` (its session cookie; cookies are
 * per host, so it holds for every app on 127.0.0.1); any script error or CSP refusal fails the test.
 */
export async function openContext(
  browser: Browser,
  vp: Viewport,
  options: { javaScriptEnabled?: boolean; as?: TestClient } = {},
): Promise<{ context: BrowserContext; problems: string[] }> {
  const phone = vp.name === 'phone';
  const context = await browser.newContext({
    viewport: { width: vp.width, height: vp.height },
    locale: 'ru-RU',
    hasTouch: phone,
    isMobile: phone,
    deviceScaleFactor: phone ? 2 : 1,
    javaScriptEnabled: options.javaScriptEnabled ?? true,
  });
  if (options.as) await signInContext(context, options.as);
  const problems: string[] = [];
  context.on('page', (page) => watch(page, problems));
  return { context, problems };
}

/** Gives a browser context the session of a client made by the auth test helper. */
export async function signInContext(context: BrowserContext, client: TestClient): Promise<void> {
  await context.addCookies([
    { name: SESSION_COOKIE, value: client.secret, domain: '127.0.0.1', path: '/', httpOnly: true },
  ]);
}

function watch(page: Page, problems: string[]) {
  page.on('pageerror', (e) => problems.push(`page error: ${e.message}`));
  page.on('console', (m) => {
    // A failed request is already visible in the test's own assertions (404s are often the point).
    if (m.type() === 'error' && !/Failed to load resource/.test(m.text()))
      problems.push(`console: ${m.text()}`);
  });
}

export async function shot(page: Page, vp: Viewport, name: string, fullPage = false): Promise<void> {
  const dir = path.join(ARTIFACTS, vp.name);
  fs.mkdirSync(dir, { recursive: true });
  await page.screenshot({ path: path.join(dir, `${name}.png`), fullPage });
}

/** Nothing sticks out sideways: the page is exactly as wide as the screen. */
export async function assertNoHorizontalScroll(page: Page): Promise<void> {
  const { scroll, client } = await page.evaluate(() => ({
    scroll: document.documentElement.scrollWidth,
    client: document.documentElement.clientWidth,
  }));
  assert.ok(scroll <= client, `page is ${scroll} px wide on a ${client} px screen`);
}

/** The parts of a multipart request body: name → { bytes, filename }. */
export function multipartParts(request: Request): Map<string, { bytes: Buffer; filename?: string }> {
  const type = request.headers()['content-type'] ?? '';
  const boundary = type.match(/boundary=(.+)$/)?.[1];
  const body = request.postDataBuffer();
  assert.ok(boundary && body, `a multipart body (${type})`);
  const parts = new Map<string, { bytes: Buffer; filename?: string }>();
  const delimiter = Buffer.from(`--${boundary}`);
  let start = body.indexOf(delimiter);
  while (start !== -1) {
    const next = body.indexOf(delimiter, start + delimiter.length);
    if (next === -1) break;
    const part = body.subarray(start + delimiter.length + 2, next - 2);
    const split = part.indexOf('\r\n\r\n');
    const head = part.subarray(0, split).toString();
    const name = head.match(/name="([^"]+)"/)?.[1];
    if (name)
      parts.set(name, { bytes: part.subarray(split + 4), filename: head.match(/filename="([^"]*)"/)?.[1] });
    start = next;
  }
  return parts;
}

/** Width × height of the image a request carried in `image`. */
export async function sentImageSize(request: Request): Promise<{ width: number; height: number }> {
  const image = multipartParts(request).get('image');
  assert.ok(image, 'the request carries an image');
  const meta = await sharp(image.bytes).metadata();
  return { width: meta.width!, height: meta.height! };
}

/**
 * Drags a file over an element as a drag from the desktop does (dragenter, dragover with a
 * DataTransfer holding the file); `drop()` then releases it there.
 */
export async function dragFile(page: Page, selector: string, file: string, type: string) {
  const bytes = fs.readFileSync(file).toString('base64');
  const dataTransfer = await page.evaluateHandle(
    ({ bytes, name, type }) => {
      const bin = Uint8Array.from(atob(bytes), (c) => c.charCodeAt(0));
      const dt = new DataTransfer();
      dt.items.add(new File([bin], name, { type }));
      return dt;
    },
    { bytes, name: path.basename(file), type },
  );
  for (const event of ['dragenter', 'dragover']) await page.dispatchEvent(selector, event, { dataTransfer });
  return { drop: () => page.dispatchEvent(selector, 'drop', { dataTransfer }) };
}

/** Pastes a file as Ctrl+V of a copied image does: a paste event carrying it. */
export async function pasteFile(page: Page, file: string, type: string): Promise<void> {
  await page.evaluate(
    ({ bytes, name, type }) => {
      const bin = Uint8Array.from(atob(bytes), (c) => c.charCodeAt(0));
      const dt = new DataTransfer();
      dt.items.add(new File([bin], name, { type }));
      document.dispatchEvent(
        new ClipboardEvent('paste', { clipboardData: dt, bubbles: true, cancelable: true }),
      );
    },
    { bytes: fs.readFileSync(file).toString('base64'), name: path.basename(file), type },
  );
}
