import type { FastifyInstance } from 'fastify';
import type { AppContext } from '../app/app.context.ts';
import { createIndexStatusService, type IndexStatusService } from '../indexer/index-status.service.ts';
import type { IndexJob } from '../indexer/index.job.ts';
import type { ImportJobLogger, ImportJobService } from '../import/import-job.service.ts';
import { createImportWorker, type ImportWorker } from '../import/import.worker.ts';
import type { ModelProvider } from '../search/model.provider.ts';
import type { VectorRepository } from '../search/vector.repository.ts';
import { registerImportRoutes } from './routes/imports.routes.ts';
import { registerIndexingRoutes } from './routes/indexing.routes.ts';
import { registerProductEditRoutes } from './routes/product-edit.routes.ts';

/**
 * Catalog management in a web process: the import job worker, product editing and the indexing
 * status, wired to each other: a finished import or new photos wake the indexer, a queued import
 * wakes the worker.
 */
export function createCatalogManagement(deps: {
  ctx: AppContext;
  vectors: VectorRepository | null;
  models: ModelProvider;
  indexJob: IndexJob | null;
  logger: ImportJobLogger;
  importPollMs?: number | undefined;
}) {
  const { ctx, indexJob, logger } = deps;
  const wakeIndexer = () => void indexJob?.trigger();
  const holder: { worker?: ImportWorker } = {};
  const imports: ImportJobService = ctx.importsWith({
    importer: ctx.webImporter,
    logger,
    onQueued: () => void holder.worker?.poke(),
    onFinished: async () => {
      wakeIndexer();
      await ctx.collector.sweep().catch((error: unknown) => {
        logger.warn({ err: (error as Error).message }, 'media collection failed');
      });
    },
  });
  const worker = createImportWorker({
    service: imports,
    jobs: ctx.importJobs,
    exclusive: ctx.stores.catalog.kind === 'embedded',
    logger,
    pollMs: deps.importPollMs,
  });
  holder.worker = worker;
  const edits = ctx.editsWith({ logger, onImagesChanged: wakeIndexer });
  const status: IndexStatusService | null = deps.vectors
    ? createIndexStatusService({
        catalog: ctx.repository,
        vectors: deps.vectors,
        vectorError: ctx.stores.vectorError,
        models: deps.models,
        indexJob,
        audit: ctx.audit,
      })
    : null;
  const statusOrUnavailable =
    status ??
    createIndexStatusService({
      catalog: ctx.repository,
      vectors: null,
      vectorError: ctx.stores.vectorError,
      models: deps.models,
      indexJob: null,
    });

  return {
    imports,
    worker,
    edits,
    status: statusOrUnavailable,
    register(app: FastifyInstance) {
      registerImportRoutes(app, { imports, config: ctx.config });
      registerProductEditRoutes(app, { edits, catalog: ctx.catalog, status, config: ctx.config });
      registerIndexingRoutes(app, { status: statusOrUnavailable });
    },
    start: () => worker.start(),
    stop: () => worker.stop(),
  };
}

export type CatalogManagement = ReturnType<typeof createCatalogManagement>;
