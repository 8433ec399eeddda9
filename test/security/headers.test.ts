import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { form, FORM_HEADERS } from '../helpers/auth-client.ts';
import { startSecurityApp, type SecurityApp } from './security.fixture.ts';

/** The directives of a Content-Security-Policy header, by name. */
function csp(header: string | undefined): Map<string, string[]> {
  assert.ok(header, 'a Content-Security-Policy header');
  return new Map(
    header
      .split(';')
      .map((d) => d.trim().split(/\s+/))
      .filter((d) => d[0])
      .map(([name, ...values]) => [name!, values]),
  );
}

describe('security headers, cookies and cross-site requests', () => {
  let app: SecurityApp;
  let proxied: SecurityApp;
  let productId: number;

  before(async () => {
    app = await startSecurityApp({ model: 'fake' }, { products: 8 });
    proxied = await startSecurityApp({ model: 'fake', trustProxy: true }, { products: 8 });
    productId = (await app.get('/api/products?q=R-3')).json().items[0].id;
  });
  after(async () => {
    await app.close();
    await proxied.close();
  });

  it('every kind of response carries CSP (no inline scripts), nosniff, no framing and a Referrer-Policy', async () => {
    const responses = {
      page: await app.get('/products'),
      product: await app.get(`/products/${productId}`),
      searches: await app.get('/searches'),
      api: await app.get('/api/products'),
      asset: await app.get('/assets/products.js'),
      cropper: await app.get('/vendor/cropperjs/cropper.min.js'),
      notFound: await app.get('/nope'),
      apiError: await app.post([{ name: 'image', value: 'text', filename: 'a.jpg' }]),
    };
    for (const [kind, res] of Object.entries(responses)) {
      assert.ok(res.statusCode < 500, `${kind}: ${res.statusCode}`);
      const policy = csp(res.headers['content-security-policy'] as string);
      assert.deepEqual(
        policy.get('script-src'),
        ["'self'"],
        `${kind}: scripts only from files of this origin`,
      );
      assert.deepEqual(policy.get('frame-ancestors'), ["'none'"], kind);
      assert.deepEqual(policy.get('object-src'), ["'none'"], kind);
      assert.ok(!(policy.get('default-src') ?? []).includes("'unsafe-inline'"), kind);
      assert.equal(res.headers['x-content-type-options'], 'nosniff', kind);
      assert.equal(res.headers['x-frame-options'], 'DENY', kind);
      assert.equal(res.headers['referrer-policy'], 'same-origin', kind);
    }
  });

  it('pages hold no inline script code and no inline event handlers', async () => {
    for (const url of ['/products', `/products/${productId}`, '/searches', '/nope', '/products?lang=en']) {
      const body = (await app.get(url)).body;
      for (const script of body.match(/<script\b[^>]*>[\s\S]*?<\/script>/gi) ?? []) {
        const open = script.slice(0, script.indexOf('>') + 1);
        const code = script.slice(open.length, -'</script>'.length).trim();
        assert.ok(
          /\bsrc=/.test(open) || /type="application\/json"/.test(open) || code === '',
          `${url}: ${script.slice(0, 120)}`,
        );
      }
      assert.doesNotMatch(body, /\son[a-z]+\s*=\s*["']/i, `${url}: an inline event handler`);
      assert.doesNotMatch(body, /href\s*=\s*["']\s*javascript:/i, url);
    }
  });

  it('the session cookie is HttpOnly and SameSite=Lax; Secure over https behind a trusted proxy only', async () => {
    const signIn = (on: SecurityApp, headers: Record<string, string> = {}) =>
      on.web.app.inject({
        method: 'POST',
        url: '/signin',
        headers: { ...FORM_HEADERS, ...headers },
        payload: form({ email: on.client.email!, password: on.client.password! }),
      });
    const cookieOf = (res: Awaited<ReturnType<typeof signIn>>) =>
      [res.headers['set-cookie']].flat().find((c) => String(c).startsWith('vitrina_session=')) ?? '';
    const plain = await signIn(app);
    assert.equal(plain.statusCode, 303, plain.body);
    assert.match(cookieOf(plain), /; HttpOnly/i);
    assert.match(cookieOf(plain), /; SameSite=Lax/i);
    assert.doesNotMatch(cookieOf(plain), /Secure/i, 'plain http: a Secure cookie would never come back');
    // A client cannot claim https itself: without TRUST_PROXY the header is ignored.
    assert.doesNotMatch(cookieOf(await signIn(app, { 'x-forwarded-proto': 'https' })), /Secure/i);
    const behindProxy = await signIn(proxied, { 'x-forwarded-proto': 'https' });
    assert.equal(behindProxy.statusCode, 303, behindProxy.body);
    assert.match(cookieOf(behindProxy), /; HttpOnly/i);
    assert.match(cookieOf(behindProxy), /; Secure/i);
  });

  it('refuses state-changing requests another site makes a browser send; same-origin forms and scripts pass', async () => {
    const host = 'shop.example:3000';
    // as a browser posts the «Похожие» form: urlencoded, empty body, signed in
    const similar = (headers: Record<string, string>) =>
      app.inject({
        method: 'POST',
        url: `/products/${productId}/similar`,
        headers: { host, ...FORM_HEADERS, ...headers },
        payload: '',
      });
    const refused: Record<string, string>[] = [
      { origin: 'https://evil.example', 'sec-fetch-site': 'cross-site' },
      { 'sec-fetch-site': 'cross-site' },
      { 'sec-fetch-site': 'same-site', origin: 'http://other.shop.example:3000' },
      { origin: 'https://evil.example' },
      { origin: 'null' },
      { origin: 'http://shop.example:3001' },
    ];
    for (const headers of refused) {
      const res = await similar({ ...headers, 'accept-language': 'ru' });
      assert.equal(res.statusCode, 403, JSON.stringify(headers));
      assert.match(res.body, /с других сайтов/, 'the refusal in the page language');
    }
    const api = await app.inject({
      method: 'POST',
      url: '/api/search-by-image',
      headers: { host, origin: 'https://evil.example', 'sec-fetch-site': 'cross-site' },
    });
    assert.equal(api.statusCode, 403);
    assert.equal(api.json().code, 'CROSS_SITE_REQUEST');
    const allowed: Record<string, string>[] = [
      { origin: `http://${host}`, 'sec-fetch-site': 'same-origin' }, // the «Похожие» button in a browser
      { origin: `http://${host}` }, // a browser without Fetch Metadata
      { 'sec-fetch-site': 'none' }, // typed into the address bar
      {}, // curl, scripts, API clients
    ];
    for (const headers of allowed) {
      const res = await similar(headers);
      assert.equal(res.statusCode, 303, `${JSON.stringify(headers)}: ${res.body.slice(0, 200)}`);
    }
    // GETs from anywhere are fine (links from other sites).
    assert.equal(
      (await app.get('/products', { origin: 'https://evil.example', 'sec-fetch-site': 'cross-site' }))
        .statusCode,
      200,
    );
  });

  it('behind a trusted proxy the forwarded host is the origin to compare with', async () => {
    const res = await proxied.inject({
      method: 'POST',
      url: `/products/${productId}/similar`,
      headers: {
        ...FORM_HEADERS,
        host: '127.0.0.1:3000',
        'x-forwarded-host': 'catalog.example',
        origin: 'https://catalog.example',
      },
      payload: '',
    });
    assert.equal(res.statusCode, 303, res.body.slice(0, 200));
  });
});
