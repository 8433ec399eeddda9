import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import fs from 'node:fs/promises';
import path from 'node:path';
import { describe, it } from 'node:test';
import { cachePath, hubUrl, locateModelFiles, resolveModelFiles } from '../../src/embedding/model.files.ts';
import { stampPath } from '../../src/embedding/model.verify.ts';
import { getModelEntry, type ModelEntry } from '../../src/embedding/model.registry.ts';
import { MOBILENET_DIR, tempDir, testConfig } from './fixtures.ts';

const MOBILENET = getModelEntry('mobilenetv2-int8');
const CLIP = getModelEntry('clip-vit-b32');
/** Nothing listens here: any download attempt fails fast, so a passing test proves none was made. */
const NO_HUB = 'http://127.0.0.1:9';

const sha256 = (bytes: Uint8Array) => createHash('sha256').update(bytes).digest('hex');

function entryWith(bytes: Uint8Array, extra: Partial<ModelEntry> = {}): ModelEntry {
  return {
    ...MOBILENET,
    id: 'files-test',
    files: [{ path: 'weights/model.onnx', role: 'vision', size: bytes.length, sha256: sha256(bytes) }],
    ...extra,
  } as ModelEntry;
}

const rejectsWith =
  (code: string, ...mentions: string[]) =>
  (error: unknown) => {
    const e = error as { code?: string; message?: string };
    assert.equal(e.code, code, String(error));
    for (const text of mentions)
      assert.ok(e.message?.includes(text), `message lacks "${text}": ${e.message}`);
    return true;
  };

describe('model file resolution', () => {
  it('takes files from MODEL_DIR at their registry path', async (t) => {
    const dir = await tempDir(t);
    const bytes = Buffer.from('weights at the registry path');
    await fs.mkdir(path.join(dir, 'weights'));
    await fs.writeFile(path.join(dir, 'weights/model.onnx'), bytes);
    const config = testConfig({ MODEL_DIR: dir, VITRINA_CACHE: await tempDir(t), HF_ENDPOINT: NO_HUB });
    const [resolved] = await resolveModelFiles(config, entryWith(bytes));
    assert.deepEqual(resolved, {
      file: entryWith(bytes).files[0],
      path: path.join(dir, 'weights/model.onnx'),
      source: 'MODEL_DIR',
    });
  });

  it('also accepts a file by its bare name in the MODEL_DIR root', async (t) => {
    const dir = await tempDir(t);
    const bytes = Buffer.from('flat folder');
    await fs.writeFile(path.join(dir, 'model.onnx'), bytes);
    const config = testConfig({ MODEL_DIR: dir, VITRINA_CACHE: await tempDir(t), HF_ENDPOINT: NO_HUB });
    const [resolved] = await resolveModelFiles(config, entryWith(bytes));
    assert.equal(resolved!.path, path.join(dir, 'model.onnx'));
  });

  it('verifies the real mobilenet in shared/ against its registry size and sha256', async (t) => {
    const config = testConfig({ MODEL_DIR: MOBILENET_DIR, VITRINA_CACHE: await tempDir(t) });
    const [resolved] = await resolveModelFiles(config, MOBILENET);
    assert.equal(resolved!.path, path.join(MOBILENET_DIR, 'model.onnx'));
  });

  it('refuses a MODEL_DIR file of the wrong size without touching it or the network', async (t) => {
    const dir = await tempDir(t);
    const good = Buffer.from('complete weights');
    await fs.writeFile(path.join(dir, 'model.onnx'), good.subarray(0, 8));
    const config = testConfig({ MODEL_DIR: dir, VITRINA_CACHE: await tempDir(t), HF_ENDPOINT: NO_HUB });
    await assert.rejects(
      resolveModelFiles(config, entryWith(good)),
      rejectsWith('MODEL_FILE_INVALID', path.join(dir, 'model.onnx'), '8 bytes instead of 16', 'MODEL_DIR'),
    );
    assert.equal((await fs.readFile(path.join(dir, 'model.onnx'))).length, 8);
  });

  it('refuses a MODEL_DIR file with the right size but the wrong sha256', async (t) => {
    const dir = await tempDir(t);
    const good = Buffer.from('complete weights');
    await fs.writeFile(path.join(dir, 'model.onnx'), Buffer.from('COMPLETE WEIGHTS'));
    const config = testConfig({ MODEL_DIR: dir, VITRINA_CACHE: await tempDir(t), HF_ENDPOINT: NO_HUB });
    await assert.rejects(
      resolveModelFiles(config, entryWith(good)),
      rejectsWith('MODEL_FILE_INVALID', sha256(good)),
    );
  });

  it('remembers a verified hash by size and mtime, and rechecks when the file changes', async (t) => {
    const dir = await tempDir(t);
    const cacheDir = await tempDir(t);
    const file = path.join(dir, 'model.onnx');
    const good = Buffer.from('complete weights');
    // a whole-second mtime, so it can be restored exactly below
    const mtime = new Date('2025-01-01T00:00:00Z');
    await fs.writeFile(file, good);
    await fs.utimes(file, mtime, mtime);
    const config = testConfig({ MODEL_DIR: dir, VITRINA_CACHE: cacheDir, HF_ENDPOINT: NO_HUB });
    await resolveModelFiles(config, entryWith(good));

    const stamp = JSON.parse(await fs.readFile(stampPath(cacheDir, file), 'utf8')) as Record<string, unknown>;
    assert.equal(stamp.sha256, sha256(good));
    assert.deepEqual(await fs.readdir(dir), ['model.onnx'], 'MODEL_DIR is only read');

    // Same size and mtime: trusted from the stamp without hashing (the swap below goes unnoticed,
    // which is the trade-off: the stamp guards against partial copies and upgrades, not tampering).
    await fs.writeFile(file, Buffer.from('COMPLETE WEIGHTS'));
    await fs.utimes(file, mtime, mtime);
    await resolveModelFiles(config, entryWith(good));

    // A new mtime voids the stamp, so the bad bytes are caught.
    const later = new Date(mtime.getTime() + 5000);
    await fs.utimes(file, later, later);
    await assert.rejects(resolveModelFiles(config, entryWith(good)), rejectsWith('MODEL_FILE_INVALID'));
  });

  it('skips hashing (and size) for ad-hoc entries that do not state them', async (t) => {
    const dir = await tempDir(t);
    await fs.writeFile(path.join(dir, 'model.onnx'), 'whatever a benchmark generated');
    const entry: ModelEntry = { ...MOBILENET, id: 'adhoc', files: [{ path: 'model.onnx', role: 'vision' }] };
    const config = testConfig({ MODEL_DIR: dir, VITRINA_CACHE: await tempDir(t) });
    const [resolved] = await resolveModelFiles(config, entry);
    assert.equal(resolved!.source, 'MODEL_DIR');
  });

  it('tells the user to set MODEL_DIR for a model without a hub source', async (t) => {
    const cacheDir = await tempDir(t);
    await assert.rejects(
      resolveModelFiles(testConfig({ VITRINA_CACHE: cacheDir }), MOBILENET),
      rejectsWith('MODEL_FILE_MISSING', 'MODEL_DIR is not set', 'Set MODEL_DIR', 'model.onnx'),
    );
    const elsewhere = await tempDir(t);
    await assert.rejects(
      resolveModelFiles(testConfig({ VITRINA_CACHE: cacheDir, MODEL_DIR: elsewhere }), MOBILENET),
      rejectsWith('MODEL_FILE_MISSING', `It is not in MODEL_DIR (${elsewhere}, looked for model.onnx)`),
    );
  });

  it('builds hub URLs and cache paths from repo, revision and path', () => {
    const config = testConfig({ VITRINA_CACHE: '/var/cache/v', HF_ENDPOINT: 'https://mirror.example/hf/' });
    const vision = CLIP.files[0]!;
    assert.equal(
      hubUrl(config, CLIP, vision),
      'https://mirror.example/hf/Xenova/clip-vit-base-patch32/resolve/d15189d7028b43f1d3e65039190477f6af591c2a/onnx/vision_model_quantized.onnx',
    );
    assert.equal(
      cachePath(config, CLIP, vision),
      '/var/cache/v/models/Xenova/clip-vit-base-patch32/d15189d7028b43f1d3e65039190477f6af591c2a/onnx/vision_model_quantized.onnx',
    );
    assert.equal(cachePath(config, MOBILENET, MOBILENET.files[0]!), undefined);
  });

  it('locates files without hashing or downloading (for `model info`)', async (t) => {
    const modelDir = await tempDir(t);
    const cacheDir = await tempDir(t);
    const config = testConfig({ MODEL_DIR: modelDir, VITRINA_CACHE: cacheDir, HF_ENDPOINT: NO_HUB });
    await fs.writeFile(path.join(modelDir, 'tokenizer.json'), '{}'); // wrong content: locate does not judge
    const cached = cachePath(
      config,
      CLIP,
      CLIP.files.find((f) => f.path === 'tokenizer_config.json')!,
    )!;
    await fs.mkdir(path.dirname(cached), { recursive: true });
    await fs.writeFile(cached, '{}');

    const located = await locateModelFiles(config, CLIP);
    assert.deepEqual(
      located.map((l) => [l.file.path, l.source]),
      [
        ['onnx/vision_model_quantized.onnx', 'hub-needed'],
        ['onnx/text_model_quantized.onnx', 'hub-needed'],
        ['tokenizer.json', 'MODEL_DIR'],
        ['tokenizer_config.json', 'cache'],
      ],
    );
    const [mobilenet] = await locateModelFiles(config, MOBILENET);
    assert.equal(mobilenet!.source, 'unavailable');
  });
});
