import fastifyMultipart from '@fastify/multipart';
import type { FastifyInstance } from 'fastify';
import type { AppContext } from '../app/app.context.ts';
import { createIndexJob, type IndexJob } from '../indexer/index.job.ts';
import { backgroundFor } from '../search/background.service.ts';
import { createModelProvider, type ModelProvider } from '../search/model.provider.ts';
import { createSavedSearchRepository } from '../search/saved-search.repository.ts';
import { createSearchHistoryRepository } from '../search/search-history.repository.ts';
import { createSearchService, type SearchService } from '../search/search.service.ts';
import { createVectorRepository } from '../search/vector.repository.ts';
import { createRemoteImageFetcher } from '../remote/remote-image.fetch.ts';
import { photoAvailability } from '../search/photo-availability.ts';
import type { ProductListQuery } from './products.query.ts';
import { registerSearchRoutes } from './routes/search.routes.ts';
import { registerSearchesPage } from './routes/searches.routes.ts';
import { createCatalogManagement, type CatalogManagement } from './web.catalog-management.ts';
import { createWebServer, toCatalogQuery, type WebOptions } from './web.server.ts';

export interface WebApp {
  app: FastifyInstance;
  search: SearchService;
  models: ModelProvider;
  indexJob: IndexJob | null;
  management: CatalogManagement;
  close(): Promise<void>;
}

/**
 * The whole web process: catalog pages plus search by photo and the background indexer.
 * The model loads in the background; until it is ready the catalog already serves.
 */
export async function createWebApp(
  ctx: AppContext,
  options: WebOptions & {
    models?: ModelProvider;
    indexOnStart?: boolean;
    indexPollMs?: number;
    importPollMs?: number;
    /** how often expired saved searches are purged (hourly; tests shorten it) */
    purgeEveryMs?: number;
  } = {},
): Promise<WebApp> {
  const { config } = ctx;
  const models = options.models ?? createModelProvider(config);
  const vectors = ctx.stores.vectors ? createVectorRepository(ctx.stores.vectors) : null;
  const background = vectors ? backgroundFor(config, vectors) : null;
  // The services are built before Fastify (and its logger) exists; they log through this once it does.
  const logRef: { current?: FastifyInstance['log'] } = {};
  const log = {
    info: (f: Record<string, unknown>, m: string) => logRef.current?.info(f, m),
    warn: (f: Record<string, unknown>, m: string) => logRef.current?.warn(f, m),
    error: (f: Record<string, unknown>, m: string) => logRef.current?.error(f, m),
  };
  const search = createSearchService({
    vectors,
    vectorError: ctx.stores.vectorError,
    saved: createSavedSearchRepository(ctx.stores.catalog, config.searchTtlDays, config.searchesPerClient),
    catalog: ctx.catalog,
    models,
    remote: createRemoteImageFetcher({
      timeoutMs: config.fetchTimeoutMs,
      maxBytes: config.uploadMaxBytes,
      allowPrivate: config.allowPrivateUrls,
      // the reply is generic (no port scanning through it); the operator's log says why
      onFailure: (url, reason) => log.info({ url, reason }, 'image link not fetched'),
    }),
    maxImagePixels: config.maxImagePixels,
    logger: log,
    background,
  });
  const indexJob = vectors
    ? createIndexJob({ ctx, vectors, models, logger: log, pollMs: options.indexPollMs, background })
    : null;

  // Imports, product editing and indexing for the people who keep the catalog.
  const management = createCatalogManagement({
    ctx,
    vectors,
    models,
    indexJob,
    logger: log,
    importPollMs: options.importPollMs,
  });

  const app = await createWebServer(
    ctx,
    {
      listProducts: (query: ProductListQuery) =>
        search.listProducts({ ...toCatalogQuery(query), imageSearch: query.image_search }),
      photoAvailability: () =>
        photoAvailability({
          config,
          vectors,
          models,
          indexStatus: indexJob ? () => indexJob.status() : undefined,
        }),
      photoThreshold: () => search.defaultThreshold(),
      indexStatus: indexJob ? () => indexJob.status() : undefined,
      health: async () => {
        const state = models.state();
        // still loading is fine: the catalog serves meanwhile and search by photo says it is coming
        return state.status === 'unavailable'
          ? { model: `unavailable: ${state.reason}`, modelOk: false }
          : { model: `${state.model} (${state.status})`, modelOk: true };
      },
      register: async (instance) => {
        await instance.register(fastifyMultipart, {
          limits: { fileSize: config.uploadMaxBytes, files: 8, fields: 10, parts: 20, fieldSize: 4096 },
        });
        const history = createSearchHistoryRepository(ctx.stores.catalog);
        registerSearchRoutes(instance, { search, history, indexJob, config });
        registerSearchesPage(instance, { history });
        management.register(instance);
      },
    },
    options,
  );
  logRef.current = app.log;
  const purge = schedulePurge(search, app.log, options.purgeEveryMs ?? PURGE_EVERY_MS);

  // Load the model now so the first search does not wait; failure only disables search by photo.
  if (vectors) {
    models
      .get(config.model)
      .catch((error: unknown) => app.log.warn(`search by photo unavailable: ${(error as Error).message}`));
    if (options.indexOnStart ?? config.indexOnStart) await indexJob?.start();
  }
  await management.start();

  return {
    app,
    search,
    models,
    indexJob,
    management,
    async close() {
      await management.stop();
      clearInterval(purge);
      await indexJob?.stop();
      await app.close();
      await models.closeAll();
    },
  };
}

const PURGE_EVERY_MS = 60 * 60 * 1000;

/** Expired saved searches and unused thumbnails are deleted hourly (and soon after start) by every web process. */
function schedulePurge(search: SearchService, log: FastifyInstance['log'], everyMs: number): NodeJS.Timeout {
  const run = () =>
    search.purgeExpired().then(
      (n) => (n.searches || n.thumbs ? log.info(n, 'purged expired saved searches') : undefined),
      (error: unknown) => log.warn(`purging saved searches failed: ${(error as Error).message}`),
    );
  setTimeout(run, Math.min(10_000, everyMs)).unref();
  return setInterval(run, everyMs).unref();
}
