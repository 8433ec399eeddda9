import path from 'node:path';
import { appError } from '../errors/app-error.ts';
import { envSchema, type AppConfig } from './config.schema.ts';

/** Parses the environment once; a bad value fails fast and names every bad key. */
export function loadConfig(
  env: NodeJS.ProcessEnv = process.env,
  overrides: Partial<AppConfig> = {},
): AppConfig {
  const parsed = envSchema.safeParse(env);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ');
    throw appError('CONFIG_INVALID', { problems });
  }
  const e = parsed.data;
  return {
    port: e.PORT,
    host: e.HOST,
    dataDir: path.resolve(e.DATA_DIR),
    databaseUrl: e.DATABASE_URL,
    vectorDatabaseUrl: e.VECTOR_DATABASE_URL,
    dbConnectTimeoutMs: e.DB_CONNECT_TIMEOUT_MS,
    dbStatementTimeoutMs: e.DB_STATEMENT_TIMEOUT_MS,
    model: e.MODEL,
    modelDir: e.MODEL_DIR ? path.resolve(e.MODEL_DIR) : undefined,
    cacheDir: path.resolve(e.VITRINA_CACHE),
    hfEndpoint: e.HF_ENDPOINT.replace(/\/+$/, ''),
    indexOnStart: e.INDEX_ON_START,
    indexLeaseSeconds: e.INDEX_LEASE_SECONDS,
    demoOnEmpty: e.DEMO_ON_EMPTY,
    ortThreads: e.ORT_THREADS,
    backgroundDir:
      e.BACKGROUND_DIR && e.BACKGROUND_DIR !== 'none' ? path.resolve(e.BACKGROUND_DIR) : e.BACKGROUND_DIR,
    uploadMaxBytes: e.UPLOAD_MAX_BYTES,
    maxImagePixels: e.MAX_IMAGE_PIXELS,
    fetchTimeoutMs: e.FETCH_TIMEOUT_MS,
    fetchMaxBytes: e.FETCH_MAX_BYTES,
    allowPrivateUrls: e.ALLOW_PRIVATE_URLS,
    searchTtlDays: e.SEARCH_TTL_DAYS,
    importMaxBytes: e.IMPORT_MAX_BYTES,
    importZipMaxBytes: e.IMPORT_ZIP_MAX_BYTES,
    importZipMaxFiles: e.IMPORT_ZIP_MAX_FILES,
    importZipMaxUnpackedBytes: e.IMPORT_ZIP_MAX_UNPACKED_BYTES,
    searchesPerClient: e.SEARCHES_PER_CLIENT,
    photoSearchesPerMinute: e.PHOTO_SEARCHES_PER_MINUTE,
    similarSearchesPerMinute: e.SIMILAR_SEARCHES_PER_MINUTE,
    searchMaxPending: e.SEARCH_MAX_PENDING,
    requestTimeoutMs: e.REQUEST_TIMEOUT_MS,
    trustProxy: e.TRUST_PROXY,
    publicCatalog: e.PUBLIC_CATALOG,
    sessionIdleHours: e.SESSION_IDLE_HOURS,
    sessionMaxDays: e.SESSION_MAX_DAYS,
    logLevel: e.LOG_LEVEL,
    ...overrides,
  };
}
