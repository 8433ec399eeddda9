import type {} from '@fastify/multipart';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { z } from 'zod';
import { allow } from '../../auth/auth.plugin.ts';
import type { AppConfig } from '../../config/config.schema.ts';
import { fetchImageBytes } from '../../catalog/remote-image.fetch.ts';
import { appError } from '../../errors/app-error.ts';
import type { IndexJob } from '../../indexer/index.job.ts';
import type { SearchHistoryRepository } from '../../search/search-history.repository.ts';
import type { SearchOutcome, SearchService } from '../../search/search.service.ts';

const MAX_FILES = 8;

const fieldsSchema = z
  .object({
    threshold: z.coerce.number().min(-1).max(1).optional(),
    url: z.string().trim().min(1).max(2048).optional(),
    /** when nothing is similar, keep the closest few («может быть, вы искали») instead of a 404 */
    closest: z
      .enum(['0', '1', 'true', 'false'])
      .transform((v) => v === '1' || v === 'true')
      .optional(),
  })
  .strict();

const idParams = z.object({ id: z.coerce.number().int().positive().max(Number.MAX_SAFE_INTEGER) }).strict();
const searchIdParams = z.object({ id: z.string().regex(/^[A-Za-z0-9_-]{6,64}$/) }).strict();

/** Reads the multipart form: every `image` part, and the small text fields. */
async function readSearchForm(request: FastifyRequest) {
  if (!request.isMultipart()) {
    throw appError('MULTIPART_EXPECTED');
  }
  const images: Buffer[] = [];
  const fields: Record<string, string> = {};
  for await (const part of request.parts()) {
    if (part.type === 'file') {
      if (part.fieldname !== 'image') {
        await part.toBuffer();
        throw appError('UNKNOWN_FIELD', { field: part.fieldname });
      }
      images.push(await part.toBuffer());
    } else {
      fields[part.fieldname] = String(part.value);
    }
  }
  const parsed = fieldsSchema.safeParse(fields);
  if (!parsed.success) {
    throw appError('INVALID_PARAMETERS', {
      details: parsed.error.issues
        .map((i) => (i.path.length ? `${i.path.join('.')}: ${i.message}` : i.message))
        .join('; '),
      fields: parsed.error.issues.map((i) => i.path.join('.') || '?').join(', '),
    });
  }
  return { images, ...parsed.data };
}

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

  app.post('/api/search-by-image', allow('catalog'), async (request, reply) => {
    const form = await readSearchForm(request);
    if (form.images.length > 0 && form.url) throw appError('IMAGE_AND_URL');
    if (form.images.length > MAX_FILES) throw appError('TOO_MANY_PARTS', { maxFiles: MAX_FILES });
    const images = form.url
      ? [
          await fetchImageBytes(form.url, {
            timeoutMs: config.fetchTimeoutMs,
            maxBytes: config.uploadMaxBytes,
            publicOnly: !config.allowPrivateUrls,
          }),
        ]
      : form.images;
    const outcome = await search.byImages(images, {
      threshold: form.threshold,
      kind: form.url ? 'url' : 'image',
      closest: form.closest,
    });
    await remember(history, request, outcome);
    return replyWithSearch(reply, outcome);
  });

  app.post('/api/products/:id/similar', allow('catalog'), async (request, reply) => {
    const { id } = parseParams(idParams, request.params);
    const outcome = await search.similarTo(id);
    await remember(history, request, outcome);
    return replyWithSearch(reply, outcome);
  });

  // The «Похожие» button is a plain form, so it works without JavaScript too. Browsers post it as
  // application/x-www-form-urlencoded with an empty body, which the app's form parser accepts.
  app.post('/products/:id/similar', allow('catalog'), async (request, reply) => {
    const { id } = parseParams(idParams, request.params);
    const outcome = await search.similarTo(id);
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
