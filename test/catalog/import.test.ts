import assert from 'node:assert/strict';
import fs from 'node:fs/promises';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { createAppContext, type AppContext } from '../../src/app/app.context.ts';
import { parseCsv } from '../../src/catalog/csv.parse.ts';
import { tempDir, testConfig, writeImage } from '../helpers/test-env.ts';
import { writeFixtureCatalog } from './catalog.fixture.ts';

describe('vitrina import', () => {
  let ctx: AppContext;
  let dir: string;
  let server: http.Server;
  let base: string;
  let pngBytes: Buffer;
  /** bytes of /endless.png the server managed to send before the importer hung up */
  let endlessSent = 0;

  before(async () => {
    ctx = await createAppContext(await testConfig());
    dir = await tempDir();
    pngBytes = await fs.readFile(await writeImage(path.join(dir, 'served.png'), { r: 10, g: 120, b: 90 }));
    server = http.createServer((req, res) => {
      if (req.url === '/photo.png') return res.writeHead(200, { 'content-type': 'image/png' }).end(pngBytes);
      if (req.url === '/huge.png') return res.writeHead(200).end(Buffer.alloc(3 * 1024 * 1024));
      if (req.url === '/slow.png') return setTimeout(() => res.end(pngBytes), 3000);
      if (req.url === '/endless.png') {
        // No content-length (chunked): only counting the bytes as they arrive can stop this one.
        res.writeHead(200, { 'content-type': 'image/png' });
        const chunk = Buffer.alloc(64 * 1024, 7);
        const pump = () => {
          if (res.destroyed || endlessSent >= 64 * 1024 * 1024) return res.end();
          endlessSent += chunk.length;
          if (res.write(chunk)) setImmediate(pump);
          else res.once('drain', pump);
        };
        res.on('close', () => res.destroy());
        return pump();
      }
      res.writeHead(404).end();
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  after(async () => {
    server.closeAllConnections();
    server.close();
    await ctx.close();
  });

  it('imports good rows, then updates them on a re-import without duplicates', async () => {
    const file = await writeFixtureCatalog(dir);
    const first = await ctx.importer.importFile(file);
    assert.deepEqual([first.imported, first.updated, first.failed], [7, 0, 0]);
    const second = await ctx.importer.importFile(file);
    assert.deepEqual([second.imported, second.updated, second.failed], [0, 7, 0]);
    assert.equal(await ctx.catalog.count(), 7);
    const { rows } = await ctx.stores.catalog.query<{ n: number }>(
      'select count(*)::int as n from product_images',
    );
    assert.equal(rows[0]!.n, 5);
  });

  it('copies images into the content-addressed media store, independent of the source folder', async () => {
    const src = await tempDir();
    await writeImage(path.join(src, 'a.png'), { r: 1, g: 2, b: 3 });
    await fs.writeFile(path.join(src, 'c.csv'), 'sku,name,images\nMEDIA-1,Media test,a.png\n');
    const summary = await ctx.importer.importFile(path.join(src, 'c.csv'));
    assert.equal(summary.imported, 1);
    await fs.rm(src, { recursive: true });
    const product = (await ctx.catalog.list({ q: 'MEDIA-1', page: 1, perPage: 1 })).items[0]!;
    const bytes = await ctx.media.read(product.imageSha256!);
    assert.ok(bytes.length > 0);
  });

  it('reports each bad row with its line and reason and imports the rest', async () => {
    await fs.writeFile(path.join(dir, 'not-an-image.jpg'), 'this is text, not a JPEG');
    const csv = [
      'sku,name,price,currency,images',
      'OK-1,Good one,10,RUB,',
      ',No sku,5,RUB,', // line 3
      'BAD-NAME,,5,RUB,', // line 4
      'BAD-PRICE,Bad price,abc,RUB,', // line 5
      '"OK-2","Quoted, with comma',
      'and a line break",12.5,RUB,', // record of lines 6-7
      'BAD-IMG,Missing image,1,RUB,missing.png', // line 8
      'BAD-TYPE,Text as image,1,RUB,not-an-image.jpg', // line 9
      'BAD-CUR,Bad currency,1,RUBLES,', // line 10
    ].join('\n');
    await fs.writeFile(path.join(dir, 'broken.csv'), csv);
    const summary = await ctx.importer.importFile(path.join(dir, 'broken.csv'));
    assert.equal(summary.imported, 2);
    assert.equal(summary.failed, 6);
    assert.deepEqual(
      summary.errors.map((e) => e.line),
      [3, 4, 5, 8, 9, 10],
    );
    assert.match(summary.errors[0]!.reason, /sku/);
    assert.match(summary.errors[1]!.reason, /name/);
    assert.match(summary.errors[2]!.reason, /price/);
    assert.match(summary.errors[3]!.reason, /missing\.png.*not found/);
    assert.match(summary.errors[4]!.reason, /not-an-image\.jpg.*not an image/i);
    assert.match(summary.errors[5]!.reason, /currency/);
    const quoted = await ctx.catalog.list({ q: 'OK-2', page: 1, perPage: 1 });
    assert.equal(quoted.items[0]?.name, 'Quoted, with comma\nand a line break');
  });

  it('imports JSON Lines with image URLs fetched over HTTP, and refuses oversize or slow downloads', async () => {
    const small = await createAppContext(
      // 1.5 s: well under /slow.png's 3 s, and enough for /endless.png's first MB on a loaded machine
      await testConfig({ fetchMaxBytes: 1024 * 1024, fetchTimeoutMs: 1500, allowPrivateUrls: true }),
    );
    try {
      const lines = [
        JSON.stringify({ sku: 'URL-1', name: 'From URL', price: 3, images: [`${base}/photo.png`] }),
        'not json',
        JSON.stringify({ sku: 'URL-2', name: 'Too big', images: `${base}/huge.png` }),
        JSON.stringify({ sku: 'URL-3', name: 'Too slow', images: `${base}/slow.png` }),
        JSON.stringify({ sku: 'URL-4', name: 'Gone', images: `${base}/gone.png` }),
        JSON.stringify({ sku: 'URL-5', name: 'Endless', images: `${base}/endless.png` }),
      ];
      await fs.writeFile(path.join(dir, 'items.jsonl'), lines.join('\n'));
      const summary = await small.importer.importFile(path.join(dir, 'items.jsonl'));
      assert.equal(summary.imported, 1);
      assert.deepEqual(
        summary.errors.map((e) => e.line),
        [2, 3, 4, 5, 6],
      );
      assert.match(summary.errors[1]!.reason, /larger than/);
      assert.match(summary.errors[2]!.reason, /no answer within/);
      assert.match(summary.errors[3]!.reason, /404/);
      assert.match(summary.errors[4]!.reason, /larger than/);
      assert.ok(
        endlessSent < 8 * 1024 * 1024,
        `the download stopped near the 1 MB cap (the server sent ${endlessSent} bytes)`,
      );
      const product = (await small.catalog.list({ q: 'URL-1', page: 1, perPage: 1 })).items[0]!;
      assert.deepEqual(await small.media.read(product.imageSha256!), pngBytes);
    } finally {
      await small.close();
    }
  });

  it('parses CSV records with their starting line numbers', () => {
    const records = parseCsv('a,b\r\n"x\n y",2\n\n3,"q""uote"\n');
    assert.deepEqual(records, [
      { line: 1, fields: ['a', 'b'] },
      { line: 2, fields: ['x\n y', '2'] },
      { line: 5, fields: ['3', 'q"uote'] },
    ]);
  });
});
