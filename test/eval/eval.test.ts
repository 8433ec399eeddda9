import assert from 'node:assert/strict';
import fs from 'node:fs/promises';
import path from 'node:path';
import { describe, it } from 'node:test';
import { createFakeEmbedder } from '../../src/embedding/embedder.fake.ts';
import { readManifest, readNegatives } from '../../src/eval/eval.manifest.ts';
import { computeMetrics } from '../../src/eval/eval.metrics.ts';
import { runEval } from '../../src/eval/eval.service.ts';
import { tempDir, testConfig } from '../helpers/test-env.ts';
import { squareImage } from '../search/search.fixture.ts';

describe('eval metrics', () => {
  it('computes recall@k, MRR and threshold shares from known ranks', () => {
    const m = computeMetrics(
      [
        { rank: 1, score: 0.9 },
        { rank: 2, score: 0.7 },
        { rank: 6, score: 0.4 },
        { rank: null, score: null },
      ],
      0.5,
      [0.3, 0.6, null, 0.49],
    );
    assert.deepEqual(m, {
      recall_at_1: 0.25,
      recall_at_5: 0.5,
      recall_at_10: 0.75,
      mrr: Math.round(((1 + 1 / 2 + 1 / 6) / 4) * 10000) / 10000,
      above_threshold: 0.5,
      negatives_rejected: 0.75,
      queries: 4,
    });
    assert.equal(computeMetrics([], 0.5).negatives_rejected, null);
  });
});

describe('vitrina eval on a tiny hand-made set', () => {
  it('ranks each query against its own group and rejects an unrelated negative', async () => {
    const dir = await tempDir();
    // Three "products" that differ in colour and background; queries are resized copies.
    const groups = {
      red: [
        { r: 220, g: 20, b: 20 },
        { r: 250, g: 250, b: 250 },
      ],
      blue: [
        { r: 20, g: 40, b: 220 },
        { r: 10, g: 10, b: 10 },
      ],
      green: [
        { r: 30, g: 200, b: 40 },
        { r: 250, g: 240, b: 200 },
      ],
    } as const;
    const lines = ['path,group,role'];
    for (const [name, [fg, bg]] of Object.entries(groups)) {
      await fs.writeFile(path.join(dir, `${name}.png`), await squareImage(fg, bg, 96));
      await fs.writeFile(path.join(dir, `${name}-q.jpg`), await squareImage(fg, bg, 160, 'jpeg'));
      lines.push(`${name}.png,${name},catalog`, `${name}-q.jpg,${name},query`);
    }
    await fs.writeFile(path.join(dir, 'm.csv'), lines.join('\n'));
    await fs.mkdir(path.join(dir, 'neg'));
    await fs.writeFile(
      path.join(dir, 'neg/odd.png'),
      await squareImage({ r: 255, g: 0, b: 255 }, { r: 0, g: 255, b: 255 }, 96),
    );
    await fs.writeFile(path.join(dir, 'neg.csv'), 'path\nneg/odd.png\n');

    const manifest = await readManifest(path.join(dir, 'm.csv'));
    const negatives = await readNegatives(path.join(dir, 'neg.csv'));
    assert.equal(negatives[0], path.join(dir, 'neg/odd.png'));
    const run = await runEval({
      config: await testConfig(),
      embedder: createFakeEmbedder({ id: 'fake' }),
      manifest,
      negatives,
      threshold: 0.9,
    });
    const result = run.variants[0]!;
    assert.equal(result.queries, 3);
    assert.equal(run.groups, 3);
    assert.equal(result.recall_at_1, 1);
    assert.equal(result.mrr, 1);
    assert.equal(result.above_threshold, 1);
    assert.equal(result.negatives_rejected, 1);
  });

  it('refuses a manifest with a bad role or a query without catalog images, naming the line', async () => {
    const dir = await tempDir();
    await fs.writeFile(path.join(dir, 'bad.csv'), 'path,group,role\na.png,x,catalog\nb.png,x,probe\n');
    await assert.rejects(
      readManifest(path.join(dir, 'bad.csv')),
      /line 3: role must be "catalog" or "query"/,
    );
    await fs.writeFile(path.join(dir, 'orphan.csv'), 'path,group,role\na.png,x,catalog\nb.png,y,query\n');
    await assert.rejects(readManifest(path.join(dir, 'orphan.csv')), /query group "y" has no catalog image/);
  });
});
