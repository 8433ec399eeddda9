import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import sharp from 'sharp';
import { createFakeEmbedder, FAKE_FEATURES } from '../../src/embedding/embedder.fake.ts';
import { dot } from '../../src/embedding/vector.math.ts';
import { embedderContract } from './embedder.contract.ts';
import { PHOTOS } from './fixtures.ts';

embedderContract({
  name: 'fake (default dim)',
  create: async () => createFakeEmbedder(),
  dim: FAKE_FEATURES,
  ranksSameProductFirst: false,
});

embedderContract({
  name: 'fake (dim 512, as a stand-in for CLIP)',
  create: async () => createFakeEmbedder({ dim: 512, id: 'fake-clip' }),
  dim: 512,
  ranksSameProductFirst: false,
});

describe('createFakeEmbedder', () => {
  it('is deterministic across instances', async () => {
    const [a] = await createFakeEmbedder().embedImages([PHOTOS.milk]);
    const [b] = await createFakeEmbedder().embedImages([PHOTOS.milk]);
    assert.deepEqual(a, b);
    const [t1] = await createFakeEmbedder().embedTexts(['Red apple']);
    const [t2] = await createFakeEmbedder().embedTexts(['red   APPLE!']);
    assert.deepEqual(t1, t2);
  });

  it('folds to a smaller dimension and keeps similar images similar', async () => {
    const embedder = createFakeEmbedder({ dim: 64, id: 'tiny' });
    assert.deepEqual(embedder.info, {
      id: 'tiny',
      dim: 64,
      hasTextTower: true,
      defaultThreshold: 0.5,
      textLanguages: ['en'],
    });
    const copy = await sharp(PHOTOS.tomato).resize(150).png().toBuffer();
    const [original, resized, milk] = await embedder.embedImages([PHOTOS.tomato, copy, PHOTOS.milk]);
    assert.equal(original!.length, 64);
    assert.ok(dot(original!, resized!) > 0.95, `resized copy: ${dot(original!, resized!)}`);
    assert.ok(dot(original!, milk!) < dot(original!, resized!) - 0.2, `milk: ${dot(original!, milk!)}`);
  });

  it('tells solid colours apart and finds a colour again', async () => {
    const solid = (background: string) =>
      sharp({ create: { width: 32, height: 32, channels: 3, background } })
        .png()
        .toBuffer();
    const [red, red2, blue] = await createFakeEmbedder().embedImages([
      await solid('#e01010'),
      await solid('#e41414'),
      await solid('#1010e0'),
    ]);
    assert.ok(dot(red!, red2!) > 0.99, `two reds: ${dot(red!, red2!)}`);
    assert.ok(dot(red!, blue!) < 0.5, `red and blue: ${dot(red!, blue!)}`);
  });

  it('makes texts that share words closer than texts that do not', async () => {
    const [a, b, c] = await createFakeEmbedder().embedTexts(['green apple', 'a green apple', 'milk carton']);
    assert.ok(dot(a!, b!) > 0.6, `shared words: ${dot(a!, b!)}`);
    assert.ok(dot(a!, c!) < 0.3, `no shared words: ${dot(a!, c!)}`);
  });

  it('can be built without a text tower', async () => {
    const embedder = createFakeEmbedder({ hasTextTower: false });
    assert.equal(embedder.info.hasTextTower, false);
    await assert.rejects(embedder.embedTexts(['x']), { code: 'MODEL_NO_TEXT' });
  });

  it('applies the pixel limit like the real pipeline', async () => {
    const embedder = createFakeEmbedder({ maxImagePixels: 100 });
    await assert.rejects(embedder.embedImages([PHOTOS.milk]), { code: 'IMAGE_TOO_MANY_PIXELS', status: 413 });
  });
});
