import fastifyHelmet from '@fastify/helmet';
import fastifyRateLimit, { type FastifyRateLimitStoreCtor } from '@fastify/rate-limit';
import { createRequire } from 'node:module';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { AppConfig } from '../config/config.schema.ts';
import { appError } from '../errors/app-error.ts';
import { clientKey } from './client-key.ts';

/**
 * Timeouts for the HTTP server: a client must send its headers within 10 s and the whole request
 * within requestTimeoutMs.
 * Node's defaults (5 min per request, no socket timeout) let one slow client hold a connection.
 */
export function serverTimeouts(config: Pick<AppConfig, 'requestTimeoutMs'>) {
  const requestTimeout = config.requestTimeoutMs;
  return {
    requestTimeout,
    connectionTimeout: requestTimeout + 5_000, // an idle socket (nothing sent at all)
    // keepAliveTimeout stays Fastify's 72 s: an idle socket between requests costs a descriptor, and a
    // short one turns any stall of the server's event loop (indexing on 2 cores: seconds) into
    // connections reset under a client's next request. Partial requests are what the timeouts cut.
    http: {
      headersTimeout: Math.min(10_000, requestTimeout),
      // how often those two are checked (Node's default 30 s would let a slow client stay 30 s longer)
      connectionsCheckingInterval: 1_000,
    },
  };
}

/**
 * Security headers (helmet): a Content-Security-Policy with scripts only from this origin's files
 * (no 'unsafe-inline' scripts), no framing, nosniff, a same-origin Referrer-Policy.
 */
export async function registerSecurityHeaders(app: FastifyInstance): Promise<void> {
  await app.register(fastifyHelmet, {
    contentSecurityPolicy: {
      useDefaults: false,
      directives: {
        defaultSrc: ["'self'"],
        scriptSrc: ["'self'"],
        scriptSrcAttr: ["'none'"],
        styleSrc: ["'self'"],
        // data: for the favicon; blob: for the photo the dialog previews and crops
        imgSrc: ["'self'", 'data:', 'blob:'],
        // blob: so the cropper can read the chosen photo's EXIF orientation
        connectSrc: ["'self'", 'blob:'],
        fontSrc: ["'self'"],
        objectSrc: ["'none'"],
        baseUri: ["'self'"],
        formAction: ["'self'"],
        frameAncestors: ["'none'"],
      },
    },
    referrerPolicy: { policy: 'same-origin' },
    // the header older browsers read instead of frame-ancestors
    xFrameOptions: { action: 'deny' },
    // The app is often served over plain http on a LAN; HSTS is the proxy's business there.
    strictTransportSecurity: false,
  });
}

/**
 * State-changing requests from another site are refused (Fetch Metadata, then Origin). Requests
 * that carry neither header (curl, scripts, API clients with a token) pass: only a browser tells
 * where a request comes from, and a browser always does for cross-origin POSTs.
 */
export function refuseCrossSiteWrites(app: FastifyInstance): void {
  app.addHook('onRequest', async (request) => {
    if (request.method === 'GET' || request.method === 'HEAD' || request.method === 'OPTIONS') return;
    if (isCrossSite(request)) throw appError('CROSS_SITE_REQUEST');
  });
}

function isCrossSite(request: FastifyRequest): boolean {
  const site = request.headers['sec-fetch-site'];
  if (site === 'cross-site' || site === 'same-site') return true;
  if (site === 'same-origin' || site === 'none') return false;
  const origin = request.headers.origin;
  if (origin === undefined) return false;
  if (origin === 'null') return true; // sandboxed frames, data: and file: pages
  try {
    // request.host honours X-Forwarded-Host only when TRUST_PROXY says the proxy may set it.
    return new URL(origin).host.toLowerCase() !== request.host.toLowerCase();
  } catch {
    return true;
  }
}

/**
 * Per-client limits on the routes that cost the server work and storage. Registered once with no
 * global limit; a route opts in with `config: { rateLimit: photoSearchLimit(config) }`.
 */
export async function registerRateLimits(app: FastifyInstance): Promise<void> {
  await app.register(fastifyRateLimit, {
    global: false,
    keyGenerator: clientKey,
    store: SnapshotStore as unknown as FastifyRateLimitStoreCtor,
    // Our error handler words the 429 in the page's language; the plugin adds Retry-After.
    errorResponseBuilder: (_request, context) =>
      appError('RATE_LIMITED', { seconds: Math.max(1, Math.ceil(context.ttl / 1000)) }),
  });
}

export const photoSearchLimit = (config: Pick<AppConfig, 'photoSearchesPerMinute'>) => ({
  max: config.photoSearchesPerMinute,
  timeWindow: 60_000,
  groupId: 'photo-search',
});

/** The «Похожие» button (form) and its API share one budget. */
export const similarSearchLimit = (config: Pick<AppConfig, 'similarSearchesPerMinute'>) => ({
  max: config.similarSearchesPerMinute,
  timeWindow: 60_000,
  groupId: 'similar',
});

type Counter = { current: number; ttl: number };
type Callback = (error: Error | null, result?: Counter) => void;
interface CounterStore {
  incr(key: string, cb: Callback, timeWindow: number, max: number): void;
  read(key: string, cb: Callback, timeWindow: number, max: number): void;
}
const LocalStore = createRequire(import.meta.url)('@fastify/rate-limit/store/LocalStore.js') as new (
  continueExceeding?: boolean,
  exponentialBackoff?: boolean,
  cache?: number,
) => CounterStore;

/**
 * The plugin's own in-memory store, with two changes. It answers with a copy of the counter: the
 * plugin reads the count after an await, and the store hands out its live object, which requests
 * arriving meanwhile keep incrementing (a burst of 300 read 300 each and all were refused, the
 * first 60 too). And every route shares it (the plugin gives each route its own), so a groupId
 * is one budget across routes: the «Похожие» form and its API. Per process.
 */
class SnapshotStore {
  private readonly inner: CounterStore;
  constructor(options: { continueExceeding?: boolean; exponentialBackoff?: boolean }) {
    this.inner = new LocalStore(options.continueExceeding, options.exponentialBackoff);
  }
  incr(key: string, cb: Callback, timeWindow: number, max: number) {
    this.inner.incr(
      key,
      (error, result) => cb(error, result && { current: result.current, ttl: result.ttl }),
      timeWindow,
      max,
    );
  }
  read(key: string, cb: Callback, timeWindow: number, max: number) {
    this.inner.read(key, cb, timeWindow, max);
  }
  /** Every limited route has a groupId, which is part of the key: one shared store is safe. */
  child(): SnapshotStore {
    return this;
  }
}
