import type {} from '@fastify/multipart';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { z } from 'zod';
import type { AppConfig } from '../../config/config.schema.ts';
import { fetchImageBytes } from '../../catalog/remote-image.fetch.ts';
import { appError } from '../../errors/app-error.ts';
import type { IndexJob } from '../../indexer/index.job.ts';
import type { SearchOutcome, SearchService } from '../../search/search.service.ts';

const MAX_FILES = 8;
const HISTORY_COOKIE = 'vitrina_searches';
const HISTORY_SIZE = 24;

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

function replyWithSearch(reply: FastifyReply, request: FastifyRequest, outcome: SearchOutcome) {
  const previous = historyIds(request);
  const history = [outcome.searchId, ...previous.filter((id) => id !== outcome.searchId)].slice(
    0,
    HISTORY_SIZE,
  );
  // The browser's own history: ids only, in a cookie, so /searches needs no account.
  reply.header(
    'set-cookie',
    `${HISTORY_COOKIE}=${history.join('.')}; Path=/; Max-Age=${60 * 60 * 24 * 90}; SameSite=Lax`,
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

  app.post('/api/search-by-image', async (request, reply) => {
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
    return replyWithSearch(reply, request, outcome);
  });

  app.post('/api/products/:id/similar', async (request, reply) => {
    const { id } = parseParams(idParams, request.params);
    return replyWithSearch(reply, request, await search.similarTo(id));
  });

  // The «Похожие» button is a plain form, so it works without JavaScript too. Browsers post such a
  // form as application/x-www-form-urlencoded, with an empty body: this scope accepts that type.
  void app.register(async (scope) => {
    scope.addContentTypeParser(
      'application/x-www-form-urlencoded',
      { parseAs: 'string', bodyLimit: 4096 },
      (_request, body, done) => done(null, Object.fromEntries(new URLSearchParams(String(body)))),
    );
    scope.post('/products/:id/similar', async (request, reply) => {
      const { id } = parseParams(idParams, request.params);
      const outcome = await search.similarTo(id);
      const lang = (request.query as Record<string, unknown>).lang === 'en' ? '&lang=en' : '';
      replyWithSearch(
        reply.code(303).header('location', `/products?image_search=${outcome.searchId}${lang}`),
        request,
        outcome,
      );
    });
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
