import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { appError } from '../../src/errors/app-error.ts';
import type { IndexStatus } from '../../src/indexer/index.job.ts';
import { createModelProvider } from '../../src/search/model.provider.ts';
import { photoAvailability } from '../../src/search/photo-availability.ts';
import type { VectorRepository } from '../../src/search/vector.repository.ts';
import { createFakeEmbedder } from '../../src/embedding/embedder.fake.ts';
import { testConfig } from '../helpers/test-env.ts';

/** The two questions availability asks the vector store: which sets are complete, which is active. */
const vectorsWith = (complete: string[]) =>
  ({
    getSetting: async () => null,
    completedModels: async () => complete.map((id) => ({ id, dim: 8, completedAt: new Date() })),
  }) as unknown as VectorRepository;

const index = (s: Partial<IndexStatus>) => async (): Promise<IndexStatus> => ({
  model: 'fake',
  total: 200,
  embedded: 90,
  failed: 0,
  running: true,
  images_per_s: 10,
  eta_s: 11,
  ...s,
});

describe('whether search by photo can be used, and why not', () => {
  it('names the part at fault and the command that fixes it', async () => {
    const config = await testConfig({ model: 'fake' });
    const ready = createModelProvider(config, async () => createFakeEmbedder({ id: 'fake' }));
    await ready.get('fake');
    const failing = createModelProvider(config, async () => {
      throw appError('MODEL_FILE_INVALID', { details: 'bad checksum' });
    });
    await failing.get('fake').catch(() => {});

    assert.deepEqual(await photoAvailability({ config, vectors: vectorsWith(['fake']), models: ready }), {
      status: 'ready',
    });
    assert.deepEqual(await photoAvailability({ config, vectors: null, models: ready }), {
      status: 'off',
      reason: 'vector_store',
      fix: 'VECTOR_DATABASE_URL=embedded npm start',
    });
    const off = await photoAvailability({ config, vectors: vectorsWith(['fake']), models: failing });
    assert.equal(off.status === 'off' && off.reason, 'model');
    assert.match(
      String(off.status === 'off' && off.fix),
      /MODEL=mobilenetv2-int8 MODEL_DIR=\S+ npm start|model info/,
    );

    // The first index build: off, with its progress while it runs, with `vitrina index` when nothing runs it.
    const vectors = vectorsWith([]);
    assert.deepEqual(await photoAvailability({ config, vectors, models: ready, indexStatus: index({}) }), {
      status: 'off',
      reason: 'indexing',
      done: 90,
      total: 200,
      running: true,
      fix: undefined,
    });
    const idle = await photoAvailability({
      config,
      vectors,
      models: ready,
      indexStatus: index({ running: false }),
    });
    assert.equal(idle.status === 'off' && idle.fix, 'npx vitrina index');
    const empty = await photoAvailability({
      config,
      vectors,
      models: ready,
      indexStatus: index({ total: 0 }),
    });
    assert.equal(empty.status === 'off' && empty.reason, 'no_images');

    // Loading: searches wait for the model, so the button stays usable.
    const slow = createModelProvider(config, () => new Promise(() => {}));
    void slow.get('fake');
    assert.deepEqual(await photoAvailability({ config, vectors: vectorsWith(['fake']), models: slow }), {
      status: 'loading',
      model: 'fake',
    });
  });
});
