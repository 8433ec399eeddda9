import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import type { MediaStore } from '../../catalog/media.store.ts';
import { allow } from '../../auth/auth.plugin.ts';
import { appError } from '../../errors/app-error.ts';
import { probeImage } from '../../images/images.probe.ts';
import { THUMB_WIDTHS, type createThumbnailer } from '../thumbnails.ts';

const params = z.object({ sha256: z.string().regex(/^[0-9a-f]{64}$/, 'not an image id') }).strict();
const query = z
  .object({
    w: z.coerce
      .number()
      .int()
      .refine(
        (w) => (THUMB_WIDTHS as readonly number[]).includes(w),
        `w must be one of ${THUMB_WIDTHS.join(', ')}`,
      )
      .optional(),
  })
  .strict();

// Content-addressed: a URL's bytes never change, so browsers may cache them for good.
const IMMUTABLE = 'public, max-age=31536000, immutable';

export function registerMediaRoutes(
  app: FastifyInstance,
  deps: { media: MediaStore; thumbnails: ReturnType<typeof createThumbnailer> },
): void {
  app.get('/media/:sha256', allow('catalog'), async (request, reply) => {
    const p = params.safeParse(request.params);
    const q = query.safeParse(request.query);
    if (!p.success) throw appError('MEDIA_NOT_FOUND');
    if (!q.success)
      throw appError('INVALID_PARAMETERS', {
        details: q.error.issues.map((i) => i.message).join('; '),
        fields: 'w',
      });
    if (q.data.w) {
      const thumb = await deps.thumbnails.get(p.data.sha256, q.data.w);
      return reply.header('cache-control', IMMUTABLE).type('image/webp').send(thumb);
    }
    const bytes = await deps.media.read(p.data.sha256);
    const { contentType } = await probeImage(bytes, Number.MAX_SAFE_INTEGER);
    return reply.header('cache-control', IMMUTABLE).type(contentType).send(bytes);
  });
}
