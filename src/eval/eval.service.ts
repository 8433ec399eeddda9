import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { createAppContext } from '../app/app.context.ts';
import type { AppConfig } from '../config/config.schema.ts';
import type { Embedder, QueryFraming } from '../embedding/embedding.types.ts';
import { appError, isAppError } from '../errors/app-error.ts';
import { createIndexer } from '../indexer/indexer.service.ts';
import { backgroundFor } from '../search/background.service.ts';
import { createModelProvider } from '../search/model.provider.ts';
import { createSavedSearchRepository } from '../search/saved-search.repository.ts';
import { createRemoteImageFetcher } from '../remote/remote-image.fetch.ts';
import { createSearchService } from '../search/search.service.ts';
import { createVectorRepository } from '../search/vector.repository.ts';
import { computeMetrics, type EvalMetrics, type NegativeOutcome, type QueryOutcome } from './eval.metrics.ts';
import type { ManifestRow } from './eval.manifest.ts';

/** How queries are framed and "nothing similar" decided; eval runs several on one catalog. */
export interface EvalVariant {
  name: string;
  /** undefined: the model's own framing; null: the whole photo only */
  framing?: QueryFraming | null;
  /** 'background': per-query thresholds from the gallery (the default); 'impostor': one per catalog */
  decision: 'background' | 'impostor';
}

export const KEPT: EvalVariant = { name: 'kept: framing + background decision', decision: 'background' };
export const PLAIN: EvalVariant = {
  name: 'plain cosine (whole photo, impostor threshold)',
  framing: null,
  decision: 'impostor',
};

export interface VariantResult extends EvalMetrics {
  variant: string;
  /** the explicit threshold, or the median of the queries' own */
  threshold: number;
  ms_per_query_p50: number;
}

export interface EvalResult {
  groups: number;
  seconds: number;
  model: string;
  /** gallery images and calibrated margin; null without a gallery (BACKGROUND_DIR=none, no packages) */
  background: { images: number; margin: number | null } | null;
  variants: VariantResult[];
  unreadable: { path: string; reason: string }[];
}

/** Gallery vectors per model, kept for the process: each protocol's catalog reuses them. */
const galleryCache = new Map<string, { key: string; vector: Float32Array }[]>();

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length ? s[Math.floor(s.length / 2)]! : 0;
};

/**
 * Builds a throwaway catalog (one product per group) in a temporary embedded database, indexes
 * it, and sends every query through the same ranking the API uses, once per variant (interleaved,
 * so a busy machine slows every variant alike and their latencies compare as a ratio).
 */
export async function runEval(options: {
  config: AppConfig;
  embedder: Embedder;
  manifest: ManifestRow[];
  negatives?: string[];
  threshold?: number;
  variants?: EvalVariant[];
  log?: (line: string) => void;
}): Promise<EvalResult> {
  const started = performance.now();
  const { embedder, manifest } = options;
  const variants = options.variants ?? [KEPT];
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
    const background = backgroundFor(ctx.config, vectors);
    const model = embedder.info.id;
    if (background && galleryCache.has(model)) await vectors.saveBackground(model, galleryCache.get(model)!);
    const indexed = await createIndexer({
      catalog: ctx.repository,
      vectors,
      media: ctx.media,
      embedder,
      exclusive: true,
      background,
    }).run();
    if (background && !galleryCache.has(model)) galleryCache.set(model, await vectors.backgroundRows(model));
    if (indexed.background) {
      log(`background gallery: ${indexed.background.images} images, margin ${indexed.background.margin}`);
    } else {
      log('background gallery: none (BACKGROUND_DIR=none or no Debian packages): impostor threshold only');
    }
    const models = createModelProvider({ ...ctx.config, model }, async () => embedder);
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
      background,
    });
    const unreadable: EvalResult['unreadable'] = [];
    const perVariant = variants.map(() => ({
      outcomes: [] as QueryOutcome[],
      negatives: [] as NegativeOutcome[],
      times: [] as number[],
      thresholds: [] as number[],
    }));

    /** Every variant on one file, in an order that alternates with `turn`; null when unreadable. */
    async function rankAll(file: string, turn: number) {
      let bytes: Buffer;
      try {
        bytes = await fs.readFile(file);
      } catch (error) {
        unreadable.push({ path: file, reason: (error as Error).message });
        return null;
      }
      const order = variants.map((_, i) => i);
      if (turn % 2 === 1) order.reverse();
      const out: { matches: { productId: number; score: number }[]; threshold: number }[] = [];
      for (const v of order) {
        try {
          const t0 = performance.now();
          const ranked = await search.rankImages([bytes], -1, {
            framing: variants[v]!.framing,
            decision: variants[v]!.decision,
          });
          perVariant[v]!.times.push(performance.now() - t0);
          out[v] = { matches: ranked.matches, threshold: options.threshold ?? ranked.queryThreshold };
          perVariant[v]!.thresholds.push(out[v]!.threshold);
        } catch (error) {
          if (!isAppError(error)) throw error;
          unreadable.push({ path: file, reason: error.message });
          return null;
        }
      }
      return out;
    }

    const queries = manifest.filter((r) => r.role === 'query');
    for (const [i, q] of queries.entries()) {
      const ranked = await rankAll(q.path, i);
      if (!ranked) continue;
      ranked.forEach(({ matches, threshold }, v) => {
        const at = matches.findIndex((m) => m.productId === productOf.get(q.group));
        perVariant[v]!.outcomes.push({
          rank: at >= 0 ? at + 1 : null,
          score: at >= 0 ? matches[at]!.score : null,
          threshold,
        });
      });
      if ((i + 1) % 100 === 0) log(`queries: ${i + 1}/${queries.length}`);
    }
    for (const [i, file] of (options.negatives ?? []).entries()) {
      const ranked = await rankAll(file, i);
      ranked?.forEach(({ matches, threshold }, v) =>
        perVariant[v]!.negatives.push({ top: matches[0]?.score ?? null, threshold }),
      );
    }
    return {
      groups: groups.length,
      seconds: Math.round((performance.now() - started) / 10) / 100,
      model,
      background: indexed.background
        ? { images: indexed.background.images, margin: indexed.background.margin }
        : null,
      variants: variants.map((variant, v) => {
        const r = perVariant[v]!;
        const threshold = options.threshold ?? Math.round(median(r.thresholds) * 1000) / 1000;
        return {
          variant: variant.name,
          ...computeMetrics(r.outcomes, threshold, options.negatives ? r.negatives : undefined),
          threshold,
          ms_per_query_p50: Math.round(median(r.times) * 10) / 10,
        };
      }),
      unreadable: [...new Map(unreadable.map((u) => [u.path, u])).values()],
    };
  } finally {
    await ctx.close();
    await fs.rm(dataDir, { recursive: true, force: true });
  }
}
