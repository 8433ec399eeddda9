import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { InjectOptions, LightMyRequestResponse } from 'fastify';
import { createAppContext, type AppContext } from '../../src/app/app.context.ts';
import type { Access, Role } from '../../src/auth/auth.types.ts';
import { createFakeEmbedder } from '../../src/embedding/embedder.fake.ts';
import { createIndexer } from '../../src/indexer/indexer.service.ts';
import { createModelProvider } from '../../src/search/model.provider.ts';
import { createVectorRepository } from '../../src/search/vector.repository.ts';
import { createWebApp, type WebApp } from '../../src/web/web.app.ts';
import { FORM_HEADERS, form, signedInClient, type TestClient } from '../helpers/auth-client.ts';
import { multipart } from '../helpers/multipart.ts';
import { tempDir, testConfig } from '../helpers/test-env.ts';
import { squareImage, writeSearchCatalog } from '../search/search.fixture.ts';

/**
 * Every route the app registers, tried as nobody, as each role (session) and with tokens.
 * A route missing from this table fails the test: a new route cannot ship without its access
 * decided and tried.
 */
type Who = 'nobody' | Role | 'viewer token' | 'editor token' | 'admin token';
const EVERYONE: Who[] = [
  'nobody',
  'viewer',
  'editor',
  'admin',
  'viewer token',
  'editor token',
  'admin token',
];

interface Fixture {
  productId: number;
  /** catalog management: an import run to its end, one waiting for its mapping, products to edit */
  importId: number;
  mappingImportId: number;
  editProductId: number;
  editImageId: number;
  deleteImageProductId: number;
  deleteImageId: number;
  deleteProductId: number;
  imageSha: string;
  searchId: string;
  throwawayUserId: number;
  photo: Buffer;
  newTokenId(): Promise<number>;
}

interface Case {
  access: Access;
  /** statuses that mean "allowed and worked" for this sample request */
  ok: number[];
  request(f: Fixture): InjectOptions | Promise<InjectOptions>;
  /**
   * What an allowed request must show, so a route that answers its status with the wrong or no
   * content fails: matched against the location of a redirect, else the content type and body.
   */
  shows: RegExp;
  /** the request ends the caller's session: use a fresh client for it */
  fresh?: boolean;
}

const get = (url: string) => () => ({ method: 'GET' as const, url });
const postForm = (url: string, fields: Record<string, string> = {}) => ({
  method: 'POST' as const,
  url,
  headers: FORM_HEADERS,
  payload: form(fields),
});
let seq = 0;
const multipartPost = (url: string, parts: Parameters<typeof multipart>[0]) => {
  const body = multipart(parts);
  return { method: 'POST' as const, url, headers: body.headers, payload: body.payload };
};

const TABLE: Record<string, Case> = {
  'GET /': { access: 'public', ok: [302], request: get('/'), shows: /^\/products$/ },
  'GET /signin': {
    access: 'public',
    ok: [200],
    request: get('/signin'),
    shows: /data-testid="signin-form"/,
  },
  'POST /signin': {
    access: 'public',
    ok: [401],
    request: () => postForm('/signin', { email: 'nobody@test.example', password: 'wrong password 1' }),
    shows: /data-testid="signin-error"/,
  },
  'POST /signout': {
    access: 'public',
    ok: [303],
    request: () => postForm('/signout'),
    fresh: true,
    shows: /^\/signin$/,
  },
  'GET /setup/:token': {
    access: 'public',
    ok: [410],
    request: get(`/setup/${'x'.repeat(43)}`),
    shows: /data-testid="error-page"/,
  },
  'POST /setup/:token': {
    access: 'public',
    ok: [410],
    request: () => postForm(`/setup/${'x'.repeat(43)}`),
    shows: /data-testid="error-page"/,
  },
  'GET /password/:token': {
    access: 'public',
    ok: [404],
    request: get(`/password/${'x'.repeat(43)}`),
    shows: /Страница не найдена/,
  },
  'POST /password/:token': {
    access: 'public',
    ok: [404],
    request: () => postForm(`/password/${'x'.repeat(43)}`),
    shows: /Страница не найдена/,
  },
  'GET /profile': {
    access: 'account',
    ok: [200],
    request: get('/profile'),
    shows: /data-testid="profile-email"/,
  },
  'POST /profile/password': {
    access: 'account',
    ok: [400],
    request: () => postForm('/profile/password', { current: 'not it', password: 'x', confirm: 'x' }),
    shows: /data-testid="form-error"/,
  },
  'POST /profile/signout-everywhere': {
    access: 'account',
    ok: [303],
    request: () => postForm('/profile/signout-everywhere'),
    fresh: true,
    shows: /^\/signin$/,
  },
  'GET /users': {
    access: 'admin',
    ok: [200],
    request: get('/users'),
    shows: /data-testid="users"[\s\S]*throwaway@test\.example/,
  },
  'POST /users': {
    access: 'admin',
    ok: [201],
    request: () => postForm('/users', { email: `added-${++seq}@test.example`, role: 'viewer' }),
    shows: /data-testid="secret"/,
  },
  'POST /users/:id/role': {
    access: 'admin',
    ok: [303],
    request: (f) => postForm(`/users/${f.throwawayUserId}/role`, { role: seq++ % 2 ? 'editor' : 'viewer' }),
    shows: /^\/users\?saved=1$/,
  },
  'POST /users/:id/disable': {
    access: 'admin',
    ok: [303],
    request: (f) => postForm(`/users/${f.throwawayUserId}/disable`),
    shows: /^\/users\?saved=1$/,
  },
  'POST /users/:id/enable': {
    access: 'admin',
    ok: [303],
    request: (f) => postForm(`/users/${f.throwawayUserId}/enable`),
    shows: /^\/users\?saved=1$/,
  },
  'POST /users/:id/link': {
    access: 'admin',
    ok: [201],
    request: (f) => postForm(`/users/${f.throwawayUserId}/link`),
    shows: /data-testid="secret"/,
  },
  'GET /tokens': { access: 'admin', ok: [200], request: get('/tokens'), shows: /data-testid="tokens"/ },
  'POST /tokens': {
    access: 'admin',
    ok: [201],
    request: () => postForm('/tokens', { name: `made ${++seq}`, role: 'viewer' }),
    shows: /data-testid="secret"/,
  },
  'POST /tokens/:id/revoke': {
    access: 'admin',
    ok: [303],
    request: async (f) => postForm(`/tokens/${await f.newTokenId()}/revoke`),
    shows: /^\/tokens$/,
  },
  'GET /audit': { access: 'admin', ok: [200], request: get('/audit'), shows: /data-testid="audit"/ },
  'GET /assets/app.css': {
    access: 'public',
    ok: [200],
    request: get('/assets/app.css'),
    shows: /^text\/css[\s\S]*--tw-/,
  },
  'GET /assets/*': {
    access: 'public',
    ok: [200],
    request: get('/assets/products.js'),
    shows: /^application\/javascript[\s\S]*addEventListener/,
  },
  'GET /vendor/cropperjs/*': {
    access: 'public',
    ok: [200],
    request: get('/vendor/cropperjs/cropper.min.js'),
    shows: /^application\/javascript[\s\S]*Cropper\.js v1/,
  },
  'GET /media/:sha256': {
    access: 'catalog',
    ok: [200],
    request: (f) => get(`/media/${f.imageSha}?w=160`)(),
    shows: /^image\/webp\n(?=RIFF)/,
  },
  'GET /products': {
    access: 'catalog',
    ok: [200],
    request: get('/products'),
    shows: /data-testid="product-grid"[\s\S]*(Red|Blue) thing \d+/,
  },
  'GET /products/:id': {
    access: 'catalog',
    ok: [200],
    request: (f) => get(`/products/${f.productId}`)(),
    shows: /<title>Red thing 1 · /,
  },
  'GET /api/products': {
    access: 'catalog',
    ok: [200],
    request: get('/api/products'),
    shows: /^application\/json[\s\S]*\{"items":\[\{"id":\d+,"sku":"R-\d+"/,
  },
  'GET /api/health': {
    access: 'public',
    ok: [200],
    request: get('/api/health'),
    shows: /\{"status":"ok","catalog":"ok","vector_store":"ok","model":"fake \(ready\)"\}/,
  },
  'POST /api/search-by-image': {
    access: 'catalog',
    ok: [200],
    request: (f) => {
      const body = multipart([
        { name: 'image', value: f.photo, filename: 'q.png' },
        { name: 'threshold', value: '0.3' },
      ]);
      return { method: 'POST', url: '/api/search-by-image', headers: body.headers, payload: body.payload };
    },
    shows: /\{"success":true,"search_id":"[\w-]+","count":\d+/,
  },
  'POST /api/products/:id/similar': {
    access: 'catalog',
    ok: [200],
    request: (f) => ({ method: 'POST', url: `/api/products/${f.productId}/similar` }),
    shows: /\{"success":true,"search_id":"[\w-]+","count":\d+/,
  },
  'POST /products/:id/similar': {
    access: 'catalog',
    ok: [303],
    request: (f) => postForm(`/products/${f.productId}/similar`),
    shows: /^\/products\?image_search=[\w-]+$/,
  },
  'GET /searches/:id/thumb': {
    access: 'catalog',
    ok: [200],
    request: (f) => get(`/searches/${f.searchId}/thumb`)(),
    shows: /^image\/webp\n(?=RIFF)/,
  },
  'GET /api/index/status': {
    access: 'viewer',
    ok: [200],
    request: get('/api/index/status'),
    shows: /\{"model":"fake","total":\d+,"embedded":\d+/,
  },
  // ── catalog management (issue 14): editors ───────────────────────────────────────────────
  'GET /imports': {
    access: 'editor',
    ok: [200],
    request: get('/imports'),
    shows: /data-testid="import-list"/,
  },
  'POST /imports': {
    access: 'editor',
    ok: [303],
    request: () =>
      multipartPost('/imports', [{ name: 'file', value: 'sku,name\nUP-1,Uploaded\n', filename: 'a.csv' }]),
    shows: /^\/imports\/\d+$/,
  },
  'POST /api/imports': {
    access: 'editor',
    ok: [202],
    request: () =>
      multipartPost('/api/imports', [
        { name: 'file', value: 'sku,name\nUP-2,Uploaded\n', filename: 'b.csv' },
      ]),
    shows: /"success":true,"id":\d+,"status":"queued","file_name":"b\.csv"/,
  },
  'GET /imports/:id': {
    access: 'editor',
    ok: [200],
    request: (f) => get(`/imports/${f.importId}`)(),
    shows: /data-testid="import-errors"/,
  },
  'GET /imports/:id/errors.csv': {
    access: 'editor',
    ok: [200],
    request: (f) => get(`/imports/${f.importId}/errors.csv`)(),
    shows: /^text\/csv[\s\S]*3,,нет артикула/,
  },
  'GET /api/imports/:id': {
    access: 'editor',
    ok: [200],
    request: (f) => get(`/api/imports/${f.importId}`)(),
    shows: /"file_name":"f\.csv"[\s\S]*"imported":1,"updated":0,"failed":1/,
  },
  'GET /api/imports/:id/errors': {
    access: 'editor',
    ok: [200],
    request: (f) => get(`/api/imports/${f.importId}/errors`)(),
    shows: /\{"errors":\[\{"line":3,"sku":null,"code":"ROW_NO_SKU"/,
  },
  'GET /imports/:id/mapping': {
    access: 'editor',
    ok: [200, 303],
    request: (f) => get(`/imports/${f.mappingImportId}/mapping`)(),
    shows: /data-testid="mapping-form"|^\/imports\/\d+$/,
  },
  'POST /imports/:id/mapping': {
    access: 'editor',
    ok: [303],
    request: (f) =>
      multipartPost(`/imports/${f.mappingImportId}/mapping`, [
        { name: 'sku', value: 'Номер' },
        { name: 'name', value: 'Позиция' },
      ]),
    shows: /^\/imports\/\d+$/,
  },
  'POST /imports/:id/sheet': {
    access: 'editor',
    ok: [303],
    request: (f) => multipartPost(`/imports/${f.importId}/sheet`, [{ name: 'sheet', value: '1' }]),
    shows: /^\/imports\/\d+$/,
  },
  'POST /imports/:id/cancel': {
    access: 'editor',
    ok: [303],
    request: (f) => multipartPost(`/imports/${f.importId}/cancel`, []),
    shows: /^\/imports\/\d+$/,
  },
  'GET /products/:id/edit': {
    access: 'editor',
    ok: [200],
    request: (f) => get(`/products/${f.editProductId}/edit`)(),
    shows: /data-testid="edit-form"[\s\S]*R-38/,
  },
  'POST /products/:id/edit': {
    access: 'editor',
    ok: [303],
    request: (f) =>
      multipartPost(`/products/${f.editProductId}/edit`, [
        { name: 'sku', value: 'R-38' },
        { name: 'name', value: `Edited ${++seq}` },
      ]),
    shows: /^\/products\/\d+\/edit\?done=saved$/,
  },
  'POST /products/:id/images': {
    access: 'editor',
    ok: [303],
    request: (f) =>
      multipartPost(`/products/${f.editProductId}/images`, [
        { name: 'image', value: f.photo, filename: 'p.png' },
      ]),
    shows: /^\/products\/\d+\/edit\?done=added&count=1$/,
  },
  'POST /products/:id/images/:imageId/move': {
    access: 'editor',
    ok: [303],
    request: (f) =>
      multipartPost(`/products/${f.editProductId}/images/${f.editImageId}/move`, [
        { name: 'where', value: 'down' },
      ]),
    shows: /^\/products\/\d+\/edit\?done=moved$/,
  },
  'POST /products/:id/images/:imageId/delete': {
    access: 'editor',
    ok: [303, 404],
    request: (f) => multipartPost(`/products/${f.deleteImageProductId}/images/${f.deleteImageId}/delete`, []),
    shows: /^\/products\/\d+\/edit\?done=\w+|data-testid="form-error"/,
  },
  'POST /products/:id/reindex': {
    access: 'editor',
    ok: [303],
    request: (f) => multipartPost(`/products/${f.editProductId}/reindex`, []),
    shows: /^\/products\/\d+\/edit\?done=reindexed&count=\d+$/,
  },
  'POST /products/:id/delete': {
    access: 'editor',
    ok: [200, 404],
    request: (f) =>
      multipartPost(`/products/${f.deleteProductId}/delete`, [{ name: 'confirm', value: 'yes' }]),
    shows: /data-testid="deleted"|data-testid="error-page"/,
  },
  'GET /indexing': {
    access: 'editor',
    ok: [200],
    request: get('/indexing'),
    shows: /data-testid="model-card"/,
  },
  'GET /api/index/models': {
    access: 'editor',
    ok: [200],
    request: get('/api/index/models'),
    shows: /\{"configured":"fake","serving":"fake"/,
  },
  'POST /indexing/retry': {
    access: 'editor',
    ok: [303],
    request: () => multipartPost('/indexing/retry', [{ name: 'model', value: 'fake' }]),
    shows: /^\/indexing\?done=retried&count=\d+&model=fake$/,
  },
  'POST /indexing/reindex': {
    access: 'editor',
    ok: [303],
    request: () => multipartPost('/indexing/reindex', []),
    shows: /^\/indexing\?done=reindexed&count=\d+$/,
  },
  'POST /indexing/activate': {
    access: 'editor',
    ok: [303],
    request: () => multipartPost('/indexing/activate', [{ name: 'model', value: 'fake' }]),
    shows: /^\/indexing\?done=activated&model=fake$/,
  },
  'GET /searches': {
    access: 'account',
    ok: [200],
    request: get('/searches'),
    shows: /data-testid="history"/,
  },
};

const RANK = { viewer: 1, editor: 2, admin: 3 };

/** What the role table says: null when allowed, else the refusal status. */
function expected(access: Access, who: Who, publicCatalog: boolean): 401 | 403 | null {
  if (access === 'public') return null;
  if (who === 'nobody') return access === 'catalog' && publicCatalog ? null : 401;
  const token = who.endsWith(' token');
  if (access === 'account') return token ? 403 : null;
  if (access === 'catalog') return null;
  const role = who.replace(' token', '') as Role;
  return RANK[role] >= RANK[access] ? null : 403;
}

function assertServed(res: LightMyRequestResponse, row: Case, label: string) {
  assert.ok(row.ok.includes(res.statusCode), `${label}: ${res.statusCode} ${res.body.slice(0, 200)}`);
  const seen =
    res.statusCode >= 300 && res.statusCode < 400
      ? String(res.headers.location)
      : `${String(res.headers['content-type'])}\n${res.body}`;
  assert.match(seen, row.shows, `${label}: ${seen.slice(0, 300)}`);
}

/** Markers that must never appear in a refusal: catalog data, people, tokens. */
const SECRETS = [/Red thing/, /R-\d/, /@test\.example/, /vtr_/];

function assertRefusal(res: LightMyRequestResponse, status: number, label: string, own?: string | null) {
  assert.equal(res.statusCode, status, `${label}: ${res.statusCode} ${res.body.slice(0, 200)}`);
  const type = String(res.headers['content-type']);
  if (type.includes('json')) {
    const body = res.json();
    assert.equal(body.success, false, label);
    assert.match(body.code, /^[A-Z_]+$/, label);
    assert.ok(body.error.length > 10, `${label}: a message`);
    assert.ok(body.message.length > 10, `${label}: a message in the person's language`);
  } else {
    assert.match(type, /text\/html/, label);
    if (status === 401) assert.match(res.body, /name="password"/, `${label}: the sign-in form`);
    assert.match(res.body, /Войдите|Для этого нужна роль|для вошедшего пользователя/, `${label}: a message`);
  }
  // the header names the caller themself; nothing else about people or the catalog may show
  const body = own ? res.body.replaceAll(own, '') : res.body;
  for (const secret of SECRETS) assert.doesNotMatch(body, secret, `${label}: no data in a refusal`);
}

describe('every route answers by the role table', () => {
  let ctx: AppContext;
  let web: WebApp;
  let publicWeb: WebApp;
  let fixture: Fixture;
  const clients = new Map<Who, TestClient | null>();

  const clientFor = async (app: WebApp, who: Who): Promise<TestClient | null> => {
    if (who === 'nobody') return null;
    const [role, token] = who.split(' ') as [Role, string | undefined];
    return signedInClient(app.app, ctx, { role, via: token ? 'token' : 'cookie' });
  };

  before(async () => {
    const config = await testConfig({ model: 'fake' });
    ctx = await createAppContext(config);
    await ctx.importer.importFile(await writeSearchCatalog(await tempDir()));
    const fake = createFakeEmbedder({ id: 'fake' });
    await createIndexer({
      catalog: ctx.repository,
      vectors: createVectorRepository(ctx.stores.vectors!),
      media: ctx.media,
      embedder: fake,
      exclusive: true,
    }).run();
    const options = {
      logger: false as const,
      indexOnStart: false,
      models: createModelProvider(config, async () => fake),
    };
    web = await createWebApp(ctx, options);
    publicWeb = await createWebApp({ ...ctx, config: { ...config, publicCatalog: true } }, options);
    for (const who of EVERYONE) clients.set(who, await clientFor(web, who));
    const admin = clients.get('admin')!;
    const product = (await admin.get('/api/products?q=R-1')).json().items[0];
    const photo = await squareImage({ r: 215, g: 40, b: 20 }, { r: 250, g: 250, b: 250 });
    const search = await admin.inject(
      TABLE['POST /api/search-by-image']!.request({ photo } as Fixture) as InjectOptions,
    );
    const actor = { userId: null, label: 'test', address: null };
    const throwaway = await ctx.auth.addUser({ email: 'throwaway@test.example', role: 'viewer' }, actor);
    const editor = clients.get('editor')!;
    const idOf = async (sku: string) =>
      (await admin.get(`/api/products?q=${sku}`)).json().items[0].id as number;
    const imageOf = async (id: number) => (await ctx.catalog.get(id))!.images[0]!.id;
    const upload = async (csv: string) => {
      const res = await editor.inject(
        multipartPost('/imports', [{ name: 'file', value: csv, filename: 'f.csv' }]),
      );
      return Number(String(res.headers.location).split('/')[2]);
    };
    const importId = await upload('sku,name\nIM-1,Imported\n,broken\n');
    await web.management.worker.idle();
    const editProductId = await idOf('R-38');
    const deleteImageProductId = await idOf('R-37');
    fixture = {
      importId,
      mappingImportId: await upload('Номер;Позиция\nMP-1;Mapped\n'),
      editProductId,
      editImageId: await imageOf(editProductId),
      deleteImageProductId,
      deleteImageId: await imageOf(deleteImageProductId),
      deleteProductId: await idOf('R-36'),
      productId: product.id,
      imageSha: product.image_url.split('/').pop(),
      searchId: search.json().search_id,
      throwawayUserId: throwaway.user.id,
      photo,
      newTokenId: async () =>
        (await ctx.tokens.create({ name: `revocable ${++seq}`, role: 'viewer' }, actor)).id,
    };
  });
  after(async () => {
    await publicWeb?.close();
    await web?.close();
    await ctx?.close();
  });

  it('has an access declaration and a row in this table for every route', () => {
    const routes = web.app.routeAccess();
    const seen = new Set<string>();
    for (const r of routes) {
      const key = `${r.method === 'HEAD' ? 'GET' : r.method} ${r.url}`;
      assert.ok(r.access, `${r.method} ${r.url} declares no access`);
      const row = TABLE[key];
      assert.ok(
        row,
        `${key} is not in the route-access test table: add it with its access and a sample request`,
      );
      assert.equal(r.access, row.access, `${key}: declared ${r.access}, table says ${row.access}`);
      seen.add(key);
    }
    assert.deepEqual(
      Object.keys(TABLE).filter((k) => !seen.has(k)),
      [],
      'table rows for routes that do not exist',
    );
  });

  it('refuses with 401/403 and a message (never data), or serves, for each principal', async () => {
    for (const [key, row] of Object.entries(TABLE)) {
      for (const who of EVERYONE) {
        const client = row.fresh ? await clientFor(web, who) : clients.get(who)!;
        const options = await row.request(fixture);
        const res = client ? await client.inject(options) : await web.app.inject(options);
        const label = `${key} as ${who}`;
        const refusal = expected(row.access, who, false);
        if (refusal) assertRefusal(res, refusal, label, client?.email);
        else assertServed(res, row, label);
      }
    }
  });

  it('with PUBLIC_CATALOG=1 lets anonymous visitors browse and search, and nothing else', async () => {
    for (const [key, row] of Object.entries(TABLE)) {
      const res = await publicWeb.app.inject(await row.request(fixture));
      const refusal = expected(row.access, 'nobody', true);
      if (refusal) assertRefusal(res, refusal, `${key} as a visitor`);
      else assertServed(res, row, `${key} as a visitor`);
    }
    const page = await publicWeb.app.inject({ method: 'GET', url: '/products' });
    assert.match(page.body, /data-testid="signin-link"/, 'visitors are offered a sign-in');
  });

  it('refuses an unknown or malformed token even where visitors are welcome', async () => {
    for (const authorization of ['Bearer vtr_unknown', 'Bearer', 'Basic abc', `Bearer ${'x'.repeat(5000)}`]) {
      for (const app of [web, publicWeb]) {
        const res = await app.app.inject({ method: 'GET', url: '/api/products', headers: { authorization } });
        assert.equal(res.statusCode, 401, authorization.slice(0, 20));
        assert.equal(res.json().code, 'TOKEN_INVALID');
      }
    }
  });
});
