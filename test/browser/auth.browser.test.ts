import assert from 'node:assert/strict';
import fs from 'node:fs';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { chromium, type Browser, type BrowserContextOptions, type Page } from 'playwright-core';
import { createAppContext, type AppContext } from '../../src/app/app.context.ts';
import { createWebApp, type WebApp } from '../../src/web/web.app.ts';
import { signedInClient } from '../helpers/auth-client.ts';
import { repoRoot, tempDir, testConfig } from '../helpers/test-env.ts';
import { writeSearchCatalog } from '../search/search.fixture.ts';

const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const ARTIFACTS = path.join(repoRoot, 'artifacts');
const missing = fs.existsSync(CHROMIUM) ? false : `no chromium at ${CHROMIUM} (apt-get install chromium)`;

const DESKTOP = { width: 1280, height: 800 };
const PHONE = { width: 390, height: 844 };

describe('sign-in and sign-out in a real browser', { skip: missing }, () => {
  let ctx: AppContext;
  let web: WebApp;
  let browser: Browser;
  let base: string;

  before(async () => {
    fs.mkdirSync(ARTIFACTS, { recursive: true });
    ctx = await createAppContext(await testConfig({ model: 'fake' }));
    await ctx.importer.importFile(await writeSearchCatalog(await tempDir()));
    web = await createWebApp(ctx, { logger: false, indexOnStart: false });
    await web.app.listen({ port: 0, host: '127.0.0.1' });
    base = `http://127.0.0.1:${(web.app.server.address() as AddressInfo).port}`;
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
    await web?.close();
    await ctx?.close();
  });

  async function open(viewport: { width: number; height: number }, extra: BrowserContextOptions = {}) {
    const context = await browser.newContext({ viewport, locale: 'ru-RU', ...extra });
    const page = await context.newPage();
    page.on('pageerror', (e) => assert.fail(`page error: ${e.message}`));
    return page;
  }

  const shot = (page: Page, name: string) =>
    page.screenshot({ path: path.join(ARTIFACTS, `auth-${name}.png`) });

  /**
   * Pages must run under a CSP without 'unsafe-inline': no inline code, no on* handlers; and fit the
   * screen (the whole page, or only the header where the page body belongs to the catalog).
   */
  async function assertCleanPage(page: Page, scope: 'page' | 'header' = 'page') {
    const problems = await page.evaluate((scope) => {
      const inline = [...document.querySelectorAll('script:not([src])')].filter(
        (s) => s.getAttribute('type') !== 'application/json',
      ).length;
      const handlers = [...document.querySelectorAll('*')].filter((el) =>
        [...el.attributes].some((a) => a.name.startsWith('on')),
      ).length;
      const box = scope === 'page' ? document.documentElement : document.querySelector('header')!;
      const overflow = Math.max(0, box.scrollWidth - window.innerWidth);
      return { inline, handlers, overflow };
    }, scope);
    assert.deepEqual(problems, { inline: 0, handlers: 0, overflow: 0 }, page.url());
  }

  it('first start at 1280×800: setup link → administrator → invite a person → sign out → sign in', async () => {
    const page = await open(DESKTOP);
    await page.goto(`${base}/`);
    await page.getByTestId('setup-needed').waitFor();
    await shot(page, 'desktop-first-start');

    // what `vitrina serve` prints when no user exists
    await page.goto(`${base}/setup/${await ctx.auth.createSetupLink()}`);
    await page.getByLabel('Почта').fill('owner@shop.example');
    await page.getByLabel('Пароль', { exact: true }).fill('keeps the shelves full');
    await page.getByLabel('Повторите пароль').fill('keeps the shelves full');
    await Promise.all([
      page.waitForURL(/\/users$/),
      page.getByRole('button', { name: 'Создать администратора' }).click(),
    ]);
    await assertCleanPage(page);

    await page.getByTestId('add-user').getByLabel('Почта').fill('buyer@shop.example');
    await page.getByTestId('add-user').getByLabel('Роль').selectOption('editor');
    await page.getByRole('button', { name: 'Добавить' }).click();
    const invite = (await page.getByTestId('secret').locator('code').innerText()).trim();
    assert.match(invite, /^http:\/\/127\.0\.0\.1:\d+\/password\/[A-Za-z0-9_-]{43}$/);
    await shot(page, 'desktop-users');

    await page.locator('[data-testid=account-menu] summary').click();
    await shot(page, 'desktop-menu');
    await Promise.all([page.waitForURL(/\/signin$/), page.getByTestId('signout').click()]);
    await page.goto(`${base}/products`);
    assert.equal(
      await page.getByTestId('signin-form').isVisible(),
      true,
      'signed out: the catalog asks to sign in',
    );

    // the invited person sets their own password through the link
    const buyer = await open(DESKTOP);
    await buyer.goto(invite);
    await buyer.getByLabel('Новый пароль').fill('picks a fine phrase');
    await buyer.getByLabel('Повторите пароль').fill('picks a fine phrase');
    await Promise.all([
      buyer.waitForURL(/\/products$/),
      buyer.getByRole('button', { name: 'Сохранить пароль' }).click(),
    ]);
    assert.match(
      (await buyer.locator('[data-testid=account-menu] summary').getAttribute('aria-label')) ?? '',
      /buyer@shop/,
    );
    await buyer.context().close();

    await page.getByLabel('Почта').fill('owner@shop.example');
    await page.getByLabel('Пароль').fill('wrong password here');
    await page.getByRole('button', { name: 'Войти' }).click();
    assert.match(await page.getByTestId('signin-error').innerText(), /Неверная почта или пароль/);
    assert.equal(await page.getByLabel('Пароль').inputValue(), '', 'the password is never sent back');
    await shot(page, 'desktop-wrong-password');
    await page.getByLabel('Пароль').fill('keeps the shelves full');
    await Promise.all([page.waitForURL(/\/products$/), page.getByRole('button', { name: 'Войти' }).click()]);
    await assertCleanPage(page, 'header');
    await page.context().close();
  });

  it('at 390×844: the sign-in form, back to the page asked for, the menu, sign-out', async () => {
    const viewer = await signedInClient(web.app, ctx, { role: 'viewer' });
    const page = await open(PHONE);
    await page.goto(`${base}/products?q=Red`);
    await page.getByTestId('signin-form').waitFor();
    await assertCleanPage(page);
    await shot(page, 'phone-signin');
    await page.getByLabel('Почта').fill(viewer.email!);
    await page.getByLabel('Пароль').fill(viewer.password!);
    await Promise.all([
      page.waitForURL(/\/products\?q=Red$/),
      page.getByRole('button', { name: 'Войти' }).click(),
    ]);
    assert.ok(
      (await page.locator('[data-product-id]').count()) > 0,
      'the catalog, where the person was going',
    );
    await assertCleanPage(page, 'header');
    await page.locator('[data-testid=account-menu] summary').click();
    await shot(page, 'phone-menu');
    assert.equal(
      await page.getByRole('link', { name: 'Пользователи' }).count(),
      0,
      'no admin pages for a viewer',
    );
    await Promise.all([page.waitForURL(/\/signin$/), page.getByTestId('signout').click()]);
    await shot(page, 'phone-signed-out');
    await page.goto(`${base}/api/products`);
    assert.match(await page.locator('body').innerText(), /AUTH_REQUIRED/);
    await page.context().close();
  });

  it('signs in and out without JavaScript', async () => {
    const viewer = await signedInClient(web.app, ctx, { role: 'viewer' });
    const page = await open(PHONE, { javaScriptEnabled: false });
    await page.goto(`${base}/signin`);
    await page.getByLabel('Почта').fill(viewer.email!);
    await page.getByLabel('Пароль').fill(viewer.password!);
    await Promise.all([page.waitForURL(/\/products$/), page.getByRole('button', { name: 'Войти' }).click()]);
    await page.locator('[data-testid=account-menu] summary').click();
    await Promise.all([page.waitForURL(/\/signin$/), page.getByTestId('signout').click()]);
    await page.context().close();
  });
});
