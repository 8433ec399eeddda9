import assert from 'node:assert/strict';
import zlib from 'node:zlib';
import { after, before, describe, it } from 'node:test';
import sharp from 'sharp';
import { bigPngHeader } from '../helpers/png-header.ts';
import { squareImage } from '../search/search.fixture.ts';
import { startSecurityApp, type SecurityApp } from './security.fixture.ts';

const RED = { r: 215, g: 40, b: 20 };
const WHITE = { r: 250, g: 250, b: 250 };

/** A JPEG whose header claims width × height and which holds no pixel data at all. */
function jpegHeaderOnly(width: number, height: number): Buffer {
  const sof = Buffer.from([
    0xff,
    0xc0,
    0x00,
    0x11,
    0x08,
    height >> 8,
    height & 0xff,
    width >> 8,
    width & 0xff,
    0x03,
    0x01,
    0x22,
    0x00,
    0x02,
    0x11,
    0x01,
    0x03,
    0x11,
    0x01,
  ]);
  return Buffer.concat([Buffer.from([0xff, 0xd8]), sof, Buffer.from([0xff, 0xd9])]);
}

/** The PNG with one byte of its first IDAT chunk flipped (its CRC no longer matches). */
function pngWithBadCrc(png: Buffer): Buffer {
  const copy = Buffer.from(png);
  const idat = copy.indexOf('IDAT');
  copy[idat + 8] = copy[idat + 8]! ^ 0xff;
  return copy;
}

/** A PNG whose IDAT inflates to garbage rows (valid CRCs): corrupt at the decoding stage, not the header. */
function pngWithGarbageRows(width: number, height: number): Buffer {
  const png = bigPngHeader(width, height); // valid signature, IHDR, IDAT of zeros, IEND
  const idat = png.indexOf('IDAT') - 4;
  const garbage = zlib.deflateSync(Buffer.alloc((width * 3 + 1) * height, 0x09)); // filter type 9 does not exist
  const len = Buffer.alloc(4);
  len.writeUInt32BE(garbage.length);
  const body = Buffer.concat([Buffer.from('IDAT'), garbage]);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(zlib.crc32 ? zlib.crc32(body) : 0);
  const end = png.indexOf('IEND') - 4;
  return Buffer.concat([png.subarray(0, idat), len, body, crc, png.subarray(end)]);
}

describe('hostile input never gets a 500', () => {
  let app: SecurityApp;
  let jpeg: Buffer;
  let png: Buffer;
  let gif: Buffer;
  let webp: Buffer;

  before(async () => {
    app = await startSecurityApp();
    jpeg = await squareImage(RED, WHITE, 256, 'jpeg');
    png = await squareImage(RED, WHITE, 256, 'png');
    gif = await sharp(png).gif().toBuffer();
    webp = await sharp(png).webp().toBuffer();
  });
  after(() => app.close());

  it('broken images at every decoding stage: 400/413/415 with a code, then a good photo still works', async () => {
    const cut = (b: Buffer, f: number) => b.subarray(0, Math.floor(b.length * f));
    const corruptMiddle = Buffer.from(jpeg);
    corruptMiddle.fill(0xff, Math.floor(jpeg.length / 2), Math.floor(jpeg.length / 2) + 64);
    const cases: [string, Buffer, number[]][] = [
      ['truncated JPEG (half)', cut(jpeg, 0.5), [400]],
      ['truncated JPEG (90%)', cut(jpeg, 0.9), [400]],
      ['JPEG without its end marker', jpeg.subarray(0, jpeg.length - 2), [400, 200, 404]],
      ['JPEG header only', cut(jpeg, 0.1), [400]],
      ['JPEG with a corrupt middle', corruptMiddle, [400, 200, 404]],
      ['JPEG headers, no scan', jpegHeaderOnly(640, 480), [400]],
      ['JPEG claiming 65000×65000', jpegHeaderOnly(65000, 65000), [400, 413]],
      ['truncated PNG (half)', cut(png, 0.5), [400]],
      ['truncated PNG (IHDR only)', png.subarray(0, 33), [400]],
      ['PNG with a bad CRC', pngWithBadCrc(png), [400]],
      ['PNG with undecodable rows', pngWithGarbageRows(64, 64), [400]],
      ['PNG bomb 20000×20000', bigPngHeader(20_000, 20_000), [413]],
      ['truncated GIF', cut(gif, 0.5), [400]],
      ['GIF signature only', Buffer.from('GIF89a'), [400]],
      ['truncated WEBP', cut(webp, 0.5), [400]],
      ['WEBP header only', Buffer.from('RIFF\x10\x00\x00\x00WEBPVP8 ', 'latin1'), [400]],
      ['JPEG magic only', Buffer.from([0xff, 0xd8, 0xff]), [400]],
      ['PNG signature only', png.subarray(0, 8), [400]],
      [
        'JPEG magic then junk',
        Buffer.concat([Buffer.from([0xff, 0xd8, 0xff, 0xe0]), Buffer.alloc(50_000, 7)]),
        [400],
      ],
      ['SVG', Buffer.from('<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>'), [415]],
      ['HTML', Buffer.from('<!doctype html><title>x</title>'), [415]],
      ['TIFF', await sharp(png).tiff().toBuffer(), [415]],
      ['BMP header', Buffer.concat([Buffer.from('BM'), Buffer.alloc(100)]), [415]],
      ['ZIP', Buffer.from('PK\x03\x04 not really a zip', 'latin1'), [415]],
      ['one byte', Buffer.from([0xff]), [415]],
      ['empty', Buffer.alloc(0), [400]],
    ];
    for (const [name, bytes, statuses] of cases) {
      const res = await app.post([
        { name: 'image', value: bytes, filename: 'photo.jpg', type: 'image/jpeg' },
      ]);
      assert.ok(statuses.includes(res.statusCode), `${name}: ${res.statusCode} ${res.body}`);
      if (res.statusCode >= 400) {
        const body = res.json();
        assert.equal(body.success, false, name);
        assert.match(body.code, /^[A-Z_]+$/, name);
        assert.ok(body.message && body.error, `${name}: a message for people and one for programs`);
      }
    }
    const good = await app.post([{ name: 'image', value: jpeg, filename: 'photo.jpg' }]);
    assert.equal(good.statusCode, 200, good.body);
  });

  it('the same broken images as the second of several photos', async () => {
    for (const bad of [jpeg.subarray(0, jpeg.length / 2), png.subarray(0, png.length / 2)]) {
      const res = await app.post([
        { name: 'image', value: jpeg, filename: 'a.jpg' },
        { name: 'image', value: bad, filename: 'b.jpg' },
      ]);
      assert.equal(res.statusCode, 400, res.body);
      assert.equal(res.json().code, 'IMAGE_UNDECODABLE');
    }
  });

  it('malformed multipart bodies: 400 (or 413/415), never 500', async () => {
    const boundary = 'XyZ123';
    const head = `--${boundary}\r\ncontent-disposition: form-data; name="image"; filename="a.jpg"\r\ncontent-type: image/jpeg\r\n\r\n`;
    const cases: [string, Record<string, string>, Buffer | string, number[], string?][] = [
      [
        'no boundary',
        { 'content-type': 'multipart/form-data' },
        `${head}${'x'.repeat(10)}`,
        [400],
        'MULTIPART_MALFORMED',
      ],
      [
        'empty boundary',
        { 'content-type': 'multipart/form-data; boundary=' },
        head,
        [400],
        'MULTIPART_MALFORMED',
      ],
      [
        'unterminated (no closing boundary)',
        { 'content-type': `multipart/form-data; boundary=${boundary}` },
        Buffer.concat([Buffer.from(head), jpeg]),
        [400],
        'MULTIPART_MALFORMED',
      ],
      [
        'cut inside the part headers',
        { 'content-type': `multipart/form-data; boundary=${boundary}` },
        `--${boundary}\r\ncontent-disposition: form-da`,
        [400],
      ],
      ['garbage body', { 'content-type': `multipart/form-data; boundary=${boundary}` }, 'hello world', [400]],
      ['empty body', { 'content-type': `multipart/form-data; boundary=${boundary}` }, '', [400]],
      [
        'part without a name',
        { 'content-type': `multipart/form-data; boundary=${boundary}` },
        `--${boundary}\r\ncontent-disposition: form-data\r\n\r\nvalue\r\n--${boundary}--\r\n`,
        [400],
      ],
      [
        '200 text fields',
        { 'content-type': `multipart/form-data; boundary=${boundary}` },
        Array.from(
          { length: 200 },
          (_, i) => `--${boundary}\r\ncontent-disposition: form-data; name="f${i}"\r\n\r\nv\r\n`,
        ).join('') + `--${boundary}--\r\n`,
        [400, 413],
      ],
      [
        'a 200-character boundary',
        { 'content-type': `multipart/form-data; boundary=${'B'.repeat(200)}` },
        `--${'B'.repeat(200)}\r\ncontent-disposition: form-data; name="image"; filename="a.jpg"\r\n\r\nxx\r\n--${'B'.repeat(200)}--\r\n`,
        [400, 415],
      ],
      [
        'a 100 KB part header',
        { 'content-type': `multipart/form-data; boundary=${boundary}` },
        `--${boundary}\r\ncontent-disposition: form-data; name="image"; filename="${'a'.repeat(100_000)}.jpg"\r\n\r\nxx\r\n--${boundary}--\r\n`,
        [400, 415],
      ],
      [
        'a field named __proto__',
        { 'content-type': `multipart/form-data; boundary=${boundary}` },
        `--${boundary}\r\ncontent-disposition: form-data; name="__proto__"\r\n\r\n{"a":1}\r\n--${boundary}--\r\n`,
        [400],
      ],
      ['urlencoded', { 'content-type': 'application/x-www-form-urlencoded' }, 'image=abc', [415]],
      ['JSON', { 'content-type': 'application/json' }, '{"image":"abc"}', [415]],
      ['no content type', {}, 'abc', [415]],
    ];
    for (const [name, headers, payload, statuses, code] of cases) {
      const res = await app.inject({ method: 'POST', url: '/api/search-by-image', headers, payload });
      assert.ok(statuses.includes(res.statusCode), `${name}: ${res.statusCode} ${res.body}`);
      assert.equal(res.json().success, false, name);
      if (code) assert.equal(res.json().code, code, name);
    }
    const nine = Array.from({ length: 9 }, () => ({ name: 'image', value: jpeg, filename: 'a.jpg' }));
    assert.equal((await app.post(nine)).statusCode, 413);
    const longUrl = await app.post([{ name: 'url', value: `http://example.com/${'a'.repeat(5000)}` }]);
    assert.equal(longUrl.statusCode, 400, longUrl.body);
    const other = await app.post([{ name: 'file', value: jpeg, filename: 'a.jpg' }]);
    assert.equal(other.statusCode, 400);
    assert.equal(other.json().code, 'UNKNOWN_FIELD');
    assert.equal((await app.get('/api/health')).statusCode, 200);
  });

  it('any query string: 400 or a normal answer; NUL and control characters are spaces', async () => {
    const nasty = [
      'a%00b',
      '%00',
      '%ff',
      '%ff%fe',
      '%e0%80',
      '%ed%a0%80',
      '%c0%af',
      '%',
      '%25',
      '_',
      '%zz',
      "'",
      "'%20or%201=1--",
      '%5C',
      '%0d%0aSet-Cookie:%20x=1',
      '%3Cscript%3Ealert(1)%3C/script%3E',
      'a'.repeat(201),
      'a'.repeat(6000),
      '%F0%9F%92%A9',
      '%EF%BF%BF',
      '(((((((((',
      '!!!!',
      '-',
      '""',
    ];
    const params = [
      'q',
      'category',
      'supplier',
      'price_min',
      'sort',
      'page',
      'per_page',
      'image_search',
      'lang',
    ];
    for (const base of ['/products', '/api/products']) {
      for (const param of params) {
        for (const value of nasty) {
          const url = `${base}?${param}=${value}`;
          const res = await app.get(url);
          assert.ok(
            [200, 400, 404].includes(res.statusCode),
            `${url}: ${res.statusCode} ${res.body.slice(0, 300)}`,
          );
          if (res.statusCode !== 200 && base.startsWith('/api')) assert.ok(res.json().code, url);
        }
      }
      for (const extra of [
        'q=a&q=b',
        'q[]=a',
        '__proto__=x',
        'constructor=x',
        'q=a&' + 'x'.repeat(3000) + '=1',
        'price_min=1e999',
        'page=-1',
        'per_page=1e400',
      ]) {
        const res = await app.get(`${base}?${extra}`);
        assert.ok([200, 400].includes(res.statusCode), `${base}?${extra.slice(0, 60)}: ${res.statusCode}`);
      }
    }
    for (const url of [
      '/products/%00',
      '/products/1%00',
      '/products/99999999999999999999',
      '/products/-1',
      '/media/%00',
      '/media/..%2f..%2fetc%2fpasswd',
      '/searches/%00/thumb',
      '/searches?lang=%00',
      '/products/1?lang=%ff',
      '/assets/..%2f..%2fpackage.json',
      '/vendor/cropperjs/..%2f..%2f..%2fpackage.json',
    ]) {
      const res = await app.get(url);
      assert.ok(res.statusCode < 500, `${url}: ${res.statusCode}`);
      assert.ok(
        res.statusCode !== 200 || !res.body.includes('"dependencies"'),
        `${url} must not serve files outside its folder`,
      );
    }
    // A NUL is a space, so the words around it still find their product.
    const nul = await app.get('/api/products?q=Red%00thing');
    assert.equal(nul.statusCode, 200);
    assert.ok(nul.json().total > 0);
  });

  it('LIKE wildcards in a query match themselves, not every SKU', async () => {
    for (const q of ['%', '_', '__', '%%', '%_%', '\\', '\\%']) {
      const res = await app.get(`/api/products?q=${encodeURIComponent(q)}`);
      assert.equal(res.statusCode, 200);
      assert.equal(res.json().total, 0, `q=${q} matched ${res.json().total} products`);
    }
    const prefix = await app.get('/api/products?q=R-1');
    assert.ok(
      prefix.json().items.some((i: { sku: string }) => i.sku === 'R-1'),
      'a real SKU prefix still matches',
    );
    const category = await app.get(`/api/products?category=${encodeURIComponent('R%')}`);
    assert.equal(category.json().total, 0, 'a category filter is not a pattern either');
    assert.equal((await app.get(`/api/products?category=${encodeURIComponent('Red')}`)).json().total, 30);
  });
});
