import assert from 'node:assert/strict';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { createEmbedder } from '../../src/embedding/embedder.factory.ts';
import { EXACT_INT8, int8SessionConfig, openSessionCount } from '../../src/embedding/onnx.session.ts';
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
      queryFraming: { crops: [0.8, 0.6], wholeWeight: 2, minAgreement: 0.8, quietBorder: 0.5 },
      spatial: true,
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

  it('agrees with its fp32 reference on any x86 CPU: no u8s8 saturation (docs/eval.md)', async (t) => {
    // The reference holds the same weights dequantized, its integer ops rewritten as float ops
    // (bench/quant/make-fp32-reference.py). Without EXACT_INT8, an AVX2 CPU without VNNI
    // saturates u8s8 pair sums: cosine to the reference 0.88-0.98 (mean 0.94) in qemu's Haswell.
    const embedder = await createEmbedder({ config: config() });
    t.after(() => embedder.close());
    const reference = JSON.parse(
      await fs.readFile(new URL('../fixtures/mobilenet-fp32-reference.json', import.meta.url), 'utf8'),
    ) as Record<keyof typeof PHOTOS, number[]>;
    const names = ['apple1', 'milk', 'tomato', 'asparagusIconic'] as const;
    const vectors = await embedder.embedImages(names.map((n) => PHOTOS[n]));
    const cosines = names.map((n, i) => dot(vectors[i]!, reference[n]));
    assert.ok(Math.min(...cosines) >= 0.975, `cosines ${cosines.map((c) => c.toFixed(4)).join(', ')}`);
    const mean = cosines.reduce((a, b) => a + b, 0) / cosines.length;
    assert.ok(mean >= 0.985, `mean cosine ${mean.toFixed(4)}`);
  });

  it('exposes its feature map: a catalog shot on white has a quiet border, a store photo does not', async (t) => {
    const embedder = await createEmbedder({ config: config() });
    t.after(() => embedder.close());
    const images = [PHOTOS.asparagusIconic, PHOTOS.tomato];
    const [iconic, store] = await embedder.embedWithLayout!(images);
    const plain = await embedder.embedImages(images);
    // the same forward pass: the pooled vector is what embedImages gives
    assert.ok(dot(iconic!.vector, plain[0]!) > 0.9999);
    assert.ok(dot(store!.vector, plain[1]!) > 0.9999);
    assert.ok(iconic!.borderToCentre < 0.5, `iconic ${iconic!.borderToCentre}`);
    assert.ok(store!.borderToCentre > 0.5, `store ${store!.borderToCentre}`);
  });
});

describe('int8 session config by CPU', () => {
  it('asks for the non-saturating u8u8 kernels unless the CPU has VNNI', () => {
    const cpu = (flags: string) => `processor\t: 0\nmodel name\t: x\nflags\t\t: fpu sse ${flags}\n`;
    assert.deepEqual(int8SessionConfig(cpu('avx2 fma')), EXACT_INT8, 'AVX2 only: pair sums saturate');
    assert.deepEqual(int8SessionConfig(cpu('avx2 avx512f avx512bw')), EXACT_INT8, 'AVX-512 without VNNI');
    assert.deepEqual(int8SessionConfig(cpu('avx2 avx512f avx512_vnni')), {});
    assert.deepEqual(int8SessionConfig(cpu('avx2 avx_vnni')), {});
    assert.deepEqual(int8SessionConfig(null), EXACT_INT8, 'unknown CPU: the safe option');
  });
});
