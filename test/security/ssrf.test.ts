import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import fs from 'node:fs/promises';
import http from 'node:http';
import https from 'node:https';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { isPublicAddress } from '../../src/remote/address.policy.ts';
import { createRemoteImageFetcher, type RemoteFetchOptions } from '../../src/remote/remote-image.fetch.ts';
import { isAppError } from '../../src/errors/app-error.ts';
import { tempDir } from '../helpers/test-env.ts';
import { squareImage } from '../search/search.fixture.ts';
import { startSecurityApp, type SecurityApp } from './security.fixture.ts';

/** Every spelling of the loopback host an attacker tries; the WHATWG URL parser and ipaddr.js see through them all. */
export const loopbackHosts = [
  '127.0.0.1',
  '127.1',
  '127.0.1',
  '0177.0.0.1',
  '0x7f.0.0.1',
  '0x7f000001',
  '2130706433',
  '017700000001',
  '127.000.000.001',
  '127.255.255.254',
  '0.0.0.0',
  '0',
  'localhost',
  'LOCALHOST',
  'localhost.',
  '[::1]',
  '[0:0:0:0:0:0:0:1]',
  '[::]',
  '[::ffff:127.0.0.1]',
  '[::ffff:7f00:1]',
  '[0:0:0:0:0:ffff:7f00:1]',
  '[::ffff:0:127.0.0.1]',
  '[::127.0.0.1]',
  '[::7f00:1]',
  '[64:ff9b::127.0.0.1]',
  '[64:ff9b:1::7f00:1]',
  '[2002:7f00:1::1]',
  '[2001:0:7f00:1::1]',
  '[fe80::1]',
  '[fc00::1]',
  '[fd12:3456::1]',
  '[ff02::1]',
  '169.254.169.254',
  '10.0.0.1',
  '172.16.0.1',
  '192.168.0.1',
  '100.64.0.1',
  '224.0.0.1',
  '255.255.255.255',
  '１２７.０.０.１', // fullwidth digits: the URL parser folds them to ASCII
  '127。0。0。1', // ideographic full stops
  '127.0.0.1.',
  '%31%32%37.0.0.1',
  '0.0.0.0.',
  '[::ffff:0.0.0.0]',
  '[::ffff:a00:1]', // 10.0.0.1, IPv4-mapped
  '[fec0::1]', // site-local (deprecated)
  '[100::1]', // discard prefix
  '[2001:db8::1]', // documentation
];

/** A local HTTP server that counts every request: the proof that a refused URL never reached it. */
export async function countingServer(
  host: string,
  handler: (req: http.IncomingMessage, res: http.ServerResponse) => void,
) {
  let hits = 0;
  const server = http.createServer((req, res) => {
    hits++;
    handler(req, res);
  });
  await new Promise<void>((r) => server.listen(0, host, r));
  return {
    port: (server.address() as AddressInfo).port,
    hits: () => hits,
    close: () => new Promise<void>((r) => server.close(() => r())),
  };
}

describe('address policy (ipaddr.js ranges)', () => {
  it('refuses every non-public address, including IPv6 forms that embed or tunnel to IPv4', () => {
    for (const host of loopbackHosts.filter((h) => !/[a-z]{3}/i.test(h) || h.startsWith('['))) {
      const bare = new URL(`http://${host}/`).hostname.replace(/^\[(.*)\]$/, '$1');
      assert.equal(isPublicAddress(bare), false, `${host} (${bare}) must not count as public`);
    }
  });
  it('accepts public unicast, also as IPv4-mapped IPv6', () => {
    for (const a of ['8.8.8.8', '93.184.216.34', '2606:4700::1111', '2a00:1450:4001::200e', '::ffff:8.8.8.8'])
      assert.equal(isPublicAddress(a), true, a);
  });
});

describe('remote image fetch: SSRF', () => {
  let photo: Buffer;
  let target: Awaited<ReturnType<typeof countingServer>>;
  let other: Awaited<ReturnType<typeof countingServer>>;
  const base: RemoteFetchOptions = { timeoutMs: 3000, maxBytes: 1_000_000, allowPrivate: false };

  before(async () => {
    photo = await squareImage({ r: 200, g: 30, b: 30 }, { r: 250, g: 250, b: 250 }, 64, 'jpeg');
    target = await countingServer('127.0.0.1', (req, res) => {
      if (req.url?.startsWith('/photo.jpg'))
        return res.writeHead(200, { 'content-type': 'image/jpeg' }).end(photo);
      const hop = /^\/hop\/(\d+)$/.exec(req.url ?? '');
      if (hop) {
        const n = Number(hop[1]);
        return res.writeHead(302, { location: n > 1 ? `/hop/${n - 1}` : '/photo.jpg' }).end();
      }
      const to = /^\/redirect\?to=(.*)$/.exec(req.url ?? '');
      if (to) return res.writeHead(301, { location: decodeURIComponent(to[1]!) }).end();
      res.writeHead(404).end();
    });
    // Another "internal service" on a different loopback address and port.
    other = await countingServer('127.0.0.2', (_req, res) =>
      res.writeHead(200, { 'content-type': 'image/jpeg' }).end(photo),
    );
  });
  after(async () => {
    await target.close();
    await other.close();
  });

  async function refusal(fetcher: ReturnType<typeof createRemoteImageFetcher>, url: string) {
    const error = await fetcher.fetchImage(url).then(
      () => assert.fail(`${url} was fetched`),
      (e: unknown) => e,
    );
    assert.ok(isAppError(error), `${url}: ${String(error)}`);
    return error as typeof error & { in(lang: 'ru' | 'en'): string };
  }

  it('refuses every spelling of a loopback or private host, with one generic error, before connecting', async () => {
    const fetcher = createRemoteImageFetcher(base);
    const replies = new Set<string>();
    for (const host of loopbackHosts) {
      const url = `http://${host}:${target.port}/photo.jpg`;
      const error = await refusal(fetcher, url);
      assert.equal(error.code, 'URL_FETCH_FAILED', url);
      assert.equal(error.status, 400);
      replies.add(`${error.status} ${error.code} ${error.in('ru')} ${error.message.replace(url, 'URL')}`);
    }
    assert.equal(replies.size, 1, `every refusal reads the same: ${[...replies].join(' | ')}`);
    assert.equal(target.hits(), 0, 'the local server was never reached');
  });

  it('an open port, a closed port and a refused address give the same reply', async () => {
    const fetcher = createRemoteImageFetcher({ ...base, allowAddress: (a) => a === '127.0.0.1' });
    const closed = await new Promise<number>((r) => {
      const s = http.createServer().listen(0, '127.0.0.1', () => {
        const { port } = s.address() as AddressInfo;
        s.close(() => r(port));
      });
    });
    const urls = [
      `http://127.0.0.1:${target.port}/missing`, // open port, HTTP 404
      `http://127.0.0.1:${closed}/photo.jpg`, // closed port
      `http://127.0.0.2:${other.port}/photo.jpg`, // open port at a refused address
    ];
    const replies = await Promise.all(urls.map((u) => refusal(fetcher, u)));
    const shapes = replies.map((e, i) => [e.status, e.code, e.message.replace(urls[i]!, 'URL'), e.in('ru')]);
    assert.deepEqual(shapes[1], shapes[0]);
    assert.deepEqual(shapes[2], shapes[0]);
    assert.equal(other.hits(), 0);
  });

  it('a host name that resolves to loopback is refused, also when it lists a public address first', async () => {
    const hits = target.hits();
    const error = await refusal(createRemoteImageFetcher(base), `http://localhost:${target.port}/photo.jpg`);
    assert.equal(error.code, 'URL_FETCH_FAILED');
    const mixed = createRemoteImageFetcher({ ...base, resolve: async () => ['93.184.216.34', '127.0.0.1'] });
    assert.equal(
      (await refusal(mixed, `http://images.example:${target.port}/photo.jpg`)).code,
      'URL_FETCH_FAILED',
    );
    assert.equal(target.hits(), hits);
  });

  it('resolves each host once and connects to the address it checked (no rebinding window)', async () => {
    let lookups = 0;
    // First answer: the address the policy allows; any later answer: another host. A second lookup
    // at connect time would reach 127.0.0.2.
    const fetcher = createRemoteImageFetcher({
      ...base,
      allowAddress: (a) => a === '127.0.0.1',
      resolve: async () => (lookups++ === 0 ? ['127.0.0.1'] : ['127.0.0.2']),
    });
    const bytes = await fetcher.fetchImage(`http://rebind.example:${target.port}/photo.jpg`);
    assert.deepEqual(bytes, photo);
    assert.equal(lookups, 1);
    assert.equal(other.hits(), 0);
  });

  it('re-checks every redirect: a redirect to another local address or port is refused', async () => {
    // 127.0.0.1 stands in for a public host here; the redirect targets are what the test is about.
    const fetcher = createRemoteImageFetcher({ ...base, allowAddress: (a) => a === '127.0.0.1' });
    for (const to of [
      `http://127.0.0.2:${other.port}/photo.jpg`,
      `http://[::ffff:127.0.0.2]:${other.port}/photo.jpg`,
      `http://[::ffff:7f00:2]:${other.port}/photo.jpg`,
      `http://2130706434:${other.port}/photo.jpg`,
      `http://[::1]:${other.port}/photo.jpg`,
      'file:///etc/passwd',
      'gopher://127.0.0.2:70/',
    ]) {
      const url = `http://127.0.0.1:${target.port}/redirect?to=${encodeURIComponent(to)}`;
      assert.equal((await refusal(fetcher, url)).code, 'URL_FETCH_FAILED', to);
    }
    assert.equal(other.hits(), 0, 'the redirect target was never reached');
  });

  it('follows at most 3 redirects', async () => {
    const fetcher = createRemoteImageFetcher({ ...base, allowAddress: (a) => a === '127.0.0.1' });
    assert.deepEqual(await fetcher.fetchImage(`http://127.0.0.1:${target.port}/hop/3`), photo);
    const before = target.hits();
    assert.equal((await refusal(fetcher, `http://127.0.0.1:${target.port}/hop/4`)).code, 'URL_FETCH_FAILED');
    assert.equal(target.hits() - before, 4, 'the fourth redirect was not followed');
  });

  it('says why only when asked (the CLI import), never to the web', async () => {
    const url = `http://127.0.0.1:${target.port}/photo.jpg`;
    const logged: string[] = [];
    const quiet = await refusal(
      createRemoteImageFetcher({ ...base, onFailure: (_url, reason) => logged.push(reason) }),
      url,
    );
    assert.doesNotMatch(quiet.message, /127\.0\.0\.1 resolves|not a public|ECONNREFUSED|HTTP/);
    assert.match(logged.join(), /not a public address/, 'the server log still says why');
    const told = await refusal(createRemoteImageFetcher({ ...base, explain: true }), url);
    assert.match(told.message, /not a public address/);
  });

  it('ALLOW_PRIVATE_URLS reaches local servers; non-http(s) URLs are invalid', async () => {
    const fetcher = createRemoteImageFetcher({ ...base, allowPrivate: true });
    assert.deepEqual(await fetcher.fetchImage(`http://localhost:${target.port}/photo.jpg`), photo);
    assert.deepEqual(await fetcher.fetchImage(`http://[::ffff:127.0.0.1]:${target.port}/photo.jpg`), photo);
    for (const bad of ['file:///etc/passwd', 'ftp://127.0.0.1/x', 'not a url', 'http://']) {
      assert.equal((await refusal(fetcher, bad)).code, 'URL_INVALID', bad);
    }
  });

  it('http → https redirects work for an allowed host (certificate checked against the name)', async () => {
    const dir = await tempDir('vitrina-tls-');
    const key = path.join(dir, 'key.pem');
    const cert = path.join(dir, 'cert.pem');
    execFileSync(
      'openssl',
      [
        'req',
        '-x509',
        '-newkey',
        'rsa:2048',
        '-nodes',
        '-keyout',
        key,
        '-out',
        cert,
        '-days',
        '1',
        '-subj',
        '/CN=localhost',
        '-addext',
        'subjectAltName=DNS:localhost',
      ],
      { stdio: 'ignore' },
    );
    const tls = https.createServer(
      { key: await fs.readFile(key), cert: await fs.readFile(cert) },
      (_req, res) => res.writeHead(200, { 'content-type': 'image/jpeg' }).end(photo),
    );
    await new Promise<void>((r) => tls.listen(0, '127.0.0.1', r));
    const tlsPort = tls.address() as AddressInfo;
    try {
      const fetcher = createRemoteImageFetcher({
        ...base,
        allowAddress: (a) => a === '127.0.0.1',
        ca: await fs.readFile(cert),
      });
      const to = `https://localhost:${tlsPort.port}/photo.jpg`;
      const url = `http://127.0.0.1:${target.port}/redirect?to=${encodeURIComponent(to)}`;
      assert.deepEqual(await fetcher.fetchImage(url), photo);
      // Without the test CA the self-signed certificate is refused like any other failure.
      const strict = createRemoteImageFetcher({ ...base, allowAddress: (a) => a === '127.0.0.1' });
      assert.equal((await refusal(strict, url)).code, 'URL_FETCH_FAILED');
    } finally {
      tls.close();
      await fs.rm(dir, { recursive: true, force: true });
    }
  });

  it('caps the size and the time', async () => {
    const big = await countingServer('127.0.0.1', (req, res) => {
      if (req.url === '/slow') return void setTimeout(() => res.end(photo), 2000);
      if (req.url === '/drip') {
        res.writeHead(200);
        const t = setInterval(() => res.write('x'), 100);
        return void res.on('close', () => clearInterval(t));
      }
      res.writeHead(200).end(Buffer.alloc(2_000_000));
    });
    try {
      const fetcher = createRemoteImageFetcher({ ...base, allowPrivate: true, timeoutMs: 500 });
      assert.equal((await refusal(fetcher, `http://127.0.0.1:${big.port}/big`)).code, 'URL_TOO_LARGE');
      for (const slow of ['/slow', '/drip']) {
        const started = Date.now();
        assert.equal(
          (await refusal(fetcher, `http://127.0.0.1:${big.port}${slow}`)).code,
          'URL_FETCH_FAILED',
        );
        assert.ok(Date.now() - started < 1500, `${slow} cut off at the deadline`);
      }
    } finally {
      await big.close();
    }
  });
});

describe('URL search over HTTP (ALLOW_PRIVATE_URLS=0)', () => {
  let app: SecurityApp;
  let target: Awaited<ReturnType<typeof countingServer>>;

  before(async () => {
    app = await startSecurityApp({ model: 'fake', allowPrivateUrls: false }, { products: 8 });
    const photo = await squareImage({ r: 200, g: 30, b: 30 }, { r: 250, g: 250, b: 250 }, 64, 'jpeg');
    target = await countingServer('127.0.0.1', (_req, res) =>
      res.writeHead(200, { 'content-type': 'image/jpeg' }).end(photo),
    );
  });
  after(async () => {
    await target.close();
    await app.close();
  });

  it('every loopback spelling, an open and a closed port: the same 400 reply, and no request reaches the server', async () => {
    const closed = target.port === 65535 ? 65534 : target.port + 1;
    const replies = new Map<string, string[]>();
    for (const host of loopbackHosts) {
      for (const port of [target.port, closed]) {
        const url = `http://${host}:${port}/photo.jpg`;
        for (const lang of ['ru', 'en']) {
          const res = await app.post([{ name: 'url', value: url }], { 'accept-language': lang });
          assert.equal(res.statusCode, 400, `${url}: ${res.body}`);
          const { code, message, error } = res.json();
          const shape = `${lang} ${code} ${String(message).replace(url, 'URL')} ${String(error).replace(url, 'URL')}`;
          replies.set(shape, [...(replies.get(shape) ?? []), url]);
        }
      }
    }
    assert.equal(replies.size, 2, `one reply per language: ${[...replies.keys()].join(' | ')}`);
    assert.equal(target.hits(), 0, 'no request reached the local server');
    assert.equal((await app.get('/api/health')).statusCode, 200);
  });
});
