import type {} from '@fastify/multipart';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { z } from 'zod';
import type { AppConfig } from '../../config/config.schema.ts';
import { appError } from '../../errors/app-error.ts';
import type { IndexJob } from '../../indexer/index.job.ts';
import type { SearchOutcome, SearchService } from '../../search/search.service.ts';
import { createAdmission } from '../admission.ts';
import { clientKey } from '../client-key.ts';
import { discardRest, readSearchForm } from '../search.form.ts';
import { photoSearchLimit, similarSearchLimit } from '../web.security.ts';

/** what a 503 asks the client to wait: about one model batch */
const BUSY_RETRY_SECONDS = 2;
const HISTORY_COOKIE = 'vitrina_searches';
const HISTORY_SIZE = 24;

const idParams = z.object({ id: z.coerce.number().int().positive().max(Number.MAX_SAFE_INTEGER) }).strict();
const searchIdParams = z.object({ id: z.string().regex(/^[A-Za-z0-9_-]{6,64}$/) }).strict();

function replyWithSearch(reply: FastifyReply, request: FastifyRequest, outcome: SearchOutcome) {
  const previous = historyIds(request);
  const history = [outcome.searchId, ...previous.filter((id) => id !== outcome.searchId)].slice(
    0,
    HISTORY_SIZE,
  );
  // The browser's own history: ids only, in a cookie, so /searches needs no account.
  // HttpOnly: no script reads it; Secure once the site is served over https (TRUST_PROXY behind a proxy).
  reply.header(
    'set-cookie',
    `${HISTORY_COOKIE}=${history.join('.')}; Path=/; Max-Age=${60 * 60 * 24 * 90}; HttpOnly; SameSite=Lax${
      request.protocol === 'https' ? '; Secure' : ''
    }`,
  );
  return reply.send({
    success: true,
    search_id: outcome.searchId,
    count: outcome.count,
    redirect: `/products?image_search=${outcome.searchId}`,
    ...(outcome.nothingSimilar ? { nothing_similar: true } : {}),
  });
}

export function historyIds(request: FastifyRequest): string[] {
  const raw = (request.headers.cookie ?? '')
    .split(';')
    .map((c) => c.trim())
    .find((c) => c.startsWith(`${HISTORY_COOKIE}=`));
  return (raw?.slice(HISTORY_COOKIE.length + 1).split('.') ?? []).filter((id) =>
    /^[A-Za-z0-9_-]{6,64}$/.test(id),
  );
}

export function registerSearchRoutes(
  app: FastifyInstance,
  deps: { search: SearchService; indexJob: IndexJob | null; config: AppConfig },
): void {
  const { search, config } = deps;
  const admission = createAdmission(config.searchMaxPending);

  app.post(
    '/api/search-by-image',
    { config: { rateLimit: photoSearchLimit(config) } },
    async (request, reply) => {
      // The place is taken before the upload is read: waiting uploads cost nothing but a socket.
      const release = admission.tryEnter();
      if (!release) {
        discardRest(request);
        reply.header('retry-after', BUSY_RETRY_SECONDS);
        throw appError('SEARCH_BUSY', { seconds: BUSY_RETRY_SECONDS });
      }
      try {
        return await photoSearch(request, reply);
      } finally {
        release();
      }
    },
  );

  async function photoSearch(request: FastifyRequest, reply: FastifyReply) {
    const form = await readSearchForm(request, { maxBytes: config.uploadMaxBytes });
    if (form.images.length > 0 && form.url) throw appError('IMAGE_AND_URL');
    const options = { threshold: form.threshold, closest: form.closest, clientKey: clientKey(request) };
    const outcome = form.url
      ? await search.byUrl(form.url, options)
      : await search.byImages(form.images, options);
    return replyWithSearch(reply, request, outcome);
  }

  app.post(
    '/api/products/:id/similar',
    { config: { rateLimit: similarSearchLimit(config) } },
    async (request, reply) => {
      const { id } = parseParams(idParams, request.params);
      return replyWithSearch(reply, request, await search.similarTo(id, { clientKey: clientKey(request) }));
    },
  );

  // The «Похожие» button is a plain form, so it works without JavaScript too. Browsers post such a
  // form as application/x-www-form-urlencoded, with an empty body: this scope accepts that type.
  void app.register(async (scope) => {
    scope.addContentTypeParser(
      'application/x-www-form-urlencoded',
      { parseAs: 'string', bodyLimit: 4096 },
      (_request, body, done) => done(null, Object.fromEntries(new URLSearchParams(String(body)))),
    );
    scope.post(
      '/products/:id/similar',
      { config: { rateLimit: similarSearchLimit(config) } },
      async (request, reply) => {
        const { id } = parseParams(idParams, request.params);
        const outcome = await search.similarTo(id, { clientKey: clientKey(request) });
        const lang = (request.query as Record<string, unknown>).lang === 'en' ? '&lang=en' : '';
        replyWithSearch(
          reply.code(303).header('location', `/products?image_search=${outcome.searchId}${lang}`),
          request,
          outcome,
        );
      },
    );
  });

  app.get('/searches/:id/thumb', async (request, reply) => {
    const { id } = parseParams(searchIdParams, request.params, 'SEARCH_NOT_FOUND');
    const thumb = await search.thumb(id);
    if (!thumb) throw appError('SEARCH_NOT_FOUND');
    return reply
      .header('cache-control', 'public, max-age=31536000, immutable')
      .type('image/webp')
      .send(thumb);
  });

  app.get('/api/index/status', async () => {
    if (!deps.indexJob)
      throw appError('VECTOR_STORE_UNAVAILABLE', {
        reason: search.available().reason ?? 'indexing unavailable',
      });
    return deps.indexJob.status();
  });
}

/** A malformed id names nothing that exists: the same 404 as an unknown one. */
function parseParams<T extends z.ZodType>(
  schema: T,
  params: unknown,
  notFound: 'PRODUCT_NOT_FOUND' | 'SEARCH_NOT_FOUND' = 'PRODUCT_NOT_FOUND',
): z.infer<T> {
  const parsed = schema.safeParse(params);
  if (!parsed.success) throw appError(notFound);
  return parsed.data;
}
