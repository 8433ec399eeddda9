import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import sharp from 'sharp';
import type { Embedder } from '../../src/embedding/embedding.types.ts';
import { isAppError } from '../../src/errors/app-error.ts';
import { dot } from '../../src/embedding/vector.math.ts';
import { PHOTOS } from './fixtures.ts';

export interface ContractOptions {
  name: string;
  create: () => Promise<Embedder>;
  dim: number;
  /**
   * Real weights only: another photo of the same product must outscore photos of other products.
   * Random-weight and fake embedders only promise the weaker "different photos score lower".
   */
  ranksSameProductFirst: boolean;
  /**
   * Batched and single forward passes may differ in the last bits (other kernels, dynamic
   * quantization ranges); far above that means rows leak into each other.
   */
  batchTolerance?: number;
}

const rejectsWith = (code: string) => (error: unknown) => {
  assert.ok(isAppError(error), `expected an AppError, got ${String(error)}`);
  assert.equal(error.code, code);
  return true;
};

function assertUnit(vector: Float32Array, dim: number) {
  assert.ok(vector instanceof Float32Array, 'a Float32Array');
  assert.equal(vector.length, dim);
  assert.ok(Math.abs(Math.sqrt(dot(vector, vector)) - 1) < 1e-4, 'not unit length');
  assert.ok(vector.every(Number.isFinite), 'non-finite value');
}

function assertClose(a: Float32Array, b: Float32Array, tolerance: number, label: string) {
  let worst = 0;
  for (let i = 0; i < a.length; i++) worst = Math.max(worst, Math.abs(a[i]! - b[i]!));
  assert.ok(worst <= tolerance, `${label}: max difference ${worst} > ${tolerance}`);
}

/** The behaviour every Embedder promises, run against the fake and against real ONNX models. */
export function embedderContract(options: ContractOptions): void {
  const tolerance = options.batchTolerance ?? 1e-4;

  describe(`Embedder contract: ${options.name}`, () => {
    let embedder: Embedder;
    let resizedApple: Buffer;

    before(async () => {
      embedder = await options.create();
      // A smaller, re-encoded copy: what a shopper's upload of a catalog photo looks like.
      resizedApple = await sharp(PHOTOS.apple1).resize(200).jpeg({ quality: 85 }).toBuffer();
    });
    after(() => embedder.close());

    it('reports its dimension and returns unit vectors of that length', async () => {
      assert.equal(embedder.info.dim, options.dim);
      const [fromPath, fromBuffer] = await embedder.embedImages([PHOTOS.apple1, resizedApple]);
      assertUnit(fromPath!, options.dim);
      assertUnit(fromBuffer!, options.dim);
    });

    it('embeds a batch exactly like the same images one by one', async () => {
      const images = [PHOTOS.apple1, PHOTOS.milk, PHOTOS.tomato, PHOTOS.portrait];
      const batch = await embedder.embedImages(images);
      assert.equal(batch.length, images.length);
      for (const [i, image] of images.entries()) {
        const [single] = await embedder.embedImages([image]);
        assertClose(batch[i]!, single!, tolerance, `image ${i}`);
      }
    });

    it('gives the same vectors through preprocess + embedPreprocessed', async () => {
      const tensors = await Promise.all([PHOTOS.milk, PHOTOS.tomato].map((p) => embedder.preprocess(p)));
      const viaTensors = await embedder.embedPreprocessed(tensors);
      const direct = await embedder.embedImages([PHOTOS.milk, PHOTOS.tomato]);
      viaTensors.forEach((v, i) => assertClose(v, direct[i]!, tolerance, `image ${i}`));
    });

    it('returns nothing for an empty batch', async () => {
      assert.deepEqual(await embedder.embedImages([]), []);
      assert.deepEqual(await embedder.embedPreprocessed([]), []);
    });

    it('serves concurrent callers, each getting its own image back', async () => {
      const images = [
        PHOTOS.apple1,
        PHOTOS.milk,
        PHOTOS.tomato,
        PHOTOS.apple2,
        PHOTOS.portrait,
        resizedApple,
      ];
      const expected = await embedder.embedImages(images);
      const concurrent = await Promise.all(images.map((image) => embedder.embedImages([image])));
      concurrent.forEach(([v], i) => assertClose(v!, expected[i]!, tolerance, `caller ${i}`));
    });

    it('keeps an image and its resized copy together (cosine >= 0.95)', async () => {
      const [original, copy] = await embedder.embedImages([PHOTOS.apple1, resizedApple]);
      assert.ok(dot(original!, copy!) >= 0.95, `cosine ${dot(original!, copy!)}`);
    });

    it('scores photos of different products clearly lower than the resized copy', async () => {
      const [original, copy, milk, tomato] = await embedder.embedImages([
        PHOTOS.apple1,
        resizedApple,
        PHOTOS.milk,
        PHOTOS.tomato,
      ]);
      const same = dot(original!, copy!);
      for (const [name, other] of [
        ['milk', milk!],
        ['tomato', tomato!],
      ] as const) {
        const score = dot(original!, other);
        assert.ok(score < same - 0.2, `${name}: ${score} vs resized copy ${same}`);
      }
    });

    if (options.ranksSameProductFirst) {
      it('ranks another photo of the same product above other products', async () => {
        const [apple, otherApple, milk, tomato] = await embedder.embedImages([
          PHOTOS.apple1,
          PHOTOS.apple2,
          PHOTOS.milk,
          PHOTOS.tomato,
        ]);
        const same = dot(apple!, otherApple!);
        assert.ok(same > dot(apple!, milk!), `apple/apple ${same} <= apple/milk ${dot(apple!, milk!)}`);
        assert.ok(same > dot(apple!, tomato!), `apple/apple ${same} <= apple/tomato ${dot(apple!, tomato!)}`);
      });
    }

    it('rejects bytes that are not an image with IMAGE_UNDECODABLE', async () => {
      await assert.rejects(
        embedder.embedImages([Buffer.from('definitely not a JPEG')]),
        rejectsWith('IMAGE_UNDECODABLE'),
      );
      await assert.rejects(embedder.preprocess(Buffer.alloc(0)), rejectsWith('IMAGE_UNDECODABLE'));
    });

    it('rejects a path that does not exist with IMAGE_FILE_NOT_FOUND', async () => {
      await assert.rejects(
        embedder.embedImages(['/nonexistent/photo.jpg']),
        rejectsWith('IMAGE_FILE_NOT_FOUND'),
      );
    });

    it('rejects a tensor of the wrong size instead of running the model on it', async () => {
      await assert.rejects(
        embedder.embedPreprocessed([new Float32Array(7)]),
        rejectsWith('EMBED_INPUT_INVALID'),
      );
    });

    it('fails only the caller whose tensor is wrong when callers share a forward pass', async () => {
      const good = await embedder.preprocess(PHOTOS.milk);
      const [expected] = await embedder.embedPreprocessed([good]);
      const [first, bad, last] = await Promise.allSettled([
        embedder.embedPreprocessed([good]),
        embedder.embedPreprocessed([new Float32Array(7)]),
        embedder.embedPreprocessed([good]),
      ]);
      assert.equal(bad!.status, 'rejected');
      for (const outcome of [first!, last!]) {
        assert.equal(outcome.status, 'fulfilled');
        assertClose(outcome.value[0]!, expected!, tolerance, 'neighbour of the bad tensor');
      }
    });

    it('embeds texts when it has a text tower, else refuses with MODEL_NO_TEXT', async () => {
      const texts = ['a green apple', 'green apple', 'a carton of milk on a supermarket shelf'];
      if (!embedder.info.hasTextTower) {
        await assert.rejects(embedder.embedTexts(texts), rejectsWith('MODEL_NO_TEXT'));
        return;
      }
      const batch = await embedder.embedTexts(texts);
      batch.forEach((v) => assertUnit(v, options.dim));
      // Rows of different lengths are padded in a batch; padding must not change any of them.
      for (const [i, text] of texts.entries()) {
        const [single] = await embedder.embedTexts([text]);
        assertClose(batch[i]!, single!, tolerance, `text ${i}`);
      }
      assert.deepEqual(await embedder.embedTexts([]), []);
    });

    it('refuses work after close()', async () => {
      const closing = await options.create();
      await closing.close();
      await assert.rejects(closing.embedImages([PHOTOS.apple1]), rejectsWith('MODEL_CLOSED'));
      await closing.close(); // idempotent
    });
  });
}
