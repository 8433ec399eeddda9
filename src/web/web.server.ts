import path from 'node:path';
import fastifyStatic from '@fastify/static';
import Fastify, { LogController, type FastifyInstance } from 'fastify';
import type { AppContext } from '../app/app.context.ts';
import { assetsDir, loadCss, packageDir } from './assets.build.ts';
import { registerCatalogRoutes, type ListDeps } from './routes/catalog.routes.ts';
import { registerMediaRoutes } from './routes/media.routes.ts';
import { createThumbnailer } from './thumbnails.ts';
import { allow, allowPrefixes } from '../auth/auth.plugin.ts';
import { installWebAuth } from './web.auth.ts';
import { installErrorHandling } from './web.errors.ts';
import { checkStores } from '../db/db.stores.ts';
import {
  refuseCrossSiteWrites,
  registerRateLimits,
  registerSecurityHeaders,
  serverTimeouts,
} from './web.security.ts';

export interface WebOptions {
  /** pino options; false silences the log (tests) */
  logger?: boolean | { level: string };
}

export interface HealthProvider {
  /** the model's state for GET /api/health; modelOk false makes it answer 503 */
  health(): Promise<{ model: string; modelOk: boolean }>;
}

/** Builds the HTTP app; the caller decides whether to listen (server) or inject (tests). */
export async function createWebServer(
  ctx: AppContext,
  extra: Partial<Omit<ListDeps, 'ctx'>> &
    Partial<HealthProvider> & { register?: (app: FastifyInstance) => void } = {},
  options: WebOptions = {},
): Promise<FastifyInstance> {
  const css = await loadCss();
  const app = Fastify({
    logger: options.logger ?? { level: ctx.config.logLevel },
    // One line per search is logged by the search service; per-request lines would drown it.
    logController: new LogController({ disableRequestLogging: true }),
    bodyLimit: ctx.config.uploadMaxBytes,
    routerOptions: { maxParamLength: 200 },
    trustProxy: ctx.config.trustProxy,
    ...serverTimeouts(ctx.config),
  });
  installErrorHandling(app, { uploadMaxBytes: ctx.config.uploadMaxBytes });
  await registerSecurityHeaders(app);
  await registerRateLimits(app);
  refuseCrossSiteWrites(app);
  await installWebAuth(app, ctx);
  allowPrefixes(app, ['/assets/', '/vendor/cropperjs/'], 'public'); // static files: no data
  app.get('/assets/app.css', (_request, reply) =>
    reply.header('cache-control', 'public, max-age=3600').type('text/css; charset=utf-8').send(css),
  );
  await app.register(fastifyStatic, {
    root: assetsDir,
    prefix: '/assets/',
    maxAge: '1h',
  });
  await app.register(fastifyStatic, {
    root: path.join(packageDir('cropperjs'), 'dist'),
    prefix: '/vendor/cropperjs/',
    decorateReply: false,
    maxAge: '1d',
  });

  registerMediaRoutes(app, {
    media: ctx.media,
    thumbnails: createThumbnailer(ctx.config.dataDir, ctx.media, { maxPixels: ctx.config.maxImagePixels }),
  });
  registerCatalogRoutes(app, {
    ctx,
    listProducts:
      extra.listProducts ?? (async (query) => ({ result: await ctx.catalog.list(toCatalogQuery(query)) })),
    photoAvailability:
      extra.photoAvailability ??
      (async () => ({ status: 'off', reason: 'model', model: ctx.config.model, fix: undefined })),
    indexStatus: extra.indexStatus,
    photoThreshold: extra.photoThreshold,
  });

  app.get('/api/health', allow('public'), async (_request, reply) => {
    const [stores, model] = await Promise.all([
      checkStores(ctx.stores),
      extra.health ? extra.health() : { model: 'not loaded', modelOk: true },
    ]);
    const parts = { catalog: stores.catalog, vector_store: stores.vector_store, model: model.model };
    const failing = [
      ...(['catalog', 'vector_store'] as const).filter((part) => stores[part] !== 'ok'),
      ...(model.modelOk ? [] : ['model']),
    ];
    // A balancer or monitor reads the status code; a person reads which part failed.
    return reply
      .status(failing.length ? 503 : 200)
      .send({ status: failing.length ? 'degraded' : 'ok', ...parts, failing });
  });
  await extra.register?.(app);
  return app;
}

export function toCatalogQuery(query: import('./products.query.ts').ProductListQuery) {
  return {
    q: query.q,
    category: query.category,
    supplier: query.supplier,
    priceMin: query.price_min,
    priceMax: query.price_max,
    sort: query.sort,
    page: query.page,
    perPage: query.per_page,
  };
}
