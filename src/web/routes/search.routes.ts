import type {} from '@fastify/multipart';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { z } from 'zod';
import { allow } from '../../auth/auth.plugin.ts';
import type { AppConfig } from '../../config/config.schema.ts';
import { appError } from '../../errors/app-error.ts';
import type { IndexJob } from '../../indexer/index.job.ts';
import type { SearchHistoryRepository } from '../../search/search-history.repository.ts';
import type { SearchOutcome, SearchService } from '../../search/search.service.ts';
import { createAdmission } from '../admission.ts';
import { clientKey } from '../client-key.ts';
import { discardRest, readSearchForm } from '../search.form.ts';
import { photoSearchLimit, similarSearchLimit } from '../web.security.ts';

/** what a 503 asks the client to wait: about one model batch */
const BUSY_RETRY_SECONDS = 2;

const idParams = z.object({ id: z.coerce.number().int().positive().max(Number.MAX_SAFE_INTEGER) }).strict();
const searchIdParams = z.object({ id: z.string().regex(/^[A-Za-z0-9_-]{6,64}$/) }).strict();

/** Remembers the search in the person's history (API tokens and visitors have none). */
async function remember(history: SearchHistoryRepository, request: FastifyRequest, outcome: SearchOutcome) {
  if (request.principal.kind === 'user') await history.add(request.principal.user.id, outcome.searchId);
}

function replyWithSearch(reply: FastifyReply, outcome: SearchOutcome) {
  return reply.send({
    success: true,
    search_id: outcome.searchId,
    count: outcome.count,
    redirect: `/products?image_search=${outcome.searchId}`,
    ...(outcome.nothingSimilar ? { nothing_similar: true } : {}),
  });
}

export function registerSearchRoutes(
  app: FastifyInstance,
  deps: {
    search: SearchService;
    history: SearchHistoryRepository;
    indexJob: IndexJob | null;
    config: AppConfig;
  },
): void {
  const { search, config, history } = deps;

  const admission = createAdmission(config.searchMaxPending);
  const photoRoute = { config: { ...allow('catalog').config, rateLimit: photoSearchLimit(config) } };
  const similarRoute = { config: { ...allow('catalog').config, rateLimit: similarSearchLimit(config) } };

  app.post('/api/search-by-image', photoRoute, async (request, reply) => {
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
  });

  async function photoSearch(request: FastifyRequest, reply: FastifyReply) {
    const form = await readSearchForm(request, { maxBytes: config.uploadMaxBytes });
    if (form.images.length > 0 && form.url) throw appError('IMAGE_AND_URL');
    const options = { threshold: form.threshold, closest: form.closest, clientKey: clientKey(request) };
    const outcome = form.url
      ? await search.byUrl(form.url, options)
      : await search.byImages(form.images, options);
    await remember(history, request, outcome);
    return replyWithSearch(reply, outcome);
  }

  app.post('/api/products/:id/similar', similarRoute, async (request, reply) => {
    const { id } = parseParams(idParams, request.params);
    const outcome = await search.similarTo(id, { clientKey: clientKey(request) });
    await remember(history, request, outcome);
    return replyWithSearch(reply, outcome);
  });

  // The «Похожие» button is a plain form, so it works without JavaScript too. Browsers post it as
  // application/x-www-form-urlencoded with an empty body, which the app's form parser accepts.
  app.post('/products/:id/similar', similarRoute, async (request, reply) => {
    const { id } = parseParams(idParams, request.params);
    const outcome = await search.similarTo(id, { clientKey: clientKey(request) });
    await remember(history, request, outcome);
    const lang = (request.query as Record<string, unknown>).lang === 'en' ? '&lang=en' : '';
    replyWithSearch(
      reply.code(303).header('location', `/products?image_search=${outcome.searchId}${lang}`),
      outcome,
    );
  });

  app.get('/searches/:id/thumb', allow('catalog'), async (request, reply) => {
    const { id } = parseParams(searchIdParams, request.params, 'SEARCH_NOT_FOUND');
    const thumb = await search.thumb(id);
    if (!thumb) throw appError('SEARCH_NOT_FOUND');
    return reply
      .header('cache-control', 'public, max-age=31536000, immutable')
      .type('image/webp')
      .send(thumb);
  });

  app.get('/api/index/status', allow('viewer'), async () => {
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
