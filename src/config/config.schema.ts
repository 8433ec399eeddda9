import os from 'node:os';
import path from 'node:path';
import { z } from 'zod';

const flag = z
  .enum(['0', '1', 'true', 'false', 'yes', 'no'])
  .transform((v) => v === '1' || v === 'true' || v === 'yes');

const optionalUrl = z
  .string()
  .trim()
  .optional()
  .transform((v) => (v ? v : undefined));

/** also what the indexer uses when a caller (a test, a benchmark) gives no config */
export const INDEX_LEASE_SECONDS_DEFAULT = 120;

/** Every environment variable the app reads, in one place. Parsed once at start. */
export const envSchema = z.object({
  PORT: z.coerce.number().int().min(0).max(65535).default(3000),
  HOST: z.string().min(1).default('127.0.0.1'),
  DATA_DIR: z.string().min(1).default('./data'),
  DATABASE_URL: optionalUrl.pipe(z.string().url().optional()),
  VECTOR_DATABASE_URL: optionalUrl.pipe(z.union([z.literal('embedded'), z.string().url()]).optional()),
  /** a server that does not accept a connection within this is down: requests get 503 */
  DB_CONNECT_TIMEOUT_MS: z.coerce.number().int().min(100).max(600_000).default(1000),
  /** a statement (and a frozen server) gets this long before the request gets 503; 0 = no limit */
  DB_STATEMENT_TIMEOUT_MS: z.coerce.number().int().min(0).max(3_600_000).default(1250),
  MODEL: z.string().min(1).default('clip-vit-b32'),
  MODEL_DIR: optionalUrl,
  VITRINA_CACHE: z
    .string()
    .min(1)
    .default(path.join(os.homedir(), '.cache', 'vitrina')),
  HF_ENDPOINT: z.string().url().default('https://huggingface.co'),
  INDEX_ON_START: flag.default(true),
  /**
   * How long a batch claimed from the indexing queue stays its worker's: a worker that dies holding
   * one leaves those images to the others after this. Longer than a batch takes, or they are done twice.
   */
  INDEX_LEASE_SECONDS: z.coerce.number().int().min(1).max(86_400).default(INDEX_LEASE_SECONDS_DEFAULT),
  /** `serve` imports the Grocery Store demo when the catalog is empty and the dataset is beside the project */
  DEMO_ON_EMPTY: flag.default(true),
  ORT_THREADS: z.coerce.number().int().min(0).max(256).default(0),
  /** background gallery for "nothing similar": a folder of images, `none`, or unset (Debian packages) */
  BACKGROUND_DIR: optionalUrl,
  UPLOAD_MAX_BYTES: z.coerce
    .number()
    .int()
    .positive()
    .default(10 * 1024 * 1024),
  MAX_IMAGE_PIXELS: z.coerce.number().int().positive().default(50_000_000),
  FETCH_TIMEOUT_MS: z.coerce.number().int().positive().default(15_000),
  FETCH_MAX_BYTES: z.coerce
    .number()
    .int()
    .positive()
    .default(20 * 1024 * 1024),
  /** search by URL refuses private and loopback hosts unless this is set (tests, intranets) */
  ALLOW_PRIVATE_URLS: flag.default(false),
  /** the price list uploaded on «Импорт» (CSV, JSON Lines, XLSX with its photos) */
  IMPORT_MAX_BYTES: z.coerce
    .number()
    .int()
    .positive()
    .default(50 * 1024 * 1024),
  /** the optional ZIP of images uploaded with it */
  IMPORT_ZIP_MAX_BYTES: z.coerce
    .number()
    .int()
    .positive()
    .default(500 * 1024 * 1024),
  IMPORT_ZIP_MAX_FILES: z.coerce.number().int().positive().default(10_000),
  /** what the ZIP may unpack to in all (each photo is also capped by FETCH_MAX_BYTES) */
  IMPORT_ZIP_MAX_UNPACKED_BYTES: z.coerce
    .number()
    .int()
    .positive()
    .default(2 * 1024 * 1024 * 1024),
  SEARCH_TTL_DAYS: z.coerce.number().int().min(1).max(3650).default(90),
  /** saved searches kept per client (browser address, later the user); older ones are deleted */
  SEARCHES_PER_CLIENT: z.coerce.number().int().min(1).max(100_000).default(200),
  /** photo searches (upload or link) one client may start per minute */
  PHOTO_SEARCHES_PER_MINUTE: z.coerce.number().int().min(1).max(100_000).default(30),
  /** «Похожие» searches one client may start per minute */
  SIMILAR_SEARCHES_PER_MINUTE: z.coerce.number().int().min(1).max(100_000).default(60),
  /** photo searches admitted at once (reading the upload, waiting for or running in the model); more get 503 */
  SEARCH_MAX_PENDING: z.coerce.number().int().min(1).max(1000).default(8),
  /** a request (headers and body) must arrive within this; slow clients are cut off */
  REQUEST_TIMEOUT_MS: z.coerce.number().int().min(1000).max(3_600_000).default(30_000),
  /**
   * Behind a reverse proxy: 1 trusts X-Forwarded-* from any peer; or a comma-separated list of the
   * proxy's addresses/CIDRs. Decides the client address (rate limits) and https (Secure cookies).
   */
  TRUST_PROXY: z
    .string()
    .trim()
    .default('0')
    .transform((v): boolean | string =>
      ['', '0', 'false', 'no'].includes(v) ? false : ['1', 'true', 'yes'].includes(v) ? true : v,
    )
    .refine((v) => typeof v === 'boolean' || /^[0-9a-fA-F.:/,\s]+$/.test(v), {
      message: 'expected 0, 1 or a comma-separated list of proxy addresses/CIDRs',
    }),
  /** anonymous visitors may browse and search read-only; everything else still needs sign-in */
  PUBLIC_CATALOG: flag.default(false),
  SESSION_IDLE_HOURS: z.coerce
    .number()
    .positive()
    .max(24 * 365)
    .default(72),
  SESSION_MAX_DAYS: z.coerce.number().int().min(1).max(365).default(30),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
});

export type Env = z.infer<typeof envSchema>;

export interface AppConfig {
  port: number;
  host: string;
  dataDir: string;
  /** undefined → embedded PGlite under dataDir */
  databaseUrl: string | undefined;
  /** undefined → same database as the catalog; 'embedded' → PGlite under dataDir */
  vectorDatabaseUrl: string | undefined;
  dbConnectTimeoutMs: number;
  /** 0 → no limit */
  dbStatementTimeoutMs: number;
  model: string;
  modelDir: string | undefined;
  cacheDir: string;
  hfEndpoint: string;
  indexOnStart: boolean;
  indexLeaseSeconds: number;
  demoOnEmpty: boolean;
  ortThreads: number;
  /** undefined → the Debian packages' images (background.files.ts); 'none' → no gallery */
  backgroundDir: string | undefined;
  uploadMaxBytes: number;
  maxImagePixels: number;
  fetchTimeoutMs: number;
  fetchMaxBytes: number;
  allowPrivateUrls: boolean;
  searchTtlDays: number;
  importMaxBytes: number;
  importZipMaxBytes: number;
  importZipMaxFiles: number;
  importZipMaxUnpackedBytes: number;
  searchesPerClient: number;
  photoSearchesPerMinute: number;
  similarSearchesPerMinute: number;
  searchMaxPending: number;
  requestTimeoutMs: number;
  trustProxy: boolean | string;
  publicCatalog: boolean;
  sessionIdleHours: number;
  sessionMaxDays: number;
  logLevel: Env['LOG_LEVEL'];
}
