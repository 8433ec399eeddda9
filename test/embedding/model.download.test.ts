import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { after, afterEach, before, beforeEach, describe, it } from 'node:test';
import type { AppConfig } from '../../src/config/config.schema.ts';
import { createEmbedder } from '../../src/embedding/embedder.factory.ts';
import type { DownloadProgress } from '../../src/embedding/model.download.ts';
import { cachePath, resolveModelFiles } from '../../src/embedding/model.files.ts';
import { getModelEntry, type ModelEntry, type ModelFile } from '../../src/embedding/model.registry.ts';
import { dot } from '../../src/embedding/vector.math.ts';
import { startFakeHub, type FakeHub } from './fake-hub.ts';
import { CLIP_SHARED_DIR, PHOTOS, tempDir, testConfig } from './fixtures.ts';
import { seededFloats } from './tiny-onnx.ts';
import { writeTinyClip } from './tiny-clip.ts';

const REPO = 'test-org/test-model';
const REVISION = '0123456789abcdef0123456789abcdef01234567';

const sha256 = (bytes: Uint8Array) => createHash('sha256').update(bytes).digest('hex');

/** 400 kB of fixed pseudo-random bytes, described by an ad-hoc entry with a hub source. */
const BODY = new Uint8Array(seededFloats(100_000, 7).buffer);
const FILE: ModelFile = { path: 'onnx/model.onnx', role: 'vision', size: BODY.length, sha256: sha256(BODY) };
const ENTRY: ModelEntry = {
  ...getModelEntry('mobilenetv2-int8'),
  id: 'download-test',
  hub: { repo: REPO, revision: REVISION },
  files: [FILE],
};
const ROUTE = `${REPO}/resolve/${REVISION}/${FILE.path}`;

/** Every file under `dir`, relative; leftovers such as *.part show up here. */
async function listFiles(dir: string): Promise<string[]> {
  const entries = await fs.readdir(dir, { recursive: true, withFileTypes: true }).catch(() => []);
  return entries.filter((e) => e.isFile()).map((e) => path.relative(dir, path.join(e.parentPath, e.name)));
}

const appError =
  (code: string, ...mentions: string[]) =>
  (error: unknown) => {
    const e = error as { code?: string; status?: number; message?: string };
    assert.equal(e.code, code, String(error));
    assert.equal(e.status, 503);
    for (const text of mentions)
      assert.ok(e.message?.includes(text), `message lacks "${text}": ${e.message}`);
    return true;
  };

describe('model download from the hub', () => {
  let hub: FakeHub;
  let config: AppConfig;
  let cacheDir: string;

  before(async () => {
    hub = await startFakeHub();
  });
  after(() => hub.close());
  beforeEach(async () => {
    cacheDir = await fs.mkdtemp(path.join(os.tmpdir(), 'vitrina-download-'));
    config = testConfig({ VITRINA_CACHE: cacheDir, HF_ENDPOINT: hub.url, FETCH_TIMEOUT_MS: '1000' });
    hub.requests.length = 0;
    hub.routes.clear();
  });
  afterEach(() => fs.rm(cacheDir, { recursive: true, force: true }));

  it('downloads into <cache>/models/<repo>/<revision>/<path> with start, progress and done events', async () => {
    hub.routes.set(ROUTE, { kind: 'serve', body: BODY, chunks: 8, chunkDelayMs: 30 });
    const events: DownloadProgress[] = [];
    const [resolved] = await resolveModelFiles(config, ENTRY, { onProgress: (e) => events.push(e) });

    const expected = path.join(cacheDir, 'models', 'test-org', 'test-model', REVISION, 'onnx', 'model.onnx');
    assert.equal(resolved!.path, expected);
    assert.equal(resolved!.source, 'hub');
    assert.deepEqual(await fs.readFile(expected), Buffer.from(BODY));

    assert.equal(events[0]!.type, 'start');
    assert.equal(events.at(-1)!.type, 'done');
    assert.ok(
      events.some((e) => e.type === 'progress'),
      `no progress event among ${events.map((e) => e.type)}`,
    );
    for (const e of events) {
      assert.equal(e.file, FILE.path);
      assert.equal(e.total, BODY.length);
    }
    const bytes = events.map((e) => e.bytes);
    assert.deepEqual(
      bytes,
      [...bytes].sort((a, b) => a - b),
      'bytes never go backwards',
    );
    assert.equal(events.at(-1)!.bytes, BODY.length);
    const mid = events.find((e) => e.type === 'progress')!;
    assert.ok(
      mid.bytesPerSecond > 0 && mid.etaSeconds !== undefined && mid.etaSeconds >= 0,
      JSON.stringify(mid),
    );
    assert.deepEqual(await listFiles(path.join(cacheDir, 'models', 'test-org')), [
      path.join('test-model', REVISION, 'onnx', 'model.onnx'),
    ]);
  });

  it('reuses the cached file on the next call without asking the hub', async () => {
    hub.routes.set(ROUTE, { kind: 'serve', body: BODY });
    await resolveModelFiles(config, ENTRY);
    assert.equal(hub.requests.length, 1);
    const [again] = await resolveModelFiles(config, ENTRY);
    assert.equal(again!.source, 'cache');
    assert.equal(hub.requests.length, 1);
  });

  it('shares one download between concurrent callers', async () => {
    hub.routes.set(ROUTE, { kind: 'serve', body: BODY, chunks: 4, chunkDelayMs: 20 });
    const seen: string[] = [];
    const results = await Promise.all(
      ['a', 'b', 'c'].map((caller) =>
        resolveModelFiles(config, ENTRY, { onProgress: (e) => seen.push(`${caller}:${e.type}`) }),
      ),
    );
    assert.equal(hub.requests.length, 1);
    assert.ok(
      results.every(([r]) => r!.path === results[0]![0]!.path),
      'same path for everyone',
    );
    // joiners still hear the shared transfer finish
    for (const caller of ['a', 'b', 'c']) assert.ok(seen.includes(`${caller}:done`), `${caller} saw ${seen}`);
  });

  it('rejects a sha256 mismatch, names the file and keeps nothing in the cache', async () => {
    const tampered = Uint8Array.from(BODY);
    tampered[1000] = tampered[1000]! ^ 0xff;
    hub.routes.set(ROUTE, { kind: 'serve', body: tampered });
    await assert.rejects(
      resolveModelFiles(config, ENTRY),
      appError('MODEL_FILE_INVALID', FILE.path, FILE.sha256!),
    );
    assert.deepEqual(await listFiles(cacheDir), []);
  });

  it('rejects a download cut short and deletes the partial file', async () => {
    hub.routes.set(ROUTE, { kind: 'truncate', body: BODY, sendBytes: 150_000 });
    await assert.rejects(
      resolveModelFiles(config, ENTRY),
      appError('MODEL_DOWNLOAD_FAILED', FILE.path, 'MODEL_DIR'),
    );
    assert.deepEqual(await listFiles(cacheDir), []);
  });

  it('rejects a body shorter than the registry size even when the server announced no length', async () => {
    hub.routes.set(ROUTE, { kind: 'serve', body: BODY.subarray(0, 1000), contentLength: false });
    await assert.rejects(
      resolveModelFiles(config, ENTRY),
      appError('MODEL_DOWNLOAD_FAILED', `1000 of ${BODY.length}`),
    );
    assert.deepEqual(await listFiles(cacheDir), []);
  });

  it('gives up on a stalled transfer after FETCH_TIMEOUT_MS without data', async () => {
    hub.routes.set(ROUTE, { kind: 'stall', body: BODY });
    await assert.rejects(
      resolveModelFiles(config, ENTRY),
      appError('MODEL_DOWNLOAD_FAILED', 'no data for 1 s'),
    );
    assert.deepEqual(await listFiles(cacheDir), []);
  });

  it('reports HTTP errors with the status', async () => {
    await assert.rejects(
      resolveModelFiles(config, ENTRY),
      appError('MODEL_DOWNLOAD_FAILED', 'HTTP 404', hub.url),
    );
  });

  it('explains the way out when there is no network', async (t) => {
    const offline = await startFakeHub();
    await offline.close(); // nothing listens on this port any more
    const cfg = testConfig({ VITRINA_CACHE: await tempDir(t), HF_ENDPOINT: offline.url });
    await assert.rejects(
      resolveModelFiles(cfg, ENTRY),
      appError(
        'MODEL_DOWNLOAD_FAILED',
        FILE.path,
        'ECONNREFUSED',
        'HF_ENDPOINT',
        'MODEL_DIR',
        'vitrina model pull',
      ),
    );
  });

  it('names the cache folder when it cannot be written', async (t) => {
    const notADir = path.join(await tempDir(t), 'a-file');
    await fs.writeFile(notADir, '');
    hub.routes.set(ROUTE, { kind: 'serve', body: BODY });
    const cfg = testConfig({ VITRINA_CACHE: notADir, HF_ENDPOINT: hub.url });
    await assert.rejects(
      resolveModelFiles(cfg, ENTRY),
      appError('MODEL_CACHE_UNWRITABLE', notADir, 'VITRINA_CACHE'),
    );
  });

  it('replaces a damaged cache file instead of failing', async () => {
    hub.routes.set(ROUTE, { kind: 'serve', body: BODY });
    const cached = cachePath(config, ENTRY, FILE)!;
    await fs.mkdir(path.dirname(cached), { recursive: true });
    await fs.writeFile(cached, BODY.subarray(0, 5000)); // an interrupted copy
    const [resolved] = await resolveModelFiles(config, ENTRY);
    assert.equal(resolved!.source, 'hub');
    assert.equal(hub.requests.length, 1);
    assert.deepEqual(await fs.readFile(cached), Buffer.from(BODY));
  });

  it('fetches a real registry file and accepts its pinned sha256', async () => {
    const clip = getModelEntry('clip-vit-b32');
    const file = clip.files.find((f) => f.path === 'tokenizer_config.json')!;
    hub.routes.set(`${clip.hub!.repo}/resolve/${clip.hub!.revision}/${file.path}`, {
      kind: 'serve',
      body: await fs.readFile(path.join(CLIP_SHARED_DIR, file.path)),
    });
    const [resolved] = await resolveModelFiles(config, { ...clip, files: [file] });
    assert.equal(resolved!.source, 'hub');
    assert.equal(
      hub.requests[0],
      'Xenova/clip-vit-base-patch32/resolve/d15189d7028b43f1d3e65039190477f6af591c2a/tokenizer_config.json',
    );
  });

  it('builds a working CLIP embedder from hub files alone (tiny towers)', async (t) => {
    const tiny = await writeTinyClip(await tempDir(t));
    const hubEntry: ModelEntry = { ...tiny.entry, hub: { repo: 'Xenova/tiny-clip', revision: REVISION } };
    for (const [file, body] of tiny.contents) {
      hub.routes.set(`Xenova/tiny-clip/resolve/${REVISION}/${file}`, { kind: 'serve', body });
    }
    const events: DownloadProgress[] = [];
    const embedder = await createEmbedder({ config, entry: hubEntry, onProgress: (e) => events.push(e) });
    t.after(() => embedder.close());
    assert.equal(hub.requests.length, hubEntry.files.length);
    assert.deepEqual(
      events.filter((e) => e.type === 'done').map((e) => e.file),
      hubEntry.files.map((f) => f.path),
    );
    const [image] = await embedder.embedImages([PHOTOS.apple1]);
    const [text] = await embedder.embedTexts(['a green apple']);
    assert.equal(image!.length, 512);
    assert.ok(Math.abs(dot(text!, text!) - 1) < 1e-5, 'unit text vector');

    // a second embedder starts from the cache: no new requests
    const again = await createEmbedder({ config, entry: hubEntry });
    t.after(() => again.close());
    assert.equal(hub.requests.length, hubEntry.files.length);
  });
});
