import assert from 'node:assert/strict';
import type { AddressInfo } from 'node:net';
import { after, before, describe, it } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import { createWebApp, type WebApp } from '../../src/web/web.app.ts';
import { signedInClient } from '../helpers/auth-client.ts';
import {
  applyTestCsp,
  assertNoHorizontalScroll,
  launchBrowser,
  openContext,
  openDemoStore,
  shot,
  skipReason,
  VIEWPORTS,
  type DemoStore,
} from './browser.harness.ts';

const [DESKTOP, PHONE] = VIEWPORTS as [(typeof VIEWPORTS)[0], (typeof VIEWPORTS)[1]];

/** No inline code and no on* handlers: the pages must run under a CSP without 'unsafe-inline'. */
async function assertNoInlineCode(page: Page) {
  const found = await page.evaluate(() => ({
    inline: [...document.querySelectorAll('script:not([src])')].filter(
      (s) => s.getAttribute('type') !== 'application/json',
    ).length,
    handlers: [...document.querySelectorAll('*')].filter((el) =>
      [...el.attributes].some((a) => a.name.startsWith('on')),
    ).length,
  }));
  assert.deepEqual(found, { inline: 0, handlers: 0 }, page.url());
}

describe('sign-in and sign-out in chromium', { skip: skipReason() }, () => {
  let store: DemoStore;
  let web: WebApp;
  let browser: Browser;
  let base: string;

  before(async () => {
    // A fresh install: the demo catalog, nobody has an account yet.
    [store, browser] = await Promise.all([openDemoStore({ model: 'fake', products: 12 }), launchBrowser()]);
    web = await createWebApp(store.ctx, { logger: false, indexOnStart: false });
    applyTestCsp(web);
    await web.app.listen({ port: 0, host: '127.0.0.1' });
    base = `http://127.0.0.1:${(web.app.server.address() as AddressInfo).port}`;
  });
  after(async () => {
    await browser?.close();
    await web?.close();
    await store?.close();
  });

  it('first start at 1280×800: setup link → administrator → invite a person → sign out → sign in', async () => {
    const { context, problems } = await openContext(browser, DESKTOP);
    const page = await context.newPage();
    await page.goto(`${base}/`);
    await page.getByTestId('setup-needed').waitFor();
    await shot(page, DESKTOP, 'auth-first-start');

    // what `vitrina serve` prints when no user exists
    await page.goto(`${base}/setup/${await store.ctx.auth.createSetupLink()}`);
    await page.getByLabel('Почта').fill('owner@shop.example');
    await page.getByLabel('Пароль', { exact: true }).fill('keeps the shelves full');
    await page.getByLabel('Повторите пароль').fill('keeps the shelves full');
    await Promise.all([
      page.waitForURL(/\/users$/),
      page.getByRole('button', { name: 'Создать администратора' }).click(),
    ]);
    await assertNoInlineCode(page);

    await page.getByTestId('add-user').getByLabel('Почта').fill('buyer@shop.example');
    await page.getByTestId('add-user').getByLabel('Роль').selectOption('editor');
    await page.getByRole('button', { name: 'Добавить' }).click();
    const invite = (await page.getByTestId('secret').locator('code').innerText()).trim();
    assert.match(invite, /^http:\/\/127\.0\.0\.1:\d+\/password\/[A-Za-z0-9_-]{43}$/);
    await shot(page, DESKTOP, 'auth-users');

    await page.locator('[data-testid=account-menu] summary').click();
    await shot(page, DESKTOP, 'auth-menu');
    await Promise.all([page.waitForURL(/\/signin$/), page.getByTestId('signout').click()]);
    await page.goto(`${base}/products`);
    assert.equal(
      await page.getByTestId('signin-form').isVisible(),
      true,
      'signed out: the catalog asks to sign in',
    );

    // the invited person sets their own password through the link, in a browser of their own
    const other = await openContext(browser, DESKTOP);
    const buyer = await other.context.newPage();
    await buyer.goto(invite);
    await buyer.getByLabel('Новый пароль').fill('picks a fine phrase');
    await buyer.getByLabel('Повторите пароль').fill('picks a fine phrase');
    await Promise.all([
      buyer.waitForURL(/\/products$/),
      buyer.getByRole('button', { name: 'Сохранить пароль' }).click(),
    ]);
    const who = await buyer.locator('[data-testid=account-menu] summary').getAttribute('aria-label');
    assert.equal(who, 'buyer@shop.example');
    await other.context.close();
    assert.deepEqual(other.problems, []);

    await page.getByLabel('Почта').fill('owner@shop.example');
    await page.getByLabel('Пароль').fill('wrong password here');
    await page.getByRole('button', { name: 'Войти' }).click();
    assert.match(await page.getByTestId('signin-error').innerText(), /Неверная почта или пароль/);
    assert.equal(await page.getByLabel('Пароль').inputValue(), '', 'the password is never sent back');
    await shot(page, DESKTOP, 'auth-wrong-password');
    await page.getByLabel('Пароль').fill('keeps the shelves full');
    await Promise.all([page.waitForURL(/\/products$/), page.getByRole('button', { name: 'Войти' }).click()]);
    await assertNoInlineCode(page);
    await context.close();
    assert.deepEqual(problems, [], 'no script errors, no CSP refusals');
  });

  it('at 390×844: the sign-in form, back to the page asked for, the menu, sign-out', async () => {
    const viewer = await signedInClient(web.app, store.ctx, { role: 'viewer' });
    const { context, problems } = await openContext(browser, PHONE);
    const page = await context.newPage();
    await page.goto(`${base}/products?q=apple`);
    await page.getByTestId('signin-form').waitFor();
    await assertNoHorizontalScroll(page);
    await assertNoInlineCode(page);
    await shot(page, PHONE, 'auth-signin');
    await page.getByLabel('Почта').fill(viewer.email!);
    await page.getByLabel('Пароль').fill(viewer.password!);
    await Promise.all([
      page.waitForURL(/\/products\?q=apple$/),
      page.getByRole('button', { name: 'Войти' }).click(),
    ]);
    assert.ok(
      (await page.locator('[data-product-id]').count()) > 0,
      'the catalog, where the person was going',
    );
    await assertNoHorizontalScroll(page);
    await page.locator('[data-testid=account-menu] summary').click();
    await shot(page, PHONE, 'auth-menu');
    assert.equal(
      await page.getByRole('link', { name: 'Пользователи' }).count(),
      0,
      'no admin pages for a viewer',
    );
    await page.getByRole('link', { name: 'Профиль' }).click();
    await page.getByTestId('profile-email').waitFor();
    await assertNoHorizontalScroll(page);
    await shot(page, PHONE, 'auth-profile');
    await page.locator('[data-testid=account-menu] summary').click();
    await Promise.all([page.waitForURL(/\/signin$/), page.getByTestId('signout').click()]);
    await shot(page, PHONE, 'auth-signed-out');
    await page.goto(`${base}/api/products`);
    assert.match(await page.locator('body').innerText(), /AUTH_REQUIRED/);
    await context.close();
    assert.deepEqual(problems, [], 'no script errors, no CSP refusals');
  });

  it('signs in and out without JavaScript', async () => {
    const viewer = await signedInClient(web.app, store.ctx, { role: 'viewer' });
    const { context } = await openContext(browser, PHONE, { javaScriptEnabled: false });
    const page = await context.newPage();
    await page.goto(`${base}/signin`);
    await page.getByLabel('Почта').fill(viewer.email!);
    await page.getByLabel('Пароль').fill(viewer.password!);
    await Promise.all([page.waitForURL(/\/products$/), page.getByRole('button', { name: 'Войти' }).click()]);
    await page.locator('[data-testid=account-menu] summary').click();
    await Promise.all([page.waitForURL(/\/signin$/), page.getByTestId('signout').click()]);
    await context.close();
  });
});
