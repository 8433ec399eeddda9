import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { InjectOptions } from 'fastify';
import { createAppContext, type AppContext } from '../../src/app/app.context.ts';
import { SIGNIN_MAX_PER_ACCOUNT, SIGNIN_MAX_PER_ADDRESS } from '../../src/auth/auth.service.ts';
import { createFakeEmbedder } from '../../src/embedding/embedder.fake.ts';
import { createIndexer } from '../../src/indexer/indexer.service.ts';
import { createModelProvider } from '../../src/search/model.provider.ts';
import { createVectorRepository } from '../../src/search/vector.repository.ts';
import { createWebApp, type WebApp } from '../../src/web/web.app.ts';
import { FORM_HEADERS, form, sessionFrom, signedInClient } from '../helpers/auth-client.ts';
import { multipart } from '../helpers/multipart.ts';
import { storeMatrix, type TestStore } from '../helpers/stores.ts';
import { tempDir, testConfig } from '../helpers/test-env.ts';
import { squareImage, writeSearchCatalog } from '../search/search.fixture.ts';

const ACTOR = { userId: null, label: 'test', address: null };

/** An app on a store of its own; close() ends the app and drops the store. */
async function fakeApp(store: TestStore) {
  const opened = await store.open();
  const config = await testConfig({ model: 'fake', ...opened.config });
  const ctx = await createAppContext(config);
  const fake = createFakeEmbedder({ id: 'fake' });
  const web = await createWebApp(ctx, {
    logger: false,
    indexOnStart: false,
    models: createModelProvider(config, async () => fake),
  });
  const close = async () => {
    await web.close();
    await ctx.close();
    await opened.close();
  };
  return { ctx, web, fake, close };
}

const signIn = (web: WebApp, fields: Record<string, string>, extra: Partial<InjectOptions> = {}) =>
  web.app.inject({ method: 'POST', url: '/signin', headers: FORM_HEADERS, payload: form(fields), ...extra });

const withCookie = (secret: string) => ({ cookie: `vitrina_session=${secret}` });

for (const store of await storeMatrix())
  describe(`accounts (${store.name} store)`, { skip: store.skip }, () => {
    describe('the first administrator', () => {
      let ctx: AppContext;
      let web: WebApp;
      let close = async () => {};
      before(async () => ({ ctx, web, close } = await fakeApp(store)));
      after(() => close());

      it('is made through the one-time setup link, which then stops working (every copy of it)', async () => {
        const home = await web.app.inject({ method: 'GET', url: '/' });
        assert.equal(home.statusCode, 200);
        assert.match(home.body, /data-testid="setup-needed"/);
        const products = await web.app.inject({ method: 'GET', url: '/products' });
        assert.equal(products.statusCode, 401, 'no window of exposure before the administrator exists');
        assert.match(products.body, /data-testid="setup-needed"/);

        const link = await ctx.auth.createSetupLink();
        const second = await ctx.auth.createSetupLink(); // another process started at the same time
        assert.equal((await web.app.inject({ method: 'GET', url: `/setup/${link}` })).statusCode, 200);
        const post = (token: string, password: string) =>
          web.app.inject({
            method: 'POST',
            url: `/setup/${token}`,
            headers: FORM_HEADERS,
            payload: form({ email: 'Boss@Example.com ', password, confirm: password }),
          });
        const weak = await post(link, 'qwertyuiop');
        assert.equal(weak.statusCode, 400);
        assert.match(weak.body, /слишком распространён/);
        const made = await post(link, 'a long and fine password');
        assert.equal(made.statusCode, 303);
        const cookie = sessionFrom(made)!;
        const users = await web.app.inject({ method: 'GET', url: '/users', headers: withCookie(cookie) });
        assert.equal(users.statusCode, 200, 'signed in as the administrator');
        assert.match(users.body, /boss@example\.com/);

        for (const token of [link, second]) {
          const again = await post(token, 'another fine password');
          assert.equal(again.statusCode, 410);
          assert.match(again.body, /Администратор уже создан/);
          assert.equal((await web.app.inject({ method: 'GET', url: `/setup/${token}` })).statusCode, 410);
        }
        assert.equal(await ctx.auth.needsSetup(), false);
        const after = await web.app.inject({ method: 'GET', url: '/' });
        assert.equal(after.statusCode, 302);
        const log = await ctx.audit.list({ action: 'setup' });
        assert.equal(log.length, 1);
      });

      it('the last active administrator cannot be demoted or disabled', async () => {
        const [boss] = await ctx.auth.listUsers();
        const { secret } = await ctx.auth.signIn(
          { email: 'boss@example.com', password: 'a long and fine password' },
          { address: '127.0.0.1' },
        );
        const post = (url: string, fields: Record<string, string> = {}) =>
          web.app.inject({
            method: 'POST',
            url,
            headers: { ...FORM_HEADERS, ...withCookie(secret) },
            payload: form(fields),
          });
        const demote = await post(`/users/${boss!.id}/role`, { role: 'viewer' });
        assert.equal(demote.statusCode, 409);
        assert.match(demote.body, /последний действующий администратор/);
        assert.equal((await post(`/users/${boss!.id}/disable`)).statusCode, 409);
        const still = await web.app.inject({ method: 'GET', url: '/users', headers: withCookie(secret) });
        assert.equal(still.statusCode, 200, 'still an administrator');
      });
    });

    describe('sessions, tokens and sign-in limits', () => {
      let ctx: AppContext;
      let web: WebApp;
      let photo: Buffer;
      let close = async () => {};

      before(async () => {
        ({ ctx, web, close } = await fakeApp(store));
        await ctx.importer.importFile(await writeSearchCatalog(await tempDir()));
        await createIndexer({
          catalog: ctx.repository,
          vectors: createVectorRepository(ctx.stores.vectors!),
          media: ctx.media,
          embedder: createFakeEmbedder({ id: 'fake' }),
          exclusive: ctx.stores.vectors!.kind === 'embedded',
        }).run();
        photo = await squareImage({ r: 215, g: 40, b: 20 }, { r: 250, g: 250, b: 250 }, 96, 'jpeg');
      });
      after(() => close());

      const search = (headers: Record<string, string>) => {
        const body = multipart([{ name: 'image', value: photo, filename: 'p.jpg' }]);
        return web.app.inject({
          method: 'POST',
          url: '/api/search-by-image',
          payload: body.payload,
          headers: { ...body.headers, ...headers },
        });
      };

      it('a token works on the API with the original reply shape, records its use, and stops when revoked', async () => {
        const admin = await signedInClient(web.app, ctx, { role: 'admin' });
        const created = await admin.postForm('/tokens', { name: 'nightly sync', role: 'viewer' });
        assert.equal(created.statusCode, 201);
        const token = created.body.match(/vtr_[A-Za-z0-9_-]{43}/)?.[0];
        assert.ok(token, 'the token is shown once on the page');
        assert.doesNotMatch((await admin.get('/tokens')).body, /vtr_/, 'and never again');

        const bearer = { authorization: `Bearer ${token}` };
        const res = await search(bearer);
        assert.equal(res.statusCode, 200, res.body);
        assert.deepEqual(Object.keys(res.json()).sort(), ['count', 'redirect', 'search_id', 'success']);
        const viaSession = await search(admin.headers);
        assert.deepEqual(Object.keys(viaSession.json()).sort(), Object.keys(res.json()).sort());
        assert.equal(
          (await web.app.inject({ method: 'GET', url: '/api/products', headers: bearer })).statusCode,
          200,
        );
        const row = (await ctx.tokens.list()).find((t) => t.name === 'nightly sync')!;
        assert.ok(row.lastUsedAt, 'last use recorded');
        assert.equal(row.lastUsedAddress, '127.0.0.1');
        assert.match((await admin.get('/tokens')).body, /127\.0\.0\.1/);

        assert.equal((await admin.postForm(`/tokens/${row.id}/revoke`)).statusCode, 303);
        const revoked = await web.app.inject({ method: 'GET', url: '/api/products', headers: bearer });
        assert.equal(revoked.statusCode, 401);
        assert.equal(revoked.json().code, 'TOKEN_INVALID');
        assert.equal((await search(bearer)).statusCode, 401);
        const actions = (await ctx.audit.list()).map((e) => e.action);
        assert.ok(actions.includes('token.create') && actions.includes('token.revoke'));
      });

      it('a session ends when its password changes; the changing browser gets a fresh one', async () => {
        const a = await signedInClient(web.app, ctx, { role: 'viewer' });
        const b = await signIn(web, { email: a.email!, password: a.password! });
        const other = withCookie(sessionFrom(b)!);
        assert.equal(
          (await web.app.inject({ method: 'GET', url: '/api/products', headers: other })).statusCode,
          200,
        );

        const wrong = await a.postForm('/profile/password', {
          current: 'not the password',
          password: 'a brand new secret',
          confirm: 'a brand new secret',
        });
        assert.equal(wrong.statusCode, 400);
        assert.match(wrong.body, /Текущий пароль указан неверно/);
        const changed = await a.postForm('/profile/password', {
          current: a.password!,
          password: 'a brand new secret',
          confirm: 'a brand new secret',
        });
        assert.equal(changed.statusCode, 303);
        const ended = await web.app.inject({ method: 'GET', url: '/api/products', headers: other });
        assert.equal(ended.statusCode, 401);
        assert.equal(ended.json().code, 'SESSION_ENDED');
        assert.equal((await a.get('/api/products')).statusCode, 401, 'the old cookie of this browser too');
        const fresh = withCookie(sessionFrom(changed)!);
        assert.equal(
          (await web.app.inject({ method: 'GET', url: '/profile?changed=1', headers: fresh })).statusCode,
          200,
        );
        assert.equal((await signIn(web, { email: a.email!, password: a.password! })).statusCode, 401);
        assert.equal(
          (await signIn(web, { email: a.email!, password: 'a brand new secret' })).statusCode,
          303,
        );
      });

      it('sign-out ends the session wherever its cookie is used; role changes and disabling end sessions', async () => {
        const v = await signedInClient(web.app, ctx, { role: 'viewer' });
        const signout = await v.postForm('/signout');
        assert.equal(signout.statusCode, 303);
        assert.match(String(signout.headers['set-cookie']), /vitrina_session=;/);
        assert.equal((await v.get('/api/products')).statusCode, 401, 'a copy of the cookie is dead too');

        const admin = await signedInClient(web.app, ctx, { role: 'admin' });
        const e = await signedInClient(web.app, ctx, { role: 'editor' });
        const id = (await ctx.auth.listUsers()).find((u) => u.email === e.email)!.id;
        assert.equal((await admin.postForm(`/users/${id}/role`, { role: 'viewer' })).statusCode, 303);
        assert.equal((await e.get('/api/products')).statusCode, 401, 'role change ends sessions');
        const again = await signedInClient(web.app, ctx, { role: 'viewer', email: `x-${id}@test.example` });
        const againId = (await ctx.auth.listUsers()).find((u) => u.email === again.email)!.id;
        assert.equal((await admin.postForm(`/users/${againId}/disable`)).statusCode, 303);
        assert.equal((await again.get('/api/products')).statusCode, 401, 'disabling ends sessions');
        const refused = await signIn(web, { email: again.email!, password: again.password! });
        assert.equal(refused.statusCode, 401, 'a disabled account cannot sign in');
        assert.match(refused.body, /Неверная почта или пароль/, 'with the same neutral words');
      });

      it('50 wrong passwords are slowed down per account, the same for unknown emails, then even the right one waits', async () => {
        const victim = await signedInClient(web.app, ctx, { role: 'viewer' });
        const run = async (email: string, address: string) => {
          const statuses: number[] = [];
          let last = '';
          for (let i = 0; i < 50; i++) {
            const res = await signIn(
              web,
              { email, password: `guess number ${i}` },
              { remoteAddress: address },
            );
            statuses.push(res.statusCode);
            last = res.body;
            if (res.statusCode === 429) assert.ok(Number(res.headers['retry-after']) > 0);
          }
          return { statuses, last };
        };
        const known = await run(victim.email!, '10.1.0.1');
        const unknown = await run('nobody-here@test.example', '10.1.0.2');
        const expected = [
          ...Array(SIGNIN_MAX_PER_ACCOUNT).fill(401),
          ...Array(50 - SIGNIN_MAX_PER_ACCOUNT).fill(429),
        ];
        assert.deepEqual(known.statuses, expected);
        assert.deepEqual(unknown.statuses, expected, 'no difference tells which emails have accounts');
        assert.match(known.last, /Слишком много попыток входа/);
        assert.equal(
          known.last.replace(victim.email!, ''),
          unknown.last.replace('nobody-here@test.example', ''),
        );

        const right = await signIn(
          web,
          { email: victim.email!, password: victim.password! },
          { remoteAddress: '10.1.0.3' },
        );
        assert.equal(right.statusCode, 429, 'the account waits out the window, whoever asks');
        assert.equal(
          (await victim.get('/api/products')).statusCode,
          200,
          'sessions already open keep working',
        );
        const failed = await ctx.audit.list({ action: 'signin.failed' });
        assert.ok(failed.some((e) => e.subject === victim.email && e.address === '10.1.0.1'));
      });

      it('sign-in attempts are also limited per address, across accounts', async () => {
        const statuses: number[] = [];
        for (let i = 0; i < SIGNIN_MAX_PER_ADDRESS + 5; i++) {
          const res = await signIn(
            web,
            { email: `spray-${i}@test.example`, password: 'Password123' },
            { remoteAddress: '10.2.0.9' },
          );
          statuses.push(res.statusCode);
        }
        assert.deepEqual(statuses.slice(0, SIGNIN_MAX_PER_ADDRESS), Array(SIGNIN_MAX_PER_ADDRESS).fill(401));
        assert.deepEqual(statuses.slice(SIGNIN_MAX_PER_ADDRESS), Array(5).fill(429));
        const elsewhere = await signedInClient(web.app, ctx); // another address signs in as usual
        assert.equal((await elsewhere.get('/api/products')).statusCode, 200);
      });

      it('invitation and reset links set a password once; the admin never sees it', async () => {
        const admin = await signedInClient(web.app, ctx, { role: 'admin' });
        const added = await admin.postForm('/users', { email: 'newcomer@test.example', role: 'editor' });
        assert.equal(added.statusCode, 201);
        const link = added.body.match(/http:\/\/[^<"\s]+\/password\/([A-Za-z0-9_-]+)/);
        assert.ok(link, 'the invitation link is shown');
        const path = `/password/${link[1]}`;
        const page = await web.app.inject({ method: 'GET', url: path });
        assert.equal(page.statusCode, 200);
        assert.match(page.body, /newcomer@test\.example/);
        const set = (password: string, confirm = password) =>
          web.app.inject({
            method: 'POST',
            url: path,
            headers: FORM_HEADERS,
            payload: form({ password, confirm }),
          });
        assert.equal((await set('short')).statusCode, 400);
        assert.match((await set('newcomer test password', 'different')).body, /Пароли не совпадают/);
        assert.match((await set('newcomer@test.example')).body, /слишком распространён/);
        const done = await set('my own good password');
        assert.equal(done.statusCode, 303);
        const cookie = withCookie(sessionFrom(done)!);
        assert.equal(
          (await web.app.inject({ method: 'GET', url: '/api/index/status', headers: cookie })).statusCode,
          200,
        );
        assert.equal((await set('my own good password')).statusCode, 404, 'the link works once');

        const id = (await ctx.auth.listUsers()).find((u) => u.email === 'newcomer@test.example')!.id;
        const reset = await admin.postForm(`/users/${id}/link`);
        const resetPath = `/password/${reset.body.match(/\/password\/([A-Za-z0-9_-]+)/)![1]}`;
        const r = await web.app.inject({
          method: 'POST',
          url: resetPath,
          headers: FORM_HEADERS,
          payload: form({ password: 'after the reset ok', confirm: 'after the reset ok' }),
        });
        assert.equal(r.statusCode, 303);
        assert.equal(
          (await web.app.inject({ method: 'GET', url: '/api/products', headers: cookie })).statusCode,
          401,
        );
      });

      it('sets the cookie HttpOnly and SameSite=Lax, and Secure over HTTPS behind a trusted proxy', async () => {
        const email = 'cookie@test.example';
        await ctx.auth.addUser({ email, role: 'viewer', password: 'plain words here ok' }, ACTOR);
        const plain = await signIn(web, { email, password: 'plain words here ok' });
        const cookie = plain.cookies.find((c) => c.name === 'vitrina_session')!;
        assert.equal(cookie.httpOnly, true);
        assert.equal(cookie.sameSite, 'Lax');
        assert.equal(cookie.path, '/');
        assert.ok(!cookie.secure);
        const spoofed = await signIn(
          web,
          { email, password: 'plain words here ok' },
          {
            headers: { ...FORM_HEADERS, 'x-forwarded-proto': 'https' },
          },
        );
        assert.ok(!spoofed.cookies[0]!.secure, 'X-Forwarded-Proto is ignored unless TRUST_PROXY is set');

        const proxied = await createWebApp(
          { ...ctx, config: { ...ctx.config, trustProxy: true } },
          { logger: false },
        );
        try {
          const res = await signIn(
            proxied,
            { email, password: 'plain words here ok' },
            {
              headers: { ...FORM_HEADERS, 'x-forwarded-proto': 'https', 'x-forwarded-for': '203.0.113.7' },
            },
          );
          assert.equal(res.cookies[0]!.secure, true);
          const log = await ctx.audit.list({ action: 'signin' });
          assert.equal(log[0]!.address, '203.0.113.7', 'the client address behind the proxy');
        } finally {
          await proxied.close();
        }
      });

      it('sends people back where they were after signing in, and never off the site', async () => {
        const email = 'next@test.example';
        await ctx.auth.addUser({ email, role: 'viewer', password: 'another phrase ok' }, ACTOR);
        const denied = await web.app.inject({ method: 'GET', url: '/products?q=Red' });
        assert.equal(denied.statusCode, 401);
        assert.match(denied.body, /name="next" value="\/products\?q=Red"/);
        const back = await signIn(web, { email, password: 'another phrase ok', next: '/products?q=Red' });
        assert.equal(back.headers.location, '/products?q=Red');
        for (const next of [
          '//evil.example/x',
          '/\\evil.example',
          'https://evil.example',
          'javascript:alert(1)',
        ]) {
          const res = await signIn(web, { email, password: 'another phrase ok', next });
          assert.equal(res.headers.location, '/products', next);
        }
      });

      it('ends idle sessions and sessions past their absolute lifetime', async () => {
        // the clock moves past the idle limit (72 hours by default) for one session only
        const idle = await signedInClient(web.app, ctx);
        const busy = await signedInClient(web.app, ctx);
        await ctx.stores.catalog.query(
          "update sessions s set last_seen_at = now() - interval '73 hours' from users u where u.id = s.user_id and u.email = $1",
          [idle.email],
        );
        assert.equal((await idle.get('/api/products')).statusCode, 401);
        assert.equal((await busy.get('/api/products')).statusCode, 200);
        // and past the absolute limit (30 days by default), however busy the session was
        await ctx.stores.catalog.query("update sessions set expires_at = now() - interval '1 second'");
        assert.equal((await busy.get('/api/products')).statusCode, 401);
      });

      it('records who did what, with time and address, for administrators to read', async () => {
        const admin = await signedInClient(web.app, ctx, { role: 'admin' });
        const page = await admin.get('/audit');
        assert.equal(page.statusCode, 200);
        assert.match(page.body, /data-action="signin"/);
        for (const action of [
          'signin',
          'signin.failed',
          'token.create',
          'token.revoke',
          'user.add',
          'user.role',
          'user.disable',
        ]) {
          const only = await admin.get(`/audit?action=${action}`);
          assert.match(only.body, new RegExp(`data-action="${action.replace('.', '\\.')}"`), action);
          assert.match(only.body, /127\.0\.0\.1|10\.1\.0\.1/, `${action}: the address`);
        }
        const filtered = await admin.get('/audit?action=signin.failed');
        assert.doesNotMatch(filtered.body, /data-action="signin"/);
        assert.match(filtered.body, /data-action="signin\.failed"/);
        assert.equal(
          (await admin.get('/audit?action=<script>&before=abc')).statusCode,
          200,
          'junk filters are ignored',
        );
      });
    });
  });
