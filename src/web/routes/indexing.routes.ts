import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { z } from 'zod';
import { appError, isAppError } from '../../errors/app-error.ts';
import type { IndexStatusService } from '../../indexer/index-status.service.ts';
import { readMultipartForm } from '../multipart.form.ts';
import { actorOf, allow } from '../../auth/auth.plugin.ts';
import { local } from '../views/admin.parts.ts';
import { indexingPage } from '../views/indexing.view.ts';
import { pageContext } from './catalog.routes.ts';

const pageQuery = z.object({
  model: z.string().min(1).max(100).optional(),
  page: z.coerce.number().int().min(1).max(10_000).optional(),
});
const modelField = z.string().min(1).max(100);

const NOTICES = { retried: 'idxRetried', reindexed: 'idxReindexed', activated: 'idxActivated' } as const;

/** «Индексация»: the status service's overview, its failures, and its buttons. */
export function registerIndexingRoutes(app: FastifyInstance, deps: { status: IndexStatusService }): void {
  const { status } = deps;

  async function render(
    request: FastifyRequest,
    reply: FastifyReply,
    extra: { code?: number; error?: string } = {},
  ) {
    const ctx = pageContext(request);
    const q = pageQuery.safeParse(request.query);
    const query = q.success ? q.data : {};
    const overview = await status.overview();
    // the failures of the chosen model, else of the one being built, else of the serving one
    const model =
      (query.model && overview.models.some((m) => m.model === query.model) ? query.model : null) ??
      overview.models.find((m) => m.failed > 0 && m.model === overview.building)?.model ??
      overview.models.find((m) => m.failed > 0)?.model ??
      overview.serving ??
      overview.configured;
    const page = query.page ?? 1;
    const failures = overview.unavailable ? null : { model, page, ...(await status.failures(model, page)) };
    const raw = request.query as Record<string, unknown>;
    const key = typeof raw.done === 'string' ? NOTICES[raw.done as keyof typeof NOTICES] : undefined;
    const t = ctx.t;
    const noticeText = key
      ? t(key, { count: Number(raw.count) || 0, model: typeof raw.model === 'string' ? raw.model : '' })
      : undefined;
    return reply
      .status(extra.code ?? 200)
      .type('text/html; charset=utf-8')
      .send(indexingPage(ctx, { overview, failures, notice: noticeText, error: extra.error }));
  }

  const done = (
    request: FastifyRequest,
    reply: FastifyReply,
    what: keyof typeof NOTICES,
    params: Record<string, string | number>,
  ) => {
    const qs = new URLSearchParams({
      done: what,
      ...Object.fromEntries(Object.entries(params).map(([k, v]) => [k, String(v)])),
    });
    return reply.redirect(local(pageContext(request), `/indexing?${qs.toString()}`), 303);
  };

  const refused = (request: FastifyRequest, reply: FastifyReply, error: unknown) => {
    if (!isAppError(error) || error.status >= 500) throw error;
    return render(request, reply, { code: error.status, error: error.in(pageContext(request).lang) });
  };

  app.get('/indexing', allow('editor'), async (request, reply) => render(request, reply));

  app.post('/indexing/retry', allow('editor'), async (request, reply) => {
    const { fields } = await readMultipartForm(request);
    try {
      const model = modelField.safeParse(fields.model);
      if (!model.success)
        throw appError('INVALID_PARAMETERS', { details: 'model is required', fields: 'model' });
      const image = fields.image ? Number(fields.image) : undefined;
      if (image !== undefined && !Number.isSafeInteger(image)) {
        throw appError('INVALID_PARAMETERS', { details: 'image must be an image id', fields: 'image' });
      }
      const n = await status.retry(model.data, actorOf(request), image === undefined ? undefined : [image]);
      return done(request, reply, 'retried', { count: n, model: model.data });
    } catch (error) {
      return refused(request, reply, error);
    }
  });

  app.post('/indexing/reindex', allow('editor'), async (request, reply) => {
    await readMultipartForm(request);
    const n = await status.reindexAll(actorOf(request));
    return done(request, reply, 'reindexed', { count: n });
  });

  app.post('/indexing/activate', allow('editor'), async (request, reply) => {
    const { fields } = await readMultipartForm(request);
    try {
      const model = modelField.safeParse(fields.model);
      if (!model.success)
        throw appError('INVALID_PARAMETERS', { details: 'model is required', fields: 'model' });
      await status.activate(model.data, actorOf(request));
      return done(request, reply, 'activated', { model: model.data });
    } catch (error) {
      return refused(request, reply, error);
    }
  });

  // The page's script, and scripts with a token: the same overview as JSON.
  app.get('/api/index/models', allow('editor'), async () => status.overview());
}
