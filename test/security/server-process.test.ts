import assert from 'node:assert/strict';
import net from 'node:net';
import { after, before, describe, it } from 'node:test';
import { runCli } from '../helpers/run-cli.ts';
import { tempDir } from '../helpers/test-env.ts';
import {
  freePort,
  getJson,
  junkUpload,
  rssGrowthDuring,
  slowClient,
  startServer,
  type ServerProcess,
} from './server-process.ts';

const MB = 1024 * 1024;

describe('vitrina serve on a port in use', () => {
  it('prints one line naming the port and exits with 1 at once', async () => {
    const port = await freePort();
    const holder = net.createServer();
    await new Promise<void>((r) => holder.listen(port, '127.0.0.1', r));
    try {
      const started = Date.now();
      const run = await runCli(
        ['serve'],
        { PORT: String(port), HOST: '127.0.0.1', DATA_DIR: await tempDir() },
        60_000,
      );
      const seconds = (Date.now() - started) / 1000;
      assert.equal(run.code, 1);
      const lines = run.stderr.trim().split('\n');
      assert.equal(lines.length, 1, run.stderr);
      assert.match(lines[0]!, new RegExp(`port ${port}.*in use`));
      // "At once": before the database opens or the model loads (the benchmark records the time).
      assert.ok(seconds < 20, `${seconds} s`);
    } finally {
      holder.close();
    }
  });
});

describe('vitrina serve under floods and slow clients (a child process on the real model)', () => {
  let server: ServerProcess;

  before(async () => {
    server = await startServer({ REQUEST_TIMEOUT_MS: '5000', PHOTO_SEARCHES_PER_MINUTE: '100000' });
  });
  after(() => server.stop());

  it('16 concurrent requests of 8 × 10 MB junk parts raise RSS by less than 150 MB, all refused', async () => {
    for (const declared of [true, false]) {
      const statuses: number[] = [];
      const growth = await rssGrowthDuring(server.pid, async () => {
        statuses.push(
          ...(await Promise.all(
            Array.from({ length: 16 }, () =>
              junkUpload(server.port, { parts: 8, partBytes: 10 * MB, declared }),
            ),
          )),
        );
      });
      const kind = declared ? 'with Content-Length' : 'chunked';
      console.log(`# junk flood ${kind}: RSS +${(growth / MB).toFixed(1)} MB; ${statuses.join(',')}`);
      assert.ok(growth < 150 * MB, `${kind}: RSS grew by ${(growth / MB).toFixed(1)} MB`);
      // 413: declared too large; 415: the first part is not an image; 503: too many at once.
      assert.ok(
        statuses.every((s) => [413, 415, 503].includes(s)),
        `${kind}: ${statuses.join(',')}`,
      );
    }
    assert.equal((await getJson(`${server.base}/api/health`)).catalog, 'ok');
  });

  it('the same flood with parts that start like JPEGs stays bounded too', async () => {
    const jpegMagic = Buffer.from([0xff, 0xd8, 0xff, 0xe0]);
    const statuses: number[] = [];
    const growth = await rssGrowthDuring(server.pid, async () => {
      statuses.push(
        ...(await Promise.all(
          Array.from({ length: 16 }, () =>
            junkUpload(server.port, { parts: 8, partBytes: 10 * MB, declared: false, prefix: jpegMagic }),
          ),
        )),
      );
    });
    assert.ok(growth < 150 * MB, `RSS grew by ${(growth / MB).toFixed(1)} MB`);
    assert.ok(
      statuses.every((s) => [413, 503].includes(s)),
      statuses.join(','),
    );
    assert.equal((await getJson(`${server.base}/api/health`)).catalog, 'ok');
  });

  it('slow clients are cut off: headers dripped, a body dripped, a silent connection', async () => {
    const post = 'POST /api/search-by-image HTTP/1.1\r\nHost: x\r\n';
    const [headers, body, silent] = await Promise.all([
      slowClient(server.port, { drip: `${post}X-Slow: ${'a'.repeat(100)}`, everyMs: 2000, giveUpMs: 30_000 }),
      slowClient(server.port, {
        head: `${post}Content-Type: multipart/form-data; boundary=b\r\nContent-Length: 100000\r\n\r\n--b\r\n`,
        drip: 'x'.repeat(1000),
        everyMs: 2000,
        giveUpMs: 30_000,
      }),
      slowClient(server.port, { drip: '', everyMs: 1000, giveUpMs: 30_000 }),
    ]);
    // REQUEST_TIMEOUT_MS=5000 here: headers and the whole request within 5 s, checked every second.
    assert.ok(headers !== null && headers < 12_000, `dripped headers held ${headers} ms`);
    assert.ok(body !== null && body < 12_000, `dripped body held ${body} ms`);
    assert.ok(silent !== null && silent < 15_000, `silent connection held ${silent} ms`);
    assert.equal((await getJson(`${server.base}/api/health`)).catalog, 'ok', 'the server stays up');
  });
});
