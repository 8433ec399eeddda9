import type { InjectOptions, LightMyRequestResponse as InjectResponse } from 'fastify';
import { createAppContext, type AppContext } from '../../src/app/app.context.ts';
import type { AppConfig } from '../../src/config/config.schema.ts';
import { createFakeEmbedder } from '../../src/embedding/embedder.fake.ts';
import type { Embedder } from '../../src/embedding/embedding.types.ts';
import { createIndexer } from '../../src/indexer/indexer.service.ts';
import { createModelProvider } from '../../src/search/model.provider.ts';
import { createVectorRepository } from '../../src/search/vector.repository.ts';
import { createWebApp, type WebApp } from '../../src/web/web.app.ts';
import { signedInClient, type TestClient } from '../helpers/auth-client.ts';
import { multipart } from '../helpers/multipart.ts';
import { mobilenetDir, tempDir, testConfig } from '../helpers/test-env.ts';
import { writeSearchCatalog } from '../search/search.fixture.ts';

export interface SecurityApp {
  ctx: AppContext;
  web: WebApp;
  /** a signed-in viewer (the one test helper that signs in through the real code path) */
  client: TestClient;
  /** any request, as the signed-in viewer */
  inject(options: InjectOptions): Promise<InjectResponse>;
  /** POST /api/search-by-image with a multipart body built from parts, as the signed-in viewer */
  post(parts: Parameters<typeof multipart>[0], headers?: Record<string, string>): Promise<InjectResponse>;
  get(url: string, headers?: Record<string, string>): Promise<InjectResponse>;
  close(): Promise<void>;
}

/**
 * The real app on the real model (mobilenetv2-int8 from ../shared, query crops and all) over the
 * 40-product search catalog, indexed: what a stranger on the internet would be talking to.
 */
export async function startSecurityApp(
  overrides: Partial<AppConfig> = {},
  options: {
    purgeEveryMs?: number;
    wrapEmbedder?: (embedder: Embedder) => Embedder;
    /** catalog size: 40 (30 red, 10 blue); HTTP-level suites take fewer to start faster */
    products?: number;
  } = {},
): Promise<SecurityApp> {
  const config = await testConfig({
    model: 'mobilenetv2-int8',
    modelDir: mobilenetDir,
    uploadMaxBytes: 2_000_000,
    maxImagePixels: 4_000_000,
    // the suites send hundreds of requests; the limits have their own test
    photoSearchesPerMinute: 100_000,
    similarSearchesPerMinute: 100_000,
    ...overrides,
  });
  const ctx = await createAppContext(config);
  await ctx.importer.importFile(await writeSearchCatalog(await tempDir(), options.products));
  // 'fake' (for suites about HTTP rather than images): the deterministic embedder, same decode path
  const wrap = options.wrapEmbedder ?? ((e: Embedder) => e);
  const models =
    config.model === 'fake'
      ? createModelProvider(config, async () => wrap(createFakeEmbedder({ id: 'fake' })))
      : createModelProvider(config);
  await createIndexer({
    catalog: ctx.repository,
    vectors: createVectorRepository(ctx.stores.vectors!),
    media: ctx.media,
    embedder: await models.get(config.model),
    exclusive: true,
  }).run();
  const web = await createWebApp(ctx, {
    logger: false,
    models,
    indexOnStart: false,
    purgeEveryMs: options.purgeEveryMs,
  });
  const client = await signedInClient(web.app, ctx, { role: 'viewer' });
  return {
    ctx,
    web,
    client,
    inject: (o) => client.inject(o),
    post(parts, headers = {}) {
      const body = multipart(parts);
      return client.inject({
        method: 'POST',
        url: '/api/search-by-image',
        payload: body.payload,
        headers: { ...body.headers, ...headers },
      });
    },
    get: (url, headers = {}) => client.get(url, headers),
    async close() {
      await web.close();
      await ctx.close();
    },
  };
}
