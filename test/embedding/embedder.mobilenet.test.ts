import assert from 'node:assert/strict';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { createEmbedder } from '../../src/embedding/embedder.factory.ts';
import { openSessionCount } from '../../src/embedding/onnx.session.ts';
import { dot } from '../../src/embedding/vector.math.ts';
import { embedderContract } from './embedder.contract.ts';
import { MOBILENET_DIR, PHOTOS, tempDir, testConfig } from './fixtures.ts';

/** The real int8 MobileNetV2 from shared/, found through MODEL_DIR as a user would point at it. */
let cacheDir = '';
before(async () => {
  cacheDir = await fs.mkdtemp(path.join(os.tmpdir(), 'vitrina-mobilenet-'));
});
after(() => fs.rm(cacheDir, { recursive: true, force: true }));
const config = () =>
  testConfig({ MODEL_DIR: MOBILENET_DIR, VITRINA_CACHE: cacheDir, MODEL: 'mobilenetv2-int8' });

embedderContract({
  name: 'mobilenetv2-int8 (real weights)',
  create: () => createEmbedder({ config: config() }),
  dim: 1280,
  ranksSameProductFirst: true,
});

describe('mobilenetv2-int8 embedder', () => {
  it('reports the registry facts', async (t) => {
    const embedder = await createEmbedder({ config: config(), modelId: 'mobilenetv2-int8' });
    t.after(() => embedder.close());
    assert.deepEqual(embedder.info, {
      id: 'mobilenetv2-int8',
      dim: 1280,
      hasTextTower: false,
      defaultThreshold: 0.55,
      queryCrops: [1, 0.8, 0.6],
      textLanguages: [],
    });
  });

  it('produces non-negative features (post-ReLU), the reason its threshold is high', async (t) => {
    const embedder = await createEmbedder({ config: config() });
    t.after(() => embedder.close());
    const [apple, milk] = await embedder.embedImages([PHOTOS.apple1, PHOTOS.milk]);
    assert.ok(
      apple!.every((v) => v >= 0),
      'all features >= 0',
    );
    // unrelated products still score well above zero
    assert.ok(dot(apple!, milk!) > 0.3, `apple/milk ${dot(apple!, milk!)}`);
  });

  it('shares one native session between embedders and frees it with the last one', async (t) => {
    const dir = await tempDir(t);
    const cfg = testConfig({
      MODEL_DIR: MOBILENET_DIR,
      VITRINA_CACHE: dir,
      MODEL: 'mobilenetv2-int8',
      ORT_THREADS: '1',
    });
    const before = openSessionCount();
    const [a, b] = await Promise.all([createEmbedder({ config: cfg }), createEmbedder({ config: cfg })]);
    assert.equal(openSessionCount(), before + 1);
    await a.close();
    assert.equal(openSessionCount(), before + 1);
    const [v] = await b.embedImages([PHOTOS.milk]);
    assert.equal(v!.length, 1280);
    await b.close();
    assert.equal(openSessionCount(), before);
  });
});
