import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { createAppContext } from '../app/app.context.ts';
import type { AppConfig } from '../config/config.schema.ts';
import type { Embedder } from '../embedding/embedding.types.ts';
import { appError, isAppError } from '../errors/app-error.ts';
import { createIndexer } from '../indexer/indexer.service.ts';
import { createModelProvider } from '../search/model.provider.ts';
import { createSavedSearchRepository } from '../search/saved-search.repository.ts';
import { createRemoteImageFetcher } from '../remote/remote-image.fetch.ts';
import { createSearchService } from '../search/search.service.ts';
import { createVectorRepository } from '../search/vector.repository.ts';
import { computeMetrics, type EvalMetrics, type QueryOutcome } from './eval.metrics.ts';
import type { ManifestRow } from './eval.manifest.ts';

export interface EvalResult extends EvalMetrics {
  groups: number;
  seconds: number;
  model: string;
  threshold: number;
  ms_per_query_p50: number;
  unreadable: { path: string; reason: string }[];
}

/**
 * Builds a throwaway catalog (one product per group) in a temporary embedded database, indexes
 * it, and sends every query through the same ranking the API uses.
 */
export async function runEval(options: {
  config: AppConfig;
  embedder: Embedder;
  manifest: ManifestRow[];
  negatives?: string[];
  threshold?: number;
  log?: (line: string) => void;
}): Promise<EvalResult> {
  const started = performance.now();
  const { embedder, manifest } = options;
  const log = options.log ?? (() => {});
  const dataDir = await fs.mkdtemp(path.join(os.tmpdir(), 'vitrina-eval-'));
  const ctx = await createAppContext({
    ...options.config,
    dataDir,
    databaseUrl: undefined,
    vectorDatabaseUrl: undefined,
  });
  try {
    const groups = [...new Set(manifest.filter((r) => r.role === 'catalog').map((r) => r.group))];
    const rows = groups.map((group, i) => ({
      line: i + 2,
      values: {
        sku: `G${i}`,
        name: group,
        images: manifest.filter((r) => r.role === 'catalog' && r.group === group).map((r) => r.path),
      },
    }));
    const imported = await ctx.importer.importRows(rows, '/');
    if (imported.failed) {
      throw appError('EVAL_CATALOG', {
        details: `${imported.errors.map((e) => `${groups[e.line - 2]}: ${e.reason}`).join('; ')}`,
      });
    }
    const productOf = new Map(groups.map((g, i) => [g, imported.productIds[i]!]));
    log(`catalog: ${groups.length} products; indexing with ${embedder.info.id}`);

    const vectors = createVectorRepository(ctx.stores.vectors!);
    await createIndexer({
      catalog: ctx.repository,
      vectors,
      media: ctx.media,
      embedder,
      exclusive: true,
    }).run();
    const models = createModelProvider({ ...ctx.config, model: embedder.info.id }, async () => embedder);
    const search = createSearchService({
      vectors,
      vectorError: undefined,
      saved: createSavedSearchRepository(ctx.stores.catalog, 1),
      catalog: ctx.catalog,
      models,
      remote: createRemoteImageFetcher({
        timeoutMs: ctx.config.fetchTimeoutMs,
        maxBytes: ctx.config.uploadMaxBytes,
        allowPrivate: ctx.config.allowPrivateUrls,
      }),
      maxImagePixels: ctx.config.maxImagePixels,
      logger: { info: () => {} },
    });
    const unreadable: EvalResult['unreadable'] = [];
    const times: number[] = [];

    async function rank(file: string) {
      try {
        const bytes = await fs.readFile(file);
        const t0 = performance.now();
        const ranked = await search.rankImages([bytes], -1);
        times.push(performance.now() - t0);
        return ranked.matches;
      } catch (error) {
        if (!isAppError(error) && (error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
        unreadable.push({ path: file, reason: (error as Error).message });
        return null;
      }
    }

    const outcomes: QueryOutcome[] = [];
    const queries = manifest.filter((r) => r.role === 'query');
    for (const [i, q] of queries.entries()) {
      const matches = await rank(q.path);
      if (!matches) continue;
      const at = matches.findIndex((m) => m.productId === productOf.get(q.group));
      outcomes.push({ rank: at >= 0 ? at + 1 : null, score: at >= 0 ? matches[at]!.score : null });
      if ((i + 1) % 100 === 0) log(`queries: ${i + 1}/${queries.length}`);
    }
    const negativeTops: (number | null)[] = [];
    for (const file of options.negatives ?? []) {
      const matches = await rank(file);
      if (matches) negativeTops.push(matches[0]?.score ?? null);
    }
    times.sort((a, b) => a - b);
    // the same default the API applies: calibrated on this catalog when the index is complete
    const threshold =
      options.threshold ?? (await search.defaultThreshold()) ?? embedder.info.defaultThreshold;
    return {
      ...computeMetrics(outcomes, threshold, options.negatives ? negativeTops : undefined),
      groups: groups.length,
      seconds: Math.round((performance.now() - started) / 10) / 100,
      model: embedder.info.id,
      threshold,
      ms_per_query_p50: Math.round((times[Math.floor(times.length / 2)] ?? 0) * 10) / 10,
      unreadable,
    };
  } finally {
    await ctx.close();
    await fs.rm(dataDir, { recursive: true, force: true });
  }
}
