import type { AppContext } from '../app/app.context.ts';
import { createSerialRun } from '../app/serial-run.ts';
import { isAppError } from '../errors/app-error.ts';
import { activateModel, pinnedModel, resolveServingModel } from '../search/active-model.ts';
import type { ModelProvider } from '../search/model.provider.ts';
import type { VectorRepository } from '../search/vector.repository.ts';
import { createIndexer, type IndexProgress, type IndexSummary } from './indexer.service.ts';
import type { Background } from '../search/background.service.ts';

export interface IndexStatus {
  model: string;
  total: number;
  embedded: number;
  failed: number;
  running: boolean;
  images_per_s: number;
  eta_s: number | null;
}

interface Logger {
  info(fields: Record<string, unknown>, message: string): void;
  warn(fields: Record<string, unknown>, message: string): void;
}

/**
 * The indexer as a background job of the web process: runs at start when work is pending, after
 * the catalog's images change (polled, so imports from any process are picked up), one run at a time.
 */
export function createIndexJob(deps: {
  ctx: AppContext;
  vectors: VectorRepository;
  models: ModelProvider;
  logger: Logger;
  pollMs?: number;
  background?: Background | null;
}) {
  const { ctx, vectors, models, logger } = deps;
  const model = models.configured;
  let progress: IndexProgress | null = null;
  const progressByModel = new Map<string, IndexProgress>();
  let last: IndexSummary | null = null;
  let signature = '';
  let timer: NodeJS.Timeout | undefined;
  const controller = new AbortController();

  async function runOnce(): Promise<void> {
    await indexModel(model);
    if ((await vectors.counts(model)).pending === 0) await autoActivate(model);
    // A model a person chose to serve keeps getting the new photos too, or they would not be found.
    const serving = await resolveServingModel(vectors, model);
    if (serving && serving !== model && !controller.signal.aborted) {
      await indexModel(serving).catch((error: unknown) =>
        logger.warn({ model: serving, err: (error as Error).message }, 'serving model not indexed'),
      );
    }
  }

  async function indexModel(id: string): Promise<void> {
    const embedder = await models.get(id);
    const indexer = createIndexer({
      catalog: ctx.repository,
      vectors,
      media: ctx.media,
      embedder,
      exclusive: vectors.db.kind === 'embedded',
      leaseSeconds: ctx.config.indexLeaseSeconds,
      onProgress: (p) => {
        progress = p;
        progressByModel.set(id, p);
      },
      background: deps.background,
    });
    const summary = await indexer.run({ signal: controller.signal });
    progressByModel.delete(id);
    if (id === model) last = summary;
    if (summary.embedded || summary.failed) {
      logger.info({ ...summary, failures: summary.failures.length }, 'indexing finished');
    }
  }

  /** The configured model's complete set takes over, unless a person chose another to serve. */
  async function autoActivate(id: string): Promise<void> {
    const pinned = await pinnedModel(vectors);
    if (!pinned || pinned === id) await activateModel(vectors, id);
  }

  const runs = createSerialRun({
    work: runOnce,
    onError: (error) => {
      logger.warn({ err: (error as Error).message }, 'indexing stopped');
      // the poll saw the change already: unless forgotten, images pending when a store went down
      // would wait for the next change in the catalog instead of the store coming back
      if (isAppError(error) && error.code === 'STORE_UNAVAILABLE') signature = '';
      return 'stop';
    },
    signal: controller.signal,
    onIdle: () => {
      progress = null;
      progressByModel.clear();
    },
  });
  const trigger = () => runs.trigger();

  return {
    trigger,
    /** Checks for new or changed images now and every pollMs; indexes when something changed. */
    async start() {
      const check = async () => {
        const next = await ctx.repository.imagesSignature().catch(() => signature);
        if (next !== signature) {
          signature = next;
          void trigger();
        }
      };
      await check();
      timer = setInterval(() => void check(), deps.pollMs ?? 30_000);
      timer.unref();
    },
    async status(): Promise<IndexStatus> {
      const [counts, total] = await Promise.all([vectors.counts(model), ctx.repository.imageCount()]);
      const p = progress;
      return {
        model,
        // the catalog's images, so the total is right before the queue is filled
        total,
        embedded: counts.embedded,
        failed: counts.failed,
        // Another process holding leases counts as running too: status is read from the store.
        running: Boolean(runs.current()) || counts.leased > 0,
        images_per_s: p ? Math.round(p.imagesPerSecond * 10) / 10 : 0,
        eta_s: p?.etaSeconds != null ? Math.round(p.etaSeconds) : null,
      };
    },
    lastSummary: () => last,
    /** this process's run of a model, while it lasts: the live rate and ETA */
    progressOf: (id: string): IndexProgress | null => progressByModel.get(id) ?? null,
    /** whether this process is indexing now */
    running: () => Boolean(runs.current()),
    async stop() {
      clearInterval(timer);
      controller.abort();
      await runs.current()?.catch(() => {});
    },
  };
}

export type IndexJob = ReturnType<typeof createIndexJob>;
