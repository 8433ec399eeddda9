import assert from 'node:assert/strict';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { createEmbedCommand, embedCommand } from '../../src/cli/commands/embed.command.ts';
import { createModelCommand, modelCommand } from '../../src/cli/commands/model.command.ts';
import type { CliIo } from '../../src/cli/cli.types.ts';
import type { AppConfig } from '../../src/config/config.schema.ts';
import { createEmbedder } from '../../src/embedding/embedder.factory.ts';
import { dot } from '../../src/embedding/vector.math.ts';
import { startFakeHub, type FakeHub } from './fake-hub.ts';
import { MOBILENET_DIR, PHOTOS, tempDir, testConfig } from './fixtures.ts';
import { writeTinyClip, type TinyClip } from './tiny-clip.ts';

interface CapturedIo extends CliIo {
  stdout: string[];
  stderr: string[];
}

function captureIo(): CapturedIo {
  const stdout: string[] = [];
  const stderr: string[] = [];
  return { stdout, stderr, out: (l) => stdout.push(l), err: (l) => stderr.push(l), isTty: false };
}

let root = '';
let tiny: TinyClip;
before(async () => {
  root = await fs.mkdtemp(path.join(os.tmpdir(), 'vitrina-cli-'));
  tiny = await writeTinyClip(path.join(root, 'tiny'));
});
after(() => fs.rm(root, { recursive: true, force: true }));

const mobilenetConfig = (): AppConfig =>
  testConfig({
    MODEL: 'mobilenetv2-int8',
    MODEL_DIR: MOBILENET_DIR,
    VITRINA_CACHE: path.join(root, 'cache'),
  });

describe('vitrina embed', () => {
  it('prints {model, dim, vector} as one JSON line for an image', async () => {
    const io = captureIo();
    const code = await embedCommand.run([PHOTOS.milk, '--json'], { config: mobilenetConfig(), io });
    assert.equal(code, 0, io.stderr.join('\n'));
    assert.equal(io.stdout.length, 1);
    const result = JSON.parse(io.stdout[0]!) as { model: string; dim: number; vector: number[] };
    assert.deepEqual(Object.keys(result), ['model', 'dim', 'vector']);
    assert.equal(result.model, 'mobilenetv2-int8');
    assert.equal(result.dim, 1280);
    assert.equal(result.vector.length, 1280);
    assert.ok(Math.abs(dot(result.vector, result.vector) - 1) < 1e-5, 'unit vector');

    // the printed numbers are the embedder's float32 values, not rounded away
    const embedder = await createEmbedder({ config: mobilenetConfig() });
    const [direct] = await embedder.embedImages([PHOTOS.milk]);
    await embedder.close();
    assert.deepEqual(Float32Array.from(result.vector), direct);
  });

  it('prints a short human summary without --json', async () => {
    const io = captureIo();
    assert.equal(await embedCommand.run([PHOTOS.milk], { config: mobilenetConfig(), io }), 0);
    assert.equal(io.stdout[0], 'model   mobilenetv2-int8 (1280-d)');
    assert.equal(io.stdout[1], `input   image ${PHOTOS.milk}`);
    assert.match(io.stdout[2]!, /^vector {2}\[-?\d\.\d{4}, .*, …, .*\]$/);
  });

  it('embeds text with a text tower, --model picking the model', async (t) => {
    const config = testConfig({
      MODEL: 'mobilenetv2-int8',
      MODEL_DIR: tiny.dir,
      VITRINA_CACHE: await tempDir(t),
    });
    const command = createEmbedCommand({
      createEmbedder: (options) => {
        assert.equal(options.modelId, 'clip-vit-b32');
        return createEmbedder({ ...options, entry: tiny.entry });
      },
    });
    const io = captureIo();
    const code = await command.run(['a green apple', '--model', 'clip-vit-b32', '--json'], { config, io });
    assert.equal(code, 0, io.stderr.join('\n'));
    const result = JSON.parse(io.stdout[0]!) as { model: string; dim: number; vector: number[] };
    assert.equal(result.model, 'tiny-clip');
    assert.equal(result.dim, 512);

    const embedder = await createEmbedder({ config, entry: tiny.entry });
    const [direct] = await embedder.embedTexts(['a green apple']);
    await embedder.close();
    assert.deepEqual(Float32Array.from(result.vector), direct);
  });

  it('refuses text for an image-only model before loading it', async () => {
    const command = createEmbedCommand({
      createEmbedder: () => assert.fail('no model should be loaded for a request that cannot succeed'),
    });
    const io = captureIo();
    const code = await command.run(['a green apple'], { config: mobilenetConfig(), io });
    assert.equal(code, 1);
    assert.deepEqual(io.stdout, []);
    assert.match(io.stderr.join('\n'), /read as text, but model mobilenetv2-int8 has no text tower/);
  });

  it('reports an undecodable image file on stderr with exit 1', async (t) => {
    const bogus = path.join(await tempDir(t), 'photo.jpg');
    await fs.writeFile(bogus, 'not a jpeg');
    const io = captureIo();
    assert.equal(await embedCommand.run([bogus], { config: mobilenetConfig(), io }), 1);
    assert.match(io.stderr[0]!, /^The image is damaged or truncated and cannot be decoded/);
  });

  it('reports usage mistakes and unknown models with exit 1', async () => {
    for (const argv of [[], ['a', 'b'], ['x.jpg', '--bogus']]) {
      const io = captureIo();
      assert.equal(await embedCommand.run(argv, { config: mobilenetConfig(), io }), 1, argv.join(' '));
      assert.match(io.stderr.join('\n'), /Usage: vitrina embed <image-or-text>/);
    }
    const io = captureIo();
    assert.equal(
      await embedCommand.run([PHOTOS.milk, '--model', 'nope'], { config: mobilenetConfig(), io }),
      1,
    );
    assert.match(io.stderr[0]!, /Known models: clip-vit-b32, mobilenetv2-int8/);
  });

  it('lets unexpected errors (bugs) through to the dispatcher', async () => {
    const command = createEmbedCommand({
      createEmbedder: () => Promise.reject(new TypeError('a bug')),
    });
    await assert.rejects(
      command.run([PHOTOS.milk], { config: mobilenetConfig(), io: captureIo() }),
      TypeError,
    );
  });
});

describe('vitrina model', () => {
  let hub: FakeHub;
  before(async () => {
    hub = await startFakeHub();
  });
  after(() => hub.close());

  it('info shows the active model, where each file comes from, dim, text tower and threshold', async () => {
    const io = captureIo();
    assert.equal(await modelCommand.run(['info'], { config: mobilenetConfig(), io }), 0);
    const text = io.stdout.join('\n');
    assert.match(text, /^model {7}mobilenetv2-int8 \(active\)$/m);
    assert.match(text, /^dim {9}1280$/m);
    assert.match(text, /^text tower {2}no$/m);
    assert.match(text, /^threshold {3}0\.55$/m);
    assert.ok(
      text.includes(`MODEL_DIR    model.onnx (3.7 MB)  ${path.join(MOBILENET_DIR, 'model.onnx')}`),
      text,
    );
  });

  it('info --json says which CLIP files still need the hub, with their URLs', async (t) => {
    const config = testConfig({ VITRINA_CACHE: await tempDir(t), HF_ENDPOINT: hub.url });
    const io = captureIo();
    assert.equal(await modelCommand.run(['info', '--json', '--model', 'clip-vit-b32'], { config, io }), 0);
    const info = JSON.parse(io.stdout.at(-1)!) as {
      model: string;
      active: boolean;
      dim: number;
      hasTextTower: boolean;
      defaultThreshold: number;
      files: { path: string; source: string; location: string }[];
    };
    assert.deepEqual(
      [info.model, info.active, info.dim, info.hasTextTower, info.defaultThreshold],
      ['clip-vit-b32', true, 512, true, 0.25],
    );
    assert.equal(info.files.length, 4);
    for (const file of info.files) {
      assert.equal(file.source, 'hub-needed');
      assert.ok(file.location.startsWith(`${hub.url}/Xenova/clip-vit-base-patch32/resolve/`), file.location);
    }
    assert.deepEqual(hub.requests, [], 'info never downloads');
  });

  it('pull downloads every file, logging progress on a non-terminal, then finds them cached', async (t) => {
    const revision = 'feedfacefeedfacefeedfacefeedfacefeedface';
    const entry = { ...tiny.entry, hub: { repo: 'Xenova/tiny-clip', revision } };
    for (const [file, body] of tiny.contents) {
      hub.routes.set(`Xenova/tiny-clip/resolve/${revision}/${file}`, { kind: 'serve', body });
    }
    const command = createModelCommand({ getModelEntry: () => entry });
    const config = testConfig({ VITRINA_CACHE: await tempDir(t), HF_ENDPOINT: hub.url });

    const first = captureIo();
    assert.equal(await command.run(['pull'], { config, io: first }), 0, first.stderr.join('\n'));
    assert.deepEqual(
      first.stderr.filter((l) => l.startsWith('downloaded ')).map((l) => l.split(' ')[1]),
      entry.files.map((f) => f.path),
    );
    assert.equal(first.stdout.filter((l) => l.startsWith('hub ')).length, 4);
    assert.equal(first.stdout.at(-1), 'tiny-clip: all 4 files present and verified');

    const second = captureIo();
    assert.equal(await command.run(['pull'], { config, io: second }), 0);
    assert.deepEqual(second.stderr, []);
    assert.equal(second.stdout.filter((l) => l.startsWith('cache ')).length, 4);
  });

  it('pull explains MODEL_DIR for a model the hub does not have', async (t) => {
    const io = captureIo();
    const config = testConfig({ MODEL: 'mobilenetv2-int8', VITRINA_CACHE: await tempDir(t) });
    assert.equal(await modelCommand.run(['pull'], { config, io }), 1);
    assert.match(io.stderr[0]!, /Set MODEL_DIR to the folder that holds model\.onnx/);
  });

  it('rejects a missing or unknown action with usage', async () => {
    for (const argv of [[], ['push'], ['info', 'extra']]) {
      const io = captureIo();
      assert.equal(await modelCommand.run(argv, { config: mobilenetConfig(), io }), 1, argv.join(' '));
      assert.match(io.stderr.join('\n'), /Usage: vitrina model pull\|info/);
    }
  });
});
