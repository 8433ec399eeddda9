import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Embedder } from '../../src/embedding/embedding.types.ts';
import { FORM_HEADERS, signedInClient, type TestClient } from '../helpers/auth-client.ts';
import { multipart } from '../helpers/multipart.ts';
import { squareImage } from '../search/search.fixture.ts';
import { startSecurityApp, type SecurityApp } from './security.fixture.ts';

const WHITE = { r: 250, g: 250, b: 250 };
const photoOf = (r: number) => squareImage({ r, g: 40, b: 20 }, WHITE, 128, 'jpeg');

describe('rate limits per client', () => {
  let app: SecurityApp;
  let productId: number;

  before(async () => {
    // PUBLIC_CATALOG=1: anonymous visitors may search too, and are counted by their address
    app = await startSecurityApp(
      { model: 'fake', photoSearchesPerMinute: 5, similarSearchesPerMinute: 60, publicCatalog: true },
      { products: 8 },
    );
    productId = (await app.get('/api/products?q=R-3')).json().items[0].id;
  });
  after(() => app.close());

  it('photo searches: the 6th in a minute gets 429 with Retry-After and a message in the client’s language', async () => {
    const photo = await photoOf(210);
    for (let i = 0; i < 5; i++) {
      const res = await app.post([{ name: 'image', value: photo, filename: 'a.jpg' }]);
      assert.equal(res.statusCode, 200, res.body);
    }
    const ru = await app.post([{ name: 'image', value: photo, filename: 'a.jpg' }]);
    assert.equal(ru.statusCode, 429);
    const retryAfter = Number(ru.headers['retry-after']);
    assert.ok(retryAfter >= 1 && retryAfter <= 60, `Retry-After: ${ru.headers['retry-after']}`);
    assert.equal(ru.json().code, 'RATE_LIMITED');
    assert.match(ru.json().message, /Слишком много поисков/);
    const en = await app.post([{ name: 'url', value: 'http://example.com/a.jpg' }], {
      'accept-language': 'en',
    });
    assert.equal(en.statusCode, 429, 'URL searches count too');
    assert.match(en.json().message, /Too many searches/);
    // Another user is not affected: signed-in clients are counted by who they are, not their address.
    const other = await signedInClient(app.web.app, app.ctx);
    const upload = multipart([{ name: 'image', value: photo, filename: 'a.jpg' }]);
    const theirs = await other.inject({ method: 'POST', url: '/api/search-by-image', ...upload });
    assert.equal(theirs.statusCode, 200, theirs.body);
  });

  it('anonymous visitors are counted by address, an IPv6 address by its /64', async () => {
    const photo = await photoOf(205);
    const anonymous = (remoteAddress: string) =>
      app.web.app.inject({
        method: 'POST',
        url: '/api/search-by-image',
        remoteAddress,
        ...multipart([{ name: 'image', value: photo, filename: 'a.jpg' }]),
      });
    // five addresses of one /64 share one budget of 5
    for (let i = 1; i <= 5; i++) assert.equal((await anonymous(`2001:db8:1:2::${i}`)).statusCode, 200);
    assert.equal((await anonymous('2001:db8:1:2:ffff::1')).statusCode, 429);
    assert.equal((await anonymous('2001:db8:1:3::1')).statusCode, 200, 'the next /64 is another client');
    assert.equal((await anonymous('198.51.100.9')).statusCode, 200);
  });

  it('replays 300 «Похожие» posts at once: exactly the limit pass, the rest get 429, the server stays up', async () => {
    const started = Date.now();
    const replies = await Promise.all(
      Array.from({ length: 300 }, (_, i) =>
        app.inject({
          method: 'POST',
          // the button's form (as a browser posts it) and the API share one budget
          url: i % 2 ? `/products/${productId}/similar` : `/api/products/${productId}/similar`,
          headers: { 'accept-language': 'ru', ...(i % 2 ? FORM_HEADERS : {}) },
          ...(i % 2 ? { payload: '' } : {}),
        }),
      ),
    );
    const statuses = replies.map((r) => r.statusCode);
    assert.equal(statuses.filter((s) => s === 200 || s === 303).length, 60, 'SIMILAR_SEARCHES_PER_MINUTE');
    assert.equal(statuses.filter((s) => s === 429).length, 240);
    const page = replies.find((r, i) => i % 2 && r.statusCode === 429)!;
    assert.match(String(page.headers['content-type']), /text\/html/);
    assert.match(page.body, /Слишком много поисков подряд/);
    assert.ok(Number(page.headers['retry-after']) >= 1);
    assert.ok(Date.now() - started < 60_000);
    assert.equal((await app.get('/api/health')).statusCode, 200);
  });
});

describe('photo searches waiting for the model are bounded', () => {
  let app: SecurityApp;
  let hold: Promise<void> | null = null;
  let entered = 0;

  before(async () => {
    const slow = (embedder: Embedder): Embedder => ({
      ...embedder,
      info: embedder.info,
      async embedImages(images) {
        entered++;
        if (hold) await hold;
        return embedder.embedImages(images);
      },
    });
    app = await startSecurityApp({ model: 'fake', searchMaxPending: 2 }, { wrapEmbedder: slow, products: 8 });
  });
  after(() => app.close());

  it('beyond SEARCH_MAX_PENDING: 503 with Retry-After at once; the admitted ones finish; places are given back', async () => {
    let open!: () => void;
    hold = new Promise((r) => (open = r));
    const photo = await photoOf(200);
    const waiting = [
      app.post([{ name: 'image', value: photo, filename: 'a.jpg' }]),
      app.post([{ name: 'image', value: await photoOf(190), filename: 'b.jpg' }]),
    ];
    while (entered < 2) await new Promise((r) => setTimeout(r, 10));
    const busy = await Promise.all(
      Array.from({ length: 5 }, () =>
        app.post([{ name: 'image', value: photo, filename: 'c.jpg' }], { 'accept-language': 'en' }),
      ),
    );
    for (const res of busy) {
      assert.equal(res.statusCode, 503, res.body);
      assert.equal(res.headers['retry-after'], '2');
      assert.equal(res.json().code, 'SEARCH_BUSY');
      assert.match(res.json().message, /Too many photo searches at once/);
    }
    open();
    hold = null;
    for (const res of await Promise.all(waiting)) assert.equal(res.statusCode, 200, res.body);
    // Refused and failed searches give their place back too.
    for (let i = 0; i < 6; i++) {
      assert.equal(
        (await app.post([{ name: 'image', value: 'not an image', filename: 'x.jpg' }])).statusCode,
        415,
      );
    }
    assert.equal((await app.post([{ name: 'image', value: photo, filename: 'a.jpg' }])).statusCode, 200);
  });
});

describe('saved searches: bounded storage', () => {
  let app: SecurityApp;

  before(async () => {
    app = await startSecurityApp({ model: 'fake', searchesPerClient: 3 }, { purgeEveryMs: 200, products: 8 });
  });
  after(() => app.close());

  const searchAs = async (client: TestClient, photo: Buffer) => {
    const res = await client.inject({
      method: 'POST',
      url: '/api/search-by-image',
      ...multipart([{ name: 'image', value: photo, filename: 'a.jpg' }]),
    });
    assert.equal(res.statusCode, 200, res.body);
    return res.json().search_id as string;
  };
  const storage = async () => {
    const { rows } = await app.ctx.stores.catalog.query<{ searches: number; thumbs: number }>(
      'select (select count(*)::int from saved_searches) as searches, (select count(*)::int from search_thumbs) as thumbs',
    );
    return rows[0]!;
  };

  it('identical query photos share one stored thumbnail', async () => {
    const before = await storage();
    const photo = await photoOf(205);
    const ids = [];
    for (let i = 0; i < 3; i++) ids.push(await searchAs(app.client, photo));
    const after = await storage();
    assert.equal(after.searches - before.searches, 3);
    assert.equal(after.thumbs - before.thumbs, 1, 'one thumbnail for three searches of one photo');
    const thumbs = await Promise.all(ids.map((id) => app.get(`/searches/${id}/thumb`)));
    assert.ok(thumbs.every((t) => t.statusCode === 200 && t.rawPayload.equals(thumbs[0]!.rawPayload)));
  });

  it('a client keeps at most SEARCHES_PER_CLIENT searches; the oldest go first, other clients keep theirs', async () => {
    const [me, them] = [
      await signedInClient(app.web.app, app.ctx),
      await signedInClient(app.web.app, app.ctx),
    ];
    const mine = [];
    for (let i = 0; i < 5; i++) mine.push(await searchAs(me, await photoOf(200 + i)));
    const theirs = await searchAs(them, await photoOf(201));
    const alive = async (id: string) =>
      (await app.get(`/api/products?image_search=${id}`)).statusCode === 200;
    assert.deepEqual(await Promise.all(mine.map(alive)), [false, false, true, true, true]);
    assert.equal(await alive(theirs), true);
  });

  it('the server purges expired searches on its schedule, then thumbnails nothing uses', async () => {
    const id = await searchAs(app.client, await photoOf(150));
    const db = app.ctx.stores.catalog;
    await db.query(`update saved_searches set expires_at = now() - interval '1 day' where id = $1`, [id]);
    assert.equal(
      (await app.get(`/searches/${id}/thumb`)).statusCode,
      404,
      'an expired thumbnail is not served',
    );
    await db.query(`update search_thumbs set used_at = now() - interval '2 hours'`);
    const deadline = Date.now() + 10_000;
    let left = 1;
    while (left && Date.now() < deadline) {
      await new Promise((r) => setTimeout(r, 100));
      left = (await db.query('select 1 from saved_searches where id = $1', [id])).rows.length;
    }
    assert.equal(left, 0, 'the expired search was purged without anyone asking');
    const orphans = await db.query(
      'select 1 from search_thumbs t where not exists (select 1 from saved_searches s where s.thumb_sha256 = t.sha256)',
    );
    await new Promise((r) => setTimeout(r, 500));
    const after = await db.query(
      'select 1 from search_thumbs t where not exists (select 1 from saved_searches s where s.thumb_sha256 = t.sha256)',
    );
    assert.ok(orphans.rows.length <= 1 && after.rows.length === 0, 'unused thumbnails are purged too');
    assert.ok((await storage()).thumbs > 0, 'thumbnails still in use are kept');
  });
});
