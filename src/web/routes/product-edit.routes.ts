import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { z } from 'zod';
import type { ProductEditService, ProductForm } from '../../catalog/product-edit.service.ts';
import type { CatalogService } from '../../catalog/catalog.service.ts';
import type { AppConfig } from '../../config/config.schema.ts';
import { appError, isAppError, type AppError } from '../../errors/app-error.ts';
import { looksLikeImage } from '../../images/images.probe.ts';
import { FIELDS } from '../../import/column.mapping.ts';
import type { IndexStatusService } from '../../indexer/index-status.service.ts';
import { readMultipartForm } from '../multipart.form.ts';
import { actorOf, allow } from '../../auth/auth.plugin.ts';
import { local } from '../views/admin.parts.ts';
import { productDeletedPage, productEditPage } from '../views/product-edit.view.ts';
import { pageContext } from './catalog.routes.ts';

const idParams = z.object({ id: z.coerce.number().int().positive().max(Number.MAX_SAFE_INTEGER) }).strict();
const imageParams = idParams.extend({
  imageId: z.coerce.number().int().positive().max(Number.MAX_SAFE_INTEGER),
});
const MAX_PHOTOS_PER_POST = 10;
/** the product's fields as the edit form sends them: photos come as files, attributes as text */
const FORM_FIELDS = [...FIELDS.filter((f) => f !== 'images'), 'attributes'];

/** Notices after a redirect: only these keys, so a link cannot put words on the page. */
const NOTICES = {
  saved: 'editSaved',
  removed: 'editPhotoRemoved',
  moved: 'editPhotosMoved',
  added: 'editPhotosAdded',
  reindexed: 'editReindexed',
} as const;

/** Editing a product: each route validates its form, calls one edit service function, and redirects. */
export function registerProductEditRoutes(
  app: FastifyInstance,
  deps: {
    edits: ProductEditService;
    catalog: CatalogService;
    status: IndexStatusService | null;
    config: AppConfig;
  },
): void {
  const { edits, catalog, config } = deps;

  const parse = <T extends z.ZodType>(schema: T, params: unknown): z.infer<T> => {
    const parsed = schema.safeParse(params);
    if (!parsed.success) throw appError('PRODUCT_NOT_FOUND');
    return parsed.data;
  };

  async function render(
    request: FastifyRequest,
    reply: FastifyReply,
    id: number,
    extra: { status?: number; error?: string; form?: ProductForm } = {},
  ) {
    const ctx = pageContext(request);
    const product = await catalog.get(id);
    if (!product) throw appError('PRODUCT_NOT_FOUND');
    const query = request.query as Record<string, unknown>;
    const key = typeof query.done === 'string' ? NOTICES[query.done as keyof typeof NOTICES] : undefined;
    const count = Number(query.count);
    return reply
      .status(extra.status ?? 200)
      .type('text/html; charset=utf-8')
      .send(
        productEditPage(ctx, {
          product,
          form: extra.form,
          error: extra.error,
          notice: key ? ctx.t(key, { count: Number.isFinite(count) ? count : 1 }) : undefined,
          maxPhotoBytes: config.uploadMaxBytes,
          indexing: Boolean(deps.status),
        }),
      );
  }

  const done = (
    request: FastifyRequest,
    reply: FastifyReply,
    id: number,
    what: keyof typeof NOTICES,
    count?: number,
  ) =>
    reply.redirect(
      local(
        pageContext(request),
        `/products/${id}/edit?done=${what}${count !== undefined ? `&count=${count}` : ''}`,
      ),
      303,
    );

  /** A person's mistake: the form again with the reason; anything else is the error handler's. */
  const refused = async (
    request: FastifyRequest,
    reply: FastifyReply,
    id: number,
    error: unknown,
    form?: ProductForm,
  ) => {
    if (!isAppError(error) || error.status >= 500 || error.code === 'PRODUCT_NOT_FOUND') throw error;
    const known: AppError = error;
    return render(request, reply, id, {
      status: known.status,
      error: known.in(pageContext(request).lang),
      form,
    });
  };

  app.get('/products/:id/edit', allow('editor'), async (request, reply) =>
    render(request, reply, parse(idParams, request.params).id),
  );

  app.post('/products/:id/edit', allow('editor'), async (request, reply) => {
    const { id } = parse(idParams, request.params);
    const { fields } = await readMultipartForm(request);
    const form = Object.fromEntries(FORM_FIELDS.map((k) => [k, fields[k] ?? ''])) as ProductForm;
    try {
      await edits.update(id, form, actorOf(request));
      return done(request, reply, id, 'saved');
    } catch (error) {
      return refused(request, reply, id, error, form);
    }
  });

  app.post('/products/:id/images', allow('editor'), async (request, reply) => {
    const { id } = parse(idParams, request.params);
    try {
      const { files } = await readMultipartForm(request, {
        image: {
          maxBytes: config.uploadMaxBytes,
          maxCount: MAX_PHOTOS_PER_POST,
          to: 'memory',
          check: (head) => {
            if (!looksLikeImage(head)) throw appError('IMAGE_NOT_AN_IMAGE');
          },
        },
      });
      const photos = (files.image ?? []).map((f) => ({ bytes: f.bytes!, name: f.name || 'photo' }));
      if (photos.length === 0) throw appError('NO_IMAGE');
      await edits.addImages(id, photos, actorOf(request));
      return done(request, reply, id, 'added', photos.length);
    } catch (error) {
      return refused(request, reply, id, error);
    }
  });

  app.post('/products/:id/images/:imageId/move', allow('editor'), async (request, reply) => {
    const { id, imageId } = parse(imageParams, request.params);
    const { fields } = await readMultipartForm(request);
    const where =
      fields.where === 'first' || fields.where === 'up' || fields.where === 'down' ? fields.where : null;
    try {
      if (!where) throw appError('IMAGE_ORDER_INVALID');
      await edits.moveImage(id, imageId, where, actorOf(request));
      return done(request, reply, id, 'moved');
    } catch (error) {
      return refused(request, reply, id, error);
    }
  });

  app.post('/products/:id/images/:imageId/delete', allow('editor'), async (request, reply) => {
    const { id, imageId } = parse(imageParams, request.params);
    try {
      await edits.removeImage(id, imageId, actorOf(request));
      return done(request, reply, id, 'removed');
    } catch (error) {
      return refused(request, reply, id, error);
    }
  });

  app.post('/products/:id/reindex', allow('editor'), async (request, reply) => {
    const { id } = parse(idParams, request.params);
    if (!deps.status) throw appError('VECTOR_STORE_UNAVAILABLE', { reason: 'no vector store' });
    const n = await deps.status.reindexProduct(id, actorOf(request));
    return done(request, reply, id, 'reindexed', n);
  });

  app.post('/products/:id/delete', allow('editor'), async (request, reply) => {
    const { id } = parse(idParams, request.params);
    const { fields } = await readMultipartForm(request);
    const product = await catalog.get(id);
    if (!product) throw appError('PRODUCT_NOT_FOUND');
    if (fields.confirm !== 'yes')
      return render(request, reply, id, {
        status: 400,
        error: appError('DELETE_NOT_CONFIRMED').in(pageContext(request).lang),
      });
    await edits.deleteProduct(id, actorOf(request));
    return reply
      .status(200)
      .type('text/html; charset=utf-8')
      .send(productDeletedPage(pageContext(request), { name: product.name, sku: product.sku }));
  });
}
