import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import fs from 'node:fs/promises';
import path from 'node:path';
import { describe, it } from 'node:test';
import { envSchema } from '../../src/config/config.schema.ts';
import { DEFAULT_MODEL_ID, getModelEntry, listModelIds } from '../../src/embedding/model.registry.ts';
import { CLIP_SHARED_DIR, MOBILENET_DIR } from './fixtures.ts';

describe('model registry', () => {
  it('makes clip-vit-b32 the default, as the config does', () => {
    assert.equal(DEFAULT_MODEL_ID, 'clip-vit-b32');
    assert.equal(envSchema.parse({}).MODEL, DEFAULT_MODEL_ID);
    assert.deepEqual(listModelIds(), ['clip-vit-b32', 'mobilenetv2-int8']);
  });

  it('pins CLIP to the Xenova revision and the published tower files', () => {
    const clip = getModelEntry('clip-vit-b32');
    assert.deepEqual(clip.hub, {
      repo: 'Xenova/clip-vit-base-patch32',
      revision: 'd15189d7028b43f1d3e65039190477f6af591c2a',
    });
    assert.deepEqual(
      clip.files.filter((f) => f.path.endsWith('.onnx')),
      [
        {
          path: 'onnx/vision_model_quantized.onnx',
          role: 'vision',
          size: 89_117_001,
          sha256: '583fd1110a514667812fee7d684952aaf82a99b959760c8d7dca7e0ab9839299',
        },
        {
          path: 'onnx/text_model_quantized.onnx',
          role: 'text',
          size: 64_504_507,
          sha256: '73baab855d406190da9faa498cfedf65f15cf309f4cc7385b7b032e6d08e5c3a',
        },
      ],
    );
    assert.deepEqual(clip.vision, { input: 'pixel_values', output: 'image_embeds' });
    assert.equal(clip.text?.output, 'text_embeds');
    assert.equal(clip.text?.maxTokens, 77);
  });

  it('carries the true size and sha256 of every CLIP tokenizer/config file', async () => {
    const clip = getModelEntry('clip-vit-b32');
    for (const file of clip.files.filter((f) => !f.path.endsWith('.onnx'))) {
      const bytes = await fs.readFile(path.join(CLIP_SHARED_DIR, file.path));
      assert.equal(file.size, bytes.length, file.path);
      assert.equal(file.sha256, createHash('sha256').update(bytes).digest('hex'), file.path);
    }
  });

  it('agrees with the CLIP config.json on the embedding size and text length', async () => {
    const config = JSON.parse(await fs.readFile(path.join(CLIP_SHARED_DIR, 'config.json'), 'utf8')) as {
      projection_dim: number;
      text_config: { max_position_embeddings: number };
    };
    const clip = getModelEntry('clip-vit-b32');
    assert.equal(clip.dim, config.projection_dim);
    assert.equal(clip.text?.maxTokens, config.text_config.max_position_embeddings);
  });

  it('describes the shared mobilenet exactly', async () => {
    const mobilenet = getModelEntry('mobilenetv2-int8');
    const bytes = await fs.readFile(path.join(MOBILENET_DIR, 'model.onnx'));
    assert.deepEqual(mobilenet.files, [
      {
        path: 'model.onnx',
        role: 'vision',
        size: bytes.length,
        sha256: createHash('sha256').update(bytes).digest('hex'),
      },
    ]);
    assert.equal(mobilenet.hub, undefined);
    assert.equal(mobilenet.hasTextTower, false);
    // '627': the feature map before pooling, which query framing reads
    assert.deepEqual(mobilenet.vision, { input: 'input', output: 'features', spatialOutput: '627' });
    assert.equal(mobilenet.dim, 1280);
    assert.deepEqual(mobilenet.preprocessing, {
      resizeShortestSide: 256,
      cropSize: 224,
      resample: 'bilinear',
      mean: [0.485, 0.456, 0.406],
      std: [0.229, 0.224, 0.225],
    });
  });

  it('keeps every entry internally consistent', () => {
    for (const id of listModelIds()) {
      const entry = getModelEntry(id);
      const roles = entry.files.map((f) => f.role);
      assert.equal(roles.filter((r) => r === 'vision').length, 1, `${id}: one vision file`);
      assert.equal(roles.includes('text'), entry.hasTextTower, `${id}: text file iff text tower`);
      assert.equal(roles.includes('tokenizer'), entry.hasTextTower, `${id}: tokenizer iff text tower`);
      assert.ok(entry.defaultThreshold > 0 && entry.defaultThreshold < 1, `${id}: threshold in (0, 1)`);
      assert.ok(
        entry.preprocessing.resizeShortestSide >= entry.preprocessing.cropSize,
        `${id}: resize >= crop`,
      );
      for (const file of entry.files)
        assert.match(file.sha256 ?? '', /^[0-9a-f]{64}$/, `${id}: ${file.path} hash`);
    }
  });

  it('rejects an unknown id with the list of known ones', () => {
    assert.throws(() => getModelEntry('clip-vit-h14'), {
      code: 'MODEL_UNKNOWN',
      status: 400,
      message: 'Unknown model "clip-vit-h14". Known models: clip-vit-b32, mobilenetv2-int8.',
    });
  });
});
