import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import fs from 'node:fs/promises';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { createAppContext, type AppContext } from '../../src/app/app.context.ts';
import { probeQueryImage } from '../../src/images/images.probe.ts';
import { centerCrops, fittedWebp, squareThumbnail } from '../../src/images/images.transform.ts';
import { createWebServer } from '../../src/web/web.server.ts';
import { PHOTOS } from '../embedding/fixtures.ts';
import { signedInClient } from '../helpers/auth-client.ts';
import { pngBomb } from '../helpers/png-header.ts';
import { tempDir, testConfig, writeImage } from '../helpers/test-env.ts';

const LIMITS = { maxPixels: 50_000_000 }; // the default MAX_IMAGE_PIXELS
const MB = 1024 * 1024;

/** RSS growth while `fn` runs, sampled often: a decoded 400 MP bomb would show as gigabytes. */
async function peakRssGrowth(fn: () => Promise<unknown>): Promise<number> {
  const start = process.memoryUsage.rss();
  let peak = start;
  const timer = setInterval(() => (peak = Math.max(peak, process.memoryUsage.rss())), 5);
  try {
    await fn();
  } finally {
    clearInterval(timer);
  }
  return Math.max(peak, process.memoryUsage.rss()) - start;
}

describe('one decoding policy for every image', () => {
  const bomb = pngBomb(20_000, 20_000); // 400 MP in ~50 KB
  let truncatedJpeg: Buffer;

  before(async () => {
    const photo = await fs.readFile(PHOTOS.apple1);
    truncatedJpeg = photo.subarray(0, Math.floor(photo.length / 2));
  });

  it('refuses a decompression bomb as a query, its crops and its thumbnail, without decoding it', async () => {
    assert.ok(bomb.length < 200_000, `the bomb is small on the wire (${bomb.length} bytes)`);
    const growth = await peakRssGrowth(async () => {
      await assert.rejects(probeQueryImage(bomb, LIMITS.maxPixels), {
        code: 'IMAGE_TOO_MANY_PIXELS',
        status: 413,
      });
      await assert.rejects(centerCrops(bomb, [1, 0.8, 0.6], LIMITS), { code: 'IMAGE_TOO_MANY_PIXELS' });
      await assert.rejects(squareThumbnail(bomb, 160, LIMITS), { code: 'IMAGE_TOO_MANY_PIXELS' });
      await assert.rejects(fittedWebp(bomb, 320, LIMITS), { code: 'IMAGE_TOO_MANY_PIXELS' });
    });
    assert.ok(growth < 100 * MB, `memory grew by ${Math.round(growth / MB)} MB`);
  });

  it('refuses a truncated photo at every decoding step with IMAGE_UNDECODABLE (400), not a crash', async () => {
    await assert.rejects(centerCrops(truncatedJpeg, [1, 0.8], LIMITS), {
      code: 'IMAGE_UNDECODABLE',
      status: 400,
    });
    await assert.rejects(squareThumbnail(truncatedJpeg, 160, LIMITS), { code: 'IMAGE_UNDECODABLE' });
    await assert.rejects(fittedWebp(truncatedJpeg, 320, LIMITS), { code: 'IMAGE_UNDECODABLE' });
  });

  it('crops and thumbnails a real photo with its EXIF orientation applied', async () => {
    const portrait = await fs.readFile(PHOTOS.portrait); // 348x464
    const [whole, crop] = await centerCrops(portrait, [1, 0.5], LIMITS);
    const sharp = (await import('sharp')).default;
    assert.deepEqual(
      [(await sharp(whole).metadata()).width, (await sharp(whole).metadata()).height],
      [348, 464],
    );
    assert.deepEqual(
      [(await sharp(crop).metadata()).width, (await sharp(crop).metadata()).height],
      [174, 174],
    );
    const thumb = await fittedWebp(portrait, 160, LIMITS);
    const meta = await sharp(thumb).metadata();
    assert.deepEqual([meta.format, meta.width, meta.height], ['webp', 120, 160]);
  });
});

describe('decompression bombs in the catalog', () => {
  let ctx: AppContext;
  let dir: string;

  before(async () => {
    ctx = await createAppContext(await testConfig());
    dir = await tempDir();
  });
  after(async () => {
    await ctx.close();
  });

  it('refuses a bomb as a catalog image by its row, and imports the other rows', async () => {
    await fs.writeFile(path.join(dir, 'bomb.png'), pngBomb(20_000, 20_000));
    await writeImage(path.join(dir, 'ok.png'), { r: 200, g: 10, b: 10 });
    await fs.writeFile(
      path.join(dir, 'rows.csv'),
      ['sku,name,images', 'B-1,Bomb,bomb.png', 'OK-1,Fine,ok.png'].join('\n'),
    );
    const summary = await ctx.importer.importFile(path.join(dir, 'rows.csv'));
    assert.equal(summary.imported, 1);
    assert.deepEqual(
      summary.errors.map((e) => e.line),
      [2],
    );
    assert.match(summary.errors[0]!.reason, /bomb\.png.*20000×20000.*pixel limit/);
  });

  it('refuses to make a thumbnail from a bomb that reached the media store (413, server up)', async () => {
    // Stored behind the importer's back, e.g. under a larger MAX_IMAGE_PIXELS at the time.
    const bytes = pngBomb(20_000, 20_000);
    const sha256 = crypto.createHash('sha256').update(bytes).digest('hex');
    await fs.mkdir(path.dirname(ctx.media.pathFor(sha256)), { recursive: true });
    await fs.writeFile(ctx.media.pathFor(sha256), bytes);
    const app = await createWebServer(ctx, {}, { logger: false });
    const viewer = await signedInClient(app, ctx);
    try {
      const growth = await peakRssGrowth(async () => {
        const res = await viewer.get(`/media/${sha256}?w=320`);
        assert.equal(res.statusCode, 413, res.body);
        assert.match(res.body, /больше предела в 50.000.000 пикселей/);
      });
      assert.ok(growth < 100 * MB, `memory grew by ${Math.round(growth / MB)} MB`);
      assert.equal((await viewer.get('/api/health')).statusCode, 200);
    } finally {
      await app.close();
    }
  });
});
