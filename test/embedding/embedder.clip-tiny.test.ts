import assert from 'node:assert/strict';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { AppConfig } from '../../src/config/config.schema.ts';
import { createEmbedder } from '../../src/embedding/embedder.factory.ts';
import { openSessionCount } from '../../src/embedding/onnx.session.ts';
import { dot } from '../../src/embedding/vector.math.ts';
import { embedderContract } from './embedder.contract.ts';
import { PHOTOS, tempDir, testConfig } from './fixtures.ts';
import { writeTinyClip, type TinyClip } from './tiny-clip.ts';

/*
 * The CLIP code path (224 bicubic preprocessing, pixel_values/image_embeds, tokenizer, input_ids +
 * attention_mask/text_embeds) against generated towers with the Xenova I/O contract.
 */

let root = '';
let tiny: TinyClip;
let config: AppConfig;
before(async () => {
  root = await fs.mkdtemp(path.join(os.tmpdir(), 'vitrina-tiny-clip-'));
  tiny = await writeTinyClip(path.join(root, 'model'));
  config = testConfig({
    MODEL_DIR: tiny.dir,
    VITRINA_CACHE: path.join(root, 'cache'),
    HF_ENDPOINT: 'http://127.0.0.1:9',
  });
});
after(() => fs.rm(root, { recursive: true, force: true }));

embedderContract({
  name: 'CLIP code path (tiny generated towers)',
  create: () => createEmbedder({ config, entry: tiny.entry }),
  dim: 512,
  ranksSameProductFirst: false,
});

describe('CLIP embedder on tiny towers', () => {
  it('reports the CLIP facts from the entry', async (t) => {
    const embedder = await createEmbedder({ config, entry: tiny.entry });
    t.after(() => embedder.close());
    assert.deepEqual(embedder.info, {
      id: 'tiny-clip',
      dim: 512,
      hasTextTower: true,
      defaultThreshold: 0.25,
      spatial: false,
      textLanguages: ['en'],
    });
  });

  it('opens the text tower only when text is first embedded, once for concurrent callers', async (t) => {
    const baseline = openSessionCount();
    const embedder = await createEmbedder({ config, entry: tiny.entry });
    t.after(() => embedder.close());
    assert.equal(openSessionCount(), baseline + 1, 'vision only');
    const [a, b] = await Promise.all([embedder.embedTexts(['red apple']), embedder.embedTexts(['milk'])]);
    assert.equal(openSessionCount(), baseline + 2, 'vision + text');
    assert.equal(a![0]!.length, 512);
    assert.equal(b![0]!.length, 512);
    await embedder.close();
    assert.equal(openSessionCount(), baseline);
  });

  it('gives the same vector for the same text, differently spaced or cased', async (t) => {
    const embedder = await createEmbedder({ config, entry: tiny.entry });
    t.after(() => embedder.close());
    const [a, b, c] = await embedder.embedTexts([
      'A photo of a RED square',
      'a photo of a red  square',
      'milk',
    ]);
    assert.ok(dot(a!, b!) > 0.99999, `same tokens: ${dot(a!, b!)}`);
    assert.ok(dot(a!, c!) < 0.99, `different tokens: ${dot(a!, c!)}`);
  });

  it('feeds no attention_mask to a text tower that does not declare one', async (t) => {
    const variant = await writeTinyClip(await tempDir(t), { attentionMask: false });
    const cfg = testConfig({ MODEL_DIR: variant.dir, VITRINA_CACHE: await tempDir(t) });
    const embedder = await createEmbedder({ config: cfg, entry: variant.entry });
    t.after(() => embedder.close());
    const texts = ['a green apple', 'milk'];
    const batch = await embedder.embedTexts(texts);
    for (const [i, text] of texts.entries()) {
      const [single] = await embedder.embedTexts([text]);
      assert.ok(dot(batch[i]!, single!) > 0.99999, `padding changed "${text}"`);
    }
  });

  it('fails with MODEL_LOAD_FAILED on a corrupt tower and leaves nothing open', async (t) => {
    const dir = await tempDir(t);
    await fs.mkdir(path.join(dir, 'onnx'));
    await fs.writeFile(path.join(dir, 'onnx/vision_model_quantized.onnx'), 'not protobuf at all');
    const entry = { ...tiny.entry, files: tiny.entry.files.map(({ path: p, role }) => ({ path: p, role })) };
    for (const file of entry.files.filter((f) => !f.path.startsWith('onnx/vision'))) {
      await fs.symlink(path.join(tiny.dir, file.path), path.join(dir, file.path));
    }
    const baseline = openSessionCount();
    const cfg = testConfig({ MODEL_DIR: dir, VITRINA_CACHE: await tempDir(t) });
    await assert.rejects(
      createEmbedder({ config: cfg, entry }),
      (error: { code?: string; status?: number; message?: string }) => {
        assert.equal(error.code, 'MODEL_LOAD_FAILED');
        assert.equal(error.status, 503);
        assert.ok(error.message?.includes('vision_model_quantized.onnx'), error.message);
        return true;
      },
    );
    assert.equal(openSessionCount(), baseline);
  });

  it('refuses the registry CLIP entry when MODEL_DIR holds other towers (hash check)', async () => {
    await assert.rejects(createEmbedder({ config, modelId: 'clip-vit-b32' }), {
      code: 'MODEL_FILE_INVALID',
      status: 503,
    });
  });

  it('reports an output of the wrong width instead of returning it', async (t) => {
    const embedder = await createEmbedder({ config, entry: { ...tiny.entry, dim: 256 } });
    t.after(() => embedder.close());
    await assert.rejects(
      embedder.embedImages([PHOTOS.milk]),
      (error: { code?: string; message?: string }) => {
        assert.equal(error.code, 'MODEL_OUTPUT_MISMATCH');
        assert.ok(error.message?.includes('[1, 512], expected [1, 256]'), error.message);
        return true;
      },
    );
  });
});
